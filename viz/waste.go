package viz

import (
	"cmp"
	"fmt"
	"image/color"
	"math"
	"slices"
)

// rampRoute colours a truck route: grey when not on the road, orange while
// the truck drives it.
var rampRoute = Ramp{{80, 84, 96, 255}, {255, 150, 40, 255}}

// ColRoute is the static colour of truck routes without times.
var ColRoute = color.RGBA{255, 150, 40, 255}

// wasteSamples is the most fill samples a bin gets over a run (one per
// 5 min on short runs, fewer on long ones).
const wasteSamples = 288

// loadWasteModel reads the waste model's tables: the bins (waste_bins,
// coloured by fill) and the truck routes (waste_routes, lit while driven).
// It reports whether the run has them; then the OSM baskets are not drawn
// (the bins include them).
func loadWasteModel(r *Run) (bool, error) {
	bins, err := loadEntities(r, entitySpec{layer: LayerWaste, kind: "bin", table: "waste_bins",
		id: []string{"bin"}, label: []string{"id", "kind", "volume"}, shape: ShapePoint, static: ColBin, width: 5})
	if err != nil || bins == nil {
		return false, err
	}
	if err := binFill(r, bins); err != nil {
		return true, err
	}
	routes, err := loadEntities(r, entitySpec{layer: LayerWaste, kind: "truck route", table: "waste_routes",
		label: []string{"truck", "stops", "distance"}, shape: ShapeLine, static: ColRoute, width: 3})
	if err != nil {
		return true, err
	}
	if routes != nil {
		if err := routesOnRoad(r, routes); err != nil {
			return true, err
		}
		r.Sets = append(r.Sets, routes)
	}
	r.Sets = append(r.Sets, bins)
	return true, nil
}

// binFill gives the bins a fill metric (%) reconstructed from what the
// waste model records: each bin's fill at the end of the run, its
// emptyings (waste_collections: time and the fill before emptying) and
// its mean fill rate (l/d over the bin's volume). Between two emptyings
// the fill grows linearly from 0 to the next emptying's fill; after the
// last one linearly to the end fill; before the first one (or without
// any) it is the next known fill less the mean rate times the time to it,
// floored at 0. The model's fill follows a daily profile, so this is an
// approximation between the recorded points, exact at them.
func binFill(r *Run, bins *Entities) error {
	t, _, err := ReadTable(r.Dir, "waste_bins")
	if err != nil {
		return err
	}
	cols := map[string][]float64{}
	for _, c := range []string{"volume", "rate", "fill_at_end"} {
		if cols[c], err = t.Floats(c); err != nil {
			return fmt.Errorf("viz: %s: %w", t.Path, err)
		}
	}
	emptied, err := collections(r, len(cols["volume"]))
	if err != nil {
		return err
	}
	step := math.Max(300, r.Duration/wasteSamples)
	var times []float64
	for s := 0.0; s <= r.Duration; s += step {
		times = append(times, s)
	}
	var rowT, vals []float64
	var ent []int
	for i := range bins.IDs {
		growth := 100 * cols["rate"][i] / cols["volume"][i] / 86400 // %/s
		b := binHistory{end: r.Duration, endFill: cols["fill_at_end"][i], growth: growth, emptied: emptied[i]}
		for _, s := range b.sampleTimes(times) {
			rowT, ent, vals = append(rowT, s), append(ent, i), append(vals, b.at(s))
		}
	}
	s := newSeries("fill", "%", bins.Len(), rowT, ent, vals, 1, false)
	bins.Metrics = append(bins.Metrics, &Metric{Series: s, Ramp: rampOccupancy, Lo: 0, Hi: 100})
	return nil
}

// emptying is one collection of a bin: when, and its fill (%) before.
type emptying struct{ t, fill float64 }

// collections reads waste_collections into each bin's emptyings in time
// order; none when the table is absent.
func collections(r *Run, n int) ([][]emptying, error) {
	out := make([][]emptying, n)
	t, found, err := ReadTable(r.Dir, "waste_collections")
	if err != nil || !found {
		return out, err
	}
	cols := map[string][]float64{}
	for _, c := range []string{"time", "bin", "fill"} {
		if cols[c], err = t.Floats(c); err != nil {
			return nil, fmt.Errorf("viz: %s: %w", t.Path, err)
		}
	}
	for k, b := range cols["bin"] {
		if i := int(b); b == math.Trunc(b) && i >= 0 && i < n && !math.IsNaN(cols["time"][k]) {
			out[i] = append(out[i], emptying{t: cols["time"][k], fill: cols["fill"][k]})
		}
	}
	for _, e := range out {
		slices.SortFunc(e, func(a, b emptying) int { return cmp.Compare(a.t, b.t) })
	}
	return out, nil
}

// binHistory is what is known of one bin's fill.
type binHistory struct {
	end, endFill, growth float64 // run end (s), fill then (%), mean growth (%/s)
	emptied              []emptying
}

// sampleTimes are the grid times plus the bin's emptyings.
func (b binHistory) sampleTimes(grid []float64) []float64 {
	if len(b.emptied) == 0 {
		return grid
	}
	out := slices.Clone(grid)
	for _, e := range b.emptied {
		out = append(out, e.t)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// at is the reconstructed fill (%) at time s (see binFill).
func (b binHistory) at(s float64) float64 {
	j, _ := slices.BinarySearchFunc(b.emptied, s, func(e emptying, s float64) int { return cmp.Compare(e.t, s) })
	if j < len(b.emptied) && b.emptied[j].t == s {
		return 0 // emptied now
	}
	prev := math.NaN()
	if j > 0 {
		prev = b.emptied[j-1].t
	}
	next, nextFill := b.end, b.endFill
	if j < len(b.emptied) {
		next, nextFill = b.emptied[j].t, b.emptied[j].fill
	}
	if !math.IsNaN(prev) && next > prev {
		return nextFill * (s - prev) / (next - prev)
	}
	return math.Max(0, math.Min(100, nextFill-b.growth*(next-s)))
}

// routesOnRoad gives the routes an "on road" metric: 1 from a route's
// start to its end (or the end of the run), 0 after, no data before.
func routesOnRoad(r *Run, routes *Entities) error {
	t, _, err := ReadTable(r.Dir, "waste_routes")
	if err != nil {
		return err
	}
	start, err := t.Floats("start")
	if err != nil {
		return fmt.Errorf("viz: %s: %w", t.Path, err)
	}
	end, err := t.Floats("end")
	if err != nil {
		return fmt.Errorf("viz: %s: %w", t.Path, err)
	}
	if len(start) != routes.Len() {
		return nil // a route without geometry: rows and entities do not line up; draw them static
	}
	var rowT, vals []float64
	var ent []int
	for i := range start {
		rowT, ent, vals = append(rowT, start[i]), append(ent, i), append(vals, 1)
		if !math.IsNaN(end[i]) {
			rowT, ent, vals = append(rowT, end[i]), append(ent, i), append(vals, 0)
		}
	}
	s := newSeries("on road", "", routes.Len(), rowT, ent, vals, 1, false)
	routes.Metrics = append(routes.Metrics, &Metric{Series: s, Ramp: rampRoute, Lo: 0, Hi: 1})
	return nil
}
