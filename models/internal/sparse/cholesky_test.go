package sparse

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// spdCase is a named SPD test matrix.
type spdCase struct {
	name string
	m    *Matrix
}

func spdCases() []spdCase {
	var cs []spdCase
	seed := uint64(1)
	for _, n := range []int{1, 2, 3, 5, 10, 31, 64, 150, 300} {
		for _, density := range []float64{0.01, 0.05, 0.2} {
			rng := rand.New(rand.NewPCG(seed, uint64(n)))
			cs = append(cs, spdCase{fmt.Sprintf("dd/n=%d/d=%g/seed=%d", n, density, seed), randomSPD(rng, n, density)})
			if n <= 150 {
				cs = append(cs, spdCase{fmt.Sprintf("gram/n=%d/d=%g/seed=%d", n, density, seed), randomGram(rng, n, density/2, 0.01)})
			}
			seed++
		}
	}
	cs = append(cs,
		spdCase{"grid/10x10", gridLaplacian(10, 10, 0.01)},
		spdCase{"grid/17x3", gridLaplacian(17, 3, 1e-3)},
		spdCase{"grid/1x40", gridLaplacian(1, 40, 1)},
		spdCase{"waterlike/15x15", waterLikeMatrix(1, 15)},
	)
	return cs
}

func TestCholeskyMatchesDense(t *testing.T) {
	t.Parallel()
	for _, tc := range spdCases() {
		t.Run(tc.name, func(t *testing.T) {
			c, err := NewCholesky(tc.m)
			if err != nil {
				t.Fatal(err)
			}
			if err := c.Factor(tc.m); err != nil {
				t.Fatal(err)
			}
			rng := rand.New(rand.NewPCG(7, uint64(tc.m.N)))
			b := randomVector(rng, tc.m.N)
			want := denseSolve(t, tc.m, b)
			x := append([]float64(nil), b...)
			c.Solve(x)
			if r := relResidual(tc.m, x, b); r > 1e-13 {
				t.Errorf("relative residual %g", r)
			}
			if d := relDiff(x, want); d > 1e-8 {
				t.Errorf("differs from gonum by %g", d)
			}
		})
	}
}

func TestCholeskyGrid100(t *testing.T) {
	t.Parallel()
	m := gridLaplacian(100, 100, 1e-2)
	c, err := NewCholesky(m)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Factor(m); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 3))
	b := randomVector(rng, m.N)
	x := append([]float64(nil), b...)
	c.Solve(x)
	if r := relResidual(m, x, b); r > 1e-13 {
		t.Errorf("relative residual %g", r)
	}
	// A band (natural) ordering of a 100×100 grid has about 100 entries
	// per column of L; a minimum degree ordering needs far fewer.
	nat, err := newCholeskyPerm(m, identity(m.N))
	if err != nil {
		t.Fatal(err)
	}
	natural := nat.NNZL()
	t.Logf("nnz(L): AMD %d, natural %d", c.NNZL(), natural)
	if c.NNZL() > natural/2 {
		t.Errorf("AMD fill %d not well below natural ordering fill %d", c.NNZL(), natural)
	}
}

func identity(n int) []int {
	p := make([]int, n)
	for i := range p {
		p[i] = i
	}
	return p
}

func TestCholeskyErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		n       int
		es      []entry
		wantCol int
	}{
		{"negative diagonal", 3, []entry{{0, 0, 1}, {1, 1, -2}, {2, 2, 1}}, 1},
		{"zero matrix", 2, []entry{{0, 0, 0}, {1, 1, 0}}, -1},
		{"singular PSD", 2, []entry{{0, 0, 1}, {0, 1, 1}, {1, 0, 1}, {1, 1, 1}}, -1},
		{"indefinite", 2, []entry{{0, 0, 1}, {0, 1, 2}, {1, 0, 2}, {1, 1, 1}}, -1},
		{"empty column", 3, []entry{{0, 0, 2}, {2, 2, 2}}, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := fromEntries(tc.n, tc.es)
			c, err := NewCholesky(m)
			if err != nil {
				t.Fatal(err)
			}
			err = c.Factor(m)
			if !errors.Is(err, ErrNotPositiveDefinite) {
				t.Fatalf("Factor: %v, want ErrNotPositiveDefinite", err)
			}
			if tc.wantCol >= 0 && !strings.Contains(err.Error(), fmt.Sprintf("column %d:", tc.wantCol)) {
				t.Errorf("error %q does not name column %d", err, tc.wantCol)
			}
			var pe *PivotError
			if !errors.As(err, &pe) || (tc.wantCol >= 0 && pe.Column != tc.wantCol) {
				t.Errorf("error %v: not a *PivotError for column %d", err, tc.wantCol)
			}
			x := []float64{1, 1, 1}[:tc.n]
			c.Solve(x) // must not panic; NaN marks the failed factorization
			if x[0] == x[0] {
				t.Errorf("Solve after failed Factor gave %v, want NaN", x)
			}
			// The work space is clean after the failure: a good matrix with
			// the same pattern factors correctly.
			for p := range m.Val {
				m.Val[p] = 0
			}
			for j := 0; j < m.N; j++ {
				for p := m.ColPtr[j]; p < m.ColPtr[j+1]; p++ {
					if m.RowIdx[p] == j {
						m.Val[p] = 3
					}
				}
			}
			if tc.name == "empty column" {
				return
			}
			if err := c.Factor(m); err != nil {
				t.Fatalf("Factor after failure: %v", err)
			}
			x = []float64{3, 6, 9}[:tc.n]
			c.Solve(x)
			for i, v := range x {
				if d := v - float64(i+1); d > 1e-15 || d < -1e-15 {
					t.Errorf("x[%d] = %g, want %d", i, v, i+1)
				}
			}
		})
	}
}

func TestCholeskyRejectsBadPattern(t *testing.T) {
	t.Parallel()
	lower := fromEntries(2, []entry{{0, 0, 1}, {1, 0, 1}, {1, 1, 1}})
	if _, err := NewCholesky(lower); !errors.Is(err, ErrPattern) {
		t.Errorf("one triangle only: %v, want ErrPattern", err)
	}
	bad := &Matrix{N: 2, ColPtr: []int{0, 1}, RowIdx: []int{0}, Val: []float64{1}}
	if _, err := NewCholesky(bad); !errors.Is(err, ErrPattern) {
		t.Errorf("short ColPtr: %v, want ErrPattern", err)
	}
	m := gridLaplacian(3, 3, 1)
	c, _ := NewCholesky(m)
	if err := c.Factor(gridLaplacian(2, 2, 1)); !errors.Is(err, ErrPattern) {
		t.Errorf("other matrix: %v, want ErrPattern", err)
	}
}

func TestCholeskyRefactorManyTimes(t *testing.T) {
	t.Parallel()
	// The water model refactors the same pattern thousands of times with
	// new values; every factorization must be independent of the last.
	rng := rand.New(rand.NewPCG(11, 12))
	m := randomSPD(rng, 80, 0.05)
	c, err := NewCholesky(m)
	if err != nil {
		t.Fatal(err)
	}
	for round := 0; round < 20; round++ {
		for p := range m.Val {
			m.Val[p] *= 0.5 + rng.Float64()
		}
		// keep it diagonally dominant: scale the diagonal up
		for j := 0; j < m.N; j++ {
			for p := m.ColPtr[j]; p < m.ColPtr[j+1]; p++ {
				if m.RowIdx[p] == j {
					m.Val[p] += 4
				}
			}
		}
		sym := symmetrize(m)
		if err := c.Factor(sym); err != nil {
			t.Fatal(err)
		}
		b := randomVector(rng, m.N)
		x := append([]float64(nil), b...)
		c.Solve(x)
		if d := relDiff(x, denseSolve(t, sym, b)); d > 1e-10 {
			t.Fatalf("round %d: differs from gonum by %g", round, d)
		}
	}
}

