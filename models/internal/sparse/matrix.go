package sparse

import (
	"errors"
	"fmt"
)

// ErrNotPositiveDefinite is returned (wrapped with the column) by
// Cholesky.Factor when a pivot is not positive.
var ErrNotPositiveDefinite = errors.New("sparse: matrix not positive definite")

// ErrSingular is returned (wrapped with the column) by LU.Factor when a
// column has no acceptable pivot.
var ErrSingular = errors.New("sparse: matrix is singular")

// PivotError is the error of a factorization that met an unacceptable
// pivot. It wraps ErrNotPositiveDefinite or ErrSingular, so callers test it
// with errors.Is, and gives the column with errors.As.
type PivotError struct {
	Op     string  // "Cholesky.Factor" or "LU.Factor"
	Column int     // original column (and, for Cholesky, row) of the pivot
	Pivot  float64 // the pivot found: ≤ 0 or NaN for Cholesky, the largest candidate for LU
	Err    error   // ErrNotPositiveDefinite or ErrSingular
}

// Error reads "sparse: <Op>: column <Column>: pivot <Pivot>: <Err>".
func (e *PivotError) Error() string {
	return fmt.Sprintf("sparse: %s: column %d: pivot %g: %v", e.Op, e.Column, e.Pivot, e.Err)
}

// Unwrap returns the sentinel error.
func (e *PivotError) Unwrap() error { return e.Err }

// ErrPattern is returned when a matrix handed to a numeric phase does not
// have the pattern the symbolic phase analysed, or is malformed.
var ErrPattern = errors.New("sparse: matrix pattern does not match the analysis")

// Matrix is a square sparse matrix in compressed sparse column (CSC) form,
// row indices sorted within each column, no duplicates.
//
// The entries of column j are RowIdx[ColPtr[j]:ColPtr[j+1]] with values
// Val[ColPtr[j]:ColPtr[j+1]].
type Matrix struct {
	N      int
	ColPtr []int     // len N+1
	RowIdx []int     // len nnz
	Val    []float64 // len nnz
}

// Zero sets all values to 0 (no allocation).
func (m *Matrix) Zero() {
	clear(m.Val)
}

// NNZ returns the number of stored entries.
func (m *Matrix) NNZ() int { return m.ColPtr[m.N] }

// MulVec sets y = A x. It allocates nothing; y and x must have length N and
// must not overlap.
func (m *Matrix) MulVec(y, x []float64) {
	clear(y[:m.N])
	for j := 0; j < m.N; j++ {
		xj := x[j]
		if xj == 0 {
			continue
		}
		for p := m.ColPtr[j]; p < m.ColPtr[j+1]; p++ {
			y[m.RowIdx[p]] += m.Val[p] * xj
		}
	}
}

// Validate reports whether m is a well-formed square CSC matrix: ColPtr of
// length N+1, non-decreasing, starting at 0; row indices in range, strictly
// increasing within each column; Val as long as RowIdx.
func (m *Matrix) Validate() error {
	if m == nil || m.N < 0 || len(m.ColPtr) != m.N+1 || m.ColPtr[0] != 0 {
		return fmt.Errorf("%w: bad column pointers", ErrPattern)
	}
	nnz := m.ColPtr[m.N]
	if len(m.RowIdx) != nnz || len(m.Val) != nnz {
		return fmt.Errorf("%w: %d entries but %d row indices and %d values", ErrPattern, nnz, len(m.RowIdx), len(m.Val))
	}
	for j := 0; j < m.N; j++ {
		last := -1
		if m.ColPtr[j+1] < m.ColPtr[j] {
			return fmt.Errorf("%w: column %d: decreasing column pointer", ErrPattern, j)
		}
		for p := m.ColPtr[j]; p < m.ColPtr[j+1]; p++ {
			i := m.RowIdx[p]
			if i <= last || i >= m.N {
				return fmt.Errorf("%w: column %d: row %d out of order or range", ErrPattern, j, i)
			}
			last = i
		}
	}
	return nil
}

// Builder collects the pattern of a matrix from (row, col) entries.
type Builder struct {
	n          int
	rows, cols []int
}

