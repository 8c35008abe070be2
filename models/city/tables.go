package city

import (
	"citytwin/engine/record"

	"github.com/paulmach/orb"
)

// Tables returns the city as record tables with lon/lat geometry, for
// export: road_nodes, road_edges, car_parks, on_street_parking, chargers,
// waste_baskets, recycling, buildings, substations, water_towers,
// water_works. Row i of a table is element i of the matching slice.
func (c *City) Tables() []*record.Table {
	return []*record.Table{
		c.nodeTable(), c.edgeTable(), c.carParkTable(), c.onStreetTable(), c.chargerTable(),
		facilityTable("waste_baskets", c.WasteBaskets), facilityTable("recycling", c.Recycling),
		c.buildingTable(), facilityTable("substations", c.Substations),
		facilityTable("water_towers", c.WaterTowers), facilityTable("water_works", c.WaterWorks),
	}
}

func (c *City) nodeTable() *record.Table {
	g := c.Roads
	n := g.NumNodes()
	t := record.NewTable("road_nodes")
	ids, geom := make([]int64, n), make([]orb.Geometry, n)
	for i := range ids {
		ids[i], geom[i] = int64(i), g.NodeLonLat[i]
	}
	t.Int("node", "", ids)
	t.Int("osm_id", "", g.NodeOSM)
	t.BoolCol("traffic_signals", g.Signal)
	t.Geom("geometry", geom)
	return t
}

func (c *City) edgeTable() *record.Table {
	g := c.Roads
	m := g.NumEdges()
	t := record.NewTable("road_edges")
	ids, from, to, rev, lanes := make([]int64, m), make([]int64, m), make([]int64, m), make([]int64, m), make([]int64, m)
	class, geom := make([]string, m), make([]orb.Geometry, m)
	for e := 0; e < m; e++ {
		ids[e], from[e], to[e], rev[e], lanes[e] = int64(e), int64(g.From[e]), int64(g.To[e]), int64(g.Reverse[e]), int64(g.Lanes[e])
		class[e] = g.Class[e].String()
		ls := make(orb.LineString, len(g.Geom[e]))
		for i, p := range g.Geom[e] {
			ls[i] = c.Proj.ToLonLat(p)
		}
		geom[e] = ls
	}
	t.Int("edge", "", ids)
	t.Int("from_node", "", from)
	t.Int("to_node", "", to)
	t.Int("reverse_edge", "", rev).Valid = validIf(rev, func(v int64) bool { return v >= 0 })
	t.Int("osm_way", "", g.WayOSM)
	t.Str("class", class)
	t.Str("name", g.Name)
	t.Float("length", "m", g.LengthM)
	t.Float("speed", "m/s", g.SpeedMps)
	t.Int("lanes", "", lanes)
	t.BoolCol("in_largest_scc", g.InSCC)
	t.Geom("geometry", geom)
	return t
}

func validIf(vals []int64, ok func(int64) bool) []bool {
	v := make([]bool, len(vals))
	for i, x := range vals {
		v[i] = ok(x)
	}
	return v
}

// featureColumns adds the columns every facility table has and returns
// the geometry slice to fill (centroids by default).
type featureCols struct {
	osmType, name []string
	osmID, edge   []int64
	offset, dist  []float64
	edgeOK        []bool
	geom          []orb.Geometry
}

func newFeatureCols(fs []Feature) *featureCols {
	n := len(fs)
	fc := &featureCols{osmType: make([]string, n), name: make([]string, n), osmID: make([]int64, n),
		edge: make([]int64, n), offset: make([]float64, n), dist: make([]float64, n), edgeOK: make([]bool, n), geom: make([]orb.Geometry, n)}
	for i, f := range fs {
		fc.osmType[i], fc.name[i], fc.osmID[i] = f.OSMType, f.Name, f.OSMID
		fc.edge[i], fc.offset[i], fc.dist[i], fc.edgeOK[i] = int64(f.Edge), f.EdgeOffsetM, f.EdgeDistM, f.Edge != NoEdge
		fc.geom[i] = f.LonLat
	}
	return fc
}

// addTo adds the identity columns first; finish adds snapping and geometry.
func (fc *featureCols) addTo(t *record.Table) {
	t.Str("osm_type", fc.osmType)
	t.Int("osm_id", "", fc.osmID)
	t.Str("name", fc.name)
}

func (fc *featureCols) finish(t *record.Table) {
	t.Int("edge", "", fc.edge).Valid = fc.edgeOK
	t.Float("edge_offset", "m", fc.offset).Valid = fc.edgeOK
	t.Float("edge_distance", "m", fc.dist).Valid = fc.edgeOK
	t.Geom("geometry", fc.geom)
}

