package sparse

import (
	"fmt"
	"math"
)

// DefaultPivotTol is the default threshold of partial pivoting: the
// diagonal entry is kept as pivot when its magnitude is at least this
// fraction of the largest candidate of its column. KLU (Davis and
// Palamadai Natarajan 2010) uses 0.001; we take UMFPACK's 0.1, which bounds
// the growth of each step by 10 instead of 1000 (our random test matrices
// showed backward errors of 1e-12 with 0.001) and still keeps the diagonal
// of power-flow Jacobians.
const DefaultPivotTol = 0.1

// LU is a sparse LU factorization P A Q = L U of a square unsymmetric
// matrix: Q is the AMD ordering of A+Aᵀ applied to the columns, P the row
// order chosen by threshold partial pivoting, L unit lower triangular and
// U upper triangular.
//
// Factor is the left-looking algorithm of Gilbert and Peierls (1988): each
// column of L and U comes from a sparse triangular solve with the columns
// already computed, whose pattern is found by a depth-first search in the
// graph of L, in time proportional to the arithmetic. As in KLU (Davis and
// Palamadai Natarajan 2010) the diagonal is preferred as pivot, which keeps
// the fill of a structurally symmetric matrix close to that of a Cholesky
// factorization of A+Aᵀ. Refactor reuses the pivot sequence and the
// patterns of L and U for new values.
//
// An LU value is not safe for concurrent use.
type LU struct {
	// PivotTol is the threshold of partial pivoting, in (0, 1]; NewLU sets
	// it to DefaultPivotTol. Refactor falls back to Factor when a pivot is
	// below PivotTol times the largest magnitude in its column of L.
	PivotTol float64

	n, nnzA  int
	q        []int // q[k] = original column eliminated at step k
	pinv     []int // pinv[row] = pivot step of an original row
	prow     []int // prow[k] = original row of pivot k
	factored bool

	lPtr []int // strictly lower part of L by step; rows are steps after Factor
	lRow []int
	lVal []float64
	uPtr []int // strictly upper part of U by step, in topological order
	uRow []int
	uVal []float64
	diag []float64

	aStep []int // aStep[p]: pivot step of the row of entry p of A (for Refactor)

	// work space
	x                 []float64
	xi, stack, pstack []int
	mark              []int
	tPtr, tIdx        []int // transposition work space of sortColumns
	tVal              []float64
	lpend             []int // entries of L(:,j) the searches still need, -1 if all
	stamp             int
}

// NewLU runs the symbolic analysis of a: a fill-reducing column ordering
// (AMD on the pattern of A+Aᵀ, good for structurally symmetric matrices)
// and an estimate of the size of L and U, for which it allocates storage.
// Its values are not read. It returns an error wrapping ErrPattern if a is
// malformed.
func NewLU(a *Matrix) (*LU, error) {
	if err := a.Validate(); err != nil {
		return nil, fmt.Errorf("sparse: LU: %w", err)
	}
	n := a.N
	f := &LU{PivotTol: DefaultPivotTol, n: n, nnzA: a.NNZ()}
	sym, err := newCholeskyPerm(symmetricWithDiagonal(a), AMD(a))
	if err != nil {
		return nil, fmt.Errorf("sparse: LU: %w", err)
	}
	f.q = sym.perm // AMD, postordered
	est := sym.NNZL()
	capacity := est + est/4 + n
	f.lRow, f.lVal = make([]int, capacity), make([]float64, capacity)
	f.uRow, f.uVal = make([]int, capacity), make([]float64, capacity)
	f.lPtr, f.uPtr = make([]int, n+1), make([]int, n+1)
	f.pinv, f.prow = make([]int, n), make([]int, n)
	f.diag, f.x = make([]float64, n), make([]float64, n)
	f.xi, f.stack, f.pstack = make([]int, n), make([]int, n), make([]int, n)
	f.mark = make([]int, n)
	f.lpend = make([]int, n)
	f.aStep = make([]int, f.nnzA)
	f.tPtr = make([]int, n+1)
	f.tIdx, f.tVal = make([]int, capacity), make([]float64, capacity)
	return f, nil
}

