package sparse

import (
	"math/rand/v2"
	"testing"
)

// TestSolversAgree is metamorphic: on the shared SPD fixtures, Cholesky
// with AMD, Cholesky with the natural ordering, LU with threshold pivoting
// and LU with full partial pivoting (PivotTol = 1) must give the same
// solution.
func TestSolversAgree(t *testing.T) {
	t.Parallel()
	for _, tc := range spdCases() {
		t.Run(tc.name, func(t *testing.T) {
			m := tc.m
			b := randomVector(rand.New(rand.NewPCG(17, uint64(m.N))), m.N)
			solve := func(name string, factor func() (func([]float64), error)) []float64 {
				s, err := factor()
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				x := append([]float64(nil), b...)
				s(x)
				return x
			}
			ref := solve("Cholesky/AMD", func() (func([]float64), error) {
				c, err := NewCholesky(m)
				if err != nil {
					return nil, err
				}
				return c.Solve, c.Factor(m)
			})
			others := map[string]func() (func([]float64), error){
				"Cholesky/natural": func() (func([]float64), error) {
					c, err := newCholeskyPerm(m, identity(m.N))
					if err != nil {
						return nil, err
					}
					return c.Solve, c.Factor(m)
				},
				"LU/threshold": func() (func([]float64), error) {
					f, err := NewLU(m)
					if err != nil {
						return nil, err
					}
					return f.Solve, f.Factor(m)
				},
				"LU/partial": func() (func([]float64), error) {
					f, err := NewLU(m)
					if err != nil {
						return nil, err
					}
					f.PivotTol = 1
					return f.Solve, f.Factor(m)
				},
			}
			for _, name := range []string{"Cholesky/natural", "LU/threshold", "LU/partial"} {
				if d := relDiff(solve(name, others[name]), ref); d > 1e-9 {
					t.Errorf("%s differs from Cholesky/AMD by %g", name, d)
				}
			}
		})
	}
}
