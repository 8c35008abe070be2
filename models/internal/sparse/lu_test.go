package sparse

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

type luCase struct {
	name string
	m    *Matrix
}

func luCases() []luCase {
	var cs []luCase
	seed := uint64(100)
	for _, n := range []int{1, 2, 3, 5, 10, 31, 64, 150, 300} {
		for _, density := range []float64{0.01, 0.05, 0.2} {
			rng := rand.New(rand.NewPCG(seed, uint64(n)))
			cs = append(cs,
				luCase{fmt.Sprintf("dd/n=%d/d=%g/seed=%d", n, density, seed), randomUnsym(rng, n, density, false)},
				luCase{fmt.Sprintf("shuffled/n=%d/d=%g/seed=%d", n, density, seed), randomUnsym(rng, n, density, true)})
			seed++
		}
	}
	for _, nBus := range []int{5, 30, 118} {
		rng := rand.New(rand.NewPCG(uint64(nBus), 9))
		cs = append(cs, luCase{fmt.Sprintf("powerflow/buses=%d", nBus), powerFlowJacobian(rng, nBus, nBus/2)})
	}
	cs = append(cs,
		luCase{"convection/12x9", gridOperator(12, 9, 0.1, 1, 3)},
		luCase{"spd-grid/10x10", gridLaplacian(10, 10, 0.01)},
	)
	return cs
}

func TestLUMatchesDense(t *testing.T) {
	t.Parallel()
	for _, tc := range luCases() {
		t.Run(tc.name, func(t *testing.T) {
			f, err := NewLU(tc.m)
			if err != nil {
				t.Fatal(err)
			}
			if err := f.Factor(tc.m); err != nil {
				t.Fatal(err)
			}
			rng := rand.New(rand.NewPCG(8, uint64(tc.m.N)))
			b := randomVector(rng, tc.m.N)
			want := denseSolve(t, tc.m, b)
			x := append([]float64(nil), b...)
			f.Solve(x)
			if r := relResidual(tc.m, x, b); r > 1e-12 {
				t.Errorf("relative residual %g", r)
			}
			if d := relDiff(x, want); d > 1e-8 {
				t.Errorf("differs from gonum by %g", d)
			}
		})
	}
}

// TestLURefactorMatchesFactor checks the property that Refactor with new
// values gives the same solution as a fresh Factor, both when the old
// pivots stay acceptable and when they do not (fallback).
func TestLURefactorMatchesFactor(t *testing.T) {
	t.Parallel()
	for _, tc := range luCases() {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(21, uint64(tc.m.N)))
			f, err := NewLU(tc.m)
			if err != nil {
				t.Fatal(err)
			}
			if err := f.Factor(tc.m); err != nil {
				t.Fatal(err)
			}
			m2 := &Matrix{N: tc.m.N, ColPtr: tc.m.ColPtr, RowIdx: tc.m.RowIdx, Val: make([]float64, len(tc.m.Val))}
			for p, v := range tc.m.Val {
				m2.Val[p] = v * (0.9 + 0.2*rng.Float64()) // a Newton step's change
			}
			if err := f.Refactor(m2); err != nil {
				t.Fatal(err)
			}
			fresh, _ := NewLU(m2)
			if err := fresh.Factor(m2); err != nil {
				t.Fatal(err)
			}
			b := randomVector(rng, tc.m.N)
			x, y := append([]float64(nil), b...), append([]float64(nil), b...)
			f.Solve(x)
			fresh.Solve(y)
			if d := relDiff(x, y); d > 1e-9 {
				t.Errorf("Refactor and Factor differ by %g", d)
			}
			if r := relResidual(m2, x, b); r > 1e-12 {
				t.Errorf("relative residual after Refactor %g", r)
			}
		})
	}
}

