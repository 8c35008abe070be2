package cvrp_test

import (
	"fmt"

	"citytwin/models/waste/cvrp"
)

// The waste model calls the solver with its own street distances, which
// one-way streets make asymmetric, and a shift length.
func ExampleSolve() {
	dist := [][]float64{
		// to: depot  A    B    C    D
		{0, 4, 6, 7, 3}, // from the depot
		{5, 0, 2, 9, 8}, // from bin A
		{6, 2, 0, 3, 9}, // from bin B
		{8, 9, 3, 0, 4}, // from bin C
		{3, 7, 9, 4, 0}, // from bin D
	}
	in := &cvrp.Instance{
		Name:             "four bins",
		N:                4,
		Demand:           []float64{0, 300, 200, 250, 400}, // kg
		Capacity:         800,                              // kg per truck
		Service:          []float64{0, 1, 1, 1, 1},         // min per bin
		MaxRouteDuration: 20,                               // min per shift
	}
	for _, row := range dist {
		in.Dist = append(in.Dist, row...)
	}
	sol, err := cvrp.Solve(in, cvrp.Options{Seed: 1, MaxIterations: 200})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("routes:", sol.Routes)
	fmt.Println("cost:", cvrp.FormatCost(sol.Cost))
	// Output:
	// routes: [[1 2 3] [4]]
	// cost: 23
}
