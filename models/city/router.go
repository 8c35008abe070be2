package city

import "math"

// search holds the reusable state of one shortest-path search over the
// edge graph: tentative costs stamped with a generation counter (so a
// query does not clear arrays), parents and a binary heap.
type search struct {
	cost   []float64
	parent []EdgeID
	stamp  []uint32
	gen    uint32
	heap   heap
}

func newSearch(m int) *search {
	return &search{cost: make([]float64, m), parent: make([]EdgeID, m), stamp: make([]uint32, m)}
}

// reset starts a new search.
func (s *search) reset() {
	s.gen++
	if s.gen == 0 { // wrapped: clear stamps
		clear(s.stamp)
		s.gen = 1
	}
	s.heap.items = s.heap.items[:0]
}

func (s *search) get(e EdgeID) float64 {
	if s.stamp[e] != s.gen {
		return math.Inf(1)
	}
	return s.cost[e]
}

func (s *search) set(e EdgeID, c float64, parent EdgeID) {
	s.stamp[e], s.cost[e], s.parent[e] = s.gen, c, parent
}

// dijkstra runs a one-to-all search from edge src. Forward, the cost of
// edge e is D(src, e), the sum of w over the edges after src up to and
// including e; backward (over predecessors) it is D(e, src).
func (s *search) dijkstra(g *RoadGraph, w []float64, src EdgeID, backward bool) {
	s.reset()
	s.set(src, 0, NoEdge)
	s.heap.push(0, src)
	for len(s.heap.items) > 0 {
		it := s.heap.pop()
		if it.key > s.get(it.edge) {
			continue
		}
		next := g.Successors(it.edge)
		if backward {
			next = g.Predecessors(it.edge)
		}
		for _, o := range next {
			c := it.key + w[o]
			if backward {
				c = it.key + w[it.edge]
			}
			if c < s.get(o) {
				s.set(o, c, it.edge)
				s.heap.push(c, o)
			}
		}
	}
}

// distances returns the costs of the last search (Inf unreached), in a
// new slice.
func (s *search) distances() []float64 {
	out := make([]float64, len(s.cost))
	for e := range out {
		out[e] = s.get(EdgeID(e))
	}
	return out
}

// heap is a binary min-heap of (key, edge) with lazy deletion.
type heap struct{ items []heapItem }

type heapItem struct {
	key  float64
	edge EdgeID
}

func (h *heap) push(key float64, e EdgeID) {
	h.items = append(h.items, heapItem{key, e})
	i := len(h.items) - 1
	for i > 0 {
		p := (i - 1) / 2
		if h.items[p].key <= h.items[i].key {
			break
		}
		h.items[p], h.items[i] = h.items[i], h.items[p]
		i = p
	}
}

func (h *heap) pop() heapItem {
	top := h.items[0]
	n := len(h.items) - 1
	h.items[0] = h.items[n]
	h.items = h.items[:n]
	i := 0
	for {
		l := 2*i + 1
		if l >= n {
			break
		}
		if r := l + 1; r < n && h.items[r].key < h.items[l].key {
			l = r
		}
		if h.items[i].key <= h.items[l].key {
			break
		}
		h.items[i], h.items[l] = h.items[l], h.items[i]
		i = l
	}
	return top
}
