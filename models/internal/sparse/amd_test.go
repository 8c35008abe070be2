package sparse

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// checkPerm fails unless perm is a permutation of 0..n-1.
func checkPerm(t *testing.T, perm []int, n int) {
	t.Helper()
	if len(perm) != n {
		t.Fatalf("len(perm) = %d, want %d", len(perm), n)
	}
	seen := make([]bool, n)
	for k, i := range perm {
		if i < 0 || i >= n || seen[i] {
			t.Fatalf("perm[%d] = %d: out of range or repeated", k, i)
		}
		seen[i] = true
	}
}

func TestAMDIsPermutation(t *testing.T) {
	t.Parallel()
	type tc struct {
		name string
		m    *Matrix
	}
	var cases []tc
	for seed := uint64(1); seed <= 40; seed++ {
		rng := rand.New(rand.NewPCG(seed, 77))
		n := 1 + rng.IntN(300)
		density := []float64{0.001, 0.01, 0.05, 0.3}[seed%4]
		cases = append(cases, tc{fmt.Sprintf("unsym/seed=%d/n=%d", seed, n), randomUnsym(rng, n, density, seed%2 == 0)})
	}
	// A matrix with a dense row and column (a reservoir or slack node tied
	// to every other node) and isolated nodes.
	var es []entry
	for i := 0; i < 200; i++ {
		es = append(es, entry{i, 0, 1}, entry{0, i, 1})
		if i%3 == 0 && i+1 < 200 {
			es = append(es, entry{i, i + 1, 1})
		}
	}
	cases = append(cases,
		tc{"dense row", fromEntries(250, es)},
		tc{"empty", fromEntries(0, nil)},
		tc{"no entries", fromEntries(5, nil)},
		tc{"grid", gridLaplacian(30, 20, 1)},
		tc{"powerflow", powerFlowJacobian(rand.New(rand.NewPCG(1, 2)), 118, 68)},
	)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			checkPerm(t, AMD(c.m), c.m.N)
		})
	}
}

func TestAMDDeterministic(t *testing.T) {
	t.Parallel()
	m := randomSPD(rand.New(rand.NewPCG(3, 1)), 200, 0.03)
	a, b := AMD(m), AMD(m)
	for k := range a {
		if a[k] != b[k] {
			t.Fatalf("two runs differ at %d", k)
		}
	}
}

// TestAMDFill compares the fill of AMD with the natural ordering and with
// known orderings on model problems.
func TestAMDFill(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		m    *Matrix
		// maxNNZL bounds nnz(L) from above. A tridiagonal matrix has no
		// fill at all; an arrow matrix with its dense row ordered last has
		// none either, while ordering it first fills L completely.
		maxNNZL int
	}{
		{"path 1x500", gridLaplacian(1, 500, 1), 499},
		{"arrow", arrow(300), 299},
		{"grid 60x60", gridLaplacian(60, 60, 1), 60 * 60 * 60 / 3},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ch, err := NewCholesky(c.m)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("nnz(L) = %d", ch.NNZL())
			if ch.NNZL() > c.maxNNZL {
				t.Errorf("nnz(L) = %d, want at most %d", ch.NNZL(), c.maxNNZL)
			}
		})
	}
}

// arrow returns an n×n SPD matrix whose first row and column are full.
func arrow(n int) *Matrix {
	var es []entry
	for i := 0; i < n; i++ {
		es = append(es, entry{i, i, float64(n)})
		if i > 0 {
			es = append(es, entry{i, 0, 1}, entry{0, i, 1})
		}
	}
	return fromEntries(n, es)
}

// TestAMDCompactionInvariant is metamorphic: with no elbow room the
// quotient graph is compacted over and over, which must not change the
// ordering.
func TestAMDCompactionInvariant(t *testing.T) {
	t.Parallel()
	mats := []*Matrix{
		gridLaplacian(25, 25, 1),
		ltownMatrix(t, 1),
		case118Jacobian(t, 1),
		randomUnsym(rand.New(rand.NewPCG(9, 9)), 400, 0.01, true),
		blockCliques(),
	}
	for k, m := range mats {
		ptr, idx := symmetricPattern(m)
		want := AMD(m)
		tight := newAMDState(m.N, ptr, idx, 0)
		got := tight.run()
		if !slices.Equal(got, want) {
			t.Errorf("matrix %d: ordering changes with the work space size", k)
		}
		if tight.compactions == 0 && m != mats[len(mats)-1] { // the cliques build elements in place
			t.Errorf("matrix %d: no compaction without elbow room", k)
		}
		t.Logf("matrix %d: %d compactions", k, tight.compactions)
	}
}

// blockCliques returns dense diagonal blocks of sizes 1..12 joined in a
// chain by single entries: many identical adjacency lists, for
// supervariable detection and mass elimination.
func blockCliques() *Matrix {
	var es []entry
	start := 0
	for size := 1; size <= 12; size++ {
		for i := start; i < start+size; i++ {
			for j := start; j < start+size; j++ {
				es = append(es, entry{i, j, 1})
			}
		}
		if start > 0 {
			es = append(es, entry{start - 1, start, 1}, entry{start, start - 1, 1})
		}
		start += size
	}
	return fromEntries(start, es)
}

func TestAMDCliquesNoExtraFill(t *testing.T) {
	t.Parallel()
	// Ordering each clique's inner nodes before the nodes that link it to
	// the chain creates no fill outside the cliques, so nnz(L) is at most
	// Σ s(s-1)/2 for the blocks plus the chain links plus fill between two
	// linked nodes' neighbours, which minimum degree avoids here.
	m := blockCliques()
	c, err := NewCholesky(m)
	if err != nil {
		t.Fatal(err)
	}
	want := 11 // chain links
	for s := 1; s <= 12; s++ {
		want += s * (s - 1) / 2
	}
	if c.NNZL() > want {
		t.Errorf("nnz(L) = %d, want at most %d (no fill)", c.NNZL(), want)
	}
}
