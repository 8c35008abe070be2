package parking

import (
	"math"
	"math/rand/v2"
	"time"
)

// Targets says what occupancy Fit matches.
type Targets uint8

// The target kinds.
const (
	// TargetsForecast: the Forecast of the week after the training data
	// (recent weeks, day groups; FitOptions.Forecast). The default.
	TargetsForecast Targets = iota
	// TargetsAllWeeks: the mean of every training week at each slot,
	// weighted by age with FitOptions.HalfLifeWeeks (the first
	// calibration of this model; kept for comparison).
	TargetsAllWeeks
)

// FitOptions tune Fit.
type FitOptions struct {
	// Targets chooses the occupancy the rates are fitted to.
	Targets Targets
	// Forecast tunes the forecast targets (TargetsForecast).
	Forecast ForecastOptions
	// HalfLifeWeeks weights observations by 2^(-age/half-life), age in
	// weeks before the end of the fitting window, so that recent weeks
	// count more (TargetsAllWeeks only). Default 2.
	HalfLifeWeeks float64
	// Smooth is the weight of the penalty on differences between the
	// rates of neighbouring slots, relative to the data term. It fills the
	// slots the feed never observes (Birmingham is sampled 08:00-16:30
	// only) and picks the smoothest rates that explain the occupancy.
	// Default 0.002 (chosen over 0.02 by validation on the last three
	// training weeks, bench/parking.md).
	Smooth float64
	// DwellMeansH and DwellSigmas are the candidate dwell laws; the one
	// with the lowest objective wins. Defaults: 1-12 h, sigma 0.5.
	DwellMeansH []float64
	DwellSigmas []float64
	// Iterations: sweeps of the coordinate-descent solver. Default 400.
	Iterations int
	// LossCorrection raises each target to the offered load under which
	// a car park of the series' capacity, turning arrivals away when
	// full, is that full on average (offeredLoad), before the
	// infinite-server mean is fitted to it. Off by default: it lost in
	// validation (bench/parking.md): with dwells of hours, a car park
	// full at midday empties far faster in the afternoon than the
	// infinite-server system the raised targets describe.
	LossCorrection bool
	// SimCorrections is how many rounds of simulation-based correction
	// follow the fit (default 3; negative: none): the fitted car park is simulated
	// (CorrectionRuns runs of two weeks after a week of warm-up, turning
	// arrivals away when full), each target is moved by the gap between
	// the forecast and the simulated mean occupancy at its slot, and the
	// rates are fitted again for the chosen dwell law (fixed-point
	// calibration of a stochastic model to its targets). The simulated
	// car park is as full as the forecast where it fills up, which the
	// infinite-server fit alone overstates (bench/parking.md).
	SimCorrections int
	// CorrectionRuns is the number of simulated runs per correction
	// round (default 8); CorrectionSeed seeds them
	// (rand.NewPCG(CorrectionSeed, 0)), so Fit stays deterministic.
	CorrectionRuns int
	CorrectionSeed uint64
}

func (o FitOptions) withDefaults() FitOptions {
	if o.HalfLifeWeeks <= 0 {
		o.HalfLifeWeeks = 2
	}
	if o.Smooth <= 0 {
		o.Smooth = 0.002
	}
	if len(o.DwellMeansH) == 0 {
		o.DwellMeansH = []float64{1, 2, 4, 6, 8, 12}
	}
	if len(o.DwellSigmas) == 0 {
		o.DwellSigmas = []float64{0.5}
	}
	if o.Iterations <= 0 {
		o.Iterations = 400
	}
	if o.CorrectionRuns <= 0 {
		o.CorrectionRuns = 8
	}
	if o.SimCorrections == 0 {
		o.SimCorrections = 3
	}
	return o
}

// slotTarget is the weighted mean occupancy fraction observed at one slot
// boundary of the week.
type slotTarget struct {
	slot   int
	mean   float64
	weight float64
}

