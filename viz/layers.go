package viz

import (
	"fmt"
	"image/color"
	"math"
	"strings"

	"github.com/paulmach/orb"
)

// entitySpec says where an entity set is in a run folder.
type entitySpec struct {
	layer, kind, table string
	id                 []string // id column candidates; none = row number
	label              []string // columns joined for the label
	shape              Shape
	static             color.RGBA
	width              float32
	capacity           string // column of each entity's capacity, for metrics per capacity
}

// metricSpec says where one metric of an entity set is: the long series
// table, its time and id columns, the value column and the colouring.
type metricSpec struct {
	table      string
	timeCol    []string
	idCol      []string
	valueCol   []string
	name, unit string
	scale      float64
	abs        bool
	ramp       Ramp
	lo, hi     float64 // NaN = the series' own min or max
	perCap     bool    // divide by the entity's capacity (occupied spaces -> occupancy)
}

// loadEntities reads an entity table; nil when the run has none.
func loadEntities(r *Run, s entitySpec) (*Entities, error) {
	t, found, err := ReadTable(r.Dir, s.table)
	if err != nil || !found {
		return nil, err
	}
	e := &Entities{Layer: s.layer, Kind: s.kind, Shape: s.shape, Static: s.static, Width: s.width}
	geomCol := t.First("geometry", "geom")
	if geomCol == "" {
		return nil, fmt.Errorf("viz: %s: %w: no geometry column", t.Path, ErrColumn)
	}
	geoms, err := t.Geoms(geomCol)
	if err != nil {
		return nil, fmt.Errorf("viz: %s: %w", t.Path, err)
	}
	ids := make([]string, t.Rows)
	if c := t.First(s.id...); c != "" {
		if ids, err = t.Strings(c); err != nil {
			return nil, fmt.Errorf("viz: %s: %w", t.Path, err)
		}
	} else {
		for i := range ids {
			ids[i] = fmt.Sprint(i)
		}
		e.RowIDs = true
	}
	labels := entityLabels(t, s.label)
	caps := make([]float64, t.Rows)
	if s.capacity != "" && t.Has(s.capacity) {
		if caps, err = t.Floats(s.capacity); err != nil {
			return nil, fmt.Errorf("viz: %s: %w", t.Path, err)
		}
	}
	for i, g := range geoms {
		if e.add(g, ids[i], labels[i]) {
			for len(e.Capacity) < e.Len() {
				e.Capacity = append(e.Capacity, caps[i])
			}
		}
	}
	return e, nil
}

func entityLabels(t *Table, cols []string) []string {
	out := make([]string, t.Rows)
	for _, c := range cols {
		if !t.Has(c) {
			continue
		}
		vals, err := t.Strings(c)
		if err != nil {
			continue
		}
		for i, v := range vals {
			if v == "" {
				continue
			}
			if out[i] != "" {
				out[i] += ", "
			}
			out[i] += v
		}
	}
	return out
}

// add appends one entity if its geometry fits the set's shape.
func (e *Entities) add(g orb.Geometry, id, label string) bool {
	switch e.Shape {
	case ShapeLine:
		ls, ok := g.(orb.LineString)
		if !ok || len(ls) < 2 {
			return false
		}
		e.Lines = append(e.Lines, projectPoints(ls))
	case ShapePoint:
		p, ok := g.(orb.Point)
		if !ok {
			return false
		}
		e.Points = append(e.Points, mercator(p))
	case ShapePolygon:
		polys := polygonsOf(g)
		if len(polys) == 0 {
			return false
		}
		for _, poly := range polys {
			e.Polys = append(e.Polys, poly)
			e.Points = append(e.Points, poly.Bound().Center())
			e.IDs, e.Labels = append(e.IDs, id), append(e.Labels, label)
		}
		return true
	}
	e.IDs, e.Labels = append(e.IDs, id), append(e.Labels, label)
	return true
}

func projectPoints(ps []orb.Point) []orb.Point {
	out := make([]orb.Point, len(ps))
	for i, p := range ps {
		out[i] = mercator(p)
	}
	return out
}

// polygonsOf returns the polygons of g in mercator metres.
func polygonsOf(g orb.Geometry) []orb.Polygon {
	var in []orb.Polygon
	switch g := g.(type) {
	case orb.Polygon:
		in = []orb.Polygon{g}
	case orb.MultiPolygon:
		in = g
	}
	out := make([]orb.Polygon, 0, len(in))
	for _, poly := range in {
		if len(poly) == 0 || len(poly[0]) < 3 {
			continue
		}
		p := make(orb.Polygon, len(poly))
		for i, ring := range poly {
			p[i] = orb.Ring(projectPoints(ring))
		}
		out = append(out, p)
	}
	return out
}

