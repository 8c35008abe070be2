package sparse

import (
	"math"
	"math/cmplx"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// entry is one (row, col, value) of a test matrix.
type entry struct {
	i, j int
	v    float64
}

// fromEntries builds a Matrix, summing duplicates.
func fromEntries(n int, es []entry) *Matrix {
	b := NewBuilder(n)
	for _, e := range es {
		b.Add(e.i, e.j)
	}
	m, slot := b.Build()
	for k, e := range es {
		m.Val[slot[k]] += e.v
	}
	return m
}

// randomSPD returns a symmetric, strictly diagonally dominant matrix with
// about density·n² entries: positive definite by Gershgorin.
func randomSPD(rng *rand.Rand, n int, density float64) *Matrix {
	var es []entry
	diag := make([]float64, n)
	for j := 0; j < n; j++ {
		for i := j + 1; i < n; i++ {
			if rng.Float64() < density {
				v := rng.Float64()*2 - 1
				es = append(es, entry{i, j, v}, entry{j, i, v})
				diag[i] += math.Abs(v)
				diag[j] += math.Abs(v)
			}
		}
	}
	for i := range diag {
		es = append(es, entry{i, i, diag[i] + 0.1 + rng.Float64()})
	}
	return fromEntries(n, es)
}

// randomGram returns MᵀM + shift·I for a random sparse M: SPD but not
// diagonally dominant.
func randomGram(rng *rand.Rand, n int, density, shift float64) *Matrix {
	rows := make([][]entry, n) // rows[r]: entries (r, j) of M
	for r := 0; r < n; r++ {
		for j := 0; j < n; j++ {
			if r == j || rng.Float64() < density {
				rows[r] = append(rows[r], entry{r, j, rng.NormFloat64()})
			}
		}
	}
	var es []entry
	for _, row := range rows {
		for _, a := range row {
			for _, b := range row {
				es = append(es, entry{a.j, b.j, a.v * b.v})
			}
		}
	}
	for i := 0; i < n; i++ {
		es = append(es, entry{i, i, shift})
	}
	return fromEntries(n, es)
}

// randomUnsym returns a nonsingular unsymmetric matrix: a diagonally
// dominant matrix whose rows are shuffled when shuffle is set, so that
// pivots must be found off the diagonal.
func randomUnsym(rng *rand.Rand, n int, density float64, shuffle bool) *Matrix {
	var es []entry
	rowSum := make([]float64, n)
	for j := 0; j < n; j++ {
		for i := 0; i < n; i++ {
			if i != j && rng.Float64() < density {
				v := rng.Float64()*2 - 1
				es = append(es, entry{i, j, v})
				rowSum[i] += math.Abs(v)
			}
		}
	}
	for i := 0; i < n; i++ {
		es = append(es, entry{i, i, (rowSum[i] + 0.5) * sign(rng)})
	}
	if shuffle {
		p := rng.Perm(n)
		for k := range es {
			es[k].i = p[es[k].i]
		}
	}
	return fromEntries(n, es)
}

func sign(rng *rand.Rand) float64 {
	if rng.IntN(2) == 0 {
		return -1
	}
	return 1
}

// gridLaplacian returns the 5-point Laplacian of an nx×ny grid plus shift
// on the diagonal (a Dirichlet-like grounding that makes it SPD).
func gridLaplacian(nx, ny int, shift float64) *Matrix {
	return gridOperator(nx, ny, shift, 1, 1)
}

// gridOperator returns a 5-point convection-diffusion-like operator: each
// grid edge couples (i, j) with -west and (j, i) with -east; the diagonal
// is the sum of the column's couplings plus shift. west == east gives a
// symmetric matrix.
func gridOperator(nx, ny int, shift, west, east float64) *Matrix {
	n := nx * ny
	b := NewBuilder(n)
	type edge struct{ a, b int }
	var edges []edge
	for y := 0; y < ny; y++ {
		for x := 0; x < nx; x++ {
			k := y*nx + x
			if x+1 < nx {
				edges = append(edges, edge{k, k + 1})
			}
			if y+1 < ny {
				edges = append(edges, edge{k, k + nx})
			}
		}
	}
	type slots struct{ ab, ba, aa, bb int }
	ss := make([]slots, len(edges))
	diag := make([]int, n)
	for k := 0; k < n; k++ {
		diag[k] = b.Add(k, k)
	}
	for k, e := range edges {
		ss[k] = slots{b.Add(e.a, e.b), b.Add(e.b, e.a), diag[e.a], diag[e.b]}
	}
	m, slot := b.Build()
	for k := range ss {
		m.Val[slot[ss[k].ab]] -= west
		m.Val[slot[ss[k].ba]] -= east
		m.Val[slot[ss[k].aa]] += east
		m.Val[slot[ss[k].bb]] += west
	}
	for k := 0; k < n; k++ {
		m.Val[slot[diag[k]]] += shift
	}
	return m
}

// powerFlowJacobian returns the Newton-Raphson Jacobian of the polar power
// flow equations of a random meshed network of nBus buses (a spanning tree
// plus extra branches, like IEEE test cases), at a random operating point
// near flat start, with bus 0 the slack and all others PQ buses. Unknowns
// are (θ₁..θₙ₋₁, V₁..Vₙ₋₁), so the order is 2(nBus-1). It also returns the
// slot map so that benchmarks can reassemble it.
func powerFlowJacobian(rng *rand.Rand, nBus, extra int) *Matrix {
	type branch struct{ f, t int }
	var branches []branch
	for b := 1; b < nBus; b++ {
		branches = append(branches, branch{rng.IntN(b), b})
	}
	for len(branches) < nBus-1+extra {
		f, t := rng.IntN(nBus), rng.IntN(nBus)
		if f != t {
			branches = append(branches, branch{f, t})
		}
	}
	ybus := make([][]complex128, nBus) // dense: test sizes are small
	for i := range ybus {
		ybus[i] = make([]complex128, nBus)
	}
	for _, br := range branches {
		y := 1 / complex(0.01+0.05*rng.Float64(), 0.05+0.2*rng.Float64())
		ybus[br.f][br.f] += y
		ybus[br.t][br.t] += y
		ybus[br.f][br.t] -= y
		ybus[br.t][br.f] -= y
	}
	vm := make([]float64, nBus)
	va := make([]float64, nBus)
	for i := range vm {
		vm[i] = 0.95 + 0.1*rng.Float64()
		va[i] = 0.2 * (rng.Float64() - 0.5)
	}
	volt := func(i int) complex128 { return cmplx.Rect(vm[i], va[i]) }
	s := make([]complex128, nBus) // injections S = V conj(Y V)
	for i := range s {
		var iy complex128
		for j, y := range ybus[i] {
			if y != 0 {
				iy += y * volt(j)
			}
		}
		s[i] = volt(i) * cmplx.Conj(iy)
	}
	m := nBus - 1
	var es []entry
	for i := 1; i < nBus; i++ {
		for j, y := range ybus[i] {
			if j == 0 || y == 0 {
				continue
			}
			g, b := real(y), imag(y)
			a, c := i-1, j-1
			if i == j {
				p, q := real(s[i]), imag(s[i])
				v := vm[i]
				es = append(es,
					entry{a, a, -q - b*v*v}, entry{a, m + a, p/v + g*v},
					entry{m + a, a, p - g*v*v}, entry{m + a, m + a, q/v - b*v})
				continue
			}
			th := va[i] - va[j]
			sn, cs := math.Sincos(th)
			es = append(es,
				entry{a, c, vm[i] * vm[j] * (g*sn - b*cs)}, entry{a, m + c, vm[i] * (g*cs + b*sn)},
				entry{m + a, c, -vm[i] * vm[j] * (g*cs + b*sn)}, entry{m + a, m + c, vm[i] * (g*sn - b*cs)})
		}
	}
	return fromEntries(2*m, es)
}

// dense returns m as a gonum dense matrix.
func dense(m *Matrix) *mat.Dense {
	d := mat.NewDense(m.N, m.N, nil)
	for j := 0; j < m.N; j++ {
		for p := m.ColPtr[j]; p < m.ColPtr[j+1]; p++ {
			d.Set(m.RowIdx[p], j, m.Val[p])
		}
	}
	return d
}

// denseSolve solves A x = b with gonum's dense LU.
func denseSolve(t *testing.T, m *Matrix, b []float64) []float64 {
	t.Helper()
	var x mat.VecDense
	if err := x.SolveVec(dense(m), mat.NewVecDense(len(b), append([]float64(nil), b...))); err != nil {
		t.Fatalf("gonum dense solve: %v", err)
	}
	return x.RawVector().Data
}

// randomVector returns n values uniform in [-1, 1).
func randomVector(rng *rand.Rand, n int) []float64 {
	b := make([]float64, n)
	for i := range b {
		b[i] = rng.Float64()*2 - 1
	}
	return b
}

// relResidual returns ||A x − b||∞ / (||A||∞ ||x||∞ + ||b||∞).
func relResidual(m *Matrix, x, b []float64) float64 {
	r := make([]float64, m.N)
	m.MulVec(r, x)
	rowSum := make([]float64, m.N)
	for j := 0; j < m.N; j++ {
		for p := m.ColPtr[j]; p < m.ColPtr[j+1]; p++ {
			rowSum[m.RowIdx[p]] += math.Abs(m.Val[p])
		}
	}
	var res, anorm, xnorm, bnorm float64
	for i := range r {
		res = max(res, math.Abs(r[i]-b[i]))
		anorm = max(anorm, rowSum[i])
		xnorm = max(xnorm, math.Abs(x[i]))
		bnorm = max(bnorm, math.Abs(b[i]))
	}
	return res / (anorm*xnorm + bnorm)
}

// relDiff returns ||x − y||∞ / max(||y||∞, tiny).
func relDiff(x, y []float64) float64 {
	var d, ny float64
	for i := range x {
		d = max(d, math.Abs(x[i]-y[i]))
		ny = max(ny, math.Abs(y[i]))
	}
	return d / max(ny, 1e-300)
}

func nan() float64 { return math.NaN() }

// waterLikeNetwork returns the links of a looped distribution-like network
// on a side×side lattice: a random spanning tree (random-order Kruskal)
// plus a fraction loopFrac of the remaining lattice edges, for an average
// degree near 2.3 as in real water networks, and `sources` grounded nodes
// (reservoirs and tanks).
func waterLikeNetwork(rng *rand.Rand, side int, loopFrac float64, sources int) (n int, links []branch, grounded []int) {
	n = side * side
	var edges []branch
	for y := 0; y < side; y++ {
		for x := 0; x < side; x++ {
			k := y*side + x
			if x+1 < side {
				edges = append(edges, branch{f: k, t: k + 1})
			}
			if y+1 < side {
				edges = append(edges, branch{f: k, t: k + side})
			}
		}
	}
	rng.Shuffle(len(edges), func(i, j int) { edges[i], edges[j] = edges[j], edges[i] })
	root := make([]int, n)
	for i := range root {
		root[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		for root[i] != i {
			root[i] = root[root[i]]
			i = root[i]
		}
		return i
	}
	for _, e := range edges {
		if a, b := find(e.f), find(e.t); a != b {
			root[a] = b
			links = append(links, e)
		} else if rng.Float64() < loopFrac {
			links = append(links, e)
		}
	}
	grounded = make([]int, n)
	for s := 0; s < sources; s++ {
		grounded[rng.IntN(n)]++
	}
	return n, links, grounded
}

// waterLikeMatrix is a GGA-like matrix on waterLikeNetwork.
func waterLikeMatrix(seed uint64, side int) *Matrix {
	rng := rand.New(rand.NewPCG(seed, uint64(side)))
	n, links, grounded := waterLikeNetwork(rng, side, 0.15, 1+side*side/1000)
	return ggaMatrix(rng, n, links, grounded)
}
