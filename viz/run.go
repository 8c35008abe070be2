package viz

import (
	"fmt"
	"image/color"
	"math"
	"strconv"
	"time"

	"github.com/paulmach/orb"

	"citytwin/engine/record"
)

// The layers of the viewer, in drawing order. Each can be toggled.
const (
	LayerBuildings = "buildings"
	LayerRoads     = "roads"
	LayerParking   = "parking"
	LayerWaste     = "waste"
	LayerWater     = "water"
	LayerGrid      = "grid"
	LayerTraffic   = "traffic"
)

// AllLayers lists every layer in drawing order.
var AllLayers = []string{LayerBuildings, LayerRoads, LayerParking, LayerWaste, LayerWater, LayerGrid, LayerTraffic}

// Shape is how an entity set is drawn.
type Shape int

// Entity shapes.
const (
	ShapeLine Shape = iota
	ShapePoint
	ShapePolygon
)

// Metric is one time series of an entity set and how it is coloured:
// Lo maps to the start of the ramp and Hi to its end.
type Metric struct {
	*Series
	Ramp   Ramp
	Lo, Hi float64
}

// Entities is a set of map entities of one kind (road edges, pipes,
// buses...) with their geometry in Web Mercator metres and their metrics.
type Entities struct {
	Layer    string
	Kind     string // what one entity is, e.g. "road edge"
	Shape    Shape
	IDs      []string
	Labels   []string
	Lines    [][]orb.Point // ShapeLine
	Points   []orb.Point   // ShapePoint, and the label point of polygons
	Polys    []orb.Polygon // ShapePolygon
	Capacity []float64     // per entity, when the table has a capacity column (else 0)
	Metrics  []*Metric     // may be empty
	Color    int           // index of the metric that colours the map
	Static   color.RGBA    // colour when there is no metric
	Width    float32       // line width or point size, px
	RowIDs   bool          // the ids are row numbers: the same id in two runs need not be the same entity
}

// Len is the number of entities.
func (e *Entities) Len() int { return len(e.IDs) }

// Colouring is the metric that colours the map, or nil.
func (e *Entities) Colouring() *Metric {
	if e.Color < 0 || e.Color >= len(e.Metrics) {
		return nil
	}
	return e.Metrics[e.Color]
}

// Run is a results folder loaded for display.
type Run struct {
	Dir      string
	Manifest *record.Manifest
	Start    time.Time // simulated start, in the scenario's zone
	Duration float64   // simulated length, s
	Bounds   orb.Bound // mercator bounds of the roads (or of everything)
	Sets     []*Entities
	Vehicles *Vehicles
	DiffBase string // the baseline's folder when the metrics are differences (see Diff)
}

// Load reads a run folder: the manifest and every table the viewer knows.
// Tables that are absent leave their layer empty.
func Load(dir string) (*Run, error) {
	m, err := record.ReadManifest(dir)
	if err != nil {
		return nil, fmt.Errorf("viz: %s: manifest: %w", dir, err)
	}
	r := &Run{Dir: dir, Manifest: m}
	if err := r.clock(); err != nil {
		return nil, err
	}
	for _, load := range []func(*Run) error{loadBuildings, loadRoads, loadParking, loadWaste, loadWater, loadGrid, loadVehicles} {
		if err := load(r); err != nil {
			return nil, err
		}
	}
	r.Bounds = r.bounds()
	return r, nil
}

func (r *Run) clock() error {
	start, err := time.Parse(time.RFC3339, r.Manifest.SimStart)
	if err != nil {
		return fmt.Errorf("viz: %s: manifest: sim_start: %w", r.Dir, err)
	}
	end, err := time.Parse(time.RFC3339, r.Manifest.SimEnd)
	if err != nil {
		return fmt.Errorf("viz: %s: manifest: sim_end: %w", r.Dir, err)
	}
	if loc, err := time.LoadLocation(r.Manifest.TimeZone); err == nil {
		start = start.In(loc)
	}
	r.Start, r.Duration = start, math.Max(0, end.Sub(start).Seconds())
	return nil
}

// Offset converts a clock time "HH:MM" (or "HH:MM:SS") on the run's first
// day to seconds after the start; times before the start are taken on the
// next day.
func (r *Run) Offset(clock string) (float64, error) {
	var h, m, s int
	n, _ := fmt.Sscanf(clock, "%d:%d:%d", &h, &m, &s)
	if n < 2 || h < 0 || h > 23 || m < 0 || m > 59 || s < 0 || s > 59 {
		return 0, fmt.Errorf("viz: time %q: want HH:MM", clock)
	}
	day := time.Date(r.Start.Year(), r.Start.Month(), r.Start.Day(), h, m, s, 0, r.Start.Location())
	if day.Before(r.Start) {
		day = day.Add(24 * time.Hour)
	}
	return day.Sub(r.Start).Seconds(), nil
}

// Clock formats an offset as the local time of day.
func (r *Run) Clock(t float64) string {
	return r.Start.Add(time.Duration(t * float64(time.Second))).Format("15:04:05")
}

func (r *Run) bounds() orb.Bound {
	var b orb.Bound
	ok := false
	add := func(p orb.Point) {
		if !ok {
			b, ok = orb.Bound{Min: p, Max: p}, true
		}
		b = b.Extend(p)
	}
	for _, set := range r.Sets {
		if set.Layer != LayerRoads && r.Set(LayerRoads) != nil {
			continue
		}
		for _, l := range set.Lines {
			for _, p := range l {
				add(p)
			}
		}
		for _, p := range set.Points {
			add(p)
		}
	}
	if !ok {
		return orb.Bound{Min: orb.Point{-1, -1}, Max: orb.Point{1, 1}}
	}
	return b
}

// Set is the first entity set of a layer, or nil.
func (r *Run) Set(layer string) *Entities {
	for _, s := range r.Sets {
		if s.Layer == layer {
			return s
		}
	}
	return nil
}

// idIndex maps entity ids to row indexes. Series rows name entities by
// id; when no id matches, integer ids in range are taken as row indexes.
func idIndex(ids []string) func(string) int {
	m := make(map[string]int, len(ids))
	for i, id := range ids {
		m[id] = i
	}
	return func(s string) int {
		if i, ok := m[s]; ok {
			return i
		}
		if i, err := strconv.Atoi(s); err == nil && i >= 0 && i < len(ids) && len(m) == 0 {
			return i
		}
		return -1
	}
}
