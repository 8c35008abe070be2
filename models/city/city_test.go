package city

import (
	"math"
	"math/rand/v2"
	"reflect"
	"sync"
	"testing"

	"github.com/paulmach/orb"
)

const (
	osterbroXML = "../../scenarios/data/osm/copenhagen_osterbro.osm.xml.gz"
	osterbroPBF = "../../scenarios/data/osm/copenhagen_osterbro.osm.pbf"
	trianglen   = "../../scenarios/data/osm/copenhagen_osterbro_trianglen_1km2.osm"
	lyngbyXML   = "../../scenarios/data/osm/kongens_lyngby.osm.xml.gz"
)

var (
	loadMu sync.Mutex
	loaded = map[string]*City{}
)

// load imports a shipped extract once per test binary.
func load(t testing.TB, path string) *City {
	t.Helper()
	loadMu.Lock()
	defer loadMu.Unlock()
	if c, ok := loaded[path]; ok {
		return c
	}
	c, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	loaded[path] = c
	return c
}

// TestXMLAndPBFAgree: the XML and PBF copies of Osterbro give identical
// graphs and facilities.
func TestXMLAndPBFAgree(t *testing.T) {
	x, p := load(t, osterbroXML), load(t, osterbroPBF)
	gx, gp := *x.Roads, *p.Roads
	gx.cache, gp.cache = nil, nil
	if !reflect.DeepEqual(&gx, &gp) {
		t.Fatalf("graphs differ: xml %d nodes %d edges, pbf %d nodes %d edges", gx.NumNodes(), gx.NumEdges(), gp.NumNodes(), gp.NumEdges())
	}
	if x.Proj != p.Proj {
		t.Errorf("projections differ: %+v vs %+v", x.Proj, p.Proj)
	}
	if !reflect.DeepEqual(x.Summary(), p.Summary()) {
		t.Errorf("summaries differ:\n%+v\n%+v", x.Summary(), p.Summary())
	}
	if !reflect.DeepEqual(x.CarParks, p.CarParks) || !reflect.DeepEqual(x.Buildings, p.Buildings) ||
		!reflect.DeepEqual(x.Chargers, p.Chargers) || !reflect.DeepEqual(x.OnStreet, p.OnStreet) {
		t.Errorf("facilities differ")
	}
	if gx.NumEdges() < 1000 {
		t.Errorf("only %d edges", gx.NumEdges())
	}
}

func TestProjectionRoundTrip(t *testing.T) {
	p := NewProjection(12.57, 55.70)
	for _, ll := range []orb.Point{{12.57, 55.70}, {12.60, 55.72}, {12.53, 55.68}} {
		back := p.ToLonLat(p.ToXY(ll))
		if math.Abs(back[0]-ll[0]) > 1e-12 || math.Abs(back[1]-ll[1]) > 1e-12 {
			t.Errorf("%v -> %v", ll, back)
		}
	}
	// One degree of latitude at 55.7 N is 111,336 m on WGS84
	// (meridional radius 6,379,116 m); 0.01 deg of longitude at 55.7 N
	// is 628.75 m (parallel radius N cos(lat) = 3,602,525 m).
	if y := p.ToXY(orb.Point{12.57, 55.71})[1]; math.Abs(y-1113.36) > 0.05 {
		t.Errorf("0.01 deg north = %.2f m, want 1113.36", y)
	}
	if x := p.ToXY(orb.Point{12.58, 55.70})[0]; math.Abs(x-628.75) > 0.05 {
		t.Errorf("0.01 deg east = %.2f m, want 628.75", x)
	}
}

// TestRouteMatchesDijkstra: A* with landmarks finds the costs of a plain
// one-to-all Dijkstra, and the paths it returns are drivable and cost
// what it says.
func TestRouteMatchesDijkstra(t *testing.T) {
	c := load(t, osterbroXML)
	g := c.Roads
	r := NewRouter(g)
	scc := sccEdges(g)
	rng := rand.New(rand.NewPCG(1, 2))
	all := make([]float64, g.NumEdges())
	var path []EdgeID
	for i := 0; i < 40; i++ {
		from := scc[rng.IntN(len(scc))]
		r.TimeFrom(from, all)
		for j := 0; j < 25; j++ {
			to := scc[rng.IntN(len(scc))]
			var cost float64
			var ok bool
			path, cost, ok = r.Route(from, to, path[:0])
			if !ok {
				t.Fatalf("no route %d -> %d inside the SCC", from, to)
			}
			if math.Abs(cost-all[to]) > 1e-6*all[to] {
				t.Fatalf("route %d -> %d: A* %.6f s, Dijkstra %.6f s", from, to, cost, all[to])
			}
			checkPath(t, g, r.w, path, from, to, cost)
		}
	}
}

func checkPath(t *testing.T, g *RoadGraph, w []float64, path []EdgeID, from, to EdgeID, cost float64) {
	t.Helper()
	if path[0] != from || path[len(path)-1] != to {
		t.Fatalf("path %v does not run %d -> %d", path, from, to)
	}
	sum := w[path[0]]
	for i := 1; i < len(path); i++ {
		if !g.TurnAllowed(path[i-1], path[i]) {
			t.Fatalf("path turns %d -> %d, not allowed", path[i-1], path[i])
		}
		sum += w[path[i]]
	}
	if math.Abs(sum-cost) > 1e-9*cost {
		t.Fatalf("path sums to %v, route says %v", sum, cost)
	}
}

func sccEdges(g *RoadGraph) []EdgeID {
	var out []EdgeID
	for e, in := range g.InSCC {
		if in {
			out = append(out, EdgeID(e))
		}
	}
	return out
}

// TestSnapEdgeMatchesBruteForce compares the grid with a scan of every
// segment of every SCC edge.
func TestSnapEdgeMatchesBruteForce(t *testing.T) {
	c := load(t, osterbroXML)
	g := c.Roads
	rng := rand.New(rand.NewPCG(3, 4))
	b := orb.Bound{Min: g.NodeXY[0], Max: g.NodeXY[0]}
	for _, p := range g.NodeXY {
		b = b.Extend(p)
	}
	for i := 0; i < 300; i++ {
		p := orb.Point{b.Min[0] - 200 + rng.Float64()*(b.Max[0]-b.Min[0]+400), b.Min[1] - 200 + rng.Float64()*(b.Max[1]-b.Min[1]+400)}
		e, off, d, ok := c.SnapEdge(p)
		if !ok {
			t.Fatal("no edge")
		}
		want := math.Inf(1)
		for f, geom := range g.Geom {
			if !g.InSCC[f] {
				continue
			}
			for k := 0; k+1 < len(geom); k++ {
				dd, _ := pointSegment(p, geom[k], geom[k+1])
				want = math.Min(want, dd)
			}
		}
		if math.Abs(d-want) > 1e-9 || !g.InSCC[e] {
			t.Fatalf("snap %v: edge %d at %.3f m, brute force %.3f m", p, e, d, want)
		}
		if off < 0 || off > g.LengthM[e]+1e-9 {
			t.Fatalf("offset %.3f outside edge of %.3f m", off, g.LengthM[e])
		}
		n, ok := c.NearestNode(p)
		if !ok {
			t.Fatal("no node")
		}
		q := g.NodeXY[n]
		if math.Hypot(q[0]-p[0], q[1]-p[1]) < d-1e-9 {
			t.Fatalf("node %d nearer than the nearest edge", n)
		}
	}
}
