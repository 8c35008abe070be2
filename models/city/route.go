package city

import (
	"fmt"
	"math"
)

// Router finds shortest-time routes on a RoadGraph, edge to edge, on the
// turn-expanded graph (so turn restrictions and the U-turn rule of
// TurnAllowed hold), with A* and ALT landmark bounds (Goldberg & Harrelson
// 2005). Costs are free-flow travel times (LengthM/SpeedMps) unless
// SetWeights gives others. With UseHierarchy(true) and free-flow weights,
// Route answers from the graph's contraction hierarchy instead (ch.go). A
// Router is not safe for concurrent use: use one per goroutine (they share
// the graph's landmark tables and hierarchy). After the first query it
// allocates nothing per query, except to grow dst.
type Router struct {
	g      *RoadGraph
	lm     *landmarks
	w      []float64 // cost of each edge, s
	hScale float64   // factor on landmark bounds: min over edges of w / free-flow (<= 1)
	s      *search
	active [activeLandmarks]int
	nAct   int
	// per query: the target's landmark distances for the active landmarks,
	// and the bound of each edge reached (valid when hStamp == s.gen)
	tFrom, tTo [activeLandmarks]float32
	h          []float64
	hStamp     []uint32

	statPops, statPushes int // of the last query, for tests

	// TimeTo's targets: marked (== s.gen) on their edges, chained by
	// index from thead through tnext; allocated on first use
	tmark  []uint32
	thead  []int32
	tnext  []int32
	torder []int32 // TimeToBest's targets by increasing extra

	// contraction hierarchy (UseHierarchy): Route answers from it while
	// the weights are the free-flow times it was built on (free)
	useCH bool
	free  bool
	ch    *hierarchy
	chq   *chQuery // allocated on first use
}

// NewRouter returns a router over g with free-flow weights. The first
// router of a graph computes its landmarks (33 one-to-all searches).
func NewRouter(g *RoadGraph) *Router {
	m := g.NumEdges()
	r := &Router{g: g, lm: g.landmarkTable(), w: make([]float64, m), hScale: 1, s: newSearch(m),
		h: make([]float64, m), hStamp: make([]uint32, m), free: true}
	for e := range r.w {
		r.w[e] = g.FreeFlowS(EdgeID(e))
	}
	return r
}

// SetWeights sets the cost of every edge (s), e.g. current travel times for
// re-routing; +Inf closes an edge. Weights other than exactly the free-flow
// times turn the hierarchy of UseHierarchy off until they are set back. costS must have NumEdges entries, all positive. Landmark
// bounds were computed on free-flow times; they are scaled by the smallest
// ratio costS/free-flow so they stay admissible when some edge gets faster
// than free flow.
func (r *Router) SetWeights(costS []float64) error {
	if len(costS) != len(r.w) {
		return fmt.Errorf("city: SetWeights: %d weights for %d edges", len(costS), len(r.w))
	}
	scale, free := 1.0, true
	for e, c := range costS {
		if !(c > 0) {
			return fmt.Errorf("city: SetWeights: edge %d: cost %v must be positive", e, c)
		}
		ff := r.g.FreeFlowS(EdgeID(e))
		if ratio := c / ff; ratio < scale {
			scale = ratio
		}
		free = free && c == ff
	}
	copy(r.w, costS)
	r.free = free
	r.hScale = scale * (1 - 1e-9)
	return nil
}

// Route returns the fastest path from edge fromEdge to edge toEdge,
// appended to dst (dst[:0] to reuse a buffer): the edges in order, starting
// with fromEdge and ending with toEdge. costS is the sum of the costs of
// all the edges of the path, both ends included (a trip that starts or ends
// part-way along an edge subtracts the part not driven). ok is false when
// toEdge cannot be reached.
func (r *Router) Route(fromEdge, toEdge EdgeID, dst []EdgeID) (path []EdgeID, costS float64, ok bool) {
	g, s := r.g, r.s
	m := EdgeID(len(r.w))
	if fromEdge < 0 || fromEdge >= m || toEdge < 0 || toEdge >= m {
		return dst, 0, false
	}
	if r.useCH && r.free {
		return r.routeCH(fromEdge, toEdge, dst)
	}
	r.chooseLandmarks(fromEdge, toEdge)
	s.reset()
	s.set(fromEdge, 0, NoEdge)
	s.heap.push(r.hOf(fromEdge), fromEdge)
	r.statPops, r.statPushes = 0, 0
	for len(s.heap.items) > 0 {
		it := s.heap.pop()
		r.statPops++
		e := it.edge
		ge := s.cost[e]
		if e == toEdge {
			return r.unwind(toEdge, dst), r.w[fromEdge] + ge, true
		}
		if it.key > ge+r.h[e]+1e-9 {
			continue // stale heap entry: e was reached again at lower cost
		}
		for _, o := range g.Successors(e) {
			c := ge + r.w[o]
			if c < s.get(o) {
				h := r.hOf(o)
				if math.IsInf(h, 1) {
					continue
				}
				s.set(o, c, e)
				s.heap.push(c+h, o)
				r.statPushes++
			}
		}
	}
	return dst, 0, false
}

