package waste

import (
	"math"
	"math/rand/v2"
)

// Profile is the relative deposit rate by local hour of day, averaging 1
// over the day.
type Profile [24]float64

// The kinds' assumed daily shapes (no hourly fill curves are in the data
// at hand; Edinburgh records only emptyings): litter follows pedestrian
// activity (low at night, highest over lunch and the afternoon), household
// waste is taken out mornings and evenings, recycling banks are used in the
// daytime. Normalised to mean 1 by normalise.
var profiles = [numKinds]Profile{
	Basket: normalise(Profile{0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.4, 0.8, 1.0, 1.2, 1.4, 1.6,
		1.8, 1.7, 1.5, 1.5, 1.6, 1.6, 1.4, 1.2, 1.0, 0.8, 0.5, 0.3}),
	Household: normalise(Profile{0.2, 0.1, 0.1, 0.1, 0.1, 0.3, 1.0, 1.8, 1.6, 1.0, 0.8, 0.8,
		0.9, 0.9, 0.9, 1.0, 1.4, 1.8, 2.0, 1.9, 1.6, 1.2, 0.8, 0.4}),
	Recycling: normalise(Profile{0, 0, 0, 0, 0, 0, 0.2, 0.5, 1.0, 1.4, 1.6, 1.7,
		1.7, 1.7, 1.7, 1.7, 1.8, 1.8, 1.6, 1.4, 1.0, 0.6, 0.2, 0}),
}

func normalise(p Profile) Profile {
	var s float64
	for _, v := range p {
		s += v
	}
	for i := range p {
		p[i] *= 24 / s
	}
	return p
}

// depositL is the mean size of one deposit, l: a cup or wrapper in a
// litter bin, a kitchen bag in a household container, a few bottles or a
// carton in a recycling bank. Sizes are exponential (compound Poisson).
var depositL = [numKinds]float64{Basket: 1, Household: 15, Recycling: 5}

// Deposit draws the litres put into a bin of kind k with mean daily
// volume rateL during frac (0..1] of local hour h: a Poisson number of
// deposits with mean rateL/24 x profile[h] x frac / depositL, each of
// exponential size with mean depositL.
func Deposit(rng *rand.Rand, k Kind, rateL float64, h int, frac float64) float64 {
	lambda := rateL / 24 * profiles[k][h] * frac / depositL[k]
	n := poisson(rng, lambda)
	return gammaInt(rng, n) * depositL[k]
}

// poisson draws a Poisson variate of mean lambda: by multiplication of
// uniforms (Knuth, TAOCP vol. 2, 3.4.1) up to mean 30, beyond by the
// rounded normal approximation.
func poisson(rng *rand.Rand, lambda float64) int {
	if !(lambda > 0) {
		return 0
	}
	if lambda > 30 {
		return max(0, int(math.Round(lambda+math.Sqrt(lambda)*rng.NormFloat64())))
	}
	l, k, p := math.Exp(-lambda), 0, rng.Float64()
	for p > l {
		k++
		p *= rng.Float64()
	}
	return k
}

// gammaInt draws the sum of n unit exponentials (an Erlang variate), by
// summing them up to n = 30 and by the normal approximation beyond.
func gammaInt(rng *rand.Rand, n int) float64 {
	if n > 30 {
		return max(0, float64(n)+math.Sqrt(float64(n))*rng.NormFloat64())
	}
	var s float64
	for range n {
		s += rng.ExpFloat64()
	}
	return s
}

// FillBetween adds the deposits of a bin from local time fromS to toS (s
// since a local midnight, may be negative), hour slice by hour slice, and
// returns litres.
func FillBetween(rng *rand.Rand, k Kind, rateL, fromS, toS float64) float64 {
	var sum float64
	for t := fromS; t < toS; {
		next := math.Min(toS, (math.Floor(t/3600)+1)*3600)
		h := int(math.Mod(math.Floor(t/3600), 24))
		if h < 0 { // before the first midnight
			h += 24
		}
		sum += Deposit(rng, k, rateL, h, (next-t)/3600)
		t = next
	}
	return sum
}
