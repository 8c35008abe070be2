package parking

import (
	"math"
	"math/rand/v2"
	"time"
)

// correctionEpoch is an arbitrary Monday 00:00 the correction runs are
// simulated from (only the slot of the week matters).
var correctionEpoch = time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC)

// correctBySimulation runs opt.SimCorrections rounds of: simulate p as a
// loss system, move each target by the gap between tg and the simulated
// mean at its slot, refit the rates for p's dwell. It returns the last
// rates and their RMSE against the moved targets. The moved targets are
// kept within [0, maxOfferedLoad]. O(rounds x (runs x arrivals log
// capacity + fit)).
func correctBySimulation(p Profile, tg []slotTarget, opt FitOptions) (rate [SlotsPerWeek]float64, rmse float64) {
	rng := rand.New(rand.NewPCG(opt.CorrectionSeed, 0))
	adj := append([]slotTarget(nil), tg...)
	rate = p.Rate
	for range opt.SimCorrections {
		sim := simulatedSlotMeans(p, tg, opt.CorrectionRuns, rng)
		for i := range adj {
			adj[i].mean = math.Min(maxOfferedLoad, math.Max(0, adj[i].mean+tg[i].mean-sim[i]))
		}
		rate, _, rmse = fitRates(adj, p.Dwell, opt)
		p.Rate = rate
	}
	return rate, rmse
}

// simulatedSlotMeans is the mean occupancy fraction of runs simulations
// of p at the slots of tg (in slot order), over two weeks after one week
// of warm-up from empty.
func simulatedSlotMeans(p Profile, tg []slotTarget, runs int, rng *rand.Rand) []float64 {
	const weeks = 2
	week := 7 * 24 * time.Hour
	at := make([]time.Time, 0, weeks*len(tg))
	for w := 1; w <= weeks; w++ {
		for _, t := range tg {
			at = append(at, correctionEpoch.Add(time.Duration(w)*week+time.Duration(t.slot*SlotMinutes)*time.Minute))
		}
	}
	mean := make([]float64, len(tg))
	if p.Capacity <= 0 {
		return mean
	}
	for range runs {
		occ, _ := p.Simulate(rng, correctionEpoch, at)
		for k, v := range occ {
			mean[k%len(tg)] += float64(v)
		}
	}
	for i := range mean {
		mean[i] /= float64(runs * weeks * p.Capacity)
	}
	return mean
}
