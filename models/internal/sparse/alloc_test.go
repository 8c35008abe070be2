package sparse

import (
	"math/rand/v2"
	"testing"
)

// TestNumericPhasesAllocateNothing asserts that the calls a model makes in
// its inner loop (Factor, Refactor, Solve) allocate nothing once the
// symbolic analysis is done.
func TestNumericPhasesAllocateNothing(t *testing.T) {
	spd := gridLaplacian(30, 30, 0.1)
	ch, err := NewCholesky(spd)
	if err != nil {
		t.Fatal(err)
	}
	jac := powerFlowJacobian(rand.New(rand.NewPCG(1, 1)), 118, 68)
	lu, err := NewLU(jac)
	if err != nil {
		t.Fatal(err)
	}
	if err := lu.Factor(jac); err != nil { // first Factor may size storage
		t.Fatal(err)
	}
	xs, xl := make([]float64, spd.N), make([]float64, jac.N)
	cases := []struct {
		name string
		fn   func()
	}{
		{"Cholesky.Factor", func() { _ = ch.Factor(spd) }},
		{"Cholesky.Solve", func() { xs[0] = 1; ch.Solve(xs) }},
		{"LU.Factor", func() { _ = lu.Factor(jac) }},
		{"LU.Refactor", func() { _ = lu.Refactor(jac) }},
		{"LU.Solve", func() { xl[0] = 1; lu.Solve(xl) }},
		{"Matrix.Zero", func() { m := *spd; m.Val = xs; m.Zero() }},
	}
	for _, c := range cases {
		if allocs := testing.AllocsPerRun(20, c.fn); allocs != 0 {
			t.Errorf("%s: %v allocations per call, want 0", c.name, allocs)
		}
	}
}
