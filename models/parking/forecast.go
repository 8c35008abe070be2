package parking

import (
	"math"
	"time"
)

// ForecastOptions choose how Forecast predicts a car park's occupancy in
// the week after the training data: a seasonal-naive forecast (the same
// slot of the most recent weeks; Hyndman & Athanasopoulos 2021,
// "Forecasting: principles and practice", 3rd ed., §5.2) with two
// refinements that reduce day-to-day noise: older weeks decay
// geometrically, and the days of one group (Monday to Thursday) lend
// each other their value at the same time of day with a smaller weight.
// The defaults were chosen by leave-last-week-out validation inside the
// training weeks (bench/parking.md), never on the held-back week.
type ForecastOptions struct {
	// Weeks is how many of the most recent weeks with data for a slot
	// count (default 1). Weeks without data for the slot (outages) are
	// skipped, so a car park whose feed stopped still gets a forecast.
	Weeks int
	// Decay is the weight of each week relative to the next younger one
	// (0 < Decay <= 1; default 0.5).
	Decay float64
	// GroupWeight is the weight of another day of the same day group
	// relative to the day itself (default 0.5; negative: the day alone).
	GroupWeight float64
	// Trend multiplies the forecast by the car park's week-on-week
	// growth, extrapolated one week: the ratio of the mean occupancy of
	// the last week to the week before, over the slots observed in both
	// (off by default: it lost in validation, bench/parking.md).
	Trend bool
}

func (o ForecastOptions) withDefaults() ForecastOptions {
	if o.Weeks <= 0 {
		o.Weeks = 1
	}
	if o.Decay <= 0 || o.Decay > 1 {
		o.Decay = 0.5
	}
	if o.GroupWeight < 0 {
		o.GroupWeight = 0
	} else if o.GroupWeight == 0 {
		o.GroupWeight = 0.5
	}
	return o
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

// Forecast predicts the occupancy fraction at every slot boundary of the
// week starting at end from the observations before end; ok[j] is false
// for slots never observed in the last forecastMaxWeeks weeks (the fit
// fills them through its smoothness penalty).
// O(observations + slots x Weeks).
func Forecast(s Series, end time.Time, opt ForecastOptions) (occ [SlotsPerWeek]float64, ok [SlotsPerWeek]bool) {
	opt = opt.withDefaults()
	if s.Capacity <= 0 {
		return occ, ok
	}
	var cells [forecastMaxWeeks][SlotsPerWeek]cellStats
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
	for j := range occ {
		occ[j], ok[j] = forecastSlot(&cells, j, opt)
	}
	if opt.Trend {
		g := weekGrowth(&cells)
		for j := range occ {
			occ[j] = math.Min(1, occ[j]*g)
		}
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
