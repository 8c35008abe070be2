package synth

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"citytwin/models/city"
	"citytwin/models/water"
)

// ErrNoStreets is returned for a city without a street network to lay
// mains along.
var ErrNoStreets = errors.New("synth: no streets to lay mains along")

// ErrNoDemand is returned for a city without buildings that draw water.
var ErrNoDemand = errors.New("synth: no buildings that draw water")

// Result is a synthesized network and what was assumed to make it.
type Result struct {
	Net    *water.Network // as read back from INP: ready to simulate
	INP    []byte         // the EPANET .inp file (LPS, Hazen-Williams, lon/lat coordinates)
	Source Source

	MergedNodes      int     // road nodes merged into a junction within MergeM
	DroppedJunctions int     // junctions off the largest connected part (their buildings go to the nearest kept one)
	PipeKm           float64 // length of the mains
	Residents        float64 // from residential floor area
	MeanDemandLps    float64 // daily mean, losses included, l/s
	PeakDemandLps    float64 // at the pattern's peak hour, l/s
	PeakHour         int     // hour of day of the peak
	MinPressureM     float64 // lowest junction pressure at the peak hour, m
	MaxPressureM     float64 // highest, m
	SizingRounds     int     // hydraulic solves of the sizing loop
	Gaps             []string
}

// Synthesize lays a water network under the city's streets (see the
// package doc for the method and its assumptions). It fails with
// ErrNoStreets or ErrNoDemand, or when the pressures at the peak hour
// cannot be brought within p.MinPressureM..p.MaxPressureM.
func Synthesize(c *city.City, p Params) (*Result, error) {
	if err := p.check(); err != nil {
		return nil, err
	}
	m := streetMains(c.Roads, p.MergeM)
	if len(m.pipes) == 0 {
		return nil, ErrNoStreets
	}
	res := &Result{MergedNodes: m.merged, DroppedJunctions: m.largestPart(), PeakHour: p.peakHour()}
	d := demands(c, m.xy, p)
	if d.totalLps <= 0 {
		return nil, ErrNoDemand
	}
	opts, err := templateOptions()
	if err != nil {
		return nil, err
	}
	peak := p.Pattern[res.PeakHour] / p.patternMean()
	ds := &design{p: p, c: c, m: m, d: d, opts: opts, peakLps: d.totalLps * peak}
	ds.src = chooseSource(c, m.xy, d.centre)
	ds.srcLinkM = math.Max(dist(ds.src.XY, m.xy[ds.src.Junction]), 10)
	peakLps := make([]float64, len(d.lps))
	for j, q := range d.lps {
		peakLps[j] = q * peak
	}
	flows, longestM := treeFlows(m, ds.src.Junction, peakLps)
	for _, q := range flows {
		ds.diamMM = append(ds.diamMM, p.standardDiameter(q))
	}
	ds.diamMM = append(ds.diamMM, p.standardDiameter(ds.peakLps))
	st, rounds, err := ds.size(longestM)
	if err != nil {
		return nil, err
	}
	if st.minP < p.MinPressureM || st.maxP > p.MaxPressureM {
		return nil, fmt.Errorf("synth: pressures at the peak hour %.1f..%.1f m after %d rounds, want %g..%g m",
			st.minP, st.maxP, rounds, p.MinPressureM, p.MaxPressureM)
	}
	if res.INP, res.Net, err = text(ds.network(0, 24*3600)); err != nil {
		return nil, err
	}
	res.Source, res.Residents, res.MeanDemandLps, res.PeakDemandLps = ds.src, d.residents, d.totalLps, ds.peakLps
	res.MinPressureM, res.MaxPressureM, res.SizingRounds = st.minP, st.maxP, rounds
	for _, pp := range m.pipes {
		res.PipeKm += pp.lengthM / 1000
	}
	if gap := ds.src.Gap(c); gap != "" {
		res.Gaps = append(res.Gaps, gap)
	}
	return res, nil
}

// check refuses parameters the method cannot use.
func (p Params) check() error {
	switch {
	case p.MergeM <= 0:
		return errors.New("synth: merge distance must be positive")
	case len(p.Pattern) != 24 || p.patternMean() <= 0:
		return errors.New("synth: pattern must have 24 hourly multipliers with a positive mean")
	case len(p.Diameters) == 0 || p.DesignVelocity <= 0 || p.RoughnessC <= 0:
		return errors.New("synth: need diameters, a positive design velocity and roughness")
	case p.M2PerResident <= 0:
		return errors.New("synth: floor area per resident must be positive")
	case p.MinPressureM >= p.MaxPressureM:
		return errors.New("synth: minimum pressure must be below the maximum")
	case p.PumpHeadM <= p.MinPressureM || p.TowerHeadM <= p.MinPressureM:
		return errors.New("synth: pump and tower heads must exceed the minimum pressure")
	case p.LitresPerPersonDay < 0 || p.LossShare < 0 || p.MaxIterations < 1:
		return errors.New("synth: consumption and losses must not be negative, sizing rounds at least 1")
	case !slices.IsSorted(p.Diameters) || p.Diameters[0] <= 0:
		return errors.New("synth: diameters must be positive and ascending")
	}
	return nil
}
