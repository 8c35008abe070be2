package city

import "math"

// chState is what one direction of a hierarchy query knows of a node:
// its tentative cost (valid when stamp is the query's generation), the
// node it was reached from, the index of the arc that reached it and its
// place in the heap (-1 once settled).
type chState struct {
	dist   float64
	stamp  uint32
	parent int32
	arc    int32
	pos    int32
}

// chSide is one direction of a hierarchy query, with an indexed heap
// (decrease-key instead of stale entries: it holds each reached node
// once, and pops only what it settles).
type chSide struct {
	st   []chState
	heap heap
}

// chQuery is the reusable state of hierarchy queries for one Router:
// stamped with a generation counter, so nothing is cleared or allocated
// per query once the heaps have grown.
type chQuery struct {
	fwd, bwd chSide
	gen      uint32
	nodes    []int32 // the forward half of the path, reused
	settled  int     // nodes settled by the last query, both directions
}

func newCHQuery(m int) *chQuery {
	return &chQuery{fwd: chSide{st: make([]chState, m)}, bwd: chSide{st: make([]chState, m)}}
}

func (q *chQuery) reset() {
	q.gen++
	if q.gen == 0 { // wrapped: old stamps could match
		clear(q.fwd.st)
		clear(q.bwd.st)
		q.gen = 1
	}
	q.fwd.heap.items, q.bwd.heap.items = q.fwd.heap.items[:0], q.bwd.heap.items[:0]
	q.settled = 0
}

func (s *chSide) get(v int32, gen uint32) float64 {
	if st := &s.st[v]; st.stamp == gen {
		return st.dist
	}
	return math.Inf(1)
}

// reach records that v can be reached at cost d from parent over arc,
// d being less than its current cost.
func (s *chSide) reach(v int32, d float64, parent, arc int32, gen uint32) {
	st := &s.st[v]
	if st.stamp != gen {
		*st = chState{dist: d, stamp: gen, parent: parent, arc: arc, pos: int32(len(s.heap.items))}
		s.heap.items = append(s.heap.items, heapItem{})
	} else {
		st.dist, st.parent, st.arc = d, parent, arc
	}
	s.siftUp(int(st.pos), heapItem{d, EdgeID(v)})
}

// siftUp places it at heap position i or above.
func (s *chSide) siftUp(i int, it heapItem) {
	items := s.heap.items
	for i > 0 {
		p := (i - 1) / 2
		if items[p].key <= it.key {
			break
		}
		items[i] = items[p]
		s.st[items[i].edge].pos = int32(i)
		i = p
	}
	items[i] = it
	s.st[it.edge].pos = int32(i)
}

// pop removes the least node from the heap and marks it settled.
func (s *chSide) pop() heapItem {
	items := s.heap.items
	top := items[0]
	s.st[top.edge].pos = -1
	n := len(items) - 1
	last := items[n]
	s.heap.items = items[:n]
	if n == 0 {
		return top
	}
	items = items[:n]
	i := 0
	for {
		l := 2*i + 1
		if l >= n {
			break
		}
		if r := l + 1; r < n && items[r].key < items[l].key {
			l = r
		}
		if last.key <= items[l].key {
			break
		}
		items[i] = items[l]
		s.st[items[i].edge].pos = int32(i)
		i = l
	}
	items[i] = last
	s.st[last.edge].pos = int32(i)
	return top
}

// search runs the bidirectional upward Dijkstra from s (upward arcs)
// and t (downward arcs, backward), both hierarchy ids, with
// stall-on-demand, until neither heap holds a key below the best meeting
// cost. It returns the meeting node, or -1 when t cannot be reached from
// s. Ties go to the forward search and to the first meeting found, so a
// query always gives the same path.
func (q *chQuery) search(h *hierarchy, s, t int32) int32 {
	q.reset()
	f, b, gen := &q.fwd, &q.bwd, q.gen
	f.reach(s, 0, -1, -1, gen)
	b.reach(t, 0, -1, -1, gen)
	best, meet := math.Inf(1), int32(-1)
	for {
		fMin, bMin := math.Inf(1), math.Inf(1)
		if len(f.heap.items) > 0 {
			fMin = f.heap.items[0].key
		}
		if len(b.heap.items) > 0 {
			bMin = b.heap.items[0].key
		}
		if min(fMin, bMin) >= best {
			return meet
		}
		if fMin <= bMin {
			best, meet = q.step(f, b, h.down, h.downStart, h.up, h.upStart, best, meet)
		} else {
			best, meet = q.step(b, f, h.up, h.upStart, h.down, h.downStart, best, meet)
		}
	}
}

