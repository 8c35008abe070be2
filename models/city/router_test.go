package city

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

// TestSetWeights: with congested (and some faster-than-free-flow) weights
// the landmark bounds are scaled and A* still finds Dijkstra's optimum; a
// closed (+Inf) edge is never used.
func TestSetWeights(t *testing.T) {
	c := load(t, osterbroXML)
	g := c.Roads
	r := NewRouter(g)
	rng := rand.New(rand.NewPCG(11, 12))
	w := make([]float64, g.NumEdges())
	for e := range w {
		w[e] = g.FreeFlowS(EdgeID(e)) * (0.7 + 2*rng.Float64())
	}
	closed := EdgeID(-1)
	for e := range w {
		if g.InSCC[e] && g.Reverse[e] != NoEdge {
			closed = EdgeID(e)
			w[e] = math.Inf(1)
			break
		}
	}
	if err := r.SetWeights(w); err != nil {
		t.Fatal(err)
	}
	if err := r.SetWeights(w[:1]); err == nil {
		t.Error("short weights accepted")
	}
	scc := sccEdges(g)
	all := make([]float64, g.NumEdges())
	var path []EdgeID
	for i := 0; i < 30; i++ {
		from := scc[rng.IntN(len(scc))]
		if from == closed {
			continue
		}
		r.TimeFrom(from, all)
		for j := 0; j < 20; j++ {
			to := scc[rng.IntN(len(scc))]
			var cost float64
			var ok bool
			path, cost, ok = r.Route(from, to, path[:0])
			if math.IsInf(all[to], 1) {
				if ok {
					t.Fatalf("route %d -> %d found, Dijkstra says unreachable", from, to)
				}
				continue
			}
			if !ok || math.Abs(cost-all[to]) > 1e-6*all[to] {
				t.Fatalf("route %d -> %d: A* %.6f s (ok %v), Dijkstra %.6f s", from, to, cost, ok, all[to])
			}
			checkPath(t, g, w, path, from, to, cost)
			for _, e := range path {
				if e == closed {
					t.Fatalf("path uses the closed edge %d", closed)
				}
			}
		}
	}
}

// TestTurnRestrictionsRespected: no path of the router takes a banned
// turn, and Osterbro's restrictions are in the graph.
func TestTurnRestrictionsRespected(t *testing.T) {
	c := load(t, osterbroXML)
	g := c.Roads
	if len(g.Banned) == 0 || c.Stats.RestrictionsApplied == 0 {
		t.Fatalf("no turn restrictions applied: %+v", c.Stats)
	}
	for pair := range g.Banned {
		if g.TurnAllowed(pair[0], pair[1]) {
			t.Fatalf("banned turn %v allowed", pair)
		}
		for _, s := range g.Successors(pair[0]) {
			if s == pair[1] {
				t.Fatalf("banned turn %v among successors", pair)
			}
		}
	}
}

// TestTablesConsistent: every table has equal-length columns and one row
// per element.
func TestTablesConsistent(t *testing.T) {
	c := load(t, osterbroXML)
	want := map[string]int{
		"road_nodes": c.Roads.NumNodes(), "road_edges": c.Roads.NumEdges(), "car_parks": len(c.CarParks),
		"on_street_parking": len(c.OnStreet), "chargers": len(c.Chargers), "waste_baskets": len(c.WasteBaskets),
		"recycling": len(c.Recycling), "buildings": len(c.Buildings), "substations": len(c.Substations),
		"water_towers": len(c.WaterTowers), "water_works": len(c.WaterWorks),
	}
	for _, tb := range c.Tables() {
		n, err := tb.Rows()
		if err != nil {
			t.Fatal(err)
		}
		if n != want[tb.Name] {
			t.Errorf("%s: %d rows, want %d", tb.Name, n, want[tb.Name])
		}
		delete(want, tb.Name)
	}
	if len(want) > 0 {
		t.Errorf("tables missing: %v", want)
	}
}