// symmetricWithDiagonal returns a matrix with the pattern of A+Aᵀ plus the
// full diagonal (values zero).
func symmetricWithDiagonal(a *Matrix) *Matrix {
	ptr, idx := symmetricPattern(a)
	b := NewBuilder(a.N)
	for j := 0; j < a.N; j++ {
		b.Add(j, j)
		for _, i := range idx[ptr[j]:ptr[j+1]] {
			b.Add(i, j)
		}
	}
	m, _ := b.Build()
	return m
}

// N returns the order of the matrix.
func (f *LU) N() int { return f.n }

// NNZ returns the number of entries of L and U (diagonal of U included) of
// the last factorization.
func (f *LU) NNZ() int { return f.lPtr[f.n] + f.uPtr[f.n] + f.n }

// Factor computes the numeric factorization of a matrix with the pattern
// analysed, choosing pivots by threshold partial pivoting. It allocates
// only if L or U outgrow the storage NewLU estimated (then the larger
// storage is kept for later calls). If a column has no nonzero finite
// candidate pivot it returns a *PivotError that wraps ErrSingular and names
// the original column.
func (f *LU) Factor(a *Matrix) error {
	if a.N != f.n || len(a.Val) != f.nnzA {
		return fmt.Errorf("sparse: LU.Factor: %w", ErrPattern)
	}
	f.factored = false
	for i := range f.pinv {
		f.pinv[i] = -1
	}
	lnz, unz := 0, 0
	for k := 0; k < f.n; k++ {
		f.lPtr[k], f.uPtr[k] = lnz, unz
		f.ensure(lnz+f.n-k, unz+k)
		col := f.q[k]
		top := f.reach(a, col)
		for p := a.ColPtr[col]; p < a.ColPtr[col+1]; p++ {
			f.x[a.RowIdx[p]] = a.Val[p]
		}
		f.eliminate(top, k)
		var err error
		if lnz, unz, err = f.pivot(top, k, col, lnz, unz); err != nil {
			return err
		}
		f.lPtr[k+1], f.uPtr[k+1] = lnz, unz
		f.lpend[k] = -1
		f.prune(k)
	}
	f.lPtr[f.n], f.uPtr[f.n] = lnz, unz
	for p := 0; p < lnz; p++ {
		f.lRow[p] = f.pinv[f.lRow[p]]
	}
	for p, i := range a.RowIdx {
		f.aStep[p] = f.pinv[i]
	}
	f.sortColumns(f.lPtr, f.lRow, f.lVal)
	f.sortColumns(f.uPtr, f.uRow, f.uVal)
	f.factored = true
	return nil
}

// sortColumns sorts the entries of every column of L or U by step (row)
// with two transpositions through the work space, in O(n + nnz) time. For
// U, increasing steps are a topological order, as Refactor needs; for both,
// Solve and Refactor then sweep x in increasing order, which is kinder to
// the cache than the order of the depth-first searches.
func (f *LU) sortColumns(ptr, row []int, val []float64) {
	n, nnz := f.n, ptr[f.n]
	if len(f.tIdx) < nnz {
		f.tIdx = make([]int, len(row))
		f.tVal = make([]float64, len(val))
	}
	tPtr, next := f.tPtr, f.xi // xi is free once Factor is done
	clear(tPtr)
	for _, r := range row[:nnz] {
		tPtr[r+1]++
	}
	for i := 0; i < n; i++ {
		tPtr[i+1] += tPtr[i]
	}
	copy(next, tPtr[:n])
	for j := 0; j < n; j++ {
		for p := ptr[j]; p < ptr[j+1]; p++ {
			q := next[row[p]]
			f.tIdx[q], f.tVal[q] = j, val[p]
			next[row[p]]++
		}
	}
	copy(next, ptr[:n])
	for i := 0; i < n; i++ {
		for q := tPtr[i]; q < tPtr[i+1]; q++ {
			j := f.tIdx[q]
			row[next[j]], val[next[j]] = i, f.tVal[q]
			next[j]++
		}
	}
}

// ensure grows the storage of L and U to hold at least lNeed and uNeed
// entries.
func (f *LU) ensure(lNeed, uNeed int) {
	if lNeed > len(f.lRow) {
		c := max(lNeed, 2*len(f.lRow))
		f.lRow = append(f.lRow, make([]int, c-len(f.lRow))...)
		f.lVal = append(f.lVal, make([]float64, c-len(f.lVal))...)
	}
	if uNeed > len(f.uRow) {
		c := max(uNeed, 2*len(f.uRow))
		f.uRow = append(f.uRow, make([]int, c-len(f.uRow))...)
		f.uVal = append(f.uVal, make([]float64, c-len(f.uVal))...)
	}
}