// targets averages the observations before end into slot-boundary means
// of occupancy/capacity, each observation weighted by its age.
func targets(s Series, end time.Time, halfLifeWeeks float64) []slotTarget {
	var sum, wsum [SlotsPerWeek]float64
	for _, o := range s.Obs {
		if !o.Time.Before(end) {
			break
		}
		// an observation belongs to the nearest slot boundary
		j := WeekSlot(o.Time.Add(time.Duration(SlotMinutes) * time.Minute / 2))
		ageW := end.Sub(o.Time).Hours() / (24 * 7)
		w := math.Exp2(-ageW / halfLifeWeeks)
		sum[j] += w * float64(o.Occupancy) / float64(s.Capacity)
		wsum[j] += w
	}
	var out []slotTarget
	for j := range sum {
		if wsum[j] > 0 {
			out = append(out, slotTarget{slot: j, mean: sum[j] / wsum[j], weight: wsum[j]})
		}
	}
	return out
}

// Fit estimates a car park's profile from its observations before end,
// for the week that starts at end: for each candidate dwell law, the non-negative arrival rates per slot
// that minimise the weighted squared error between the expected
// occupancy (M(t)/G/inf, periodic over the week) and the observed slot
// means, plus a smoothness penalty; the best candidate wins. The
// objective is a convex quadratic in the rates. Fit returns the profile and its
// root mean squared error on the targets (fraction of capacity; with the loss
// correction, on the offered loads the targets were raised to).
func Fit(s Series, end time.Time, opt FitOptions) (Profile, float64) {
	opt = opt.withDefaults()
	tg := forecastTargets(s, end, opt.Forecast)
	if opt.Targets == TargetsAllWeeks {
		tg = targets(s, end, opt.HalfLifeWeeks)
	}
	if opt.LossCorrection {
		for i := range tg {
			tg[i].mean = offeredLoad(tg[i].mean, s.Capacity)
		}
	}
	best := Profile{Code: s.Code, Capacity: s.Capacity}
	bestObj := math.Inf(1)
	bestRMSE := 0.0
	for _, m := range opt.DwellMeansH {
		for _, sg := range opt.DwellSigmas {
			d := Dwell{MeanH: m, Sigma: sg}
			rate, obj, rmse := fitRates(tg, d, opt)
			if obj < bestObj {
				bestObj, bestRMSE = obj, rmse
				best.Rate, best.Dwell = rate, d
			}
		}
	}
	if opt.SimCorrections > 0 && len(tg) > 0 {
		best.Rate, bestRMSE = correctBySimulation(best, tg, opt)
	}
	return best, bestRMSE
}

// kernelOf is the chance a vehicle that arrived lag slots before a slot
// boundary (uniformly within its slot) is still parked, times the slot
// length: the expected occupancy per unit of rate.
func kernelOf(d Dwell) [SlotsPerWeek]float64 {
	var k [SlotsPerWeek]float64
	for lag := 1; lag <= SlotsPerWeek; lag++ {
		k[lag-1] = slotH * d.Survival((float64(lag)-0.5)*slotH)
	}
	return k
}

// fitRates solves for the rates of one dwell law: it builds the normal
// matrix H = A'WA + smooth*D'D and b = A'Wy once (A the convolution of
// rates into occupancy at the target slots, D the cyclic first
// difference), then minimises x'Hx - 2b'x over x >= 0 by cyclic
// coordinate descent, which converges for a positive semi-definite H
// (Luo & Tseng 1992). O(targets*slots^2 + sweeps*slots^2).
func fitRates(tg []slotTarget, d Dwell, opt FitOptions) (rate [SlotsPerWeek]float64, obj, rmse float64) {
	const n = SlotsPerWeek
	k := kernelOf(d)
	var wtot float64
	for _, t := range tg {
		wtot += t.weight
	}
	if wtot == 0 {
		return rate, 0, 0
	}
	h := make([]float64, n*n)
	var b [n]float64
	row := make([]float64, n)
	for _, t := range tg {
		w := t.weight / wtot
		for i := range row {
			row[i] = k[((t.slot-i+n)%n+n-1)%n] // lag = slot - i (1..n)
		}
		for i, ai := range row {
			if ai == 0 {
				continue
			}
			b[i] += w * ai * t.mean
			hi := h[i*n : i*n+n]
			for j, aj := range row {
				hi[j] += w * ai * aj
			}
		}
	}
	for i := 0; i < n; i++ { // smoothness: sum (x_i - x_{i+1})^2
		j := (i + 1) % n
		h[i*n+i] += 2 * opt.Smooth
		h[i*n+j] -= opt.Smooth
		h[j*n+i] -= opt.Smooth
	}
	x := coordinateDescent(h, b[:], opt.Iterations)
	copy(rate[:], x)
	var se float64
	for _, t := range tg {
		var p float64
		for i := range x {
			p += x[i] * k[((t.slot-i+n)%n+n-1)%n]
		}
		se += t.weight / wtot * (p - t.mean) * (p - t.mean)
	}
	var pen float64
	for i := range x {
		dx := x[i] - x[(i+1)%n]
		pen += dx * dx
	}
	return rate, se + opt.Smooth*pen, math.Sqrt(se)
}

