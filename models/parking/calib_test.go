package parking

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// heldBack is the start of the last week of the Birmingham data.
var heldBack = time.Date(2016, 12, 13, 0, 0, 0, 0, time.UTC)

// calibSeeds is how many seeded runs the calibration target averages
// (the first run is also reported alone).
const calibSeeds = 5

// holdoutAll runs Holdout on every series for the week from split, two
// car parks at a time; series i uses seed (seed, i), and the fit's
// simulation correction seed.
func holdoutAll(ss []Series, split time.Time, opt FitOptions, seed uint64) []HoldoutResult {
	out := make([]HoldoutResult, len(ss))
	opt = withCity(opt, ss, split)
	opt.CorrectionSeed = seed
	next := make(chan int)
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				out[i] = Holdout(ss[i], split, opt, rand.New(rand.NewPCG(seed, uint64(i))), calibSeeds-1)
			}
		}()
	}
	for i := range ss {
		next <- i
	}
	close(next)
	wg.Wait()
	return out
}

// assessable: the car park has observations in the tested week and
// before it.
func assessable(s Series, r HoldoutResult) bool { return r.TestObs > 0 && len(s.Obs) > r.TestObs }

// holdoutSummary is the count of assessable car parks, how many are
// within 5 % by the mean of runs and by the first run alone, and the
// mean MAE of each.
type holdoutSummary struct {
	parks, pass, passOne int
	mean, meanOne        float64
}

func summarize(ss []Series, res []HoldoutResult) holdoutSummary {
	var h holdoutSummary
	for i, r := range res {
		if !assessable(ss[i], r) {
			continue
		}
		h.parks++
		h.mean += r.MAEMean
		h.meanOne += r.MAE
		if r.MAEMean <= 0.05 {
			h.pass++
		}
		if r.MAE <= 0.05 {
			h.passOne++
		}
	}
	h.mean /= float64(h.parks)
	h.meanOne /= float64(h.parks)
	return h
}

// simulatedSeries is the occupancy of a car park run from truth, seeded
// (seed, seed), sampled every 30 min from 08:00 to 16:30 on days days
// from start, after a week of warm-up.
func simulatedSeries(truth Profile, start time.Time, days int, seed uint64) Series {
	var at []time.Time
	for d := 0; d < days; d++ {
		for h := 8.0; h <= 16.5; h += 0.5 {
			at = append(at, start.AddDate(0, 0, d).Add(time.Duration(h*float64(time.Hour))))
		}
	}
	occ, _ := truth.Simulate(rand.New(rand.NewPCG(seed, seed)), start.Add(-7*24*time.Hour), at)
	s := Series{Code: truth.Code, Capacity: truth.Capacity}
	for i, o := range occ {
		s.Obs = append(s.Obs, Obs{Time: at[i], Occupancy: o, Capacity: truth.Capacity})
	}
	return s
}

// TestBirminghamCleaning checks the cleaning counts of the Birmingham
// feed given in bench/parking.md ("Feeds and dirty data"). It is cheap, so
// it runs in -short, unlike TestBirminghamHoldout that uses the same feed.
func TestBirminghamCleaning(t *testing.T) {
	t.Parallel()
	_, rep := birminghamFeed(t)
	// kept = rows - bad - duplicates - frozen rows; the 373 above capacity
	// are all clamped, none dropped, and no zero run is an outage
	want := FeedReport{Rows: 35717, BadRows: 12, Duplicates: 216, AboveCapacity: 373, Clamped: 373,
		FrozenRuns: 1, FrozenRunRows: 14, Kept: 35717 - 12 - 216 - 14}
	if rep != want {
		t.Errorf("cleaning counts changed:\n got %+v\nwant %+v", rep, want)
	}
}

