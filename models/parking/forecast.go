package parking

import (
	"math"
	"time"
)

// ForecastOptions choose how Forecast predicts a car park's occupancy in
// the week after the training data. The forecast is a blend of two
// forecasts (a combination of forecasts: Bates & Granger 1969,
// "The combination of forecasts", Operational Research Quarterly 20(4);
// Hyndman & Athanasopoulos 2021, "Forecasting: principles and practice",
// 3rd ed., §13.4), scaled by the city-wide trend:
//
//   - seasonal naive (Hyndman & Athanasopoulos §5.2): the same slot of the
//     most recent weeks, older weeks decaying geometrically, the days of
//     one group (Monday to Thursday) lending each other their value at the
//     same time of day with a smaller weight;
//   - a robust weekly profile times a recent level: the per-slot median of
//     the last ProfileWeeks weeks (same day grouping), scaled for weekdays
//     and for the weekend separately by the ratio of the last week's
//     occupancy to that profile's, shrunk towards 1 by LevelShrink;
//   - the blend is multiplied by the city-wide week-on-week growth of
//     its day type (CityTrend: the median over all car parks, far less
//     noisy than one car park's ratio), damped by CityDamping.
//
// The defaults were chosen by leave-last-week-out validation inside the
// training weeks (bench/parking.md), never on the held-back week.
type ForecastOptions struct {
	// Weeks is how many of the most recent weeks with data for a slot
	// the seasonal-naive part counts (default 1). Weeks without data for
	// the slot (outages) are skipped, so a car park whose feed stopped
	// still gets a forecast.
	Weeks int
	// Decay is the weight of each week relative to the next younger one
	// (0 < Decay <= 1; default 0.5).
	Decay float64
	// GroupWeight is the weight of another day of the same day group
	// relative to the day itself (default 0.5; negative: the day alone).
	GroupWeight float64
	// Trend multiplies the forecast by the car park's own week-on-week
	// growth, extrapolated one week: the ratio of the mean occupancy of
	// the last week to the week before, over the slots observed in both
	// (off by default: it lost in validation, bench/parking.md).
	Trend bool
	// ProfileWeeks is how many of the most recent weeks with data at a
	// slot the median profile takes (default 4; negative: no profile, the
	// seasonal-naive forecast alone).
	ProfileWeeks int
	// ProfileWeight is the weight of the level-scaled profile in the
	// blend, the seasonal-naive forecast having 1-ProfileWeight (0 <
	// ProfileWeight <= 1; default 0.5).
	ProfileWeight float64
	// LevelShrink is how much of the last week's level, relative to the
	// profile, scales the profile: a ratio r becomes 1+LevelShrink*(r-1)
	// (default 0.75; negative: 0, the profile unscaled).
	LevelShrink float64
	// City is the city-wide week-on-week growth (CityTrendOf). It counts
	// only when City.End is the end of the training data given to
	// Forecast; the zero value is no trend.
	City CityTrend
	// CityDamping is the share of the city-wide growth extrapolated: a
	// growth g becomes 1+CityDamping*(g-1) (default 0.75; negative: 0).
	CityDamping float64
}

func (o ForecastOptions) withDefaults() ForecastOptions {
	if o.Weeks <= 0 {
		o.Weeks = 1
	}
	if o.Decay <= 0 || o.Decay > 1 {
		o.Decay = 0.5
	}
	o.GroupWeight = defaultOr(o.GroupWeight, 0.5)
	if o.ProfileWeeks == 0 {
		o.ProfileWeeks = 4
	}
	if o.ProfileWeight <= 0 || o.ProfileWeight > 1 {
		o.ProfileWeight = 0.5
	}
	o.LevelShrink = defaultOr(o.LevelShrink, 0.75)
	o.CityDamping = defaultOr(o.CityDamping, 0.75)
	return o
}

// defaultOr is def for 0, 0 for a negative v, else v.
func defaultOr(v, def float64) float64 {
	switch {
	case v < 0:
		return 0
	case v == 0:
		return def
	}
	return v
}

// dayGroup is the group of a day of the week (Monday 0): the working
// days Monday to Thursday share their daily profile; Friday, Saturday
// and Sunday stand alone (late shopping, weekend).
func dayGroup(dow int) int {
	if dow <= 3 {
		return 0
	}
	return dow - 2
}

// forecastMaxWeeks bounds how far back Forecast looks for data, weeks.
const forecastMaxWeeks = 26

// cellStats is the sum and count of the occupancy fractions observed
// at one slot boundary of one week before the split.
type cellStats struct{ sum, n float64 }

// weekCells averages the observations of the forecastMaxWeeks weeks
// before end into cells by age in weeks (0: the last week) and slot.
func weekCells(s Series, end time.Time) *[forecastMaxWeeks][SlotsPerWeek]cellStats {
	var cells [forecastMaxWeeks][SlotsPerWeek]cellStats
	if s.Capacity <= 0 {
		return &cells
	}
	week := 7 * 24 * time.Hour
	for _, o := range s.Obs {
		if !o.Time.Before(end) {
			break
		}
		age := int(end.Sub(o.Time) / week)
		if age >= forecastMaxWeeks {
			continue
		}
		j := WeekSlot(o.Time.Add(time.Duration(SlotMinutes) * time.Minute / 2))
		c := &cells[age][j]
		c.sum += float64(o.Occupancy) / float64(s.Capacity)
		c.n++
	}
	return &cells
}