// addMetric reads one metric's series into e; absent tables or columns
// add nothing.
func (e *Entities) addMetric(r *Run, m metricSpec) error {
	if e == nil {
		return nil
	}
	t, found, err := ReadTable(r.Dir, m.table)
	if err != nil || !found {
		return err
	}
	tc, ic, vc := t.First(m.timeCol...), t.First(m.idCol...), t.First(m.valueCol...)
	if tc == "" || ic == "" || vc == "" {
		return nil
	}
	times, err := t.Floats(tc)
	if err != nil {
		return fmt.Errorf("viz: %s: %w", t.Path, err)
	}
	ids, err := t.Strings(ic)
	if err != nil {
		return fmt.Errorf("viz: %s: %w", t.Path, err)
	}
	vals, err := t.Floats(vc)
	if err != nil {
		return fmt.Errorf("viz: %s: %w", t.Path, err)
	}
	lookup := idIndex(e.IDs)
	ent := make([]int, len(ids))
	for i, id := range ids {
		ent[i] = lookup(id)
		if m.perCap && ent[i] >= 0 {
			vals[i] /= e.Capacity[ent[i]] // capacity 0 gives Inf or NaN: drawn as full or no data
		}
	}
	scale := m.scale
	if scale == 0 {
		scale = 1
	}
	s := newSeries(m.name, m.unit, e.Len(), times, ent, vals, scale, m.abs)
	lo, hi := m.lo, m.hi
	if math.IsNaN(lo) {
		lo = s.Min
	}
	if math.IsNaN(hi) {
		hi = s.Max
	}
	e.Metrics = append(e.Metrics, &Metric{Series: s, Ramp: m.ramp, Lo: lo, Hi: hi})
	return nil
}

var nan = math.NaN()

func loadBuildings(r *Run) error {
	e, err := loadEntities(r, entitySpec{layer: LayerBuildings, kind: "building", table: "buildings",
		id: []string{"osm_id"}, label: []string{"name", "use"}, shape: ShapePolygon, static: ColBuilding})
	if e != nil {
		r.Sets = append(r.Sets, e)
	}
	return err
}

func loadRoads(r *Run) error {
	e, err := loadEntities(r, entitySpec{layer: LayerRoads, kind: "road edge", table: "road_edges",
		id: []string{"edge"}, label: []string{"name", "class"}, shape: ShapeLine, static: ColNoData, width: 2.5})
	if err != nil || e == nil {
		return err
	}
	r.Sets = append(r.Sets, e)
	series := func(col, name, unit string, scale float64, ramp Ramp, lo, hi float64) metricSpec {
		return metricSpec{table: "edge_series", timeCol: []string{"t0_s", "time_s"}, idCol: []string{"edge"},
			valueCol: []string{col}, name: name, unit: unit, scale: scale, ramp: ramp, lo: lo, hi: hi}
	}
	for _, m := range []metricSpec{
		series("speed_mps", "speed", "km/h", 3.6, rampSpeed, 0, 50),
		series("flow_vph", "flow", "veh/h", 1, rampFlow, 0, nan),
		series("density_vpkm", "density", "veh/km", 1, rampFlow, 0, nan),
		series("queue_m", "queue", "m", 1, rampFlow, 0, nan),
	} {
		if err := e.addMetric(r, m); err != nil {
			return err
		}
	}
	return nil
}

func loadParking(r *Run) error {
	parks, err := loadEntities(r, entitySpec{layer: LayerParking, kind: "car park", table: "car_parks",
		id: []string{"osm_id"}, label: []string{"name", "kind", "capacity"}, shape: ShapePolygon, static: ColCarPark})
	if err != nil {
		return err
	}
	if parks != nil {
		r.Sets = append(r.Sets, parks)
		occ := metricSpec{table: "car_park_series", timeCol: []string{"time_s", "t_s", "t0_s"},
			idCol: []string{"car_park", "osm_id", "idx", "id"}, valueCol: []string{"occupancy"},
			name: "occupancy", unit: "", ramp: rampOccupancy, lo: 0, hi: 1}
		for _, table := range []string{"car_park_series", "parking_series"} {
			occ.table = table
			if err := parks.addMetric(r, occ); err != nil {
				return err
			}
		}
	}
	fac, err := loadEntities(r, entitySpec{layer: LayerParking, kind: "parking facility", table: "parking_facilities",
		id: []string{"facility"}, label: []string{"name", "kind", "capacity"}, shape: ShapePoint, static: ColCarPark,
		width: 7, capacity: "capacity"})
	if err != nil {
		return err
	}
	if fac != nil {
		r.Sets = append(r.Sets, fac)
		if err := fac.addMetric(r, metricSpec{table: "parking_occupancy", timeCol: []string{"time_s"},
			idCol: []string{"facility"}, valueCol: []string{"occupied"}, name: "occupancy", unit: "of capacity",
			perCap: true, ramp: rampOccupancy, lo: 0, hi: 1}); err != nil {
			return err
		}
		if err := fac.addMetric(r, metricSpec{table: "parking_occupancy", timeCol: []string{"time_s"},
			idCol: []string{"facility"}, valueCol: []string{"occupied"}, name: "occupied", unit: "spaces",
			ramp: rampOccupancy, lo: 0, hi: nan}); err != nil {
			return err
		}
	}
	ch, err := loadEntities(r, entitySpec{layer: LayerParking, kind: "charger", table: "chargers",
		id: []string{"osm_id"}, label: []string{"name", "operator", "power"}, shape: ShapePoint, static: ColCharger, width: 5})
	if ch != nil {
		r.Sets = append(r.Sets, ch)
	}
	return err
}

