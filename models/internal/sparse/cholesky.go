package sparse

import (
	"errors"
	"fmt"
	"math"
)

// Cholesky is an LDLᵀ factorization P A Pᵀ = L D Lᵀ of a symmetric positive
// definite matrix, with P the AMD ordering of A, L unit lower triangular
// and D diagonal.
//
// The numeric phase is the up-looking algorithm of Davis (2005, 2006 §4.7):
// row k of L comes from a sparse triangular solve with the rows above it.
// The pattern of each row (the reach of row k of A in the elimination tree,
// Liu 1990) does not depend on the values, so the symbolic phase computes
// it once, with the place in L of every entry, and Factor only does
// arithmetic. Factor and Solve allocate nothing. A Cholesky value is not
// safe for concurrent use.
type Cholesky struct {
	n    int
	nnzA int
	perm []int // perm[k] = original index of pivot k
	// upper triangle of P A Pᵀ by columns: rows cRow[cPtr[k]:cPtr[k+1]] (all
	// ≤ k) take their values from a.Val[cSrc[...]]
	cPtr, cRow, cSrc []int
	parent           []int // elimination tree
	lPtr             []int // column pointers of L (strictly lower part)
	lRow             []int // row indices of L, increasing within a column
	lVal             []float64
	// rows of L: row k has entries in columns rowCol[rowPtr[k]:rowPtr[k+1]]
	// (increasing), stored at lVal[rowPos[...]]
	rowPtr, rowCol, rowPos []int
	// the same patterns packed in 32 bits for the numeric phases, which are
	// bound by memory traffic: upper triangle entries, L row indices, and
	// the entries of each row of L with the start of their column
	upper    []upperEntry
	lRow32   []int32
	rowEnt   []rowEntry
	dinv     []float64 // 1 / D
	factored bool
	y        []float64 // work space, all zero between calls
}

// upperEntry is an entry of the upper triangle of P A Pᵀ: its row and the
// index of its value in a.Val.
type upperEntry struct{ row, src int32 }

// rowEntry is an entry L(k, col) of row k, stored at lVal[pos]; column col
// starts at lVal[start].
type rowEntry struct{ col, start, pos int32 }

// NewCholesky runs the symbolic analysis of a: AMD ordering, elimination
// tree and column counts of L. It allocates all storage the numeric phase
// needs. The matrix passed holds BOTH triangles (full symmetric pattern);
// its values are not read. It returns an error wrapping ErrPattern if a is
// malformed or not structurally symmetric.
func NewCholesky(a *Matrix) (*Cholesky, error) {
	if err := a.Validate(); err != nil {
		return nil, fmt.Errorf("sparse: Cholesky: %w", err)
	}
	if err := checkSymmetricPattern(a); err != nil {
		return nil, fmt.Errorf("sparse: Cholesky: %w", err)
	}
	return newCholeskyPerm(a, AMD(a))
}

// newCholeskyPerm runs the symbolic analysis of a, a valid matrix with a
// symmetric pattern, with the given ordering.
// The ordering is then refined by a postorder of the elimination tree,
// which leaves the fill unchanged but numbers every subtree contiguously,
// so that the numeric phase works on nearby memory (Davis 2006 §4.3).
func newCholeskyPerm(a *Matrix, perm []int) (*Cholesky, error) {
	n := a.N
	c := &Cholesky{n: n, nnzA: a.NNZ(), perm: perm}
	c.permuteUpper(a)
	post := postorder(etree(n, c.cPtr, c.cRow))
	c.perm = make([]int, n)
	for k, v := range post {
		c.perm[k] = perm[v]
	}
	c.permuteUpper(a)
	c.analyse()
	if err := c.pack(); err != nil {
		return nil, err
	}
	c.dinv = make([]float64, n)
	c.y = make([]float64, n)
	return c, nil
}

// ErrTooLarge is returned by the symbolic analysis when a matrix or its
// factor has 2³¹ entries or more.
var ErrTooLarge = errors.New("sparse: factor too large")

// pack builds the 32-bit copies of the patterns that Factor and Solve read.
func (c *Cholesky) pack() error {
	if c.nnzA >= math.MaxInt32 || c.lPtr[c.n] >= math.MaxInt32 {
		return fmt.Errorf("%w: %d entries in A, %d in L", ErrTooLarge, c.nnzA, c.lPtr[c.n])
	}
	c.upper = make([]upperEntry, len(c.cRow))
	for p := range c.upper {
		c.upper[p] = upperEntry{int32(c.cRow[p]), int32(c.cSrc[p])}
	}
	c.lRow32 = make([]int32, len(c.lRow))
	for p, r := range c.lRow {
		c.lRow32[p] = int32(r)
	}
	c.rowEnt = make([]rowEntry, len(c.rowCol))
	for r, i := range c.rowCol {
		c.rowEnt[r] = rowEntry{int32(i), int32(c.lPtr[i]), int32(c.rowPos[r])}
	}
	c.cSrc, c.lRow, c.rowCol, c.rowPos = nil, nil, nil, nil // no longer needed
	return nil
}