// TestBirminghamHoldout fits every car park on all but the last week and
// simulates the held-back week (calibSeeds seeded runs; the target is
// the MAE of their mean). It prints the MAE per car park
// (bench/parking.md) and guards the values measured when the model was
// written. The acceptance target of the issue (every car park within 5
// %) is NOT met: see bench/parking.md for which miss and why.
func TestBirminghamHoldout(t *testing.T) {
	if testing.Short() {
		t.Skip("fits and simulates 30 car parks (about 40 s)")
	}
	t.Parallel()
	ss := birmingham(t)
	res := holdoutAll(ss, heldBack, FitOptions{}, 1)
	var b strings.Builder
	b.WriteString("| car park | capacity | dwell (h) | test obs | forecast MAE % (no simulation) | MAE % one run | MAE % mean of 5 runs | <= 5 %? | MAE % corrected by the feed |\n|---|---|---|---|---|---|---|---|---|\n")
	pass, assessed := 0, 0
	var sum float64
	for i, r := range res {
		s := ss[i]
		if !assessable(s, r) {
			why := "no data in the held-back week"
			if r.TestObs > 0 {
				why = "all its data fall in the held-back week"
			}
			fmt.Fprintf(&b, "| %s | %d | - | %d | not assessable: %s | | | - | - |\n", r.Code, r.Capacity, r.TestObs, why)
			continue
		}
		fm, _ := ForecastMAE(s, heldBack, withCity(FitOptions{}, ss, heldBack))
		ok := "no"
		assessed++
		sum += r.MAEMean
		if r.MAEMean <= 0.05 {
			pass++
			ok = "yes"
		}
		fmt.Fprintf(&b, "| %s | %d | %.0f | %d | %.1f | %.1f | %.1f | %s | %.1f |\n", r.Code, r.Capacity, r.Dwell.MeanH, r.TestObs,
			100*fm, 100*r.MAE, 100*r.MAEMean, ok, 100*r.MAEAssim)
		if r.MAEAssim > 0.05 {
			t.Errorf("%s: corrected by the feed, MAE %.3f", r.Code, r.MAEAssim)
		}
		if r.MAEMean > 0.12 || math.IsNaN(r.MAEMean) {
			t.Errorf("%s: MAE %.3f", r.Code, r.MAEMean)
		}
	}
	fmt.Fprintf(&b, "\n%d of %d assessable car parks within 5 %% (mean of %d runs); mean MAE %.2f %%.\n", pass, assessed, calibSeeds, 100*sum/float64(assessed))
	t.Logf("\n%s", b.String())
	if assessed != 28 || pass < 17 || sum/float64(assessed) > 0.051 {
		t.Errorf("%d of %d within 5 %%, mean %.3f", pass, assessed, sum/float64(assessed))
	}
	if p := os.Getenv("PARKING_CALIB"); p != "" {
		if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// calibCandidates are the fitting choices TestCalibrationValidation
// compares by simulation; the first is the package default.
var calibCandidates = []forecastCandidate{
	{"smoothness 0.002, dwell log-sd 0.5, 3 simulation corrections x 8 runs (default)", FitOptions{}},
	{"no simulation correction (session 2 fit)", FitOptions{SimCorrections: -1}},
	{"MOL offered-load targets, no simulation correction", FitOptions{SimCorrections: -1, LossCorrection: true}},
	{"smoothness 0.02 (session 1)", FitOptions{Smooth: 0.02}},
	{"dwell log-sd 0.5 or 1.0", FitOptions{DwellSigmas: []float64{0.5, 1}}},
}

// TestCalibrationValidation runs the whole calibration (fit and
// simulate, mean of calibSeeds runs) on each of the last three training
// weeks, each fitted only on the weeks before it, for the fitting
// candidates, and reports them beside the held-back week; it fails unless
// the default fit's validation mean is the lowest or within 0.02 point of
// it. It takes minutes: set PARKING_CALIB_VALIDATION=path to run it and
// write the table.
func TestCalibrationValidation(t *testing.T) {
	path := os.Getenv("PARKING_CALIB_VALIDATION")
	if path == "" || testing.Short() {
		t.Skip("set PARKING_CALIB_VALIDATION=path (minutes)")
	}
	ss := birmingham(t)
	var b strings.Builder
	b.WriteString("| fit | week from | car parks | within 5 % | mean MAE % |\n|---|---|---|---|---|\n")
	var valMeans []float64 // per candidate, fraction of capacity
	for _, c := range calibCandidates {
		var valSum float64
		for _, w := range append(validationWeeks(), heldBack) {
			h := summarize(ss, holdoutAll(ss, w, c.opt, 1))
			label := w.Format("2006-01-02")
			if w.Equal(heldBack) {
				label += " (held back)"
			} else {
				valSum += h.mean
			}
			fmt.Fprintf(&b, "| %s | %s | %d | %d | %.2f |\n", c.name, label, h.parks, h.pass, 100*h.mean)
		}
		fmt.Fprintf(&b, "| %s | **validation mean** | | | **%.3f** |\n", c.name, 100*valSum/3)
		t.Logf("%s: validation mean %.3f %%", c.name, 100*valSum/3)
		valMeans = append(valMeans, valSum/3)
	}
	t.Logf("\n%s", b.String())
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	// bench/parking.md reads the fitting choices as a tie (4.329-4.342 %,
	// the default lowest): the default must be the lowest or within 0.02
	// point of it.
	if lowest := slices.Min(valMeans); valMeans[0] > lowest+0.0002 {
		t.Errorf("default fit: validation mean %.3f %%, lowest %.3f %% (more than 0.02 point better)", 100*valMeans[0], 100*lowest)
	}
}

// TestHoldoutSeeds repeats TestBirminghamHoldout's calibration with
// seed sets k = 1..5 (runs and fit corrections seeded with (k, i); k = 1
// is TestBirminghamHoldout's): how much of the count within 5 % is luck.
// Every seed set must have at least 16 of 28 car parks within 5 % and a
// mean MAE below 5.2 %. Set PARKING_CALIB_SEEDS=path to run it (about a
// minute per seed set) and write the table.
func TestHoldoutSeeds(t *testing.T) {
	path := os.Getenv("PARKING_CALIB_SEEDS")
	if path == "" || testing.Short() {
		t.Skip("set PARKING_CALIB_SEEDS=path (minutes)")
	}
	ss := birmingham(t)
	var b strings.Builder
	b.WriteString("| seed set | within 5 % (mean of 5 runs) | mean MAE % (mean of 5 runs) | within 5 % (one run) | mean MAE % (one run) |\n|---|---|---|---|---|\n")
	for seed := uint64(1); seed <= 5; seed++ {
		h := summarize(ss, holdoutAll(ss, heldBack, FitOptions{}, seed))
		fmt.Fprintf(&b, "| (%d, i) | %d of %d | %.2f | %d | %.2f |\n", seed, h.pass, h.parks, 100*h.mean, h.passOne, 100*h.meanOne)
		// bench/parking.md: 17-18 of 28 within 5 %, mean 4.96-5.07 % over
		// the five seed sets; a seed set below 16 or above 5.2 % is a
		// regression, not luck.
		if h.parks != 28 || h.pass < 16 || !(h.mean < 0.052) {
			t.Errorf("seed set (%d, i): %d of %d car parks within 5 %%, mean MAE %.2f %%; want 28, at least 16, below 5.2 %%",
				seed, h.pass, h.parks, 100*h.mean)
		}
	}
	t.Logf("\n%s", b.String())
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
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
	s := simulatedSeries(truth, start, 42, 7)
	for _, opt := range []FitOptions{{}, {Forecast: ForecastOptions{Weeks: 3}}, {Targets: TargetsAllWeeks}} {
		p, rmse := Fit(s, start.AddDate(0, 0, 42), opt)
		if rmse > 0.03 {
			t.Fatalf("%+v: fit rmse %.3f", opt, rmse)
		}
		for _, h := range []int{9, 12, 15} {
			j := 2*SlotsPerDay + h*2 // Wednesday
			got, want := p.ExpectedOccupancy(j), truth.ExpectedOccupancy(j)
			if math.Abs(got-want) > 0.05*400 {
				t.Errorf("%+v: %02d:00 expected occupancy %.0f, truth %.0f", opt, h, got, want)
			}
		}
	}
}
