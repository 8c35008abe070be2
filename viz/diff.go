package viz

import (
	"errors"
	"fmt"
	"image/color"
	"math"
	"slices"

	"citytwin/engine/record"
)

// ErrNoDiff is returned by Diff when the two runs share no metric to
// compare.
var ErrNoDiff = errors.New("viz: the runs share no metric")

// DiffLabel is the legend's name for the difference maps: every value
// shown is the variant's minus the baseline's.
const DiffLabel = "variant - base"

// rampDiverging is the difference scale: blue below zero, a muted grey at
// zero (readable on the dark background), red above. The end colours are
// ColorBrewer's RdBu (Harrower and Brewer 2003, The Cartographic Journal
// 40(1)).
var rampDiverging = Ramp{{33, 102, 172, 255}, {103, 169, 207, 255}, {120, 124, 134, 255}, {239, 138, 98, 255}, {178, 24, 43, 255}}

// ColContext is the colour of the entities of a difference map that
// have no metric to compare (car parks without a series, chargers): muted,
// so that only differences stand out.
var ColContext = color.RGBA{78, 82, 94, 255}

// sparseMetrics are the metrics whose tables leave out the entities that
// had nothing in an interval (an edge no vehicle used): a missing sample
// there is zero, not unknown.
var sparseMetrics = map[string]bool{"flow": true, "density": true, "queue": true}

// Diff makes a run whose metrics are variant − base, entity by entity
// (matched by id within sets of the same layer and kind; sets identified
// only by row number, such as truck routes, get no difference) and sample by
// sample (over the union of both runs' sample times, each value holding
// until its run's next sample). Geometry, clock and manifest are the
// variant's; the vehicles are dropped. Each difference metric is coloured
// on a diverging ramp symmetric about zero, from −max|d| to +max|d| over
// the run. Entities of one run only, or without a value in either run at
// a time, have no data (NaN). O(samples × entities).
func Diff(base, variant *Run) (*Run, error) {
	d := &Run{Dir: variant.Dir, Manifest: diffManifest(base.Manifest, variant.Manifest), Start: variant.Start,
		Duration: math.Max(base.Duration, variant.Duration), Bounds: variant.Bounds, DiffBase: base.Dir}
	metrics := 0
	seen := map[[2]string]int{}
	for _, vs := range variant.Sets {
		key := [2]string{vs.Layer, vs.Kind}
		bs := base.setOf(vs.Layer, vs.Kind, seen[key])
		seen[key]++
		ds := *vs
		ds.Metrics, ds.Color = nil, 0
		if vs.Layer != LayerBuildings {
			ds.Static = ColContext
		}
		if bs != nil && !vs.RowIDs && !bs.RowIDs { // rows of two runs (truck routes) are not the same entities
			for _, vm := range vs.Metrics {
				if bm := bs.metric(vm.Name); bm != nil {
					ds.Metrics = append(ds.Metrics, diffMetric(bs, bm, vs, vm))
				}
			}
		}
		if c := vs.Colouring(); c != nil {
			if i := slices.IndexFunc(ds.Metrics, func(m *Metric) bool { return m.Name == c.Name }); i >= 0 {
				ds.Color = i
			}
		}
		metrics += len(ds.Metrics)
		d.Sets = append(d.Sets, &ds)
	}
	if metrics == 0 {
		return nil, fmt.Errorf("%w: %s and %s", ErrNoDiff, base.Dir, variant.Dir)
	}
	return d, nil
}

// diffManifest is the variant's manifest with each KPI replaced by
// variant − base (NaN when the baseline lacks it), for the KPI panel.
func diffManifest(base, variant *record.Manifest) *record.Manifest {
	m := *variant
	m.KPIs = make(map[string][]record.KPIRecord, len(variant.KPIs))
	for model, kpis := range variant.KPIs {
		out := make([]record.KPIRecord, len(kpis))
		for i, k := range kpis {
			out[i] = record.KPIRecord{Name: k.Name, Unit: k.Unit, Value: math.NaN()}
			j := slices.IndexFunc(base.KPIs[model], func(b record.KPIRecord) bool { return b.Name == k.Name })
			if j >= 0 {
				out[i].Value = k.Value - base.KPIs[model][j].Value
			}
		}
		m.KPIs[model] = out
	}
	return &m
}