func TestLURefactorFallsBack(t *testing.T) {
	t.Parallel()
	// Factor with a strong diagonal, then make the first pivot zero: the
	// old pivot order is unusable and Refactor must pivot anew.
	es := []entry{{0, 0, 4}, {1, 0, 1}, {0, 1, 1}, {1, 1, 4}, {2, 1, 1}, {1, 2, 1}, {2, 2, 2}}
	m := fromEntries(3, es)
	f, err := NewLU(m)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Factor(m); err != nil {
		t.Fatal(err)
	}
	for p := range m.Val {
		if m.Val[p] == 4 {
			m.Val[p] = 0
		}
	}
	if err := f.Refactor(m); err != nil {
		t.Fatalf("Refactor: %v", err)
	}
	b := []float64{1, 2, 3}
	x := append([]float64(nil), b...)
	f.Solve(x)
	if d := relDiff(x, denseSolve(t, m, b)); d > 1e-14 {
		t.Errorf("after fallback: differs from gonum by %g (x=%v)", d, x)
	}
}

func TestLUErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		n       int
		es      []entry
		wantCol int
	}{
		{"empty column", 3, []entry{{0, 0, 1}, {1, 0, 1}, {2, 2, 1}, {0, 2, 1}}, 1},
		{"zero matrix", 2, []entry{{0, 0, 0}, {1, 1, 0}}, -1},
		{"equal columns", 3, []entry{{0, 0, 1}, {1, 0, 2}, {0, 1, 1}, {1, 1, 2}, {2, 2, 1}}, -1},
		{"structurally singular", 3, []entry{{0, 0, 1}, {0, 1, 1}, {0, 2, 1}, {1, 2, 1}, {2, 2, 1}}, -1},
		{"NaN", 2, []entry{{0, 0, 1}, {1, 1, nan()}}, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := fromEntries(tc.n, tc.es)
			f, err := NewLU(m)
			if err != nil {
				t.Fatal(err)
			}
			for _, step := range []struct {
				name string
				fn   func(*Matrix) error
			}{{"Factor", f.Factor}, {"Refactor", f.Refactor}} {
				err = step.fn(m)
				if !errors.Is(err, ErrSingular) {
					t.Fatalf("%s: %v, want ErrSingular", step.name, err)
				}
				if tc.wantCol >= 0 && !strings.Contains(err.Error(), fmt.Sprintf("column %d:", tc.wantCol)) {
					t.Errorf("error %q does not name column %d", err, tc.wantCol)
				}
				var pe *PivotError
				if !errors.As(err, &pe) || (tc.wantCol >= 0 && pe.Column != tc.wantCol) {
					t.Errorf("error %v: not a *PivotError for column %d", err, tc.wantCol)
				}
			}
			x := make([]float64, tc.n)
			f.Solve(x)
			if x[0] == x[0] {
				t.Errorf("Solve after failed Factor gave %v, want NaN", x)
			}
		})
	}
}

func TestLUWorkSpaceCleanAfterFailure(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(5, 5))
	m := randomUnsym(rng, 40, 0.1, true)
	f, err := NewLU(m)
	if err != nil {
		t.Fatal(err)
	}
	good := append([]float64(nil), m.Val...)
	// Zero one column: singular.
	for p := m.ColPtr[17]; p < m.ColPtr[18]; p++ {
		m.Val[p] = 0
	}
	if err := f.Factor(m); !errors.Is(err, ErrSingular) {
		t.Fatalf("Factor: %v, want ErrSingular", err)
	}
	copy(m.Val, good)
	if err := f.Factor(m); err != nil {
		t.Fatal(err)
	}
	b := randomVector(rng, m.N)
	x := append([]float64(nil), b...)
	f.Solve(x)
	if d := relDiff(x, denseSolve(t, m, b)); d > 1e-10 {
		t.Errorf("after a failed Factor: differs from gonum by %g", d)
	}
}

func TestLUIllConditioned(t *testing.T) {
	t.Parallel()
	// A graded matrix with entries spanning 1e-12..1 (like pipes or lines of
	// very different admittance): the solution must still have a small
	// backward error.
	rng := rand.New(rand.NewPCG(31, 4))
	m := randomUnsym(rng, 60, 0.08, true)
	for j := 0; j < m.N; j++ {
		scale := 1e-12 + float64(j%13)/12
		for p := m.ColPtr[j]; p < m.ColPtr[j+1]; p++ {
			m.Val[p] *= scale
		}
	}
	f, _ := NewLU(m)
	if err := f.Factor(m); err != nil {
		t.Fatal(err)
	}
	b := randomVector(rng, m.N)
	x := append([]float64(nil), b...)
	f.Solve(x)
	if r := relResidual(m, x, b); r > 1e-12 {
		t.Errorf("relative residual %g", r)
	}
}

