package city

import (
	"math"
	"runtime"
	"sync"
)

// Contraction hierarchy over the turn-expanded graph (Geisberger, Sanders,
// Schultes and Delling 2008, "Contraction Hierarchies: Faster and Simpler
// Hierarchical Routing in Road Networks", WEA, LNCS 5038).
//
// A node of the hierarchy is a road edge e; an arc e -> o is an allowed
// turn (Successors(e)) and costs w[o], the free-flow time of entering and
// driving o, so the cost of a route is w[from] plus the sum of its arcs,
// as Router.Route counts it. Nodes are contracted one at a time in order of
// a priority; contracting v removes it and adds a shortcut u -> x of cost
// c(u,v)+c(v,x) for each pair of neighbours unless a witness search finds a
// path from u to x that avoids v and costs no more. The rank of a node is
// its place in that order. The result is two graphs: the upward arcs
// (v -> x with rank x > rank v, searched forward from the source) and the
// downward arcs (u -> v with rank u > rank v, stored at v and searched
// backward from the target). Every shortcut stores its middle node, which
// has a lower rank than both ends, so its two halves are found among the
// arcs stored at the middle node.
//
// Costs are float64 throughout, and Route's cost is summed again along the
// unpacked path in path order, so it is bit for bit what A* would return
// for the same path.

const (
	// chWitnessSettle bounds the witness searches of the contraction: a
	// search stops after settling this many nodes (and at the cost of the
	// dearest shortcut it could spare). Stopping early only adds
	// shortcuts that were not needed; the hierarchy stays exact.
	chWitnessSettle = 500
	// chSimulateSettle is the same bound for the simulated contractions
	// that compute priorities, which need only an estimate.
	chSimulateSettle = 100
	// chMaxWorkers bounds the goroutines that compute priorities.
	chMaxWorkers = 8
	// chParallelMin is the least number of priorities computed in
	// parallel. Spreading the few neighbours of each contracted node over
	// two workers made the 50k-edge build twice as slow in wall time on the
	// loaded 2-core machine (each contraction waits for the slower worker),
	// so only the first pass over all nodes is parallel.
	chParallelMin = 1024
)

// hierarchy is a contraction hierarchy in flat CSR arrays. Its nodes are
// numbered by rank from the top (id 0 is the node contracted last), so
// that the few nodes every query reaches lie together in memory: toCH
// maps an EdgeID to its id, fromCH back. The upward arcs of id v (to
// higher nodes) are up[upStart[v]:upStart[v+1]], the downward arcs into v
// (from higher nodes, searched backward) down[downStart[v]:downStart[v+1]].
// Read-only after build, shared by every Router of the graph.
type hierarchy struct {
	toCH, fromCH []int32

	upStart, downStart []int32
	up, down           []chArc

	shortcuts int // arcs with a middle node
}

// chArc is an arc of the hierarchy: the other end (head of an upward arc,
// tail of a downward one), the middle node of a shortcut (-1 for an
// original turn), both as hierarchy ids, and the cost, s.
type chArc struct {
	node, mid int32
	cost      float64
}

// hierarchy returns the graph's contraction hierarchy on free-flow
// weights, building it once (see buildHierarchy for the cost).
func (g *RoadGraph) hierarchy() *hierarchy {
	g.cache.chOnce.Do(func() { g.cache.ch = buildHierarchy(g) })
	return g.cache.ch
}

// buildHierarchy contracts every node of g's turn-expanded graph on
// free-flow weights. Deterministic: nodes are contracted one at a time,
// ties in priority broken by the lower EdgeID; only the priorities (pure
// functions of the remaining graph) of the first pass are computed by up
// to GOMAXPROCS goroutines. Its cost is dominated by the witness searches of those
// priorities, each bounded by chSimulateSettle settled nodes: 0.14 CPU s
// for Osterbro, 75 for the 50k-edge synthetic city (bench/city.md).
func buildHierarchy(g *RoadGraph) *hierarchy {
	return buildHierarchyWorkers(g, min(runtime.GOMAXPROCS(0), chMaxWorkers))
}

