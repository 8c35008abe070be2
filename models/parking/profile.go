package parking

import (
	"math"
	"math/rand/v2"
	"time"
)

// Slot geometry of arrival profiles: 30-minute slots over a week, Monday
// 00:00 first.
const (
	SlotMinutes  = 30
	SlotsPerDay  = 24 * 60 / SlotMinutes
	SlotsPerWeek = 7 * SlotsPerDay
	slotH        = float64(SlotMinutes) / 60
)

// WeekSlot is the slot of the week of a wall-clock time (Monday 00:00 =
// slot 0).
func WeekSlot(t time.Time) int {
	dow := (int(t.Weekday()) + 6) % 7 // Monday 0
	return dow*SlotsPerDay + (t.Hour()*60+t.Minute())/SlotMinutes
}

// Dwell is a lognormal parking duration: MeanH its mean in hours, Sigma
// the standard deviation of its logarithm. Parking durations are commonly
// fitted with lognormal laws (e.g. Richardson 1974 for shopping trips;
// the Birmingham fits below pick the mean per car park).
type Dwell struct {
	MeanH float64
	Sigma float64
}

// mu is the mean of the logarithm of the duration in hours.
func (d Dwell) mu() float64 { return math.Log(d.MeanH) - d.Sigma*d.Sigma/2 }

// Survival is P(duration > h hours).
func (d Dwell) Survival(h float64) float64 {
	if h <= 0 {
		return 1
	}
	z := (math.Log(h) - d.mu()) / d.Sigma
	return 0.5 * math.Erfc(z/math.Sqrt2)
}

// Draw returns a duration in hours.
func (d Dwell) Draw(rng *rand.Rand) float64 { return math.Exp(d.mu() + d.Sigma*rng.NormFloat64()) }

// Profile is a car park's demand: a Poisson arrival rate per slot of the
// week, in vehicles per hour per space of capacity, and the dwell-time
// law. Its expected occupancy is an M(t)/G/c/c loss system's.
type Profile struct {
	Code     string
	Capacity int
	Rate     [SlotsPerWeek]float64 // arrivals per hour per space
	Dwell    Dwell
}

// departures is a binary min-heap of departure times, hours, with typed
// methods (container/heap would box every float64 in an interface, one
// allocation per push). The sift rules are container/heap's, so the
// layout, and with it which car SimulateAssimilated removes, is the same.
type departures []float64

// Len is the number of parked vehicles.
func (h departures) Len() int { return len(h) }

// push adds a departure time. O(log n).
func (h *departures) push(x float64) {
	*h = append(*h, x)
	h.up(len(*h) - 1)
}

// popMin removes the earliest departure. O(log n).
func (h *departures) popMin() {
	n := len(*h) - 1
	(*h)[0], (*h)[n] = (*h)[n], (*h)[0]
	h.down(0, n)
	*h = (*h)[:n]
}

// remove removes the departure at index i. O(log n).
func (h *departures) remove(i int) {
	n := len(*h) - 1
	if n != i {
		(*h)[i], (*h)[n] = (*h)[n], (*h)[i]
		if !h.down(i, n) {
			h.up(i)
		}
	}
	*h = (*h)[:n]
}

func (h departures) up(j int) {
	for {
		i := (j - 1) / 2
		if i == j || !(h[j] < h[i]) {
			return
		}
		h[i], h[j] = h[j], h[i]
		j = i
	}
}

// down sifts index i0 down within the first n entries; true if it moved.
func (h departures) down(i0, n int) bool {
	i := i0
	for {
		j := 2*i + 1
		if j >= n || j < 0 {
			break
		}
		if j2 := j + 1; j2 < n && h[j2] < h[j] {
			j = j2
		}
		if !(h[j] < h[i]) {
			break
		}
		h[i], h[j] = h[j], h[i]
		i = j
	}
	return i > i0
}

// Simulate runs the car park as a stochastic process from start (the
// car park empty) and returns the occupancy at each time of at (sorted,
// all after start). Arrivals are a Poisson process with the profile's
// piecewise-constant rate; an arrival finding the car park full is
// turned away (returned as the count). O(arrivals log capacity).
func (p *Profile) Simulate(rng *rand.Rand, start time.Time, at []time.Time) (occ []int, turnedAway int) {
	return p.simulate(rng, start, at, nil)
}

// SimulateAssimilated is Simulate with the state corrected by the
// observations obs (one per time of at), as the live twin corrects
// itself from a feed: the occupancy at each time is predicted first and
// returned, then set to the observation, adding cars (with a residual
// dwell of a uniform share of a drawn dwell) or removing cars picked at
// random. Each value is so a forecast from the previous observation.
func (p *Profile) SimulateAssimilated(rng *rand.Rand, start time.Time, at []time.Time, obs []int) []int {
	occ, _ := p.simulate(rng, start, at, func(k int, nowH float64, dep *departures) {
		for dep.Len() < obs[k] {
			dep.push(nowH + rng.Float64()*p.Dwell.Draw(rng))
		}
		for dep.Len() > obs[k] {
			dep.remove(rng.IntN(dep.Len()))
		}
	})
	return occ
}

func (p *Profile) simulate(rng *rand.Rand, start time.Time, at []time.Time, correct func(k int, nowH float64, dep *departures)) (occ []int, turnedAway int) {
	occ = make([]int, len(at))
	var dep departures
	if len(at) == 0 {
		return occ, 0
	}
	endH := at[len(at)-1].Sub(start).Hours()
	slotStart := start.Truncate(time.Duration(SlotMinutes) * time.Minute)
	next := 0
	for t0 := slotStart.Sub(start).Hours(); t0 < endH && next < len(at); t0 += slotH {
		wall := start.Add(time.Duration(t0 * float64(time.Hour)))
		rate := p.Rate[WeekSlot(wall)] * float64(p.Capacity)
		t := math.Max(t0, 0)
		for {
			if rate > 0 {
				t += rng.ExpFloat64() / rate
			} else {
				t = t0 + slotH
			}
			if t >= t0+slotH {
				t = t0 + slotH
			}
			for next < len(at) && at[next].Sub(start).Hours() <= t {
				nowH := at[next].Sub(start).Hours()
				occ[next] = countBefore(&dep, nowH)
				if correct != nil {
					correct(next, nowH, &dep)
				}
				next++
			}
			if t >= t0+slotH {
				break
			}
			countBefore(&dep, t)
			if dep.Len() >= p.Capacity {
				turnedAway++
				continue
			}
			dep.push(t + p.Dwell.Draw(rng))
		}
	}
	return occ, turnedAway
}

// countBefore removes the departures at or before t and returns how many
// vehicles remain.
func countBefore(dep *departures, t float64) int {
	for dep.Len() > 0 && (*dep)[0] <= t {
		dep.popMin()
	}
	return dep.Len()
}

// ExpectedOccupancy is the profile's mean occupancy (spaces) at slot
// boundary j of the week, ignoring the capacity limit (an M(t)/G/inf
// system): the sum over earlier slots of rate x the chance a vehicle that
// arrived then is still there.
func (p *Profile) ExpectedOccupancy(j int) float64 {
	var sum float64
	for lag := 1; lag <= SlotsPerWeek; lag++ {
		i := ((j-lag)%SlotsPerWeek + SlotsPerWeek) % SlotsPerWeek
		sum += p.Rate[i] * slotH * p.Dwell.Survival((float64(lag)-0.5)*slotH)
	}
	return sum * float64(p.Capacity)
}
