package cvrp

import (
	"errors"
	"testing"
)

func TestSolveEdgeCases(t *testing.T) {
	t.Parallel()
	one := &Instance{N: 1, Dist: []float64{0, 3, 4, 0}, Demand: []float64{0, 2}, Capacity: 5}
	sol, err := Solve(one, Options{Seed: 1, MaxIterations: 10})
	if err != nil || sol.Cost != 7 || len(sol.Routes) != 1 {
		t.Errorf("one customer: %+v, %v", sol, err)
	}
	// Two customers of demand 3 and capacity 5 need two routes; one vehicle
	// cannot serve them.
	two := &Instance{N: 2, Dist: []float64{0, 1, 1, 1, 0, 1, 1, 1, 0}, Demand: []float64{0, 3, 3}, Capacity: 5, Vehicles: 1}
	sol, err = Solve(two, Options{Seed: 1, MaxIterations: 10})
	if !errors.Is(err, ErrNoFeasible) || sol.Feasible || len(sol.Routes) != 1 {
		t.Errorf("too small a fleet: %+v, %v", sol, err)
	}
	two.Vehicles = 0
	sol, err = Solve(two, Options{Seed: 1, MaxIterations: 10})
	if err != nil || sol.Cost != 4 || two.CheckSolution(sol) != nil {
		t.Errorf("two customers: %+v, %v", sol, err)
	}
	bad := &Instance{N: 1, Dist: []float64{0, -3, 4, 0}, Demand: []float64{0, 2}, Capacity: 5}
	if _, err := Solve(bad, Options{}); !errors.Is(err, ErrInvalid) {
		t.Errorf("negative distance: %v", err)
	}
}
