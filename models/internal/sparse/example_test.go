package sparse_test

import (
	"fmt"

	"citytwin/models/internal/sparse"
)

// A water network's Global Gradient Algorithm solves, every iteration, a
// symmetric positive definite system with the same pattern: build the
// pattern once, analyse it once, then assemble, factor and solve.
func ExampleCholesky() {
	// Three junctions in a line, junction 0 also tied to a reservoir.
	type link struct {
		a, b int
		g    float64 // conductance, m²/s
	}
	links := []link{{0, 1, 2}, {1, 2, 1}}
	b := sparse.NewBuilder(3)
	diag := []int{b.Add(0, 0), b.Add(1, 1), b.Add(2, 2)}
	var off [][2]int
	for _, l := range links {
		off = append(off, [2]int{b.Add(l.a, l.b), b.Add(l.b, l.a)})
	}
	m, slot := b.Build()
	chol, err := sparse.NewCholesky(m)
	if err != nil {
		fmt.Println(err)
		return
	}

	// One iteration: assemble with the slot map, factor, solve.
	m.Zero()
	m.Val[slot[diag[0]]] += 4 // reservoir link
	for k, l := range links {
		m.Val[slot[diag[l.a]]] += l.g
		m.Val[slot[diag[l.b]]] += l.g
		m.Val[slot[off[k][0]]] -= l.g
		m.Val[slot[off[k][1]]] -= l.g
	}
	if err := chol.Factor(m); err != nil {
		fmt.Println(err)
		return
	}
	x := []float64{4, 0, 1} // right-hand side in, solution out
	chol.Solve(x)
	fmt.Printf("%.4f\n", x)
	// Output: [1.2500 1.7500 2.7500]
}

// A Newton-Raphson power flow factors the Jacobian once with pivoting and
// then refactors it with the same pivot order at every iteration.
func ExampleLU_Refactor() {
	b := sparse.NewBuilder(2)
	e := []int{b.Add(0, 0), b.Add(1, 0), b.Add(0, 1), b.Add(1, 1)}
	m, slot := b.Build()
	lu, err := sparse.NewLU(m)
	if err != nil {
		fmt.Println(err)
		return
	}
	for it, vals := range [][4]float64{{4, 1, 2, 3}, {5, 1, 2, 3}} {
		for k, v := range vals {
			m.Val[slot[e[k]]] = v
		}
		if it == 0 {
			err = lu.Factor(m)
		} else {
			err = lu.Refactor(m)
		}
		if err != nil {
			fmt.Println(err)
			return
		}
		x := []float64{1, 1}
		lu.Solve(x)
		fmt.Printf("iteration %d: %.4f\n", it, x)
	}
	// Output:
	// iteration 0: [0.1000 0.3000]
	// iteration 1: [0.0769 0.3077]
}
