package citygrid

import (
	"math"
	"slices"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"citytwin/models/city"
	"citytwin/models/grid"
)

// tree is the shortest-path tree over the undirected street network from
// one primary substation's road node.
type tree struct {
	dist   []float64
	parent []city.NodeID // -1 at the root and for unreached nodes
	via    []city.EdgeID // road edge from parent to node
}

// shortestTree runs Dijkstra from root over the streets in both
// directions, by length. O((V+E) log V).
func shortestTree(g *city.RoadGraph, root city.NodeID) *tree {
	n := g.NumNodes()
	t := &tree{dist: make([]float64, n), parent: make([]city.NodeID, n), via: make([]city.EdgeID, n)}
	for i := range t.dist {
		t.dist[i], t.parent[i], t.via[i] = math.Inf(1), -1, -1
	}
	t.dist[root] = 0
	h := &nodeHeap{}
	h.push(root, 0)
	done := make([]bool, n)
	relax := func(u, v city.NodeID, e city.EdgeID) {
		if d := t.dist[u] + g.LengthM[e]; d < t.dist[v] {
			t.dist[v], t.parent[v], t.via[v] = d, u, e
			h.push(v, d)
		}
	}
	for h.len() > 0 {
		u := h.pop()
		if done[u] {
			continue
		}
		done[u] = true
		for _, e := range g.Out(u) {
			relax(u, g.To[e], e)
		}
		for _, e := range g.In(u) {
			relax(u, g.From[e], e)
		}
	}
	return t
}

// nodeHeap is a binary min-heap of (node, distance), lazy deletion.
type nodeHeap struct {
	node []city.NodeID
	dist []float64
}

func (h *nodeHeap) len() int { return len(h.node) }

func (h *nodeHeap) push(n city.NodeID, d float64) {
	h.node, h.dist = append(h.node, n), append(h.dist, d)
	i := len(h.node) - 1
	for i > 0 {
		p := (i - 1) / 2
		if h.dist[p] <= h.dist[i] {
			break
		}
		h.swap(i, p)
		i = p
	}
}

func (h *nodeHeap) pop() city.NodeID {
	top := h.node[0]
	last := len(h.node) - 1
	h.swap(0, last)
	h.node, h.dist = h.node[:last], h.dist[:last]
	i := 0
	for {
		l, m := 2*i+1, i
		if l < last && h.dist[l] < h.dist[m] {
			m = l
		}
		if l+1 < last && h.dist[l+1] < h.dist[m] {
			m = l + 1
		}
		if m == i {
			return top
		}
		h.swap(i, m)
		i = m
	}
}

func (h *nodeHeap) swap(i, j int) {
	h.node[i], h.node[j] = h.node[j], h.node[i]
	h.dist[i], h.dist[j] = h.dist[j], h.dist[i]
}

// builder accumulates the case.
type builder struct {
	s   *synth
	c   *grid.Case
	res *Result
}

func (b *builder) addBus(kind BusKind, xy orb.Point, kv float64, typ grid.BusType) int {
	id := len(b.c.Buses) + 1
	b.c.Buses = append(b.c.Buses, grid.Bus{ID: id, Type: typ, Vm: 1, BaseKV: kv, Area: 1, Zone: 1, Vmax: 1.1, Vmin: 0.9})
	b.res.BusKind = append(b.res.BusKind, kind)
	b.res.BusXY = append(b.res.BusXY, xy)
	b.res.BusLonLat = append(b.res.BusLonLat, b.s.c.Proj.ToLonLat(xy))
	return id
}

func (b *builder) addBranch(kind string, from, to int, r, x, bsh, rateMVA float64, geom []orb.Point) {
	b.c.Branches = append(b.c.Branches, grid.Branch{From: from, To: to, R: r, X: x, B: bsh, RateA: rateMVA,
		InService: true, AngMin: -360, AngMax: 360})
	b.res.BranchKind = append(b.res.BranchKind, kind)
	ll := make([]orb.Point, len(geom))
	for i, p := range geom {
		ll[i] = b.s.c.Proj.ToLonLat(p)
	}
	b.res.BranchGeom = append(b.res.BranchGeom, ll)
}

