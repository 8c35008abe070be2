package city

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"sync"
	"testing"
)

// LastSettled is the number of edges the last Route settled (both
// directions of a hierarchy query), for the benchmarks of package
// city_test.
func (r *Router) LastSettled() int { return r.statPops }

// CheckHierarchyRoutes routes n random pairs of edges of g (half of them
// from the largest SCC, half from all edges, so that unreachable pairs
// occur) with the hierarchy and checks each against A* on the same graph
// and against Dijkstra (TimeFrom): same reachability, the same cost to
// 1e-9 relative, a valid path from fromEdge to toEdge whose cost sums to
// the one returned. It is shared with the synthetic-city test of package
// city_test.
func CheckHierarchyRoutes(t *testing.T, g *RoadGraph, n int, seed uint64) {
	t.Helper()
	ch, astar := NewRouter(g), NewRouter(g)
	ch.UseHierarchy(true)
	scc := sccEdges(g)
	rng := rand.New(rand.NewPCG(seed, 1))
	pick := func(i int) EdgeID {
		if i%2 == 0 && len(scc) > 0 {
			return scc[rng.IntN(len(scc))]
		}
		return EdgeID(rng.IntN(g.NumEdges()))
	}
	all := make([]float64, g.NumEdges())
	var p1, p2 []EdgeID
	const perSource = 10
	for i := 0; i < n/perSource; i++ {
		from := pick(i)
		astar.TimeFrom(from, all)
		for j := 0; j < perSource; j++ {
			to := pick(j)
			if j == 0 {
				to = from
			}
			var c1, c2 float64
			var ok1, ok2 bool
			p1, c1, ok1 = ch.Route(from, to, p1[:0])
			p2, c2, ok2 = astar.Route(from, to, p2[:0])
			if ok1 != ok2 || ok1 == math.IsInf(all[to], 1) {
				t.Fatalf("seed %d: %d -> %d: hierarchy ok %v, A* ok %v, Dijkstra %v", seed, from, to, ok1, ok2, all[to])
			}
			if !ok1 {
				if len(p1) != 0 {
					t.Fatalf("seed %d: %d -> %d: unreachable but path %v", seed, from, to, p1)
				}
				continue
			}
			if math.Abs(c1-c2) > 1e-9*c2 || math.Abs(c1-all[to]) > 1e-9*all[to] {
				t.Fatalf("seed %d: %d -> %d: hierarchy %.12f s, A* %.12f s, Dijkstra %.12f s", seed, from, to, c1, c2, all[to])
			}
			checkPath(t, g, ch.w, p1, from, to, c1)
		}
	}
}

// TestHierarchyMatchesAStar: on both extracts, hierarchy routes agree
// with A* and Dijkstra in reachability and cost, with valid paths.
func TestHierarchyMatchesAStar(t *testing.T) {
	for _, f := range []struct{ name, path string }{{"osterbro", osterbroXML}, {"lyngby", lyngbyXML}} {
		t.Run(f.name, func(t *testing.T) {
			c := load(t, f.path)
			CheckHierarchyRoutes(t, c.Roads, 3000, 21)
		})
	}
}

// TestHierarchyDeterministic: two builds on the same graph, one
// sequential and one with three workers, give the same arrays, and the hierarchy's path for a pair is the same on every query.
func TestHierarchyDeterministic(t *testing.T) {
	g := load(t, osterbroXML).Roads
	a, b := buildHierarchyWorkers(g, 1), buildHierarchyWorkers(g, 3)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("two builds of the hierarchy differ (1 and 3 workers)")
	}
	r := NewRouter(g)
	r.UseHierarchy(true)
	c := r.Clone()
	scc := sccEdges(g)
	rng := rand.New(rand.NewPCG(3, 3))
	var p1, p2 []EdgeID
	for i := 0; i < 300; i++ {
		from, to := scc[rng.IntN(len(scc))], scc[rng.IntN(len(scc))]
		p1, _, _ = r.Route(from, to, p1[:0])
		c.Route(scc[rng.IntN(len(scc))], to, p2[:0]) // a different query in between
		p2, _, _ = c.Route(from, to, p2[:0])
		if !reflect.DeepEqual(p1, p2) {
			t.Fatalf("%d -> %d: paths differ between a router and its clone", from, to)
		}
	}
}

