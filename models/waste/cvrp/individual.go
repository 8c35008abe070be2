package cvrp

import "slices"

// individual is one solution of the population: its giant tour (customers
// in route order without depots), its routes, and for the broken-pairs
// distance the successor and predecessor of every customer (0 = depot).
type individual struct {
	giant      []int
	routes     [][]int
	succ, pred []int

	distance       float64
	excessLoad     float64
	excessDuration float64
	penalized      float64
	feasible       bool
	routesUsed     int

	biased    float64     // biased fitness in its subpopulation
	proximity []proxEntry // other members of the subpopulation, closest first
}

type proxEntry struct {
	dist  float64
	other *individual
}

func newIndividual(n, fleet int) *individual {
	return &individual{giant: make([]int, n), routes: make([][]int, fleet), succ: make([]int, n+1), pred: make([]int, n+1)}
}

// clone copies x without its proximity list.
func (x *individual) clone() *individual {
	y := *x
	y.giant = slices.Clone(x.giant)
	y.routes = make([][]int, len(x.routes))
	for i, r := range x.routes {
		y.routes[i] = slices.Clone(r)
	}
	y.succ, y.pred = slices.Clone(x.succ), slices.Clone(x.pred)
	y.proximity = nil
	return &y
}

// evaluate computes the cost, the excesses and the penalised cost of x's
// routes, and its successor and predecessor arrays.
func (s *solver) evaluate(x *individual) {
	in := s.in
	x.distance, x.excessLoad, x.excessDuration, x.routesUsed = 0, 0, 0, 0
	for _, r := range x.routes {
		if len(r) == 0 {
			continue
		}
		x.routesUsed++
		load, serv := 0.0, 0.0
		prev := 0
		dist := 0.0
		for _, v := range r {
			dist += in.D(prev, v)
			load += in.Demand[v]
			serv += in.service(v)
			x.pred[v] = prev
			if prev != 0 {
				x.succ[prev] = v
			}
			prev = v
		}
		x.succ[prev] = 0
		dist += in.D(prev, 0)
		x.distance += dist
		x.excessLoad += max(0, load-in.Capacity)
		if in.MaxRouteDuration > 0 {
			x.excessDuration += max(0, dist+serv-in.MaxRouteDuration)
		}
	}
	x.feasible = x.excessLoad <= s.loadTol && x.excessDuration <= s.durTol
	s.penalize(x)
}

func (s *solver) penalize(x *individual) {
	x.penalized = x.distance + s.penaltyLoad*x.excessLoad + s.penaltyDuration*x.excessDuration
}

// brokenPairs is the broken-pairs distance of Prins (2009), normalised by
// the number of customers: the share of customers whose neighbours differ.
func brokenPairs(a, b *individual) float64 {
	n := len(a.giant)
	diff := 0
	for j := 1; j <= n; j++ {
		if a.succ[j] != b.succ[j] && a.succ[j] != b.pred[j] {
			diff++
		}
		if a.pred[j] == 0 && b.pred[j] != 0 && b.succ[j] != 0 {
			diff++
		}
	}
	return float64(diff) / float64(n)
}

// giantFromRoutes rebuilds the giant tour from the routes.
func (x *individual) giantFromRoutes() {
	x.giant = x.giant[:0]
	for _, r := range x.routes {
		x.giant = append(x.giant, r...)
	}
}