// buildHierarchyWorkers is buildHierarchy with priorities computed by
// the given number of goroutines; the result does not depend on it.
func buildHierarchyWorkers(g *RoadGraph, workers int) *hierarchy {
	m := g.NumEdges()
	w := make([]float64, m)
	for e := range w {
		w[e] = g.FreeFlowS(EdgeID(e))
	}
	c := newContractor(g, w, workers)
	c.run()
	return c.finish()
}

// dynArc is an arc of the graph being contracted: to (or from) node, its
// cost, its middle node (-1 for an original turn) and how many original
// turns it stands for.
type dynArc struct {
	node int32
	mid  int32
	hops int32
	cost float64
}

// contractor holds the state of a contraction: the remaining graph as
// per-node arc lists, the final arcs of the contracted nodes, the
// priority queue and the witness search.
type contractor struct {
	out, in  [][]dynArc // arcs of the remaining graph
	up, down [][]dynArc // final arcs of each contracted node
	rank     []int32
	level    []int32 // 1 + the highest level of a contracted neighbour
	queue    prioQueue
	wits     []*witnessSearch // one per worker; wits[0] also contracts
	seen     []int32          // neighbour dedup stamp (node + 1)
	next     int32            // next rank to give
	nbrs     []int32
	prios    []float64 // priorities of nbrs, computed in parallel
}

// witnessSearch is the state of one worker's witness searches: the
// search, its targets (marked with the search's generation) and the
// counts of the last (simulated) contraction.
type witnessSearch struct {
	s            *search
	target       []uint32
	added, hopsA int
}

func newWitnessSearch(m int) *witnessSearch {
	return &witnessSearch{s: newSearch(m), target: make([]uint32, m)}
}

func newContractor(g *RoadGraph, w []float64, workers int) *contractor {
	m := g.NumEdges()
	c := &contractor{out: make([][]dynArc, m), in: make([][]dynArc, m), up: make([][]dynArc, m),
		down: make([][]dynArc, m), rank: make([]int32, m), level: make([]int32, m),
		seen: make([]int32, m)}
	for range max(1, workers) {
		c.wits = append(c.wits, newWitnessSearch(m))
	}
	for e := 0; e < m; e++ {
		for _, o := range g.Successors(EdgeID(e)) {
			if int(o) == e {
				continue // a loop road turning onto itself: never on a shortest path
			}
			c.out[e] = append(c.out[e], dynArc{node: int32(o), mid: -1, hops: 1, cost: w[o]})
			c.in[o] = append(c.in[o], dynArc{node: int32(e), mid: -1, hops: 1, cost: w[o]})
		}
	}
	c.queue.init(m)
	all := make([]int32, m)
	for v := range all {
		all[v] = int32(v)
	}
	prios := make([]float64, m)
	c.priorities(all, prios)
	for v, p := range prios {
		c.queue.push(int32(v), p)
	}
	return c
}

// run contracts every node, with lazy updates: the node on top of the
// queue has its priority recomputed and is put back if it is no longer
// the least.
func (c *contractor) run() {
	for c.queue.len() > 0 {
		v := c.queue.top()
		c.queue.update(v, c.priority(v, c.wits[0]))
		if c.queue.top() != v {
			continue
		}
		c.queue.pop()
		c.contract(v)
	}
}

// priority is the importance of contracting v now (lower first): its
// level (depth of the hierarchy below it), the shortcuts it would add
// per arc it removes (edge quotient) and the original turns those
// shortcuts stand for per turn removed (hop quotient), after Geisberger
// et al.'s edge difference and "original edges" terms in quotient form.
func (c *contractor) priority(v int32, w *witnessSearch) float64 {
	removed := len(c.in[v]) + len(c.out[v])
	if removed == 0 {
		return float64(c.level[v])
	}
	hopsR := 0
	for _, a := range c.in[v] {
		hopsR += int(a.hops)
	}
	for _, a := range c.out[v] {
		hopsR += int(a.hops)
	}
	c.shortcuts(v, chSimulateSettle, false, w)
	return float64(c.level[v]) + float64(w.added)/float64(removed) + float64(w.hopsA)/float64(hopsR)
}