// NewBuilder returns a Builder for an n×n matrix.
func NewBuilder(n int) *Builder {
	return &Builder{n: n}
}

// Add records entry (row, col) and returns its entry number (0, 1, 2, ...
// in call order). Indices out of [0, n) are a programming error and panic.
func (b *Builder) Add(row, col int) int {
	if uint(row) >= uint(b.n) || uint(col) >= uint(b.n) {
		panic(fmt.Sprintf("sparse: Builder.Add(%d, %d) out of range for n=%d", row, col, b.n))
	}
	b.rows = append(b.rows, row)
	b.cols = append(b.cols, col)
	return len(b.rows) - 1
}

// Build returns the CSC matrix (values zero) and slot, where slot[entry] is
// the index into Matrix.Val that entry number `entry` maps to (duplicate
// (row, col) entries share one slot, so assembly is m.Val[slot[e]] += v).
// It runs in O(n + entries) time (two counting sorts).
func (b *Builder) Build() (*Matrix, []int) {
	n, ne := b.n, len(b.rows)
	byRow := countingOrder(n, b.rows, nil)
	byCol := countingOrder(n, b.cols, byRow) // stable: sorted by (col, row)
	m := &Matrix{N: n, ColPtr: make([]int, n+1)}
	slot := make([]int, ne)
	m.RowIdx = make([]int, 0, ne)
	lastRow, lastCol := -1, -1
	for _, e := range byCol {
		r, c := b.rows[e], b.cols[e]
		if r != lastRow || c != lastCol {
			m.RowIdx = append(m.RowIdx, r)
			m.ColPtr[c+1]++
			lastRow, lastCol = r, c
		}
		slot[e] = len(m.RowIdx) - 1
	}
	for j := 0; j < n; j++ {
		m.ColPtr[j+1] += m.ColPtr[j]
	}
	m.RowIdx = m.RowIdx[:len(m.RowIdx):len(m.RowIdx)]
	m.Val = make([]float64, len(m.RowIdx))
	return m, slot
}

// countingOrder returns the entry numbers sorted stably by key[entry]; the
// entries are taken in the order given by in (all entries in call order if
// in is nil).
func countingOrder(n int, key []int, in []int) []int {
	start := make([]int, n+1)
	for _, k := range key {
		start[k+1]++
	}
	for i := 0; i < n; i++ {
		start[i+1] += start[i]
	}
	out := make([]int, len(key))
	for t := range key {
		e := t
		if in != nil {
			e = in[t]
		}
		k := key[e]
		out[start[k]] = e
		start[k]++
	}
	return out
}

// symmetricPattern returns the pattern of A+Aᵀ without the diagonal, as
// adjacency lists in CSC form (ptr of length n+1, idx), each list free of
// duplicates.
func symmetricPattern(a *Matrix) (ptr, idx []int) {
	n := a.N
	count := make([]int, n+1)
	for j := 0; j < n; j++ {
		for p := a.ColPtr[j]; p < a.ColPtr[j+1]; p++ {
			if i := a.RowIdx[p]; i != j {
				count[i+1]++
				count[j+1]++
			}
		}
	}
	for i := 0; i < n; i++ {
		count[i+1] += count[i]
	}
	next := make([]int, n)
	copy(next, count[:n])
	raw := make([]int, count[n])
	// Walking columns in order appends to list i rows in increasing order of
	// j for the transpose part; the result is then sorted and deduplicated.
	for j := 0; j < n; j++ {
		for p := a.ColPtr[j]; p < a.ColPtr[j+1]; p++ {
			if i := a.RowIdx[p]; i != j {
				raw[next[i]] = j
				next[i]++
				raw[next[j]] = i
				next[j]++
			}
		}
	}
	ptr = make([]int, n+1)
	idx = make([]int, 0, count[n])
	mark := make([]int, n)
	for i := range mark {
		mark[i] = -1
	}
	for i := 0; i < n; i++ {
		for _, j := range raw[count[i]:count[i+1]] {
			if mark[j] != i {
				mark[j] = i
				idx = append(idx, j)
			}
		}
		ptr[i+1] = len(idx)
	}
	return ptr, idx
}
