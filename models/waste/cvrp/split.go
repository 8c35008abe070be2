package cvrp

import "math"

// splitter cuts a giant tour into routes at least cost, counting capacity
// (and duration) excess at the current penalties. Without a duration limit
// and with enough vehicles it runs the linear-time Split of Vidal (2016),
// "Split algorithms in O(n) for the capacitated vehicle routing problem",
// Computers & Operations Research 69; otherwise the Bellman recursion of
// Prins (2004) over a load window, layered by vehicle count when the fleet
// is limited.
type splitter struct {
	s        *solver
	cumDist  []float64 // cumDist[i]: distance along the tour from its 1st to its i-th customer
	cumLoad  []float64 // cumLoad[i]: demand of the tour's first i customers
	cumServ  []float64
	fromDep  []float64 // fromDep[i]: depot -> i-th customer
	toDep    []float64 // toDep[i]: i-th customer -> depot
	pot      []float64 // potentials, (fleet+1) layers of n+1
	pred     []int
	deque    []int
	tour     []int // 1-based view of the giant tour
	infinity float64
}

func newSplitter(s *solver) *splitter {
	n, k := s.in.N, s.fleet
	return &splitter{s: s, cumDist: make([]float64, n+1), cumLoad: make([]float64, n+1), cumServ: make([]float64, n+1),
		fromDep: make([]float64, n+1), toDep: make([]float64, n+1), pot: make([]float64, (k+1)*(n+1)),
		pred: make([]int, (k+1)*(n+1)), deque: make([]int, 0, n+1), tour: make([]int, n+1), infinity: math.Inf(1)}
}

// split fills x.routes from x.giant and evaluates x.
func (sp *splitter) split(x *individual) {
	in, n := sp.s.in, sp.s.in.N
	copy(sp.tour[1:], x.giant)
	for i := 1; i <= n; i++ {
		c := sp.tour[i]
		sp.cumLoad[i] = sp.cumLoad[i-1] + in.Demand[c]
		sp.cumServ[i] = sp.cumServ[i-1] + in.service(c)
		if i > 1 {
			sp.cumDist[i] = sp.cumDist[i-1] + in.D(sp.tour[i-1], c)
		}
		sp.fromDep[i], sp.toDep[i] = in.D(0, c), in.D(c, 0)
	}
	layers := 0
	sp.pot[0], sp.pred[0] = 0, -1
	if in.MaxRouteDuration == 0 {
		sp.linear(sp.pot[:n+1], sp.pot[:n+1], sp.pred[:n+1])
	} else {
		sp.bellman(sp.pot[:n+1], sp.pot[:n+1], sp.pred[:n+1], 1.5)
	}
	if sp.countRoutes() > sp.s.fleet {
		layers = sp.limited()
	}
	sp.extract(x, layers)
	sp.s.evaluate(x)
}

// routeCost is the penalised cost of the route visiting tour[i+1..j].
func (sp *splitter) routeCost(i, j int) float64 {
	s := sp.s
	dist := sp.fromDep[i+1] + sp.cumDist[j] - sp.cumDist[i+1] + sp.toDep[j]
	c := dist + s.penaltyLoad*max(0, sp.cumLoad[j]-sp.cumLoad[i]-s.in.Capacity)
	if s.in.MaxRouteDuration > 0 {
		c += s.penaltyDuration * max(0, dist+sp.cumServ[j]-sp.cumServ[i]-s.in.MaxRouteDuration)
	}
	return c
}