// checkArcs unpacks every arc of h and checks that it is a valid path on
// g whose free-flow cost (the arc u -> x costs the entries after u) is the
// arc's cost, that upward arcs go up and downward arcs come down, and
// that no arc is cheaper than the shortest path between its ends
// (Dijkstra, checked for a sample of tails). It returns the first fault.
func checkArcs(g *RoadGraph, h *hierarchy, w []float64) error {
	var path []EdgeID
	check := func(u, x, mid int32, cost float64) error { // hierarchy ids
		path = h.unpack(u, x, mid, append(path[:0], EdgeID(h.fromCH[u])))
		if path[len(path)-1] != EdgeID(h.fromCH[x]) {
			return fmt.Errorf("arc %d -> %d (mid %d) unpacks to %v", u, x, mid, path)
		}
		sum := 0.0
		for i := 1; i < len(path); i++ {
			if !g.TurnAllowed(path[i-1], path[i]) {
				return fmt.Errorf("arc %d -> %d (mid %d): turn %d -> %d not allowed", u, x, mid, path[i-1], path[i])
			}
			sum += w[path[i]]
		}
		if math.Abs(sum-cost) > 1e-9*cost {
			return fmt.Errorf("arc %d -> %d (mid %d) costs %v, its path %v", u, x, mid, cost, sum)
		}
		return nil
	}
	s := newSearch(g.NumEdges())
	for v := int32(0); v < int32(g.NumEdges()); v++ {
		sample := v%50 == 0
		if sample {
			s.dijkstra(g, w, EdgeID(h.fromCH[v]), false)
		}
		for _, a := range h.up[h.upStart[v]:h.upStart[v+1]] {
			if a.node >= v { // ids count from the top
				return fmt.Errorf("upward arc %d -> %d goes down", v, a.node)
			}
			if err := check(v, a.node, a.mid, a.cost); err != nil {
				return err
			}
			if d := s.get(EdgeID(h.fromCH[a.node])); sample && a.cost < d*(1-1e-9) {
				return fmt.Errorf("arc %d -> %d costs %v, less than the shortest path %v", v, a.node, a.cost, d)
			}
		}
		for _, a := range h.down[h.downStart[v]:h.downStart[v+1]] {
			if a.node >= v {
				return fmt.Errorf("downward arc %d -> %d goes up", a.node, v)
			}
			if err := check(a.node, v, a.mid, a.cost); err != nil {
				return err
			}
		}
	}
	return nil
}

// TestHierarchyArcs: every arc of the Osterbro hierarchy unpacks to a
// valid path of its cost, none undercuts a shortest path; and the check
// does catch a wrong shortcut (one made too cheap, one pointing at the
// wrong middle node), and queries on a hierarchy missing a needed
// shortcut go wrong.
func TestHierarchyArcs(t *testing.T) {
	g := load(t, osterbroXML).Roads
	h := buildHierarchy(g)
	w := make([]float64, g.NumEdges())
	for e := range w {
		w[e] = g.FreeFlowS(EdgeID(e))
	}
	if err := checkArcs(g, h, w); err != nil {
		t.Fatal(err)
	}
	if h.shortcuts == 0 {
		t.Fatal("no shortcuts")
	}
	sc := -1 // the first upward shortcut
	for i, a := range h.up {
		if a.mid >= 0 {
			sc = i
			break
		}
	}
	cheap := cloneHierarchy(h)
	cheap.up[sc].cost *= 0.5
	if checkArcs(g, cheap, w) == nil {
		t.Error("a shortcut at half its cost passed the check")
	}
	wrongMid := cloneHierarchy(h)
	wrongMid.up[sc].mid = (wrongMid.up[sc].mid + 1) % int32(g.NumEdges())
	if checkArcs(g, wrongMid, w) == nil {
		t.Error("a shortcut with the wrong middle node passed the check")
	}
}

// TestHierarchyMissingShortcut: the route comparison catches a hierarchy
// from which shortcuts were dropped (made unusable): some query then
// returns a dearer route or none.
func TestHierarchyMissingShortcut(t *testing.T) {
	g := load(t, osterbroXML).Roads
	h := cloneHierarchy(g.hierarchy())
	for i := range h.up {
		if h.up[i].mid >= 0 {
			h.up[i].cost = math.Inf(1)
		}
	}
	ch, astar := NewRouter(g), NewRouter(g)
	ch.useCH, ch.ch = true, h
	scc := sccEdges(g)
	rng := rand.New(rand.NewPCG(8, 8))
	wrong := 0
	for i := 0; i < 200; i++ {
		from, to := scc[rng.IntN(len(scc))], scc[rng.IntN(len(scc))]
		_, c1, ok1 := ch.Route(from, to, nil)
		_, c2, _ := astar.Route(from, to, nil)
		if !ok1 || math.Abs(c1-c2) > 1e-9*c2 {
			wrong++
		}
	}
	if wrong == 0 {
		t.Fatal("no query noticed the upward shortcuts were gone")
	}
}