func facilityTable(name string, fs []Facility) *record.Table {
	feats, kind := make([]Feature, len(fs)), make([]string, len(fs))
	for i, f := range fs {
		feats[i], kind[i] = f.Feature, f.Kind
	}
	t := record.NewTable(name)
	fc := newFeatureCols(feats)
	fc.addTo(t)
	t.Str("kind", kind)
	fc.finish(t)
	return t
}

func (c *City) carParkTable() *record.Table {
	n := len(c.CarParks)
	feats, kind, access, fee := make([]Feature, n), make([]string, n), make([]string, n), make([]string, n)
	capacity, tagged, area, levels := make([]int64, n), make([]bool, n), make([]float64, n), make([]float64, n)
	for i, p := range c.CarParks {
		feats[i], kind[i], access[i], fee[i] = p.Feature, p.Kind, p.Access, p.Fee
		capacity[i], tagged[i], area[i], levels[i] = int64(p.Capacity), p.CapacityTagged, p.AreaM2, p.Levels
	}
	t := record.NewTable("car_parks")
	fc := newFeatureCols(feats)
	for i, p := range c.CarParks {
		if len(p.Footprint) > 0 {
			fc.geom[i] = p.Footprint
		}
	}
	fc.addTo(t)
	t.Str("kind", kind)
	t.Int("capacity", "", capacity)
	t.BoolCol("capacity_tagged", tagged)
	t.Float("area", "m2", area)
	t.Float("levels", "", levels)
	t.Str("access", access)
	t.Str("fee", fee)
	fc.finish(t)
	return t
}

func (c *City) onStreetTable() *record.Table {
	n := len(c.OnStreet)
	way, spaces, edge := make([]int64, n), make([]int64, n), make([]int64, n)
	side, orient, length := make([]string, n), make([]string, n), make([]float64, n)
	tagged, edgeOK, geom := make([]bool, n), make([]bool, n), make([]orb.Geometry, n)
	for i, p := range c.OnStreet {
		way[i], spaces[i], edge[i], edgeOK[i] = p.WayOSM, int64(p.Spaces), int64(p.Edge), p.Edge != NoEdge
		side[i], orient[i], length[i], tagged[i] = p.Side, p.Orientation, p.LengthM, p.SpacesTagged
		ls := make(orb.LineString, len(p.GeomXY))
		for k, q := range p.GeomXY {
			ls[k] = c.Proj.ToLonLat(q)
		}
		geom[i] = ls
	}
	t := record.NewTable("on_street_parking")
	t.Int("osm_way", "", way)
	t.Str("side", side)
	t.Str("orientation", orient)
	t.Float("length", "m", length)
	t.Int("spaces", "", spaces)
	t.BoolCol("spaces_tagged", tagged)
	t.Int("edge", "", edge).Valid = edgeOK
	t.Geom("geometry", geom)
	return t
}

func (c *City) chargerTable() *record.Table {
	n := len(c.Chargers)
	feats, sockets, op := make([]Feature, n), make([]string, n), make([]string, n)
	capacity, kw, car := make([]int64, n), make([]float64, n), make([]bool, n)
	for i, ch := range c.Chargers {
		feats[i], sockets[i], op[i] = ch.Feature, ch.Sockets, ch.Operator
		capacity[i], kw[i], car[i] = int64(ch.Capacity), ch.PowerKW, ch.Motorcar
	}
	t := record.NewTable("chargers")
	fc := newFeatureCols(feats)
	fc.addTo(t)
	t.Int("capacity", "", capacity)
	t.Str("sockets", sockets)
	t.Float("power", "kW", kw)
	t.Str("operator", op)
	t.BoolCol("motorcar", car)
	fc.finish(t)
	return t
}

func (c *City) buildingTable() *record.Table {
	n := len(c.Buildings)
	feats, use := make([]Feature, n), make([]string, n)
	area, levels, floor, tagged := make([]float64, n), make([]float64, n), make([]float64, n), make([]bool, n)
	for i, b := range c.Buildings {
		feats[i], use[i], area[i], levels[i], floor[i], tagged[i] = b.Feature, b.Use, b.AreaM2, b.Levels, b.FloorAreaM2, b.LevelsTagged
	}
	t := record.NewTable("buildings")
	fc := newFeatureCols(feats)
	for i, b := range c.Buildings {
		if len(b.Footprint) == 1 {
			fc.geom[i] = b.Footprint[0]
		} else if len(b.Footprint) > 1 {
			fc.geom[i] = b.Footprint
		}
	}
	fc.addTo(t)
	t.Str("use", use)
	t.Float("footprint_area", "m2", area)
	t.Float("levels", "", levels)
	t.BoolCol("levels_tagged", tagged)
	t.Float("floor_area", "m2", floor)
	fc.finish(t)
	return t
}