// unwind appends the path ending at t to dst.
func (r *Router) unwind(t EdgeID, dst []EdgeID) []EdgeID {
	n0 := len(dst)
	for e := t; e != NoEdge; e = r.s.parent[e] {
		dst = append(dst, e)
	}
	for i, j := n0, len(dst)-1; i < j; i, j = i+1, j-1 {
		dst[i], dst[j] = dst[j], dst[i]
	}
	return dst
}

// chooseLandmarks keeps the activeLandmarks landmarks that give the best
// bound between from and to.
func (r *Router) chooseLandmarks(from, to EdgeID) {
	r.nAct = 0
	if r.lm.k == 0 {
		return
	}
	var best [activeLandmarks]float64
	for k := 0; k < r.lm.k; k++ {
		v := landmarkBound(r.lm, k, from, to)
		if math.IsNaN(v) {
			continue
		}
		// insertion into the sorted top list
		i := r.nAct
		if i < activeLandmarks {
			r.nAct++
		} else if v <= best[activeLandmarks-1] {
			continue
		} else {
			i = activeLandmarks - 1
		}
		for i > 0 && best[i-1] < v {
			best[i], r.active[i] = best[i-1], r.active[i-1]
			i--
		}
		best[i], r.active[i] = v, k
	}
	for i := 0; i < r.nAct; i++ {
		k := int(to)*numLandmarks + r.active[i]
		r.tFrom[i], r.tTo[i] = r.lm.from[k], r.lm.to[k]
	}
}

// landmarkBound is landmark k's lower bound on D(e, t).
func landmarkBound(lm *landmarks, k int, e, t EdgeID) float64 {
	ie, it := int(e)*numLandmarks+k, int(t)*numLandmarks+k
	a := float64(lm.from[it]) - float64(lm.from[ie]) // D(L,t) - D(L,e)
	b := float64(lm.to[ie]) - float64(lm.to[it])     // D(e,L) - D(t,L)
	switch {
	case math.IsNaN(a):
		return b
	case math.IsNaN(b) || a > b:
		return a
	}
	return b
}

// hOf is the A* heuristic of edge e for the current query's target: the
// best active landmark lower bound on the cost from the end of e to the
// end of the target, computed once per edge and query.
func (r *Router) hOf(e EdgeID) float64 {
	if r.hStamp[e] == r.s.gen {
		return r.h[e]
	}
	h := float32(0)
	base := int(e) * numLandmarks
	for i := 0; i < r.nAct; i++ {
		k := base + r.active[i]
		if a := r.tFrom[i] - r.lm.from[k]; a > h { // D(L,t) - D(L,e)
			h = a
		}
		if b := r.lm.to[k] - r.tTo[i]; b > h { // D(e,L) - D(t,L)
			h = b
		}
	}
	v := float64(h) * r.hScale
	if math.IsInf(float64(h), 1) {
		v = math.Inf(1)
	}
	r.h[e], r.hStamp[e] = v, r.s.gen
	return v
}

// TimeFrom fills out (NumEdges entries) with the cost of the fastest route
// from fromEdge to every edge, as Route would return it; +Inf where
// unreachable. One Dijkstra search, O((E+T) log E).
func (r *Router) TimeFrom(fromEdge EdgeID, out []float64) {
	r.s.dijkstra(r.g, r.w, fromEdge, false)
	for e := range out {
		out[e] = r.s.get(EdgeID(e)) + r.w[fromEdge]
	}
}

// Clone returns a router over the same graph, with the same weights and
// the shared landmark tables, and search state of its own: clones route
// concurrently, one per goroutine, and return the same paths as r.
func (r *Router) Clone() *Router {
	m := len(r.w)
	return &Router{g: r.g, lm: r.lm, w: append([]float64(nil), r.w...), hScale: r.hScale, s: newSearch(m),
		h: make([]float64, m), hStamp: make([]uint32, m), useCH: r.useCH, free: r.free, ch: r.ch}
}

// UseHierarchy switches answering Route from the graph's contraction
// hierarchy on or off (off by default). The first call with on for a
// graph builds the hierarchy (see bench/city.md for its cost); routers of
// the same graph share it. While on, Route queries take tens of
// microseconds instead of A*'s hundreds, with the same optimal cost; they
// fall back to A* whenever SetWeights has set weights other than the
// free-flow times.
func (r *Router) UseHierarchy(on bool) {
	r.useCH = on
	if on && r.ch == nil {
		r.ch = r.g.hierarchy()
	}
}
