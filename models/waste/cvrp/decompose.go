package cvrp

import (
	"cmp"
	"math"
	"slices"
)

// Route-based decomposition for large instances, after Santini, Schneider,
// Vidal and Vigo (2023), "Decomposition strategies for vehicle routing
// heuristics", INFORMS Journal on Computing 35(3): every
// Params.DecomposeInterval genetic iterations, one elite solution of the
// population is cut into sub-problems, each made of the customers of a
// group of its routes; each sub-problem is solved by its own hybrid
// genetic search, seeded with the elite's routes, and the routes it
// improves replace the elite's. The recombined solution joins the
// population.
//
// The paper finds route-based decompositions better than path-based ones,
// with groups of routes whose barycenters are close best of all. Here the
// groups are consecutive routes in the order of their barycenters' polar
// angle around the depot, from a random starting route, each holding about
// Params.DecomposeSize customers: nearby routes, in contiguous sectors, and
// different cuts on every call.

// decomposeEnabled reports whether the instance is large enough for the
// decomposition phase: DecomposeMinCustomers, and at least two
// sub-problems of the target size.
func (s *solver) decomposeEnabled() bool {
	p := s.params
	return p.DecomposeInterval > 0 && p.DecomposeSize > 0 && !s.sub &&
		s.in.N >= max(p.DecomposeMinCustomers, 2*p.DecomposeSize)
}

// decompose runs one decomposition round on an elite solution and adds the
// recombined solution to the population; it reports whether the best
// solution since the last restart improved.
func (s *solver) decompose() bool {
	elite := s.pickElite()
	if elite == nil {
		return false
	}
	routes := make([][]int, 0, len(elite.routes))
	for _, r := range elite.routes {
		if len(r) > 0 {
			routes = append(routes, slices.Clone(r))
		}
	}
	changed := false
	for _, group := range s.routeGroups(routes) {
		if s.stop() {
			break
		}
		var better bool
		if routes, better = s.improveGroup(routes, group); better {
			changed = true
		}
	}
	if !changed {
		return false
	}
	x := newIndividual(s.in.N, s.fleet)
	k := 0
	for _, r := range routes {
		if len(r) > 0 && k < len(x.routes) {
			x.routes[k] = append(x.routes[k][:0], r...)
			k++
		}
	}
	x.giantFromRoutes()
	s.evaluate(x)
	return s.educate(x)
}

// pickElite returns one of the Elite best feasible individuals, at random,
// or nil when there is none.
func (s *solver) pickElite() *individual {
	if len(s.pop.feasible) == 0 {
		return nil
	}
	return s.pop.feasible[s.rng.IntN(min(max(1, s.params.Elite), len(s.pop.feasible)))]
}

// routeGroups sorts the routes by the polar angle of their barycenter and
// cuts them, from a random starting route, into groups of consecutive
// routes of about DecomposeSize customers; it returns route indices.
func (s *solver) routeGroups(routes [][]int) [][]int {
	order := make([]int, len(routes))
	angle := make([]float64, len(routes))
	for i, r := range routes {
		order[i] = i
		angle[i] = s.barycenterAngle(r, i)
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(angle[a], angle[b]) })
	if len(order) == 0 {
		return nil
	}
	shift := s.rng.IntN(len(order))
	order = append(order[shift:], order[:shift]...)
	var groups [][]int
	var cur []int
	size := 0
	for _, r := range order {
		cur = append(cur, r)
		size += len(routes[r])
		if size >= s.params.DecomposeSize {
			groups = append(groups, cur)
			cur, size = nil, 0
		}
	}
	if len(cur) > 0 {
		if len(groups) > 0 && size < s.params.DecomposeSize/2 {
			groups[len(groups)-1] = append(groups[len(groups)-1], cur...)
		} else {
			groups = append(groups, cur)
		}
	}
	return groups
}

// barycenterAngle is the polar angle around the depot of route r's
// barycenter; without coordinates, the route's index.
func (s *solver) barycenterAngle(r []int, index int) float64 {
	c := s.in.Coords
	if c == nil || len(r) == 0 {
		return float64(index)
	}
	var x, y float64
	for _, v := range r {
		x, y = x+c[v][0], y+c[v][1]
	}
	k := float64(len(r))
	return math.Atan2(y/k-c[0][1], x/k-c[0][0])
}