// checkSymmetricPattern returns an error if some entry (i, j) of a has no
// matching (j, i).
func checkSymmetricPattern(a *Matrix) error {
	next := make([]int, a.N) // next[i]: position of the next expected entry in column i
	copy(next, a.ColPtr[:a.N])
	for j := 0; j < a.N; j++ {
		for p := a.ColPtr[j]; p < a.ColPtr[j+1]; p++ {
			i := a.RowIdx[p]
			// Entries (j, i) of column i appear in order of j, so scanning
			// columns in order meets them in the order they are stored.
			q := next[i]
			if q >= a.ColPtr[i+1] || a.RowIdx[q] != j {
				return fmt.Errorf("%w: entry (%d, %d) has no symmetric partner", ErrPattern, i, j)
			}
			next[i]++
		}
	}
	return nil
}

// permuteUpper builds the pattern of the upper triangle of P A Pᵀ with a map
// from each of its entries to the entry of a that holds its value.
func (c *Cholesky) permuteUpper(a *Matrix) {
	n := c.n
	pinv := inversePerm(c.perm)
	count := make([]int, n+1)
	for j := 0; j < n; j++ {
		for p := a.ColPtr[j]; p < a.ColPtr[j+1]; p++ {
			if ci, cj := pinv[a.RowIdx[p]], pinv[j]; ci <= cj {
				count[cj+1]++
			}
		}
	}
	for k := 0; k < n; k++ {
		count[k+1] += count[k]
	}
	c.cPtr = make([]int, n+1)
	copy(c.cPtr, count)
	c.cRow = make([]int, count[n])
	c.cSrc = make([]int, count[n])
	for j := 0; j < n; j++ {
		for p := a.ColPtr[j]; p < a.ColPtr[j+1]; p++ {
			if ci, cj := pinv[a.RowIdx[p]], pinv[j]; ci <= cj {
				q := count[cj]
				c.cRow[q], c.cSrc[q] = ci, p
				count[cj]++
			}
		}
	}
}

// analyse computes the elimination tree, the number of entries of each
// column of L and the pattern of L by walking, for each row k, from every
// entry of the upper triangle's column k up the tree until a node already
// visited for row k (Davis 2005). Time O(nnz(L)).
func (c *Cholesky) analyse() {
	n := c.n
	c.parent = make([]int, n)
	flag := make([]int, n)
	lnz := make([]int, n)
	c.rowPtr = make([]int, n+1)
	walk := func(k int, visit func(i int)) {
		c.parent[k], flag[k] = -1, k
		for p := c.cPtr[k]; p < c.cPtr[k+1]; p++ {
			for i := c.cRow[p]; flag[i] != k; i = c.parent[i] {
				if c.parent[i] == -1 {
					c.parent[i] = k
				}
				flag[i] = k
				visit(i)
			}
		}
	}
	for k := 0; k < n; k++ {
		walk(k, func(i int) { lnz[i]++; c.rowPtr[k+1]++ })
	}
	c.lPtr = make([]int, n+1)
	for k := 0; k < n; k++ {
		c.lPtr[k+1] = c.lPtr[k] + lnz[k]
		c.rowPtr[k+1] += c.rowPtr[k]
	}
	nnzL := c.lPtr[n]
	c.lRow, c.lVal = make([]int, nnzL), make([]float64, nnzL)
	next := lnz[:0:0]
	next = append(next, c.lPtr[:n]...)
	for k := 0; k < n; k++ { // rows in increasing order: columns come out sorted
		walk(k, func(i int) {
			c.lRow[next[i]] = k
			next[i]++
		})
	}
	// Transpose the pattern: walking columns in increasing order lists each
	// row's columns in increasing order, a topological order of the tree.
	c.rowCol, c.rowPos = make([]int, nnzL), make([]int, nnzL)
	copy(next, c.rowPtr[:n])
	for i := 0; i < n; i++ {
		for p := c.lPtr[i]; p < c.lPtr[i+1]; p++ {
			k := c.lRow[p]
			c.rowCol[next[k]], c.rowPos[next[k]] = i, p
			next[k]++
		}
	}
}

// N returns the order of the matrix.
func (c *Cholesky) N() int { return c.n }

// NNZL returns the number of entries of L below the diagonal.
func (c *Cholesky) NNZL() int { return c.lPtr[c.n] }

// Perm returns the fill-reducing ordering used (perm[k] is the original
// index of pivot k). The slice is shared; do not modify it.
func (c *Cholesky) Perm() []int { return c.perm }

