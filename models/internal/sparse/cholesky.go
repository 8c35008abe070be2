package sparse

import (
	"fmt"
	"math"
)

// Cholesky is an LDLᵀ factorization P A Pᵀ = L D Lᵀ of a symmetric positive
// definite matrix, with P the AMD ordering of A, L unit lower triangular
// and D diagonal.
//
// The numeric phase is the up-looking algorithm of Davis (2005, 2006 §4.7):
// row k of L is found by a sparse triangular solve whose pattern is the
// reach of row k of A in the elimination tree (Liu 1990). Factor and Solve
// allocate nothing. A Cholesky value is not safe for concurrent use.
type Cholesky struct {
	n    int
	nnzA int
	perm []int // perm[k] = original index of pivot k
	// upper triangle of P A Pᵀ by columns: rows cRow[cPtr[k]:cPtr[k+1]] (all
	// ≤ k) take their values from a.Val[cSrc[...]]
	cPtr, cRow, cSrc []int
	parent           []int // elimination tree
	lPtr             []int // column pointers of L (strictly lower part)
	lRow             []int
	lVal             []float64
	d                []float64
	factored         bool
	// work space
	lnz, flag, stack []int
	y                []float64
}

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
	return newCholeskyPerm(a, AMD(a)), nil
}

// newCholeskyPerm runs the symbolic analysis of a, a valid matrix with a
// symmetric pattern, with the given ordering.
func newCholeskyPerm(a *Matrix, perm []int) *Cholesky {
	n := a.N
	c := &Cholesky{n: n, nnzA: a.NNZ(), perm: perm}
	c.permuteUpper(a)
	c.analyse()
	c.d = make([]float64, n)
	c.y = make([]float64, n)
	c.stack = make([]int, n)
	return c
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

// analyse computes the elimination tree and the number of entries of each
// column of L by walking, for each row k, from every entry of the upper
// triangle's column k up the tree until a node already visited for row k
// (Davis 2005). Time O(nnz(L)).
func (c *Cholesky) analyse() {
	n := c.n
	c.parent = make([]int, n)
	c.flag = make([]int, n)
	c.lnz = make([]int, n)
	for k := 0; k < n; k++ {
		c.parent[k], c.flag[k] = -1, k
		for p := c.cPtr[k]; p < c.cPtr[k+1]; p++ {
			for i := c.cRow[p]; c.flag[i] != k; i = c.parent[i] {
				if c.parent[i] == -1 {
					c.parent[i] = k
				}
				c.lnz[i]++
				c.flag[i] = k
			}
		}
	}
	c.lPtr = make([]int, n+1)
	for k := 0; k < n; k++ {
		c.lPtr[k+1] = c.lPtr[k] + c.lnz[k]
	}
	c.lRow = make([]int, c.lPtr[n])
	c.lVal = make([]float64, c.lPtr[n])
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
// positive (or not finite) it returns ErrNotPositiveDefinite wrapped with
// the original column.
func (c *Cholesky) Factor(a *Matrix) error {
	if a.N != c.n || len(a.Val) != c.nnzA {
		return fmt.Errorf("sparse: Cholesky.Factor: %w", ErrPattern)
	}
	n := c.n
	c.factored = false
	y, flag, stack, lnz := c.y, c.flag, c.stack, c.lnz
	lPtr, lRow, lVal, parent := c.lPtr, c.lRow, c.lVal, c.parent
	aVal := a.Val
	for k := 0; k < n; k++ {
		// Scatter column k of the upper triangle and find the pattern of row
		// k of L: the nodes on the tree paths from its rows up to k.
		top := n
		flag[k] = k
		lnz[k] = 0
		for p := c.cPtr[k]; p < c.cPtr[k+1]; p++ {
			i := c.cRow[p]
			y[i] += aVal[c.cSrc[p]]
			length := 0
			for ; flag[i] != k; i = parent[i] {
				stack[length] = i
				length++
				flag[i] = k
			}
			for length > 0 {
				top--
				length--
				stack[top] = stack[length]
			}
		}
		dk := y[k]
		y[k] = 0
		for ; top < n; top++ {
			i := stack[top]
			yi := y[i]
			y[i] = 0
			p2 := lPtr[i] + lnz[i]
			for p := lPtr[i]; p < p2; p++ {
				y[lRow[p]] -= lVal[p] * yi
			}
			lki := yi / c.d[i]
			dk -= lki * yi
			lRow[p2] = k
			lVal[p2] = lki
			lnz[i]++
		}
		if !(dk > 0) || math.IsInf(dk, 1) {
			c.clearWork(k)
			return fmt.Errorf("sparse: Cholesky.Factor: column %d: pivot %g: %w", c.perm[k], dk, ErrNotPositiveDefinite)
		}
		c.d[k] = dk
	}
	c.factored = true
	return nil
}

// clearWork resets the work space after a factorization stopped at pivot k,
// so that the next Factor starts clean.
func (c *Cholesky) clearWork(k int) {
	clear(c.y)
	for i := 0; i <= k; i++ {
		c.flag[i] = -1
	}
}

// Solve solves A x = b in place (x holds b on entry) with the last
// successful factorization. It allocates nothing. Without one, x is set to
// NaN.
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
	lPtr, lRow, lVal := c.lPtr, c.lRow, c.lVal
	for j := 0; j < n; j++ {
		yj := y[j]
		if yj == 0 {
			continue
		}
		for p := lPtr[j]; p < lPtr[j+1]; p++ {
			y[lRow[p]] -= lVal[p] * yj
		}
	}
	for j := 0; j < n; j++ {
		y[j] /= c.d[j]
	}
	for j := n - 1; j >= 0; j-- {
		yj := y[j]
		for p := lPtr[j]; p < lPtr[j+1]; p++ {
			yj -= lVal[p] * y[lRow[p]]
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