// cable adds an MV cable of lengthM metres.
func (b *builder) cable(from, to int, lengthM float64, geom []orb.Point) {
	p := b.s.p
	km := math.Max(lengthM, 1) / 1000
	zbase := p.MVkV * p.MVkV / p.BaseMVA
	bsh := 2 * math.Pi * 50 * p.Cable.CMicroFPerKm * 1e-6 * km * zbase
	rate := math.Sqrt(3) * p.MVkV * p.Cable.RatedA / 1000
	b.addBranch("cable", from, to, p.Cable.ROhmPerKm*km/zbase, p.Cable.XOhmPerKm*km/zbase, bsh, rate, geom)
	b.res.CableKm += km
}

// trafo adds a transformer of sMVA with short-circuit voltage uk and
// copper-loss share ur (both on its own rating).
func (b *builder) trafo(kind string, from, to int, sMVA, uk, ur float64, geom []orb.Point) {
	base := b.s.p.BaseMVA
	x := math.Sqrt(uk*uk-ur*ur) * base / sMVA
	b.addBranch(kind, from, to, ur*base/sMVA, x, 0, sMVA, geom)
}

// secondarySize is the rating of a secondary substation for peak load
// peakMVA: the smallest standard size loaded to at most 90 %, or parallel
// units of the largest.
func (s *synth) secondarySize(peakMVA float64) float64 {
	for _, kva := range s.p.TrafoSizesKVA {
		if peakMVA <= 0.9*kva/1000 {
			return kva / 1000
		}
	}
	largest := s.p.TrafoSizesKVA[len(s.p.TrafoSizesKVA)-1] / 1000
	return math.Ceil(peakMVA/(0.9*largest)) * largest
}

// build lays out buses and branches: the HV slack, each primary with its
// transformer, the MV cable tree along the streets, and each secondary
// substation with its transformer and lumped LV load.
func (s *synth) build() {
	c := &grid.Case{Name: "citygrid_" + s.c.Name, BaseMVA: s.p.BaseMVA}
	b := &builder{s: s, c: c, res: s.res}
	s.res.Case = c
	hv := b.addBus(HVSlack, s.primXY[0], s.p.HVkV, grid.Ref)
	c.Gens = append(c.Gens, grid.Gen{Bus: hv, Vg: 1, MBase: 100, InService: true, Qmax: 9999, Qmin: -9999, Pmax: 9999})
	for k := range s.primXY {
		var secs []int
		for j := range s.secXY {
			if s.primOf[j] == k && s.secCount[j] > 0 {
				secs = append(secs, j)
			}
		}
		if len(secs) == 0 {
			continue
		}
		root := b.addBus(PrimaryMV, s.c.Roads.NodeXY[s.primNode[k]], s.p.MVkV, grid.PQ)
		b.trafo("primary_trafo", hv, root, s.p.PrimaryMVA, s.p.PrimaryUk, 0.005, []orb.Point{s.primXY[k], s.primXY[k]})
		s.feeder(b, k, root, secs)
	}
	s.parallelCircuits()
}

// parallelCircuits gives every cable and primary transformer as many
// parallel circuits as the peak load downstream of it needs at 80 % of
// their rating: MV feeders leaving a primary share trenches along the main
// streets, as they do in cities. Branches are in creation order, parents
// before children, so one backward pass sums the loads.
func (s *synth) parallelCircuits() {
	c := s.res.Case
	down := make([]float64, len(c.Buses)+1) // MVA by bus ID
	for _, bus := range c.Buses {
		down[bus.ID] = math.Hypot(bus.Pd, bus.Qd)
	}
	s.res.Circuits = make([]int, len(c.Branches))
	for i := len(c.Branches) - 1; i >= 0; i-- {
		br := &c.Branches[i]
		load := down[br.To]
		down[br.From] += load
		n := 1
		if kind := s.res.BranchKind[i]; kind == "cable" || kind == "primary_trafo" {
			n = max(1, int(math.Ceil(load/(0.8*br.RateA))))
		}
		s.res.Circuits[i] = n
		br.R, br.X, br.B, br.RateA = br.R/float64(n), br.X/float64(n), br.B*float64(n), br.RateA*float64(n)
	}
}

