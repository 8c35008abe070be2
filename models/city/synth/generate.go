package synth

import (
	"fmt"

	"citytwin/models/city"

	"github.com/paulmach/orb"
	"github.com/paulmach/osm"
)

// Stats are the headline numbers of a generated city.
type Stats struct {
	NX, NY        int     `json:"-"`
	Lattice       string  `json:"lattice"`        // "nx x ny" intersections
	AreaKm2       float64 `json:"area_km2"`       // of the street lattice
	Segments      int     `json:"segments"`       // street segments kept
	Dropped       int     `json:"dropped"`        // residential segments left out (Organic)
	OneWay        int     `json:"one_way"`        // one-way segments
	DirectedEdges int     `json:"directed_edges"` // road edges city.Load will build
	Signals       int     `json:"signals"`        // signalised intersections
	Buildings     int     `json:"buildings"`
	CarParks      int     `json:"car_parks"`
	Chargers      int     `json:"chargers"`
	WasteBaskets  int     `json:"waste_baskets"`
	Recycling     int     `json:"recycling"`
	Substations   int     `json:"substations"`
	Nodes         int     `json:"osm_nodes"`
	Ways          int     `json:"osm_ways"`
}

// builder accumulates the OSM elements, numbering nodes and ways from 1.
type builder struct {
	proj  city.Projection
	out   *osm.OSM
	stats Stats
}

// Generate builds the city o asks for. The result is deterministic: the
// same Options give the same elements in the same order.
func Generate(o Options) (*osm.OSM, Stats, error) {
	o = Defaults(o)
	if err := o.check(); err != nil {
		return nil, Stats{}, err
	}
	p := sizePlan(o)
	b := &builder{proj: city.NewProjection(o.Lon0, o.Lat0), out: &osm.OSM{Version: "0.6", Generator: "citytwin synth"}}
	b.stats.NX, b.stats.NY = p.nx, p.ny
	b.stats.Lattice = fmt.Sprintf("%d x %d", p.nx, p.ny)
	b.stats.AreaKm2 = float64(p.nx-1) * float64(p.ny-1) * o.BlockM * o.BlockM / 1e6
	b.stats.DirectedEdges = p.directedEdges()
	b.addStreets(p, o)
	b.addBuildings(p, o)
	b.addFacilities(p, o)
	b.stats.Nodes, b.stats.Ways = len(b.out.Nodes), len(b.out.Ways)
	return b.out, b.stats, nil
}

// node adds a node at local position xy with the given key, value pairs.
func (b *builder) node(xy orb.Point, kv ...string) osm.NodeID {
	ll := b.proj.ToLonLat(xy)
	id := osm.NodeID(len(b.out.Nodes) + 1)
	b.out.Nodes = append(b.out.Nodes, &osm.Node{
		ID: id, Lon: round7(ll[0]), Lat: round7(ll[1]), Visible: true, Version: 1, Tags: tags(kv),
	})
	return id
}

// point adds a tagged point feature.
func (b *builder) point(xy orb.Point, kv ...string) { b.node(xy, kv...) }

// way adds a way through the nodes with the given tags.
func (b *builder) way(nodes []osm.NodeID, kv ...string) {
	wn := make(osm.WayNodes, len(nodes))
	for k, n := range nodes {
		wn[k] = osm.WayNode{ID: n}
	}
	id := osm.WayID(len(b.out.Ways) + 1)
	b.out.Ways = append(b.out.Ways, &osm.Way{ID: id, Visible: true, Version: 1, Nodes: wn, Tags: tags(kv)})
}

// area adds a closed way around ring (not closed) with the given tags.
func (b *builder) area(ring []orb.Point, kv ...string) {
	ids := make([]osm.NodeID, 0, len(ring)+1)
	for _, p := range ring {
		ids = append(ids, b.node(p))
	}
	b.way(append(ids, ids[0]), kv...)
}

func tags(kv []string) osm.Tags {
	if len(kv) == 0 {
		return nil
	}
	t := make(osm.Tags, 0, len(kv)/2)
	for k := 0; k+1 < len(kv); k += 2 {
		t = append(t, osm.Tag{Key: kv[k], Value: kv[k+1]})
	}
	return t
}

// round7 rounds degrees to OSM's 1e-7 storage precision.
func round7(deg float64) float64 {
	const s = 1e7
	if deg < 0 {
		return -float64(int64(-deg*s+0.5)) / s
	}
	return float64(int64(deg*s+0.5)) / s
}

// streetTags are the tags of each plan class.
var streetTags = [...][]string{
	residential: {"highway", "residential", "maxspeed", "30"},
	secondary:   {"highway", "secondary", "maxspeed", "50"},
	primary:     {"highway", "primary", "maxspeed", "50", "lanes", "4"},
}

// addStreets adds the intersections (signalised where two arterials
// cross) and one way per kept segment.
func (b *builder) addStreets(p *plan, o Options) {
	ids := make([]osm.NodeID, len(p.xy))
	for v := range p.xy {
		i, j := v%p.nx, v/p.nx
		if lineClass(i, o) != residential && lineClass(j, o) != residential {
			ids[v] = b.node(p.xy[v], "highway", "traffic_signals")
			b.stats.Signals++
		} else {
			ids[v] = b.node(p.xy[v])
		}
	}
	for _, s := range p.segs {
		if !s.keep {
			b.stats.Dropped++
			continue
		}
		b.stats.Segments++
		nodes := []osm.NodeID{ids[s.a]}
		if s.hasBend {
			nodes = append(nodes, b.node(s.bend))
		}
		nodes = append(nodes, ids[s.b])
		kv := append([]string{"name", streetName(s, p)}, streetTags[s.class]...)
		if s.oneway {
			b.stats.OneWay++
			kv = append(kv, "oneway", "yes")
			if s.reversed {
				for l, r := 0, len(nodes)-1; l < r; l, r = l+1, r-1 {
					nodes[l], nodes[r] = nodes[r], nodes[l]
				}
			}
		}
		b.way(nodes, kv...)
	}
}

// streetName names a segment by its lattice line: rows are streets,
// columns avenues.
func streetName(s segment, p *plan) string {
	if int(s.b-s.a) == 1 {
		return fmt.Sprintf("Street %d", s.line+1)
	}
	return fmt.Sprintf("Avenue %d", s.line+1)
}
