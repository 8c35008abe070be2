package viz

import (
	"math"
	"slices"
	"sort"
)

// Series is one metric of a set of entities over time: a dense matrix of
// samples [time][entity], NaN where the run recorded nothing. A value holds
// from its sample time until the next sample (the tables' intervals).
type Series struct {
	Name  string    // metric name as shown, e.g. "speed"
	Unit  string    // unit as shown, e.g. "km/h"
	Times []float64 // sample times, s after the run's start, ascending
	Vals  [][]float32
	Min   float64 // smallest finite value over the run
	Max   float64 // largest finite value over the run
}

// newSeries builds a series of n entities from long rows (time, entity
// index, value); rows whose entity is negative are skipped. scale
// multiplies every value (unit conversion); abs takes magnitudes.
func newSeries(name, unit string, n int, times []float64, ent []int, vals []float64, scale float64, abs bool) *Series {
	uniq := slices.Clone(times)
	slices.Sort(uniq)
	uniq = slices.Compact(uniq)
	s := &Series{Name: name, Unit: unit, Times: uniq, Vals: make([][]float32, len(uniq)), Min: math.Inf(1), Max: math.Inf(-1)}
	for k := range s.Vals {
		row := make([]float32, n)
		for i := range row {
			row[i] = float32(math.NaN())
		}
		s.Vals[k] = row
	}
	for r, e := range ent {
		if e < 0 || e >= n || math.IsNaN(times[r]) {
			continue
		}
		v := vals[r] * scale
		if abs {
			v = math.Abs(v)
		}
		k, _ := slices.BinarySearch(uniq, times[r])
		s.Vals[k][e] = float32(v)
		if !math.IsNaN(v) {
			s.Min, s.Max = math.Min(s.Min, v), math.Max(s.Max, v)
		}
	}
	if s.Min > s.Max {
		s.Min, s.Max = 0, 0
	}
	return s
}

// index is the sample holding at time t (the last one at or before t), or
// -1 before the first.
func (s *Series) index(t float64) int {
	return sort.SearchFloat64s(s.Times, math.Nextafter(t, math.Inf(1))) - 1
}

// At is the value of entity e at time t, NaN when none.
func (s *Series) At(e int, t float64) float64 {
	if s == nil {
		return math.NaN()
	}
	k := s.index(t)
	if k < 0 {
		return math.NaN()
	}
	return float64(s.Vals[k][e])
}

// Row is every entity's value at time t (nil before the first sample).
func (s *Series) Row(t float64) []float32 {
	if s == nil {
		return nil
	}
	k := s.index(t)
	if k < 0 {
		return nil
	}
	return s.Vals[k]
}

// History is entity e's samples over the run, in time order.
func (s *Series) History(e int) []float64 {
	out := make([]float64, len(s.Times))
	for k := range s.Times {
		out[k] = float64(s.Vals[k][e])
	}
	return out
}

// Sample is the index of the sample holding at time t (the last one at or
// before t), -1 before the first: two times with the same Sample show the
// same values.
func (s *Series) Sample(t float64) int { return s.index(t) }