// setOf is the n-th set of a layer and kind, or nil.
func (r *Run) setOf(layer, kind string, n int) *Entities {
	for _, s := range r.Sets {
		if s.Layer == layer && s.Kind == kind {
			if n == 0 {
				return s
			}
			n--
		}
	}
	return nil
}

// metric is the set's metric of that name, or nil.
func (e *Entities) metric(name string) *Metric {
	for _, m := range e.Metrics {
		if m.Name == name {
			return m
		}
	}
	return nil
}

// diffMetric is variant metric vm minus base metric bm.
func diffMetric(bs *Entities, bm *Metric, vs *Entities, vm *Metric) *Metric {
	times := slices.Concat(bm.Times, vm.Times)
	slices.Sort(times)
	times = slices.Compact(times)
	baseOf := make([]int, vs.Len()) // variant entity -> base entity
	lookup := idIndex(bs.IDs)
	for i, id := range vs.IDs {
		baseOf[i] = lookup(id)
	}
	sparse := sparseMetrics[vm.Name]
	s := &Series{Name: vm.Name, Unit: vm.Unit, Times: times, Vals: make([][]float32, len(times))}
	var mags []float64
	for k, t := range times {
		brow, vrow := bm.Row(t), vm.Row(t)
		row := make([]float32, vs.Len())
		for i := range row {
			b, v := math.NaN(), sample(vrow, i)
			if baseOf[i] >= 0 {
				b = sample(brow, baseOf[i])
			}
			if sparse && baseOf[i] >= 0 && brow != nil && vrow != nil && math.IsNaN(b) != math.IsNaN(v) {
				b, v = zeroIfNaN(b), zeroIfNaN(v)
			}
			row[i] = float32(v - b)
			if a := math.Abs(v - b); a > 0 {
				mags = append(mags, a)
			}
		}
		s.Vals[k] = row
	}
	peak := diffScale(mags)
	s.Min, s.Max = -peak, peak
	return &Metric{Series: s, Ramp: rampDiverging, Lo: -peak, Hi: peak}
}

// diffScalePercentile is the share of the non-zero differences inside the
// colour scale; the rest (a one-space car park going from empty to full)
// are drawn at its ends, so that a few extremes do not wash out the map.
const diffScalePercentile = 0.98

// diffScale is the end of a difference metric's symmetric scale: the
// diffScalePercentile quantile of the non-zero |differences|, 0 when all
// are zero.
func diffScale(mags []float64) float64 {
	if len(mags) == 0 {
		return 0
	}
	slices.Sort(mags)
	return mags[int(diffScalePercentile*float64(len(mags)-1))]
}

func sample(row []float32, i int) float64 {
	if row == nil {
		return math.NaN()
	}
	return float64(row[i])
}

func zeroIfNaN(x float64) float64 {
	if math.IsNaN(x) {
		return 0
	}
	return x
}

// PeakTime is the sample time at which the colouring metrics of the sets
// of the given layers differ most from zero, summed over their entities
// (Σ|d| scaled by each metric's largest |d|, so that sets of different
// units weigh alike); 0 when nothing differs. Meant for difference runs
// (see Diff): "the time of the largest difference".
func (r *Run) PeakTime(layers []string) float64 {
	score := map[float64]float64{}
	for _, set := range r.Sets {
		m := set.Colouring()
		if m == nil || !slices.Contains(layers, set.Layer) || m.Hi <= 0 {
			continue
		}
		for k, t := range m.Times {
			for _, v := range m.Vals[k] {
				if !math.IsNaN(float64(v)) {
					score[t] += math.Abs(float64(v)) / m.Hi
				}
			}
		}
	}
	best, bestT := 0.0, 0.0
	times := make([]float64, 0, len(score))
	for t := range score {
		times = append(times, t)
	}
	slices.Sort(times)
	for _, t := range times {
		if score[t] > best {
			best, bestT = score[t], t
		}
	}
	return bestT
}

// UseMetric colours every set that has a metric of this name by it; it
// reports whether any set had one.
func (r *Run) UseMetric(name string) bool {
	found := false
	for _, set := range r.Sets {
		for i, m := range set.Metrics {
			if m.Name == name {
				set.Color, found = i, true
			}
		}
	}
	return found
}