// reach finds the rows that column col of A reaches in the graph of the
// columns of L computed so far (row i leads to the rows of L's column
// pinv[i] when i is pivotal). It leaves them in xi[top:] in topological
// order and returns top.
func (f *LU) reach(a *Matrix, col int) int {
	f.stamp++
	top := f.n
	for p := a.ColPtr[col]; p < a.ColPtr[col+1]; p++ {
		if i := a.RowIdx[p]; f.mark[i] != f.stamp {
			top = f.dfs(i, top)
		}
	}
	return top
}

// dfs is a non-recursive depth-first search from row start.
func (f *LU) dfs(start, top int) int {
	stack, pstack, mark, stamp := f.stack, f.pstack, f.mark, f.stamp
	head := 0
	stack[0] = start
	for head >= 0 {
		i := stack[head]
		j := f.pinv[i]
		if mark[i] != stamp {
			mark[i] = stamp
			if j >= 0 {
				pstack[head] = f.lPtr[j]
			}
		}
		end := 0
		if j >= 0 {
			end = f.lPtr[j+1]
			if f.lpend[j] >= 0 {
				end = f.lPtr[j] + f.lpend[j]
			}
		}
		done := true
		for p := pstack[head]; p < end; p++ {
			if r := f.lRow[p]; mark[r] != stamp {
				pstack[head] = p + 1
				head++
				stack[head] = r
				done = false
				break
			}
		}
		if done {
			head--
			top--
			f.xi[top] = i
		}
	}
	return top
}

// prune applies the symmetric pruning of Eisenstat and Liu (1992), as KLU
// does: when U(j,k) and L(prow[k], j) are both nonzero, every row of L(:,j)
// not yet pivotal is also reached through the pivot row of k, so later
// searches need only the entries of L(:,j) whose rows are already pivotal.
// They are moved to the front of the column and lpend[j] counts them. The
// values move with them; the numeric phases use whole columns.
func (f *LU) prune(k int) {
	piv := f.prow[k]
	for _, j := range f.uRow[f.uPtr[k]:f.uPtr[k+1]] {
		if f.lpend[j] >= 0 {
			continue
		}
		p0, p1 := f.lPtr[j], f.lPtr[j+1]
		found := false
		for _, r := range f.lRow[p0:p1] {
			if r == piv {
				found = true
				break
			}
		}
		if !found {
			continue
		}
		head := p0
		for p := p0; p < p1; p++ {
			if f.pinv[f.lRow[p]] >= 0 {
				f.lRow[head], f.lRow[p] = f.lRow[p], f.lRow[head]
				f.lVal[head], f.lVal[p] = f.lVal[p], f.lVal[head]
				head++
			}
		}
		f.lpend[j] = head - p0
	}
}

// eliminate applies the columns of L of the pivotal rows in xi[top:], in
// topological order, to the scattered column x.
func (f *LU) eliminate(top, k int) {
	x := f.x
	for _, i := range f.xi[top:] {
		j := f.pinv[i]
		if j < 0 {
			continue
		}
		xj := x[i]
		for p := f.lPtr[j]; p < f.lPtr[j+1]; p++ {
			x[f.lRow[p]] -= f.lVal[p] * xj
		}
	}
}

