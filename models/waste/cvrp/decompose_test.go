package cvrp

import (
	"slices"
	"testing"
)

// decomposingParams forces the decomposition on small instances: sub-problems
// of about size customers every interval iterations.
func decomposingParams(size, interval int) *Params {
	p := DefaultParams()
	p.DecomposeMinCustomers, p.DecomposeSize, p.DecomposeInterval = 0, size, interval
	p.DecomposeIterations = 200
	return &p
}

// Every route of the elite lands in exactly one group, and the groups hold
// about DecomposeSize customers (the last one may absorb a small rest).
func TestRouteGroupsPartition(t *testing.T) {
	in := loadTestInstance(t, "X-n101-k25.vrp", RoundAuto)
	s := newSolver(in, Options{Seed: 5, Params: decomposingParams(30, 10)})
	var routes [][]int
	for c := 1; c <= in.N; c += 4 {
		routes = append(routes, []int{c, min(c+1, in.N), min(c+2, in.N), min(c+3, in.N)}[:min(4, in.N-c+1)])
	}
	for trial := range 5 {
		groups := s.routeGroups(routes)
		seen := make([]int, len(routes))
		for g, group := range groups {
			size := 0
			for _, r := range group {
				seen[r]++
				size += len(routes[r])
			}
			if size < 15 || size > 30+15+4 {
				t.Errorf("trial %d: group %d has %d customers, want about 30", trial, g, size)
			}
		}
		for r, k := range seen {
			if k != 1 {
				t.Fatalf("trial %d: route %d in %d groups", trial, r, k)
			}
		}
	}
}

// The sub-instance keeps the distances, demands, service times and
// coordinates of the customers it renumbers.
func TestSubInstance(t *testing.T) {
	in := randomInstance(3, 12, true)
	in.Coords = make([][2]float64, in.N+1)
	for i := range in.Coords {
		in.Coords[i] = [2]float64{float64(i), float64(2 * i)}
	}
	s := newSolver(in, Options{Seed: 1})
	customers := []int{7, 2, 11}
	sub, local := s.subInstance(customers, 2)
	if err := sub.Validate(); err != nil {
		t.Fatal(err)
	}
	nodes := append([]int{0}, customers...)
	for i, a := range nodes {
		if i > 0 && local[a] != i {
			t.Errorf("local[%d] = %d, want %d", a, local[a], i)
		}
		if sub.Demand[i] != in.Demand[a] || sub.Service[i] != in.Service[a] || sub.Coords[i] != in.Coords[a] {
			t.Errorf("node %d (was %d): data differ", i, a)
		}
		for j, b := range nodes {
			if sub.D(i, j) != in.D(a, b) {
				t.Errorf("d(%d, %d) = %g, want d(%d, %d) = %g", i, j, sub.D(i, j), a, b, in.D(a, b))
			}
		}
	}
	if sub.Vehicles != 0 || sub.MaxRouteDuration != in.MaxRouteDuration {
		t.Errorf("vehicles %d, duration %g", sub.Vehicles, sub.MaxRouteDuration)
	}
}

// With the decomposition forced on, the search still returns checked
// solutions, within 2 % of the best known cost on X-n101-k25 (27591,
// Uchoa et al. 2017), with limited and unlimited fleets, and the same
// solution for the same seed.
func TestSolveWithDecomposition(t *testing.T) {
	t.Parallel()
	in := loadTestInstance(t, "X-n101-k25.vrp", RoundAuto)
	var first Solution
	for run := range 2 {
		sol, err := Solve(in, Options{Seed: 2, MaxIterations: 200, Params: decomposingParams(30, 50)})
		if err != nil {
			t.Fatal(err)
		}
		if err := in.CheckSolution(sol); err != nil {
			t.Fatal(err)
		}
		if gap := (sol.Cost - 27591) / 27591; gap > 0.02 {
			t.Errorf("cost %g, gap %.2f %% (seed 2)", sol.Cost, 100*gap)
		}
		if run == 0 {
			first = sol
		} else if sol.Cost != first.Cost || !slices.EqualFunc(sol.Routes, first.Routes, slices.Equal) {
			t.Errorf("second run: cost %g, first %g", sol.Cost, first.Cost)
		}
	}
	limited := *in
	limited.Vehicles = 26
	sol, err := Solve(&limited, Options{Seed: 2, MaxIterations: 200, Params: decomposingParams(30, 50)})
	if err != nil {
		t.Fatal(err)
	}
	if err := limited.CheckSolution(sol); err != nil {
		t.Fatal(err)
	}
}

// On an asymmetric instance with a duration limit and no coordinates the
// decomposition (groups by route index) keeps every constraint.
func TestSolveDecompositionDuration(t *testing.T) {
	t.Parallel()
	in := randomInstance(11, 60, true)
	sol, err := Solve(in, Options{Seed: 4, MaxIterations: 120, Params: decomposingParams(15, 25)})
	if err != nil {
		t.Fatal(err)
	}
	if err := in.CheckSolution(sol); err != nil {
		t.Fatal(err)
	}
}

// improveGroup returns routes that visit the same customers and cost no
// more than the elite's, with every route within capacity.
func TestImproveGroupKeepsCustomers(t *testing.T) {
	in := loadTestInstance(t, "X-n101-k25.vrp", RoundAuto)
	s := newSolver(in, Options{Seed: 9, MaxIterations: 50, Params: decomposingParams(30, 1000)})
	s.run()
	var routes [][]int
	for _, r := range s.pop.feasible[0].routes {
		if len(r) > 0 {
			routes = append(routes, slices.Clone(r))
		}
	}
	cost := in.Cost(routes)
	changed := 0
	for _, group := range s.routeGroups(routes) {
		var better bool
		if routes, better = s.improveGroup(routes, group); better {
			changed++
		}
		var all []int
		for _, r := range routes {
			all = append(all, r...)
			if in.RouteDuration(r) < 0 || routeLoad(in, r) > in.Capacity {
				t.Fatalf("route %v over capacity", r)
			}
		}
		slices.Sort(all)
		if len(all) != in.N || all[0] != 1 || all[in.N-1] != in.N || len(slices.Compact(all)) != in.N {
			t.Fatalf("%d customers visited after a group, want each of %d once", len(all), in.N)
		}
		if c := in.Cost(routes); c > cost {
			t.Fatalf("cost %g after a group, %g before", c, cost)
		} else {
			cost = c
		}
	}
	if changed == 0 {
		t.Logf("no group improved after 50 iterations (seed 9)")
	}
}

func routeLoad(in *Instance, r []int) float64 {
	q := 0.0
	for _, v := range r {
		q += in.Demand[v]
	}
	return q
}

// BenchmarkDecompose measures one decomposition round (groups of about 30
// customers, 200 iterations each) on an elite of X-n101-k25.
func BenchmarkDecompose(b *testing.B) {
	in := loadTestInstance(b, "X-n101-k25.vrp", RoundAuto)
	s := newSolver(in, Options{Seed: 3, MaxIterations: 50, Params: decomposingParams(30, 1000)})
	s.run()
	s.opts.MaxIterations = 0 // the rounds below run past the limit
	b.ReportAllocs()
	for b.Loop() {
		s.decompose()
	}
}
