package parking

import "math/rand/v2"

// Purpose is why a driver parks; it sets the dwell time.
type Purpose uint8

// The purposes.
const (
	Commute  Purpose = iota
	Errand           // shopping, services
	Leisure          // visits, restaurants, sport
	Resident         // home, overnight
	numPurposes
)

func (p Purpose) String() string {
	return [...]string{"commute", "errand", "leisure", "resident"}[p]
}

// purposeDwell are the dwell laws by purpose (lognormal, mean h and
// log-sd). Orders of magnitude from the review of Young, Thompson &
// Taylor (1991, "A review of urban car parking models", Transport
// Reviews 11(1)): commuters stay a working day (7-9 h), shoppers 1-2 h;
// leisure visits a few hours and residents overnight are assumptions.
var purposeDwell = [numPurposes]Dwell{
	Commute:  {MeanH: 8, Sigma: 0.3},
	Errand:   {MeanH: 1.2, Sigma: 0.8},
	Leisure:  {MeanH: 2.5, Sigma: 0.7},
	Resident: {MeanH: 12, Sigma: 0.4},
}

// purposeMix is the share of each purpose among arrivals by hour band
// (00-06, 06-10, 10-16, 16-20, 20-24): an assumption shaped like the
// trip purposes of urban travel surveys (work trips in the morning peak,
// shopping at midday, home and leisure in the evening).
var purposeMix = [5][numPurposes]float64{
	{0.02, 0.08, 0.30, 0.60},
	{0.60, 0.25, 0.10, 0.05},
	{0.15, 0.55, 0.25, 0.05},
	{0.05, 0.35, 0.30, 0.30},
	{0.00, 0.10, 0.30, 0.60},
}

func hourBand(hour int) int {
	switch {
	case hour < 6:
		return 0
	case hour < 10:
		return 1
	case hour < 16:
		return 2
	case hour < 20:
		return 3
	}
	return 4
}

// drawPurpose picks a purpose for an arrival at the hour of the day.
func drawPurpose(rng *rand.Rand, hour int) Purpose {
	mix := purposeMix[hourBand(hour)]
	u := rng.Float64()
	for p := Purpose(0); p < numPurposes-1; p++ {
		if u < mix[p] {
			return p
		}
		u -= mix[p]
	}
	return numPurposes - 1
}

// backgroundShape is the relative arrival rate by hour of the day of the
// background demand (mean 1 over the day's 24 hours): low at night,
// morning and afternoon peaks, from the mean hourly rise of Birmingham
// car-park occupancy (SOURCES.md: 0.21 at 07:00 to 0.61 at 13:00-14:00)
// and the usual evening return home. An assumption.
var backgroundShape = [24]float64{
	0.15, 0.1, 0.1, 0.1, 0.15, 0.3, 0.8, 1.6, 2.0, 1.7, 1.5, 1.5,
	1.5, 1.4, 1.3, 1.4, 1.7, 1.9, 1.6, 1.2, 0.9, 0.6, 0.4, 0.25,
}