// pivot stores column k of U, chooses the pivot among the non-pivotal rows
// of xi[top:] (the diagonal row col if within PivotTol of the largest),
// stores column k of L and clears x.
func (f *LU) pivot(top, k, col, lnz, unz int) (int, int, error) {
	x := f.x
	best, bestAbs, diagAbs := -1, 0.0, -1.0
	for _, i := range f.xi[top:] {
		if j := f.pinv[i]; j >= 0 {
			f.uRow[unz], f.uVal[unz] = j, x[i]
			unz++
			x[i] = 0
			continue
		}
		v := math.Abs(x[i])
		if v > bestAbs {
			best, bestAbs = i, v
		}
		if i == col {
			diagAbs = v
		}
	}
	if !(bestAbs > 0) || math.IsInf(bestAbs, 0) {
		for _, i := range f.xi[top:] {
			x[i] = 0
		}
		return lnz, unz, &PivotError{Op: "LU.Factor", Column: col, Pivot: bestAbs, Err: ErrSingular}
	}
	if diagAbs > 0 && diagAbs >= f.PivotTol*bestAbs {
		best = col
	}
	piv := x[best]
	x[best] = 0
	f.diag[k], f.pinv[best], f.prow[k] = piv, k, best
	for _, i := range f.xi[top:] {
		if f.pinv[i] < 0 {
			f.lRow[lnz], f.lVal[lnz] = i, x[i]/piv
			lnz++
			x[i] = 0
		}
	}
	return lnz, unz, nil
}

// Refactor factors a matrix with the same pattern and new values, reusing
// the pivot order and the patterns of L and U of the last Factor. It
// allocates nothing. When a pivot falls below PivotTol times the largest
// magnitude of its column, or there is no earlier factorization, it falls
// back to Factor (which may choose new pivots).
func (f *LU) Refactor(a *Matrix) error {
	if !f.factored {
		return f.Factor(a)
	}
	if a.N != f.n || len(a.Val) != f.nnzA {
		return fmt.Errorf("sparse: LU.Refactor: %w", ErrPattern)
	}
	x, aStep, aVal := f.x, f.aStep, a.Val
	lPtr, lRow, lVal := f.lPtr, f.lRow, f.lVal
	for k, col := range f.q {
		for p := a.ColPtr[col]; p < a.ColPtr[col+1]; p++ {
			x[aStep[p]] = aVal[p]
		}
		uVal := f.uVal[f.uPtr[k]:f.uPtr[k+1]]
		for t, j := range f.uRow[f.uPtr[k]:f.uPtr[k+1]] {
			ujk := x[j]
			x[j] = 0
			uVal[t] = ujk
			if ujk == 0 {
				continue
			}
			vals := lVal[lPtr[j]:lPtr[j+1]]
			for q, r := range lRow[lPtr[j]:lPtr[j+1]] {
				x[r] -= vals[q] * ujk
			}
		}
		piv := x[k]
		x[k] = 0
		rows, vals := lRow[lPtr[k]:lPtr[k+1]], lVal[lPtr[k]:lPtr[k+1]]
		colMax := math.Abs(piv)
		for _, r := range rows {
			colMax = max(colMax, math.Abs(x[r]))
		}
		if !(math.Abs(piv) >= f.PivotTol*colMax) || piv == 0 || math.IsInf(piv, 0) {
			for _, r := range rows {
				x[r] = 0
			}
			return f.Factor(a)
		}
		f.diag[k] = piv
		inv := 1 / piv
		for q, r := range rows {
			vals[q] = x[r] * inv
			x[r] = 0
		}
	}
	return nil
}

// Solve solves A x = b in place (x holds b on entry) with the last
// successful factorization; x must have length at least N. It allocates
// nothing. Without a successful factorization, x is set to NaN.
func (f *LU) Solve(x []float64) {
	n := f.n
	x = x[:n]
	if !f.factored {
		for i := range x {
			x[i] = math.NaN()
		}
		return
	}
	y := f.x[:n]
	for k, i := range f.prow {
		y[k] = x[i]
	}
	lPtr, lRow, lVal := f.lPtr, f.lRow, f.lVal
	for j := 0; j < n; j++ {
		yj := y[j]
		if yj == 0 {
			continue
		}
		vals := lVal[lPtr[j]:lPtr[j+1]]
		for q, r := range lRow[lPtr[j]:lPtr[j+1]] {
			y[r] -= vals[q] * yj
		}
	}
	uPtr, uRow, uVal := f.uPtr, f.uRow, f.uVal
	for k := n - 1; k >= 0; k-- {
		yk := y[k] / f.diag[k]
		y[k] = yk
		if yk == 0 {
			continue
		}
		vals := uVal[uPtr[k]:uPtr[k+1]]
		for q, r := range uRow[uPtr[k]:uPtr[k+1]] {
			y[r] -= vals[q] * yk
		}
	}
	for k, j := range f.q {
		x[j] = y[k]
		y[k] = 0
	}
}