// TestParseTags covers the tag readers.
func TestParseTags(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want float64
	}{
		{"50", 50}, {"30 mph", 48.28032}, {"DK:urban", 50}, {"DK:rural", 80}, {"40;60", 40},
		{"none", 130}, {"signals", 99}, {"", 99}, {"-5", 99}, {"10 knots", 18.52},
	} {
		if got := parseMaxspeed(tc.in, 99); math.Abs(got-tc.want) > 1e-9 {
			t.Errorf("maxspeed %q = %v, want %v", tc.in, got, tc.want)
		}
	}
	for _, tc := range []struct {
		in   string
		want float64
		ok   bool
	}{{"22 kW", 22, true}, {"7400 W", 7.4, true}, {"50kW", 50, true}, {"22", 0, false}} {
		got, ok := parsePowerKW(tc.in)
		if ok != tc.ok || math.Abs(got-tc.want) > 1e-9 {
			t.Errorf("power %q = %v %v", tc.in, got, ok)
		}
	}
}

// TestWideExtractIndex: roads 2000 km apart must not make the snapping
// grid explode (the cell grows so the grid stays under maxIndexCells).
// The northern street is the longer, so it is the largest SCC.
func TestWideExtractIndex(t *testing.T) {
	const wide = `<osm>
 <node id="1" lat="40.0" lon="-10.0"/><node id="2" lat="40.001" lon="-10.0"/>
 <node id="3" lat="58.0" lon="12.0"/><node id="4" lat="58.002" lon="12.0"/>
 <way id="1"><nd ref="1"/><nd ref="2"/><tag k="highway" v="residential"/></way>
 <way id="2"><nd ref="3"/><nd ref="4"/><tag k="highway" v="residential"/></way>
</osm>`
	raw, err := readOSM(strings.NewReader(wide), false)
	if err != nil {
		t.Fatal(err)
	}
	c, err := build(raw, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if n := c.index.nx * c.index.ny; n > maxIndexCells+2*(c.index.nx+c.index.ny) {
		t.Fatalf("grid of %d cells", n)
	}
	e, _, d, ok := c.SnapLonLat(orb.Point{12.0001, 58.001})
	if !ok || d > 10 || !c.Roads.InSCC[e] {
		t.Fatalf("snap: edge %d at %.1f m, ok %v", e, d, ok)
	}
}

// TestTimeToMatchesTimeFrom checks the stopping one-to-many search against
// the one-to-all search on random sources and target sets of the extract.
func TestTimeToMatchesTimeFrom(t *testing.T) {
	c := load(t, osterbroXML)
	g := c.Roads
	r := NewRouter(g)
	all := make([]float64, g.NumEdges())
	rng := rand.New(rand.NewPCG(5, 6))
	for q := 0; q < 50; q++ {
		from := EdgeID(rng.IntN(g.NumEdges()))
		targets := make([]EdgeID, 1+rng.IntN(20))
		for i := range targets {
			targets[i] = EdgeID(rng.IntN(g.NumEdges()))
		}
		targets = append(targets, targets[0]) // a repeated target
		got := make([]float64, len(targets))
		r.TimeTo(from, targets, got)
		r.TimeFrom(from, all)
		for i, e := range targets {
			if got[i] != all[e] {
				t.Fatalf("query %d: TimeTo(%d -> %d) = %v, TimeFrom gives %v", q, from, e, got[i], all[e])
			}
		}
		// TimeToBest: the minimum of cost + extra is the one the full
		// search gives, and every finite entry is exact.
		extra := make([]float64, len(targets))
		for i := range extra {
			extra[i] = 300 * rng.Float64()
		}
		r.TimeToBest(from, targets, extra, got)
		want, have := math.Inf(1), math.Inf(1)
		for i, e := range targets {
			want = min(want, all[e]+extra[i])
			have = min(have, got[i]+extra[i])
			if !math.IsInf(got[i], 1) && got[i] != all[e] {
				t.Fatalf("query %d: TimeToBest(%d -> %d) = %v, TimeFrom gives %v", q, from, e, got[i], all[e])
			}
		}
		if want != have {
			t.Fatalf("query %d: TimeToBest's minimum %v, full search %v", q, have, want)
		}
	}
}