// feeder lays the MV cables of primary k to its secondaries secs.
func (s *synth) feeder(b *builder, k, root int, secs []int) {
	g := s.c.Roads
	t := shortestTree(g, s.primNode[k])
	// Tree nodes used by any path, and their number of tree children.
	used := map[city.NodeID]bool{s.primNode[k]: true}
	children := map[city.NodeID]int{}
	terminal := map[city.NodeID]bool{s.primNode[k]: true}
	for _, j := range secs {
		n := s.secNode[j]
		if math.IsInf(t.dist[n], 1) {
			// Unreachable over the streets: tap it from the primary directly.
			continue
		}
		terminal[n] = true
		for n != s.primNode[k] && !used[n] {
			used[n] = true
			children[t.parent[n]]++
			n = t.parent[n]
		}
	}
	// A road node becomes a bus when it is the root, feeds a substation or
	// is a branch point; chains between buses become one cable.
	bus := map[city.NodeID]int{s.primNode[k]: root}
	isBus := func(n city.NodeID) bool { return terminal[n] || children[n] != 1 }
	nodes := make([]city.NodeID, 0, len(used))
	for n := range used {
		nodes = append(nodes, n)
	}
	// Parents before children (depth in hops strictly grows along the
	// tree), node order among equals: deterministic bus numbering.
	depth := map[city.NodeID]int{}
	var depthOf func(n city.NodeID) int
	depthOf = func(n city.NodeID) int {
		if n == s.primNode[k] {
			return 0
		}
		if d, ok := depth[n]; ok {
			return d
		}
		d := depthOf(t.parent[n]) + 1
		depth[n] = d
		return d
	}
	slices.Sort(nodes)
	slices.SortStableFunc(nodes, func(a, b city.NodeID) int { return depthOf(a) - depthOf(b) })
	for _, n := range nodes {
		if n == s.primNode[k] || !isBus(n) {
			continue
		}
		bus[n] = b.addBus(Junction, g.NodeXY[n], s.p.MVkV, grid.PQ)
		// Walk up to the next bus, collecting the geometry.
		geom := []orb.Point{g.NodeXY[n]}
		length := 0.0
		m := n
		for {
			e := t.via[m]
			length += g.LengthM[e]
			geom = append(geom, g.NodeXY[t.parent[m]])
			m = t.parent[m]
			if _, ok := bus[m]; ok || isBus(m) {
				break
			}
		}
		slices.Reverse(geom)
		b.cable(bus[m], bus[n], length, geom)
	}
	for _, j := range secs {
		at, ok := bus[s.secNode[j]]
		if !ok {
			at = root
		}
		s.secondary(b, j, at)
	}
}

// secondary adds secondary substation j, tapped from MV bus at.
func (s *synth) secondary(b *builder, j, at int) {
	p := s.p
	mv := b.addBus(SecondaryMV, s.secXY[j], p.MVkV, grid.PQ)
	atXY := b.res.BusXY[at-1]
	b.cable(at, mv, math.Max(10, planar.Distance(atXY, s.secXY[j])), []orb.Point{atXY, s.secXY[j]})
	lv := b.addBus(SecondaryLV, s.secXY[j], p.LVkV, grid.PQ)
	annual := s.secRes[j] + s.secOth[j]
	peakMW := annual * p.PeakKWPerMWh / 1000
	size := s.secondarySize(peakMW / p.PowerFactor)
	b.trafo("secondary_trafo", mv, lv, size, p.TrafoUk, p.TrafoUr, []orb.Point{s.secXY[j], s.secXY[j]})
	bus := &b.c.Buses[lv-1]
	bus.Pd = peakMW
	bus.Qd = peakMW * math.Tan(math.Acos(p.PowerFactor))
	b.res.LoadBus = append(b.res.LoadBus, lv)
	b.res.ResidentialMWh = append(b.res.ResidentialMWh, s.secRes[j])
	b.res.OtherMWh = append(b.res.OtherMWh, s.secOth[j])
	b.res.ResidentialM2 = append(b.res.ResidentialM2, s.secResM2[j])
	b.res.FootprintM2 = append(b.res.FootprintM2, s.secRoof[j])
	b.res.BuildingsServed = append(b.res.BuildingsServed, s.secCount[j])
}
