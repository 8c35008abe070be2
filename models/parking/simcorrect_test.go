package parking

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

// TestSimCorrectionFillsFullCarPark: a small car park that is full every
// midday. Fitted without the correction, the simulated loss system runs
// below the forecast (arrivals turned away at the peaks); with it, the
// simulated mean is closer to the forecast.
func TestSimCorrectionFillsFullCarPark(t *testing.T) {
	t.Parallel()
	truth := Profile{Code: "F", Capacity: 80, Dwell: Dwell{MeanH: 4, Sigma: 0.5}}
	for j := range truth.Rate {
		h := float64(j%SlotsPerDay) * slotH
		truth.Rate[j] = 0.01 + 0.45*math.Exp(-(h-10)*(h-10)/6)
	}
	start := time.Date(2016, 10, 3, 0, 0, 0, 0, time.UTC)
	var at []time.Time
	for d := 0; d < 28; d++ {
		for h := 8.0; h <= 16.5; h += 0.5 {
			at = append(at, start.AddDate(0, 0, d).Add(time.Duration(h*float64(time.Hour))))
		}
	}
	occ, _ := truth.Simulate(rand.New(rand.NewPCG(3, 3)), start.Add(-7*24*time.Hour), at)
	s := Series{Code: "F", Capacity: 80}
	full := 0
	for i, o := range occ {
		s.Obs = append(s.Obs, Obs{Time: at[i], Occupancy: o, Capacity: 80})
		if o == 80 {
			full++
		}
	}
	if full < len(occ)/10 {
		t.Fatalf("only %d of %d observations full: the case does not test the loss", full, len(occ))
	}
	end := start.AddDate(0, 0, 28)
	tg := forecastTargets(s, end, ForecastOptions{})
	gap := func(opt FitOptions) float64 {
		p, _ := Fit(s, end, opt)
		sim := simulatedSlotMeans(p, tg, 40, rand.New(rand.NewPCG(9, 9)))
		var g float64
		for i, x := range tg {
			g += math.Abs(sim[i] - x.mean)
		}
		return g / float64(len(tg))
	}
	plain, corrected := gap(FitOptions{SimCorrections: -1}), gap(FitOptions{})
	t.Logf("mean |simulated - forecast|: %.4f without correction, %.4f with", plain, corrected)
	if !(corrected < 0.8*plain) {
		t.Errorf("correction did not close the gap: %.4f -> %.4f", plain, corrected)
	}
}