// linear computes cur[j] = min over i<j of prev[i] + routeCost(i, j) in
// O(n) with a deque of non-dominated predecessors (Vidal 2016, section 3).
// With a linear load penalty the cost of predecessor i at load level x is
// a_i + P*max(0, x - L_i - Q) plus a term common to all i, where
// a_i = prev[i] + d(0, t_{i+1}) - D_{i+1}. prev and cur may be the same
// slice (unlimited fleet).
func (sp *splitter) linear(prev, cur []float64, pred []int) {
	n := sp.s.in.N
	pl := sp.s.penaltyLoad
	a := func(i int) float64 { return prev[i] + sp.fromDep[i+1] - sp.cumDist[i+1] }
	dq := sp.deque[:0]
	head := 0
	if !math.IsInf(prev[0], 1) {
		dq = append(dq, 0)
	}
	for j := 1; j <= n; j++ {
		if head < len(dq) {
			i := dq[head]
			cur[j], pred[j] = prev[i]+sp.routeCost(i, j), i
		} else {
			cur[j], pred[j] = sp.infinity, -1
		}
		if j == n || math.IsInf(prev[j], 1) {
			continue
		}
		aj := a(j)
		dominated := false
		if head < len(dq) {
			back := dq[len(dq)-1]
			dominated = a(back)+pl*(sp.cumLoad[j]-sp.cumLoad[back]) <= aj // j never beats back
		}
		if !dominated {
			for head < len(dq) && a(dq[len(dq)-1]) >= aj {
				dq = dq[:len(dq)-1]
			}
			dq = append(dq, j)
		}
		for len(dq)-head > 1 && prev[dq[head]]+sp.routeCost(dq[head], j+1) >= prev[dq[head+1]]+sp.routeCost(dq[head+1], j+1)-epsilon {
			head++
		}
	}
	sp.deque = dq
}

// bellman computes cur[j] = min over i<j of prev[i] + routeCost(i, j),
// for routes whose load stays under window times the capacity.
func (sp *splitter) bellman(prev, cur []float64, pred []int, window float64) {
	n := sp.s.in.N
	limit := window * sp.s.in.Capacity
	if &prev[0] != &cur[0] {
		for j := range cur {
			cur[j], pred[j] = sp.infinity, -1
		}
	} else {
		for j := 1; j <= n; j++ {
			cur[j], pred[j] = sp.infinity, -1
		}
	}
	for i := 0; i < n; i++ {
		if math.IsInf(prev[i], 1) {
			continue
		}
		for j := i + 1; j <= n; j++ {
			if j > i+1 && sp.cumLoad[j]-sp.cumLoad[i] > limit {
				break
			}
			if c := prev[i] + sp.routeCost(i, j); c < cur[j] {
				cur[j], pred[j] = c, i
			}
		}
	}
}

// countRoutes counts the routes of the unlimited split.
func (sp *splitter) countRoutes() int {
	k := 0
	for j := sp.s.in.N; j > 0; j = sp.pred[j] {
		k++
	}
	return k
}

// limited runs the split layered by the number of vehicles used and
// returns the best layer (number of routes).
func (sp *splitter) limited() int {
	n, fleet := sp.s.in.N, sp.s.fleet
	windows := []float64{1.5, math.Inf(1)}
	if sp.s.in.MaxRouteDuration == 0 {
		windows = windows[1:]
	}
	for _, window := range windows {
		layer := func(k int) []float64 { return sp.pot[k*(n+1) : (k+1)*(n+1)] }
		l0 := layer(0)
		for j := range l0 {
			l0[j] = sp.infinity
		}
		l0[0] = 0
		best, bestK := sp.infinity, 0
		for k := 1; k <= fleet; k++ {
			cur, pred := layer(k), sp.pred[k*(n+1):(k+1)*(n+1)]
			cur[0], pred[0] = sp.infinity, -1
			if sp.s.in.MaxRouteDuration == 0 {
				sp.linear(layer(k-1), cur, pred)
			} else {
				sp.bellman(layer(k-1), cur, pred, window)
			}
			if cur[n] < best {
				best, bestK = cur[n], k
			}
		}
		if bestK > 0 {
			return bestK
		}
	}
	return 0 // unreachable: one route can always hold every customer
}

// extract writes the routes chosen by the split into x.routes.
func (sp *splitter) extract(x *individual, layers int) {
	n := sp.s.in.N
	for k := range x.routes {
		x.routes[k] = x.routes[k][:0]
	}
	r := 0
	if layers == 0 {
		for j := n; j > 0; j = sp.pred[j] {
			i := sp.pred[j]
			x.routes[r] = append(x.routes[r], sp.tour[i+1:j+1]...)
			r++
		}
	} else {
		j := n
		for k := layers; k >= 1; k-- {
			i := sp.pred[k*(n+1)+j]
			x.routes[r] = append(x.routes[r], sp.tour[i+1:j+1]...)
			r++
			j = i
		}
	}
	// The routes were collected backwards; put them in tour order.
	for a, b := 0, r-1; a < b; a, b = a+1, b-1 {
		x.routes[a], x.routes[b] = x.routes[b], x.routes[a]
	}
}