// Forecast predicts the occupancy fraction at every slot boundary of the
// week starting at end from the observations before end; ok[j] is false
// for slots never observed in the last forecastMaxWeeks weeks (the fit
// fills them through its smoothness penalty). Values are clamped to
// [0, 1]. O(observations + slots x weeks).
func Forecast(s Series, end time.Time, opt ForecastOptions) (occ [SlotsPerWeek]float64, ok [SlotsPerWeek]bool) {
	opt = opt.withDefaults()
	if s.Capacity <= 0 {
		return occ, ok
	}
	cells := weekCells(s, end)
	for j := range occ {
		occ[j], ok[j] = forecastSlot(cells, j, opt)
	}
	if opt.ProfileWeeks > 0 {
		prof, pok := levelledProfile(cells, opt)
		blend(&occ, &ok, &prof, &pok, opt.ProfileWeight)
	}
	if opt.Trend {
		g := weekGrowth(cells)
		for j := range occ {
			occ[j] *= g
		}
	}
	if opt.City.End.Equal(end) {
		for j := range occ {
			if g := opt.City.Growth[weekend(j)]; g > 0 {
				occ[j] *= 1 + opt.CityDamping*(g-1)
			}
		}
	}
	for j := range occ {
		occ[j] = math.Min(1, math.Max(0, occ[j]))
	}
	return occ, ok
}

// weekGrowth is the ratio of the mean occupancy of the last week (age 0)
// to the week before (age 1) over the slots observed in both; 1 when
// they share no slot.
func weekGrowth(cells *[forecastMaxWeeks][SlotsPerWeek]cellStats) float64 {
	var last, before float64
	for j := range cells[0] {
		a, b := cells[0][j], cells[1][j]
		if a.n > 0 && b.n > 0 {
			last += a.sum / a.n
			before += b.sum / b.n
		}
	}
	if before <= 0 || last <= 0 {
		return 1
	}
	return last / before
}

// forecastSlot is the weighted mean, over the opt.Weeks youngest weeks
// with data at slot j or at the same time of another day of its group,
// of those cells' means.
func forecastSlot(cells *[forecastMaxWeeks][SlotsPerWeek]cellStats, j int, opt ForecastOptions) (float64, bool) {
	dow, tod := j/SlotsPerDay, j%SlotsPerDay
	var sum, wsum float64
	used, weekW := 0, 1.0
	for age := 0; age < forecastMaxWeeks && used < opt.Weeks; age++ {
		found := false
		for d := 0; d < 7; d++ {
			c := cells[age][d*SlotsPerDay+tod]
			if c.n == 0 || dayGroup(d) != dayGroup(dow) {
				continue
			}
			w := weekW
			if d != dow {
				w *= opt.GroupWeight
			}
			if w == 0 {
				continue
			}
			sum += w * c.sum / c.n
			wsum += w
			found = true
		}
		if found {
			used++
			weekW *= opt.Decay
		}
	}
	if wsum == 0 {
		return 0, false
	}
	return sum / wsum, true
}

// forecastTargets turns a forecast into fitting targets of equal weight.
func forecastTargets(s Series, end time.Time, opt ForecastOptions) []slotTarget {
	occ, ok := Forecast(s, end, opt)
	var out []slotTarget
	for j := range occ {
		if ok[j] && !math.IsNaN(occ[j]) {
			out = append(out, slotTarget{slot: j, mean: occ[j], weight: 1})
		}
	}
	return out
}

// forecastOf is the occupancy fraction Fit is asked to match for the
// week from end, under opt.Targets.
func forecastOf(s Series, end time.Time, opt FitOptions) (occ [SlotsPerWeek]float64, ok [SlotsPerWeek]bool) {
	opt = opt.withDefaults()
	if opt.Targets != TargetsAllWeeks {
		return Forecast(s, end, opt.Forecast)
	}
	for _, t := range targets(s, end, opt.HalfLifeWeeks) {
		occ[t.slot], ok[t.slot] = t.mean, true
	}
	return occ, ok
}

// ForecastMAE is the mean absolute error, in fractions of capacity, of
// the targets Fit would match (no simulation) against the observations
// in the week from start, fitted on the observations before start; n is
// how many observations were compared (0: none, MAE NaN). It measures
// the forecast alone, so that forecasting choices can be validated
// cheaply on weeks inside the training data.
func ForecastMAE(s Series, start time.Time, opt FitOptions) (mae float64, n int) {
	occ, ok := forecastOf(s, start, opt)
	end := start.Add(7 * 24 * time.Hour)
	var sum float64
	for _, o := range s.Obs {
		if o.Time.Before(start) || !o.Time.Before(end) {
			continue
		}
		j := WeekSlot(o.Time.Add(time.Duration(SlotMinutes) * time.Minute / 2))
		if !ok[j] {
			continue
		}
		sum += math.Abs(occ[j] - float64(o.Occupancy)/float64(s.Capacity))
		n++
	}
	if n == 0 {
		return math.NaN(), 0
	}
	return sum / float64(n), n
}
