package parking

import "math"

// erlangB is the Erlang loss formula B(c, a): the chance that an arrival
// to c servers with offered load a (erlangs) finds them all busy,
// computed by the stable recursion B(k) = a B(k-1) / (k + a B(k-1)).
// O(c).
func erlangB(c int, a float64) float64 {
	b := 1.0
	for k := 1; k <= c; k++ {
		b = a * b / (float64(k) + a*b)
	}
	return b
}

// lossMean is the mean occupancy of c servers under the modified
// offered-load approximation with offered load a: the stationary Erlang
// loss system's a (1 - B(c, a)).
func lossMean(c int, a float64) float64 { return a * (1 - erlangB(c, a)) }

// maxOfferedLoad bounds the offered load offeredLoad returns, as a
// multiple of the capacity: a target at (or too near) capacity is met as
// nearly as that allows.
const maxOfferedLoad = 1.5

// offeredLoad is the offered load, as a fraction of capacity c, under
// which the mean occupancy of a c-space loss system is the fraction
// occ of c, in the modified offered-load (MOL) approximation of the
// time-varying Erlang loss system (Jagerman 1975, "Nonstationary
// blocking in telephone traffic", Bell System Technical Journal 54(3);
// Massey & Whitt 1994, "An analysis of the modified offered-load
// approximation for the nonstationary Erlang loss model", Annals of
// Applied Probability 4(4)): the occupancy of the time-varying system is
// close to that of a stationary one whose load is the infinite-server
// mean at that time. Fit matches the M(t)/G/inf mean to this load, so
// that the simulated car park, which turns arrivals away when full, is
// as full as the forecast on average. Bisection to 1e-6 of c; at most
// maxOfferedLoad. O(c log(1/tol)).
func offeredLoad(occ float64, c int) float64 {
	if c <= 0 || occ <= 0 {
		return math.Max(occ, 0)
	}
	target := occ * float64(c)
	lo, hi := target, maxOfferedLoad*float64(c)
	if lossMean(c, hi) <= target {
		return maxOfferedLoad
	}
	for hi-lo > 1e-6*float64(c) {
		mid := (lo + hi) / 2
		if lossMean(c, mid) < target {
			lo = mid
		} else {
			hi = mid
		}
	}
	return (lo + hi) / 2 / float64(c)
}
