package traffic

import (
	"fmt"

	"citytwin/models/city"

	"github.com/paulmach/orb"
)

// classRank is the priority of each road class at junctions, higher goes
// first (the order of SUMO's osmNetconvert type map: motorway, trunk,
// primary, secondary, tertiary, unclassified, residential, living street,
// service; a link ranks one below its road).
var classRank = map[city.RoadClass]int8{
	city.ClassMotorway: 10, city.ClassMotorwayLink: 9,
	city.ClassTrunk: 9, city.ClassTrunkLink: 8,
	city.ClassPrimary: 8, city.ClassPrimaryLink: 7,
	city.ClassSecondary: 7, city.ClassSecondaryLink: 6,
	city.ClassTertiary: 6, city.ClassTertiaryLink: 5,
	city.ClassUnclassified: 5, city.ClassResidential: 4, city.ClassRoad: 4,
	city.ClassLivingStreet: 3, city.ClassService: 2, city.ClassOther: 1,
}

// FromCity builds the model's network from a city's road graph: the same
// edges (edge i of the network is city.EdgeID(i)), lanes, speeds and
// geometry, priorities from the road classes, signals from the OSM
// traffic_signals nodes, turns as the city allows them.
func FromCity(c *city.City) (*Network, error) {
	g := c.Roads
	if g == nil || g.NumEdges() == 0 {
		return nil, fmt.Errorf("%w: city %q has no roads", ErrNetwork, c.Name)
	}
	n := &Network{
		NodeXY: make([][2]float64, g.NumNodes()),
		Signal: append([]bool(nil), g.Signal...),
	}
	for v, p := range g.NodeXY {
		n.NodeXY[v] = [2]float64(p)
	}
	m := g.NumEdges()
	n.From, n.To = make([]int32, m), make([]int32, m)
	n.LengthM = append([]float64(nil), g.LengthM...)
	n.SpeedMps = append([]float64(nil), g.SpeedMps...)
	n.Lanes = append([]int8(nil), g.Lanes...)
	n.Rank = make([]int8, m)
	n.Geom = make([][][2]float64, m)
	for e := 0; e < m; e++ {
		n.From[e], n.To[e] = int32(g.From[e]), int32(g.To[e])
		n.Rank[e] = classRank[g.Class[e]]
		geom := make([][2]float64, len(g.Geom[e]))
		for k, p := range g.Geom[e] {
			geom[k] = [2]float64(p)
		}
		n.Geom[e] = geom
		if n.LengthM[e] <= 0 {
			n.LengthM[e] = 0.1
		}
	}
	n.OutStart, n.InStart = g.OutStart, g.InStart
	n.OutEdge, n.InEdge = make([]int32, len(g.OutEdge)), make([]int32, len(g.InEdge))
	for k, e := range g.OutEdge {
		n.OutEdge[k] = int32(e)
	}
	for k, e := range g.InEdge {
		n.InEdge[k] = int32(e)
	}
	n.Allowed = func(a, b int32) bool { return g.TurnAllowed(city.EdgeID(a), city.EdgeID(b)) }
	proj := c.Proj
	n.LonLat = func(x, y float64) (float64, float64) {
		ll := proj.ToLonLat(orb.Point{x, y})
		return ll[0], ll[1]
	}
	if err := n.Finish(); err != nil {
		return nil, err
	}
	return n, nil
}

// CityRouter adapts the city's Router to the model's Router interface.
type CityRouter struct {
	R   *city.Router
	buf []city.EdgeID
}

// NewCityRouter makes a router over the city's road graph.
func NewCityRouter(c *city.City) *CityRouter { return &CityRouter{R: city.NewRouter(c.Roads)} }

// Route finds the fastest route from edge from to edge to, appended to dst.
func (r *CityRouter) Route(from, to int32, dst []int32) ([]int32, bool) {
	var ok bool
	r.buf, _, ok = r.R.Route(city.EdgeID(from), city.EdgeID(to), r.buf[:0])
	if !ok {
		return dst, false
	}
	for _, e := range r.buf {
		dst = append(dst, int32(e))
	}
	return dst, true
}

// SetWeights sets the edge costs (s); invalid costs are ignored.
func (r *CityRouter) SetWeights(costS []float64) { _ = r.R.SetWeights(costS) }

// Fork returns a router with the same weights and search state of its own,
// for routing in parallel (Forker).
func (r *CityRouter) Fork() Router { return &CityRouter{R: r.R.Clone()} }