// step settles the next node of one direction (this; other is the
// opposite one): it may improve the meeting (best, meet); unless an arc
// of stall from a node reached more cheaply proves its cost not optimal
// (stall-on-demand: the downward arcs into it, searching forward), the
// arcs of relax are relaxed (the upward arcs, searching forward), except
// those that cannot lead below the best meeting cost found.
func (q *chQuery) step(this, other *chSide, stall []chArc, stallStart []int32, relax []chArc, relaxStart []int32,
	best float64, meet int32) (float64, int32) {
	gen := q.gen
	it := this.pop()
	v, d := int32(it.edge), it.key
	q.settled++
	if c := d + other.get(v, gen); c < best {
		best, meet = c, v
	}
	for _, a := range stall[stallStart[v]:stallStart[v+1]] {
		if this.get(a.node, gen)+a.cost < d {
			return best, meet
		}
	}
	for i, a := range relax[relaxStart[v]:relaxStart[v+1]] {
		if c := d + a.cost; c < best && c < this.get(a.node, gen) {
			this.reach(a.node, c, v, relaxStart[v]+int32(i), gen)
		}
	}
	return best, meet
}

// path appends the edges after s up to and including t of the route
// found by the last search meeting at meet, shortcuts unpacked.
func (q *chQuery) path(h *hierarchy, s, t, meet int32, dst []EdgeID) []EdgeID {
	q.nodes = q.nodes[:0]
	for v := meet; v != s; v = q.fwd.st[v].parent {
		q.nodes = append(q.nodes, v)
	}
	for i := len(q.nodes) - 1; i >= 0; i-- {
		st := q.fwd.st[q.nodes[i]]
		dst = h.unpack(st.parent, q.nodes[i], h.up[st.arc].mid, dst)
	}
	for v := meet; v != t; {
		st := q.bwd.st[v]
		dst = h.unpack(v, st.parent, h.down[st.arc].mid, dst)
		v = st.parent
	}
	return dst
}

// unpack appends the original path of the arc u -> x with middle node
// mid (-1: an original turn), u excluded, x included, as EdgeIDs. The
// halves of a shortcut are the arcs u -> mid and mid -> x stored at mid,
// which was contracted before both ends. Recursion depth is at most the
// number of levels of the hierarchy.
func (h *hierarchy) unpack(u, x, mid int32, dst []EdgeID) []EdgeID {
	if mid < 0 {
		return append(dst, EdgeID(h.fromCH[x]))
	}
	for _, a := range h.down[h.downStart[mid]:h.downStart[mid+1]] {
		if a.node == u {
			dst = h.unpack(u, mid, a.mid, dst)
			break
		}
	}
	for _, a := range h.up[h.upStart[mid]:h.upStart[mid+1]] {
		if a.node == x {
			return h.unpack(mid, x, a.mid, dst)
		}
	}
	return dst
}

// routeCH is Route answered from the hierarchy (the weights are the
// free-flow ones it was built on). The cost is summed along the unpacked
// path in path order, as A* sums it.
func (r *Router) routeCH(fromEdge, toEdge EdgeID, dst []EdgeID) ([]EdgeID, float64, bool) {
	if r.chq == nil {
		r.chq = newCHQuery(len(r.w))
	}
	h := r.ch
	s, t := h.toCH[fromEdge], h.toCH[toEdge]
	meet := r.chq.search(h, s, t)
	r.statPops, r.statPushes = r.chq.settled, 0
	if meet < 0 {
		return dst, 0, false
	}
	n0 := len(dst)
	dst = append(dst, fromEdge)
	dst = r.chq.path(h, s, t, meet, dst)
	var g float64
	for _, e := range dst[n0+1:] {
		g += r.w[e]
	}
	return dst, r.w[fromEdge] + g, true
}