func cloneHierarchy(h *hierarchy) *hierarchy {
	c := *h
	c.up = append([]chArc(nil), h.up...)
	return &c
}

// TestHierarchyWeights: the hierarchy answers only on free-flow weights;
// other weights fall back to A* (a closed edge is avoided), and setting the
// free-flow times back switches it on again. Clones keep the setting.
func TestHierarchyWeights(t *testing.T) {
	g := load(t, osterbroXML).Roads
	r := NewRouter(g)
	r.UseHierarchy(true)
	from, to := EdgeID(-1), EdgeID(-1)
	scc := sccEdges(g)
	var path []EdgeID
	var cost float64
	for i := 0; from < 0; i++ { // a pair with a middle edge to close
		path, cost, _ = r.Route(scc[i], scc[len(scc)-1-i], path[:0])
		if len(path) > 5 {
			from, to = path[0], path[len(path)-1]
		}
	}
	w := make([]float64, g.NumEdges())
	for e := range w {
		w[e] = g.FreeFlowS(EdgeID(e))
	}
	closed := path[len(path)/2]
	w[closed] = math.Inf(1)
	if err := r.SetWeights(w); err != nil {
		t.Fatal(err)
	}
	c := r.Clone()
	for _, rr := range []*Router{r, c} {
		p, c2, ok := rr.Route(from, to, nil)
		for _, e := range p {
			if e == closed {
				t.Fatalf("route uses closed edge %d", closed)
			}
		}
		if ok && c2 < cost {
			t.Fatalf("closing an edge made the route cheaper: %v < %v", c2, cost)
		}
		if rr.statPushes == 0 {
			t.Fatal("not answered by A*")
		}
	}
	w[closed] = g.FreeFlowS(closed)
	if err := c.SetWeights(w); err != nil {
		t.Fatal(err)
	}
	if _, c3, _ := c.Route(from, to, nil); c3 != cost || c.statPushes != 0 {
		t.Fatalf("free-flow weights again: cost %v (want %v), pushes %d (want 0: the hierarchy)", c3, cost, c.statPushes)
	}
	if err := r.SetWeights(w); err != nil {
		t.Fatal(err)
	}
	r.UseHierarchy(false)
	if _, c4, _ := r.Route(from, to, nil); r.statPushes == 0 || math.Abs(c4-cost) > 1e-9*cost {
		t.Fatalf("hierarchy off: cost %v, pushes %d", c4, r.statPushes)
	}
}

// BuildHierarchyStats builds a fresh hierarchy of g (not the cached one)
// and returns its number of arcs and shortcuts and the bytes of its arrays.
func BuildHierarchyStats(g *RoadGraph) (arcs, shortcuts, bytes int) {
	h := buildHierarchy(g)
	arcs = len(h.up) + len(h.down)
	return arcs, h.shortcuts, 4*(len(h.toCH)+len(h.fromCH)+len(h.upStart)+len(h.downStart)) + arcs*16
}

// TestHierarchyConcurrentClones: clones sharing one hierarchy route
// concurrently (run with -race) and give the paths of a single router.
func TestHierarchyConcurrentClones(t *testing.T) {
	g := load(t, lyngbyXML).Roads
	r := NewRouter(g)
	r.UseHierarchy(true)
	scc := sccEdges(g)
	rng := rand.New(rand.NewPCG(4, 4))
	pairs := make([][2]EdgeID, 400)
	want := make([][]EdgeID, len(pairs))
	for i := range pairs {
		pairs[i] = [2]EdgeID{scc[rng.IntN(len(scc))], scc[rng.IntN(len(scc))]}
		want[i], _, _ = r.Route(pairs[i][0], pairs[i][1], nil)
	}
	var wg sync.WaitGroup
	errs := make([]error, 3)
	for k := range errs {
		wg.Add(1)
		go func(c *Router, k int) {
			defer wg.Done()
			var p []EdgeID
			for i := k; i < len(pairs); i += 2 {
				p, _, _ = c.Route(pairs[i][0], pairs[i][1], p[:0])
				if !reflect.DeepEqual(p, want[i]) {
					errs[k] = fmt.Errorf("clone %d: pair %d: path differs", k, i)
					return
				}
			}
		}(r.Clone(), k)
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
}