// improveGroup solves the sub-problem of the customers of routes[group]
// and, when its solution is shorter, writes its routes in their place
// (emptying surplus slots, appending extra routes); it returns the routes
// and whether it changed them.
func (s *solver) improveGroup(routes [][]int, group []int) ([][]int, bool) {
	var customers []int
	for _, r := range group {
		customers = append(customers, routes[r]...)
	}
	sub, local := s.subInstance(customers, len(group))
	seed := make([][]int, 0, len(group))
	oldCost := 0.0
	for _, r := range group {
		seed = append(seed, mapRoute(routes[r], local))
		oldCost += s.in.RouteCost(routes[r])
	}
	sol, ok := s.solveSub(sub, seed)
	if !ok {
		return routes, false
	}
	newRoutes := make([][]int, len(sol.Routes))
	for i, r := range sol.Routes {
		newRoutes[i] = make([]int, len(r))
		for j, v := range r {
			newRoutes[i][j] = customers[v-1]
		}
	}
	if s.in.Cost(newRoutes) >= oldCost-epsilon || len(newRoutes) > len(group) && s.in.Vehicles > 0 {
		return routes, false
	}
	for i, r := range group {
		routes[r] = nil
		if i < len(newRoutes) {
			routes[r] = newRoutes[i]
		}
	}
	if len(newRoutes) > len(group) {
		routes = append(routes, newRoutes[len(group):]...) // unlimited fleet
	}
	return routes, true
}

// mapRoute renames a route's customers to their sub-problem indices.
func mapRoute(r []int, local map[int]int) []int {
	out := make([]int, len(r))
	for i, v := range r {
		out[i] = local[v]
	}
	return out
}

// subInstance builds the instance of the depot and the given customers
// (renumbered 1..len(customers) in that order), with at most vehicles
// routes when the fleet is limited.
func (s *solver) subInstance(customers []int, vehicles int) (*Instance, map[int]int) {
	in := s.in
	m := len(customers)
	nodes := append([]int{0}, customers...)
	sub := &Instance{Name: in.Name, N: m, Capacity: in.Capacity, MaxRouteDuration: in.MaxRouteDuration,
		Dist: make([]float64, (m+1)*(m+1)), Demand: make([]float64, m+1)}
	if in.Vehicles > 0 {
		sub.Vehicles = vehicles
	}
	if in.Service != nil {
		sub.Service = make([]float64, m+1)
	}
	if in.Coords != nil {
		sub.Coords = make([][2]float64, m+1)
	}
	local := make(map[int]int, m)
	for i, a := range nodes {
		if i > 0 {
			local[a] = i
		}
		sub.Demand[i] = in.Demand[a]
		if sub.Service != nil {
			sub.Service[i] = in.Service[a]
		}
		if sub.Coords != nil {
			sub.Coords[i] = in.Coords[a]
		}
		row := sub.Dist[i*(m+1) : (i+1)*(m+1)]
		for j, b := range nodes {
			row[j] = in.D(a, b)
		}
	}
	return sub, local
}

// solveSub runs a hybrid genetic search on sub, seeded with the routes
// seed, for DecomposeIterations iterations at most and never past the
// parent's time limit.
func (s *solver) solveSub(sub *Instance, seed [][]int) (Solution, bool) {
	p := s.params
	p.InitialPopulation = p.DecomposeInitial
	opts := Options{Seed: s.rng.Uint64(), MaxIterations: p.DecomposeIterations, Clock: s.opts.Clock, Params: &p}
	if s.opts.TimeLimit > 0 {
		opts.TimeLimit = s.opts.TimeLimit - (s.opts.Clock() - s.start)
		if opts.TimeLimit <= 0 {
			return Solution{}, false
		}
	}
	sv := newSolverFleet(sub, opts, len(seed))
	sv.sub = true
	sv.seed = seed
	sv.run()
	sol, err := sv.result()
	return sol, err == nil && sol.Feasible
}