func loadWaste(r *Run) error {
	if found, err := loadWasteModel(r); found || err != nil {
		return err
	}
	bins, err := loadEntities(r, entitySpec{layer: LayerWaste, kind: "bin", table: "waste_baskets",
		id: []string{"osm_id"}, label: []string{"name", "kind"}, shape: ShapePoint, static: ColBin, width: 5})
	if err != nil || bins == nil {
		return err
	}
	r.Sets = append(r.Sets, bins)
	for _, table := range []string{"bin_series", "waste_series"} {
		if err := bins.addMetric(r, metricSpec{table: table, timeCol: []string{"time_s", "t_s"},
			idCol: []string{"bin", "osm_id", "idx", "id"}, valueCol: []string{"fill", "fill_fraction"},
			name: "fill", ramp: rampOccupancy, lo: 0, hi: 1}); err != nil {
			return err
		}
	}
	return nil
}

func loadWater(r *Run) error {
	links, err := loadEntities(r, entitySpec{layer: LayerWater, kind: "water link", table: "water_links",
		id: []string{"link_id"}, label: []string{"link_id", "link_type"}, shape: ShapeLine, static: ColNoData, width: 2})
	if err != nil {
		return err
	}
	if links != nil {
		r.Sets = append(r.Sets, links)
		if err := links.addMetric(r, metricSpec{table: "water_link_series", timeCol: []string{"time_s"},
			idCol: []string{"link_id"}, valueCol: []string{"flow"}, name: "|flow|", unit: "(network units)",
			abs: true, ramp: rampWaterFlow, lo: 0, hi: nan}); err != nil {
			return err
		}
	}
	nodes, err := loadEntities(r, entitySpec{layer: LayerWater, kind: "water node", table: "water_nodes",
		id: []string{"node_id"}, label: []string{"node_id", "node_type"}, shape: ShapePoint, static: ColNoData, width: 5})
	if err != nil || nodes == nil {
		return err
	}
	r.Sets = append(r.Sets, nodes)
	return nodes.addMetric(r, metricSpec{table: "water_node_series", timeCol: []string{"time_s"},
		idCol: []string{"node_id"}, valueCol: []string{"pressure"}, name: "pressure", unit: "(network units)",
		ramp: rampPressure, lo: nan, hi: nan})
}

func loadGrid(r *Run) error {
	br, err := loadEntities(r, entitySpec{layer: LayerGrid, kind: "grid branch", table: "grid_branches",
		id: []string{"idx"}, label: []string{"kind", "rate"}, shape: ShapeLine, static: ColNoData, width: 2})
	if err != nil {
		return err
	}
	if br != nil {
		r.Sets = append(r.Sets, br)
		if err := br.addMetric(r, metricSpec{table: "grid_branch_series", timeCol: []string{"time_s"},
			idCol: []string{"idx"}, valueCol: []string{"loading"}, name: "loading", unit: "of rating",
			ramp: rampLoading, lo: 0, hi: 1}); err != nil {
			return err
		}
	}
	buses, err := loadEntities(r, entitySpec{layer: LayerGrid, kind: "grid bus", table: "grid_buses",
		id: []string{"bus_id"}, label: []string{"kind", "base_kv"}, shape: ShapePoint, static: ColNoData, width: 6})
	if err != nil || buses == nil {
		return err
	}
	r.Sets = append(r.Sets, buses)
	return buses.addMetric(r, metricSpec{table: "grid_bus_series", timeCol: []string{"time_s"},
		idCol: []string{"bus_id"}, valueCol: []string{"vm"}, name: "voltage", unit: "pu",
		ramp: rampVoltage, lo: 0.95, hi: 1.05})
}

// describe is the static text of entity i for the info panel.
func (e *Entities) Describe(i int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s", e.Kind, e.IDs[i])
	if e.Labels[i] != "" {
		fmt.Fprintf(&b, "\n%s", e.Labels[i])
	}
	return b.String()
}