// coordinateDescent minimises x'Hx - 2b'x over x >= 0 (H symmetric
// positive semi-definite, row-major n x n), keeping the gradient g = Hx -
// b up to date; it stops after sweeps sweeps or when no coordinate moves
// by more than 1e-12.
func coordinateDescent(h, b []float64, sweeps int) []float64 {
	n := len(b)
	x := make([]float64, n)
	g := make([]float64, n)
	for i := range g {
		g[i] = -b[i]
	}
	for s := 0; s < sweeps; s++ {
		moved := 0.0
		for i := 0; i < n; i++ {
			hii := h[i*n+i]
			if hii <= 0 {
				continue
			}
			nx := math.Max(0, x[i]-g[i]/hii)
			dx := nx - x[i]
			if dx == 0 {
				continue
			}
			x[i] = nx
			moved = math.Max(moved, math.Abs(dx))
			hi := h[i*n : i*n+n]
			for j := range g {
				g[j] += hi[j] * dx
			}
		}
		if moved < 1e-12 {
			break
		}
	}
	return x
}

// HoldoutResult is the calibration check of one car park.
type HoldoutResult struct {
	Code      string
	Capacity  int
	Dwell     Dwell
	FitRMSE   float64 // on the training slot means, fraction of capacity
	TestObs   int     // observations in the held-back period
	MAE       float64 // mean |simulated - observed| / capacity over them
	MAEMean   float64 // the same for the mean of Replications runs
	TurnedAwy int     // arrivals turned away in the first run's test period
	// MAEAssim is the MAE of the twin corrected by the feed at every
	// observation: each value a forecast from the previous observation
	// (about 30 min ahead in the day, overnight at the first of a day).
	MAEAssim float64
}

// Holdout fits the series on everything before split and simulates the
// held-back observations in the week from split: a warm-up of two weeks
// from an empty car park, then the occupancy at each observation time.
// The first run uses rng; replications more runs (0: none) give MAEMean.
func Holdout(s Series, split time.Time, opt FitOptions, rng *rand.Rand, replications int) HoldoutResult {
	p, rmse := Fit(s, split, opt)
	res := HoldoutResult{Code: s.Code, Capacity: s.Capacity, Dwell: p.Dwell, FitRMSE: rmse}
	var at []time.Time
	var obs []float64
	for _, o := range s.Obs {
		if !o.Time.Before(split) && o.Time.Before(split.Add(7*24*time.Hour)) {
			at = append(at, o.Time)
			obs = append(obs, float64(o.Occupancy))
		}
	}
	res.TestObs = len(at)
	if len(at) == 0 || s.Capacity <= 0 {
		return res
	}
	start := split.Add(-14 * 24 * time.Hour)
	sum := make([]float64, len(at))
	for r := 0; r <= replications; r++ {
		occ, away := p.Simulate(rng, start, at)
		if r == 0 {
			res.MAE = mae(occ, obs, s.Capacity)
			res.TurnedAwy = away
		}
		for i, v := range occ {
			sum[i] += float64(v)
		}
	}
	mean := make([]int, len(at))
	for i := range sum {
		mean[i] = int(math.Round(sum[i] / float64(replications+1)))
	}
	res.MAEMean = mae(mean, obs, s.Capacity)
	obsInt := make([]int, len(obs))
	for i, v := range obs {
		obsInt[i] = int(v)
	}
	res.MAEAssim = mae(p.SimulateAssimilated(rng, start, at, obsInt), obs, s.Capacity)
	return res
}

func mae(sim []int, obs []float64, capacity int) float64 {
	var s float64
	for i := range sim {
		s += math.Abs(float64(sim[i]) - obs[i])
	}
	return s / float64(len(sim)) / float64(capacity)
}
