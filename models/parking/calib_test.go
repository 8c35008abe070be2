package parking

import (
	"math"
	"math/rand/v2"
	"os"
	"testing"
	"time"
)

// heldBack is the start of the last week of the Birmingham data.
var heldBack = time.Date(2016, 12, 13, 0, 0, 0, 0, time.UTC)

// TestBirminghamHoldout fits every car park on all but the last week and
// simulates the held-back week (one seeded run). It prints the MAE per
// car park (bench/parking.md) and checks it against the values measured
// when the model was written (a regression guard), and that at least 10
// of the 28 car parks with training and test data are within 5 % of
// capacity. The acceptance target of the issue (all within 5 %) is NOT
// met: see bench/parking.md.
func TestBirminghamHoldout(t *testing.T) {
	if testing.Short() {
		t.Skip("fits 30 car parks (about 20 s)")
	}
	t.Parallel()
	f, err := os.Open("testdata/birmingham_2016.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ss, rep, err := ReadBirmingham(f, "birmingham", CleanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("feed: %+v", rep)
	if rep.AboveCapacity != 373 || rep.Duplicates != 216 || rep.BadRows != 12 {
		t.Errorf("cleaning counts changed: %+v", rep)
	}
	pass, assessed := 0, 0
	var sum float64
	for i, s := range ss {
		r := Holdout(s, heldBack, FitOptions{}, rand.New(rand.NewPCG(1, uint64(i))), 0)
		trained := len(s.Obs) > r.TestObs
		t.Logf("%-18s cap %5d dwell %4.1f h fit-rmse %.3f test-obs %3d MAE %5.1f %% assimilated %4.1f %%", r.Code, r.Capacity, r.Dwell.MeanH, r.FitRMSE, r.TestObs, 100*r.MAE, 100*r.MAEAssim)
		if r.TestObs == 0 || !trained {
			continue
		}
		assessed++
		sum += r.MAE
		if r.MAE <= 0.05 {
			pass++
		}
		if r.MAEAssim > 0.05 {
			t.Errorf("%s: corrected by the feed, MAE %.3f", r.Code, r.MAEAssim)
		}
		if r.MAE > 0.13 || math.IsNaN(r.MAE) {
			t.Errorf("%s: MAE %.3f", r.Code, r.MAE)
		}
	}
	t.Logf("%d of %d car parks within 5 %%, mean MAE %.1f %%", pass, assessed, 100*sum/float64(assessed))
	if assessed != 28 || pass < 10 || sum/float64(assessed) > 0.065 {
		t.Errorf("%d of %d within 5 %%", pass, assessed)
	}
}

// TestFitRecoversProfile: occupancy simulated from a known profile is
// fitted back to an expected occupancy close to the truth.
func TestFitRecoversProfile(t *testing.T) {
	t.Parallel()
	truth := Profile{Code: "T", Capacity: 400, Dwell: Dwell{MeanH: 3, Sigma: 0.5}}
	for j := range truth.Rate {
		h := float64(j%SlotsPerDay) * slotH
		truth.Rate[j] = 0.05 + 0.15*math.Exp(-(h-11)*(h-11)/8)
	}
	start := time.Date(2016, 10, 3, 0, 0, 0, 0, time.UTC)
	var at []time.Time
	for d := 0; d < 42; d++ {
		for h := 8.0; h <= 16.5; h += 0.5 {
			at = append(at, start.AddDate(0, 0, d).Add(time.Duration(h*float64(time.Hour))))
		}
	}
	occ, _ := truth.Simulate(rand.New(rand.NewPCG(7, 7)), start.Add(-7*24*time.Hour), at)
	s := Series{Code: "T", Capacity: 400}
	for i, o := range occ {
		s.Obs = append(s.Obs, Obs{Time: at[i], Occupancy: o, Capacity: 400})
	}
	p, rmse := Fit(s, start.AddDate(0, 0, 42), FitOptions{})
	if rmse > 0.03 {
		t.Fatalf("fit rmse %.3f", rmse)
	}
	for _, h := range []int{9, 12, 15} {
		j := 2*SlotsPerDay + h*2 // Wednesday
		got, want := p.ExpectedOccupancy(j), truth.ExpectedOccupancy(j)
		if math.Abs(got-want) > 0.05*400 {
			t.Errorf("%02d:00 expected occupancy %.0f, truth %.0f", h, got, want)
		}
	}
}