// Factor computes the numeric factorization of a matrix with the same
// pattern as the one analysed. It allocates nothing. If a pivot is not
// positive (or not finite) it returns a *PivotError that wraps
// ErrNotPositiveDefinite and names the original column.
func (c *Cholesky) Factor(a *Matrix) error {
	if a.N != c.n || len(a.Val) != c.nnzA {
		return fmt.Errorf("sparse: Cholesky.Factor: %w", ErrPattern)
	}
	c.factored = false
	y, aVal, dinv := c.y, a.Val, c.dinv
	lRow, lVal, upper, rowEnt := c.lRow32, c.lVal, c.upper, c.rowEnt
	for k := 0; k < c.n; k++ {
		for _, e := range upper[c.cPtr[k]:c.cPtr[k+1]] {
			y[e.row] += aVal[e.src]
		}
		dk := y[k]
		y[k] = 0
		for _, e := range rowEnt[c.rowPtr[k]:c.rowPtr[k+1]] {
			yi := y[e.col]
			y[e.col] = 0
			rows := lRow[e.start:e.pos]
			vals := lVal[e.start:e.pos:e.pos]
			for q, row := range rows {
				y[row] -= vals[q] * yi
			}
			lki := yi * dinv[e.col]
			dk -= lki * yi
			lVal[e.pos] = lki
		}
		if !(dk > 0) || math.IsInf(dk, 1) {
			return &PivotError{Op: "Cholesky.Factor", Column: c.perm[k], Pivot: dk, Err: ErrNotPositiveDefinite}
		}
		dinv[k] = 1 / dk
	}
	c.factored = true
	return nil
}

// Solve solves A x = b in place (x holds b on entry) with the last
// successful factorization; x must have length at least N. It allocates
// nothing. Without a successful factorization, x is set to NaN.
func (c *Cholesky) Solve(x []float64) {
	n := c.n
	y := c.y[:n]
	x = x[:n]
	if !c.factored {
		for i := range x {
			x[i] = math.NaN()
		}
		return
	}
	for k, i := range c.perm {
		y[k] = x[i]
	}
	lPtr, lRow, lVal := c.lPtr, c.lRow32, c.lVal
	for j := 0; j < n; j++ {
		yj := y[j]
		if yj == 0 {
			continue
		}
		vals := lVal[lPtr[j]:lPtr[j+1]]
		for q, row := range lRow[lPtr[j]:lPtr[j+1]] {
			y[row] -= vals[q] * yj
		}
	}
	for j, dj := range c.dinv[:n] {
		y[j] *= dj
	}
	for j := n - 1; j >= 0; j-- {
		yj := y[j]
		vals := lVal[lPtr[j]:lPtr[j+1]]
		for q, row := range lRow[lPtr[j]:lPtr[j+1]] {
			yj -= vals[q] * y[row]
		}
		y[j] = yj
	}
	for k, i := range c.perm {
		x[i] = y[k]
		y[k] = 0
	}
}

// inversePerm returns pinv with pinv[perm[k]] = k.
func inversePerm(perm []int) []int {
	pinv := make([]int, len(perm))
	for k, i := range perm {
		pinv[i] = k
	}
	return pinv
}

// etree returns the elimination tree of a symmetric matrix given by the
// pattern of its upper triangle by columns (parent[i] = -1 for a root),
// with Liu's algorithm: path compression through an ancestor array makes it
// nearly linear in the number of entries (Liu 1990; Davis 2006 §4.1).
func etree(n int, ptr, row []int) []int {
	parent := make([]int, n)
	ancestor := make([]int, n)
	for k := 0; k < n; k++ {
		parent[k], ancestor[k] = -1, -1
		for p := ptr[k]; p < ptr[k+1]; p++ {
			for i := row[p]; i != -1 && i < k; {
				next := ancestor[i]
				ancestor[i] = k
				if next == -1 {
					parent[i] = k
				}
				i = next
			}
		}
	}
	return parent
}

// postorder returns a postorder of the forest given by parent: post[k] is
// the k-th node, children visited in increasing order.
func postorder(parent []int) []int {
	n := len(parent)
	head, next := make([]int, n), make([]int, n)
	for i := range head {
		head[i] = -1
	}
	for j := n - 1; j >= 0; j-- { // push in reverse: lists come out increasing
		if p := parent[j]; p != -1 {
			next[j], head[p] = head[p], j
		}
	}
	post := make([]int, 0, n)
	stack := make([]int, 0, n)
	for root := 0; root < n; root++ {
		if parent[root] != -1 {
			continue
		}
		stack = append(stack, root)
		for len(stack) > 0 {
			top := stack[len(stack)-1]
			if child := head[top]; child != -1 {
				head[top] = next[child]
				stack = append(stack, child)
				continue
			}
			stack = stack[:len(stack)-1]
			post = append(post, top)
		}
	}
	return post
}