// shortcuts finds the shortcuts contracting v needs; with add it adds
// them to the remaining graph, otherwise it only counts them (w.added,
// w.hopsA) and only reads the contractor.
func (c *contractor) shortcuts(v int32, limit int, add bool, w *witnessSearch) {
	w.added, w.hopsA = 0, 0
	maxOut := 0.0
	for _, b := range c.out[v] {
		maxOut = math.Max(maxOut, b.cost)
	}
	for _, a := range c.in[v] {
		c.witness(a.node, v, a.cost+maxOut, limit, w)
		for _, b := range c.out[v] {
			if b.node == a.node || w.s.get(EdgeID(b.node)) <= a.cost+b.cost {
				continue
			}
			w.added++
			w.hopsA += int(a.hops + b.hops)
			if add {
				c.addArc(a.node, b.node, dynArc{mid: v, hops: a.hops + b.hops, cost: a.cost + b.cost})
			}
		}
	}
}

// witness runs a Dijkstra from u in the remaining graph without v, up to
// cost bound or limit settled nodes, or until every out-neighbour of v is
// settled; w.s.get(x) is then the cost of a path u -> x avoiding v, or
// more than the true distance, or +Inf.
func (c *contractor) witness(u, v int32, bound float64, limit int, w *witnessSearch) {
	s := w.s
	s.reset()
	if s.gen == 1 { // first search, or the generation wrapped: old marks could match
		clear(w.target)
	}
	left := 0
	for _, b := range c.out[v] {
		if w.target[b.node] != s.gen {
			w.target[b.node] = s.gen
			left++
		}
	}
	s.set(EdgeID(u), 0, NoEdge)
	s.heap.push(0, EdgeID(u))
	for settled := 0; len(s.heap.items) > 0 && settled < limit && left > 0; {
		it := s.heap.pop()
		if it.key > s.get(it.edge) {
			continue
		}
		if it.key > bound {
			return
		}
		settled++
		if w.target[it.edge] == s.gen {
			w.target[it.edge] = 0
			left--
		}
		for _, a := range c.out[it.edge] {
			if a.node == v {
				continue
			}
			if k := it.key + a.cost; k < s.get(EdgeID(a.node)) {
				s.set(EdgeID(a.node), k, it.edge)
				s.heap.push(k, EdgeID(a.node))
			}
		}
	}
}

// addArc adds u -> x (a.node is set here) to the remaining graph, or
// lowers the cost of the arc u -> x already there.
func (c *contractor) addArc(u, x int32, a dynArc) {
	for i := range c.out[u] {
		if c.out[u][i].node == x {
			if a.cost < c.out[u][i].cost {
				a.node = x
				c.out[u][i] = a
				for j := range c.in[x] {
					if c.in[x][j].node == u {
						a.node = u
						c.in[x][j] = a
					}
				}
			}
			return
		}
	}
	a.node = x
	c.out[u] = append(c.out[u], a)
	a.node = u
	c.in[x] = append(c.in[x], a)
}

// contract gives v the next rank, adds its shortcuts, keeps its arcs as
// its final upward and downward arcs, removes it from the remaining
// graph and updates its neighbours' levels and priorities.
func (c *contractor) contract(v int32) {
	c.shortcuts(v, chWitnessSettle, true, c.wits[0])
	c.rank[v] = c.next
	c.next++
	c.up[v], c.down[v] = c.out[v], c.in[v]
	c.out[v], c.in[v] = nil, nil
	c.nbrs = c.nbrs[:0]
	for _, a := range c.up[v] {
		c.in[a.node] = removeArc(c.in[a.node], v)
		c.addNeighbour(a.node, v)
	}
	for _, a := range c.down[v] {
		c.out[a.node] = removeArc(c.out[a.node], v)
		c.addNeighbour(a.node, v)
	}
	for _, n := range c.nbrs {
		c.level[n] = max(c.level[n], c.level[v]+1)
	}
	if cap(c.prios) < len(c.nbrs) {
		c.prios = make([]float64, 2*len(c.nbrs))
	}
	c.prios = c.prios[:len(c.nbrs)]
	c.priorities(c.nbrs, c.prios)
	for i, n := range c.nbrs {
		c.queue.update(n, c.prios[i])
	}
}