// TestLULargeShuffled exercises off-diagonal pivoting, pruning and column
// sorting on matrices too large for a dense reference: the backward error
// must stay small, and Refactor must agree with Factor.
func TestLULargeShuffled(t *testing.T) {
	t.Parallel()
	for _, n := range []int{500, 1000} {
		rng := rand.New(rand.NewPCG(uint64(n), 77))
		m := randomUnsym(rng, n, 2.0/float64(n), true)
		f, err := NewLU(m)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.Factor(m); err != nil {
			t.Fatal(err)
		}
		b := randomVector(rng, n)
		x := append([]float64(nil), b...)
		f.Solve(x)
		if r := relResidual(m, x, b); r > 1e-12 {
			t.Errorf("n=%d: relative residual %g", n, r)
		}
		if err := f.Refactor(m); err != nil {
			t.Fatal(err)
		}
		y := append([]float64(nil), b...)
		f.Solve(y)
		if d := relDiff(y, x); d > 1e-10 {
			t.Errorf("n=%d: Refactor differs from Factor by %g", n, d)
		}
	}
}

// TestLUFactorInvariants checks the structure Factor leaves behind: L
// strictly lower and U strictly upper with sorted columns, the row order a
// permutation, and L·U equal to A with rows and columns permuted.
func TestLUFactorInvariants(t *testing.T) {
	t.Parallel()
	for _, tc := range luCases() {
		if tc.m.N > 150 {
			continue
		}
		t.Run(tc.name, func(t *testing.T) {
			f, err := NewLU(tc.m)
			if err != nil {
				t.Fatal(err)
			}
			if err := f.Factor(tc.m); err != nil {
				t.Fatal(err)
			}
			n := tc.m.N
			checkPerm(t, f.prow, n)
			checkPerm(t, f.q, n)
			lu := make([][]float64, n) // dense L·U
			for i := range lu {
				lu[i] = make([]float64, n)
			}
			for k := 0; k < n; k++ {
				checkColumn(t, "L", k, f.lRow[f.lPtr[k]:f.lPtr[k+1]], k+1, n)
				checkColumn(t, "U", k, f.uRow[f.uPtr[k]:f.uPtr[k+1]], 0, k)
				// column k of L·U = Σ_j L(:,j) U(j,k), with U(k,k) = diag[k]
				addColumn := func(j int, ujk float64) {
					lu[j][k] += ujk // unit diagonal of L
					for p := f.lPtr[j]; p < f.lPtr[j+1]; p++ {
						lu[f.lRow[p]][k] += f.lVal[p] * ujk
					}
				}
				for p := f.uPtr[k]; p < f.uPtr[k+1]; p++ {
					addColumn(f.uRow[p], f.uVal[p])
				}
				addColumn(k, f.diag[k])
			}
			a := dense(tc.m)
			for i := 0; i < n; i++ {
				for k := 0; k < n; k++ {
					want := a.At(f.prow[i], f.q[k])
					if d := lu[i][k] - want; d > 1e-10 || d < -1e-10 {
						t.Fatalf("(L·U)(%d,%d) = %g, want A(%d,%d) = %g", i, k, lu[i][k], f.prow[i], f.q[k], want)
					}
				}
			}
		})
	}
}

// checkColumn fails unless rows are strictly increasing within [lo, hi).
func checkColumn(t *testing.T, name string, k int, rows []int, lo, hi int) {
	t.Helper()
	last := lo - 1
	for _, r := range rows {
		if r <= last || r >= hi {
			t.Fatalf("%s(:,%d): row %d out of order or outside [%d,%d)", name, k, r, lo, hi)
		}
		last = r
	}
}