// symmetrize returns (A+Aᵀ)/2 for a matrix with a symmetric pattern.
func symmetrize(m *Matrix) *Matrix {
	out := &Matrix{N: m.N, ColPtr: m.ColPtr, RowIdx: m.RowIdx, Val: make([]float64, len(m.Val))}
	for j := 0; j < m.N; j++ {
		for p := m.ColPtr[j]; p < m.ColPtr[j+1]; p++ {
			i := m.RowIdx[p]
			for q := m.ColPtr[i]; q < m.ColPtr[i+1]; q++ {
				if m.RowIdx[q] == j {
					out.Val[p] = (m.Val[p] + m.Val[q]) / 2
				}
			}
		}
	}
	return out
}

func TestPostorder(t *testing.T) {
	t.Parallel()
	//        6
	//      /   \
	//     2     5
	//    / \    |
	//   0   4   1      3 (a root of its own)
	parent := []int{2, 5, 6, -1, 2, 6, -1}
	post := postorder(parent)
	want := []int{3, 0, 4, 2, 1, 5, 6} // roots in increasing order
	if !slices.Equal(post, want) {
		t.Errorf("postorder = %v, want %v", post, want)
	}
}

// TestEliminationTreePostordered checks the tree the symbolic phase ends
// with: every parent comes after its children (a topological order) and
// every subtree is numbered contiguously (a postorder), on matrices whose
// tree is not a path.
func TestEliminationTreePostordered(t *testing.T) {
	t.Parallel()
	for _, m := range []*Matrix{gridLaplacian(20, 15, 1), ltownMatrix(t, 3), randomSPD(rand.New(rand.NewPCG(4, 4)), 200, 0.01)} {
		c, err := NewCholesky(m)
		if err != nil {
			t.Fatal(err)
		}
		checkPerm(t, c.Perm(), m.N)
		size := make([]int, m.N) // subtree sizes
		for k, p := range c.parent {
			size[k]++
			if p == -1 {
				continue
			}
			if p <= k {
				t.Fatalf("parent[%d] = %d, not after its child", k, p)
			}
			size[p] += size[k]
		}
		// In a postorder the subtree of k is exactly k-size[k]+1 .. k.
		for k, p := range c.parent {
			if p != -1 && p-size[p] > k-size[k] {
				t.Fatalf("subtree of %d (from %d) not inside that of its parent %d (from %d)", k, k-size[k]+1, p, p-size[p]+1)
			}
		}
		if !slices.Equal(etree(m.N, c.cPtr, c.cRow), c.parent) {
			t.Errorf("Liu's etree differs from the tree of the symbolic analysis")
		}
	}
}

// TestCholeskyReconstructs checks L·D·Lᵀ = P·A·Pᵀ entry by entry on the
// smaller shared fixtures.
func TestCholeskyReconstructs(t *testing.T) {
	t.Parallel()
	for _, tc := range spdCases() {
		if tc.m.N > 100 {
			continue
		}
		t.Run(tc.name, func(t *testing.T) {
			c, err := NewCholesky(tc.m)
			if err != nil {
				t.Fatal(err)
			}
			if err := c.Factor(tc.m); err != nil {
				t.Fatal(err)
			}
			n := tc.m.N
			l := make([][]float64, n) // dense unit lower L
			for i := range l {
				l[i] = make([]float64, n)
				l[i][i] = 1
			}
			for j := 0; j < n; j++ {
				checkColumn(t, "L", j, int32sToInts(c.lRow32[c.lPtr[j]:c.lPtr[j+1]]), j+1, n)
				for p := c.lPtr[j]; p < c.lPtr[j+1]; p++ {
					l[c.lRow32[p]][j] = c.lVal[p]
				}
			}
			a := dense(tc.m)
			for i := 0; i < n; i++ {
				for k := 0; k <= i; k++ {
					var s float64
					for j := 0; j <= k; j++ {
						s += l[i][j] * l[k][j] / c.dinv[j]
					}
					want := a.At(c.perm[i], c.perm[k])
					if d := s - want; d > 1e-10*(1+math.Abs(want)) || d < -1e-10*(1+math.Abs(want)) {
						t.Fatalf("(LDLᵀ)(%d,%d) = %g, want %g", i, k, s, want)
					}
				}
			}
		})
	}
}

func int32sToInts(v []int32) []int {
	out := make([]int, len(v))
	for i, x := range v {
		out[i] = int(x)
	}
	return out
}
