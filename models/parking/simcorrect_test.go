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
	s := simulatedSeries(truth, start, 28, 3)
	full := 0
	for _, o := range s.Obs {
		if o.Occupancy == 80 {
			full++
		}
	}
	if full < len(s.Obs)/10 {
		t.Fatalf("only %d of %d observations full: the case does not test the loss", full, len(s.Obs))
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
