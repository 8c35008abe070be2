package parking

import (
	"slices"
	"time"
)

// weekend is the level class of slot j of the week: 0 for Monday to
// Friday, 1 for Saturday and Sunday. Levels are scaled per class, since
// a weekend and the working days move independently (the pre-Christmas
// weekends of shopping car parks).
func weekend(j int) int {
	if j/SlotsPerDay >= 5 {
		return 1
	}
	return 0
}

// pooledCell is week age's occupancy at slot j, the other days of j's
// day group lending their value at the same time of day with weight
// groupWeight.
func pooledCell(cells *[forecastMaxWeeks][SlotsPerWeek]cellStats, age, j int, groupWeight float64) (float64, bool) {
	dow, tod := j/SlotsPerDay, j%SlotsPerDay
	var sum, wsum float64
	for d := 0; d < 7; d++ {
		c := cells[age][d*SlotsPerDay+tod]
		if c.n == 0 || dayGroup(d) != dayGroup(dow) {
			continue
		}
		w := 1.0
		if d != dow {
			w = groupWeight
		}
		if w == 0 {
			continue
		}
		sum += w * c.sum / c.n
		wsum += w
	}
	if wsum == 0 {
		return 0, false
	}
	return sum / wsum, true
}

// medianProfile is, at each slot, the median of pooledCell over the
// opt.ProfileWeeks youngest weeks with data there (an even count takes
// the mean of the middle two).
func medianProfile(cells *[forecastMaxWeeks][SlotsPerWeek]cellStats, opt ForecastOptions) (prof [SlotsPerWeek]float64, ok [SlotsPerWeek]bool) {
	v := make([]float64, 0, opt.ProfileWeeks)
	for j := range prof {
		v = v[:0]
		for age := 0; age < forecastMaxWeeks && len(v) < opt.ProfileWeeks; age++ {
			if x, has := pooledCell(cells, age, j, opt.GroupWeight); has {
				v = append(v, x)
			}
		}
		if len(v) > 0 {
			prof[j], ok[j] = median(v), true
		}
	}
	return prof, ok
}

// median sorts v and returns its median; v must not be empty.
func median(v []float64) float64 {
	slices.Sort(v)
	n := len(v)
	if n%2 == 1 {
		return v[n/2]
	}
	return (v[n/2-1] + v[n/2]) / 2
}

// levelledProfile is the median profile scaled, per level class, by the
// last week's level relative to it: the ratio r of the sums of the last
// week's cells and of the profile over the slots the last week observed,
// shrunk to 1+opt.LevelShrink*(r-1). A class the last week did not
// observe keeps the profile unscaled.
func levelledProfile(cells *[forecastMaxWeeks][SlotsPerWeek]cellStats, opt ForecastOptions) (prof [SlotsPerWeek]float64, ok [SlotsPerWeek]bool) {
	prof, ok = medianProfile(cells, opt)
	var last, base [2]float64
	for j := range prof {
		if c := cells[0][j]; ok[j] && c.n > 0 {
			last[weekend(j)] += c.sum / c.n
			base[weekend(j)] += prof[j]
		}
	}
	for j := range prof {
		k := weekend(j)
		if base[k] > 0 && last[k] > 0 {
			prof[j] *= 1 + opt.LevelShrink*(last[k]/base[k]-1)
		}
	}
	return prof, ok
}

// blend sets occ to (1-w) occ + w prof where both are known, and to
// whichever is known elsewhere.
func blend(occ *[SlotsPerWeek]float64, ok *[SlotsPerWeek]bool, prof *[SlotsPerWeek]float64, pok *[SlotsPerWeek]bool, w float64) {
	for j := range occ {
		switch {
		case ok[j] && pok[j]:
			occ[j] = (1-w)*occ[j] + w*prof[j]
		case pok[j]:
			occ[j], ok[j] = prof[j], true
		}
	}
}

// CityTrend is the city-wide week-on-week growth of occupancy before End:
// for the working days (Growth[0]) and the weekend (Growth[1]), the
// median over car parks of the ratio of the last week's occupancy to the
// week before's, over the slots observed in both weeks. Pooling the car
// parks is what makes the trend usable: one car park's ratio moves by
// several points from week to week (bench/parking.md). A growth of 0 is
// unknown (no car park observed the class in both weeks).
type CityTrend struct {
	End    time.Time
	Growth [2]float64
	Parks  [2]int // car parks the medians were taken over
}

// CityTrendOf computes the CityTrend of the car parks ss before end.
// O(observations).
func CityTrendOf(ss []Series, end time.Time) CityTrend {
	ct := CityTrend{End: end}
	var ratios [2][]float64
	for _, s := range ss {
		g := classGrowth(weekCells(s, end))
		for k := range g {
			if g[k] > 0 {
				ratios[k] = append(ratios[k], g[k])
			}
		}
	}
	for k, r := range ratios {
		if len(r) > 0 {
			ct.Growth[k], ct.Parks[k] = median(r), len(r)
		}
	}
	return ct
}

// classGrowth is one car park's ratio, per level class, of the last
// week's occupancy to the week before's over the slots both observed; 0
// where they share none.
func classGrowth(cells *[forecastMaxWeeks][SlotsPerWeek]cellStats) [2]float64 {
	var last, before, g [2]float64
	for j := range cells[0] {
		a, b := cells[0][j], cells[1][j]
		if a.n > 0 && b.n > 0 {
			last[weekend(j)] += a.sum / a.n
			before[weekend(j)] += b.sum / b.n
		}
	}
	for k := range g {
		if last[k] > 0 && before[k] > 0 {
			g[k] = last[k] / before[k]
		}
	}
	return g
}