// priorities sets out[i] to the priority of nodes[i], spread over the
// workers when there are at least chParallelMin nodes (the first pass
// over all nodes). Each result depends only on the graph, so the outcome
// does not depend on the number of workers.
func (c *contractor) priorities(nodes []int32, out []float64) {
	nw := len(c.wits)
	if nw == 1 || len(nodes) < chParallelMin {
		for i, v := range nodes {
			out[i] = c.priority(v, c.wits[0])
		}
		return
	}
	var wg sync.WaitGroup
	for k := 0; k < nw; k++ {
		wg.Add(1)
		go func(w *witnessSearch, lo, hi int) {
			defer wg.Done()
			for i := lo; i < hi; i++ {
				out[i] = c.priority(nodes[i], w)
			}
		}(c.wits[k], k*len(nodes)/nw, (k+1)*len(nodes)/nw)
	}
	wg.Wait()
}

// addNeighbour lists n once per contraction of v.
func (c *contractor) addNeighbour(n, v int32) {
	if c.seen[n] != v+1 {
		c.seen[n] = v + 1
		c.nbrs = append(c.nbrs, n)
	}
}

// removeArc drops the arc to or from node v (at most one), keeping the
// order of the others.
func removeArc(arcs []dynArc, v int32) []dynArc {
	for i, a := range arcs {
		if a.node == v {
			return append(arcs[:i], arcs[i+1:]...)
		}
	}
	return arcs
}

// finish packs the final arcs into the hierarchy's CSR arrays, with the
// nodes renumbered by rank from the top.
func (c *contractor) finish() *hierarchy {
	m := len(c.rank)
	h := &hierarchy{toCH: make([]int32, m), fromCH: make([]int32, m),
		upStart: make([]int32, m+1), downStart: make([]int32, m+1)}
	for e, r := range c.rank {
		id := int32(m-1) - r
		h.toCH[e], h.fromCH[id] = id, int32(e)
	}
	pack := func(a dynArc) chArc {
		mid := int32(-1)
		if a.mid >= 0 {
			mid = h.toCH[a.mid]
			h.shortcuts++
		}
		return chArc{node: h.toCH[a.node], mid: mid, cost: a.cost}
	}
	for id := 0; id < m; id++ {
		e := h.fromCH[id]
		for _, a := range c.up[e] {
			h.up = append(h.up, pack(a))
		}
		for _, a := range c.down[e] {
			h.down = append(h.down, pack(a))
		}
		h.upStart[id+1], h.downStart[id+1] = int32(len(h.up)), int32(len(h.down))
	}
	return h
}

// prioQueue is an indexed binary min-heap of nodes by (priority, node).
type prioQueue struct {
	node []int32
	prio []float64 // by heap position
	pos  []int32   // heap position of each node, -1 when out
}

func (q *prioQueue) init(m int) {
	q.pos = make([]int32, m)
	for i := range q.pos {
		q.pos[i] = -1
	}
}

func (q *prioQueue) len() int   { return len(q.node) }
func (q *prioQueue) top() int32 { return q.node[0] }
func (q *prioQueue) less(i, j int) bool {
	if q.prio[i] != q.prio[j] {
		return q.prio[i] < q.prio[j]
	}
	return q.node[i] < q.node[j]
}

func (q *prioQueue) push(v int32, p float64) {
	q.node, q.prio = append(q.node, v), append(q.prio, p)
	q.pos[v] = int32(len(q.node) - 1)
	q.up(len(q.node) - 1)
}

func (q *prioQueue) pop() int32 {
	v := q.node[0]
	last := len(q.node) - 1
	q.swap(0, last)
	q.node, q.prio = q.node[:last], q.prio[:last]
	q.pos[v] = -1
	q.down(0)
	return v
}

// update sets v's priority if v is in the queue.
func (q *prioQueue) update(v int32, p float64) {
	i := int(q.pos[v])
	if i < 0 {
		return
	}
	q.prio[i] = p
	q.up(i)
	q.down(int(q.pos[v]))
}

func (q *prioQueue) swap(i, j int) {
	q.node[i], q.node[j] = q.node[j], q.node[i]
	q.prio[i], q.prio[j] = q.prio[j], q.prio[i]
	q.pos[q.node[i]], q.pos[q.node[j]] = int32(i), int32(j)
}

func (q *prioQueue) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !q.less(i, p) {
			return
		}
		q.swap(i, p)
		i = p
	}
}

func (q *prioQueue) down(i int) {
	n := len(q.node)
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		if r := l + 1; r < n && q.less(r, l) {
			l = r
		}
		if !q.less(l, i) {
			return
		}
		q.swap(i, l)
		i = l
	}
}
