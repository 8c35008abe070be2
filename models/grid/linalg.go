package grid

import (
	"errors"
	"fmt"
	"math"
	"sort"
)

// This file is a stand-in for citytwin/models/internal/sparse until that
// package lands: the same names and contracts, with a dense LU behind them.

type spMatrix struct {
	N      int
	ColPtr []int
	RowIdx []int
	Val    []float64
}

func (m *spMatrix) Zero() { clear(m.Val) }

type spBuilder struct {
	n          int
	rows, cols []int
}

func newBuilder(n int) *spBuilder { return &spBuilder{n: n} }

func (b *spBuilder) Add(row, col int) int {
	b.rows = append(b.rows, row)
	b.cols = append(b.cols, col)
	return len(b.rows) - 1
}

func (b *spBuilder) Build() (*spMatrix, []int) {
	order := make([]int, len(b.rows))
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(x, y int) bool {
		a, c := order[x], order[y]
		if b.cols[a] != b.cols[c] {
			return b.cols[a] < b.cols[c]
		}
		return b.rows[a] < b.rows[c]
	})
	m := &spMatrix{N: b.n, ColPtr: make([]int, b.n+1)}
	slot := make([]int, len(b.rows))
	for k, e := range order {
		if k > 0 {
			p := order[k-1]
			if b.rows[p] == b.rows[e] && b.cols[p] == b.cols[e] {
				slot[e] = len(m.RowIdx) - 1
				continue
			}
		}
		m.RowIdx = append(m.RowIdx, b.rows[e])
		m.ColPtr[b.cols[e]+1]++
		slot[e] = len(m.RowIdx) - 1
	}
	for j := 0; j < b.n; j++ {
		m.ColPtr[j+1] += m.ColPtr[j]
	}
	m.Val = make([]float64, len(m.RowIdx))
	return m, slot
}

var errSingular = errors.New("sparse: matrix is singular")

type denseLU struct {
	n    int
	a    []float64
	perm []int
}

func newLU(m *spMatrix) (*denseLU, error) {
	return &denseLU{n: m.N, a: make([]float64, m.N*m.N), perm: make([]int, m.N)}, nil
}

func (f *denseLU) Refactor(m *spMatrix) error { return f.Factor(m) }

func (f *denseLU) Factor(m *spMatrix) error {
	n := f.n
	clear(f.a)
	for j := 0; j < n; j++ {
		for p := m.ColPtr[j]; p < m.ColPtr[j+1]; p++ {
			f.a[m.RowIdx[p]*n+j] = m.Val[p]
		}
	}
	for i := range f.perm {
		f.perm[i] = i
	}
	for k := 0; k < n; k++ {
		piv, best := k, math.Abs(f.a[k*n+k])
		for i := k + 1; i < n; i++ {
			if v := math.Abs(f.a[i*n+k]); v > best {
				piv, best = i, v
			}
		}
		if best == 0 {
			return fmt.Errorf("%w: column %d", errSingular, k)
		}
		if piv != k {
			for j := 0; j < n; j++ {
				f.a[k*n+j], f.a[piv*n+j] = f.a[piv*n+j], f.a[k*n+j]
			}
			f.perm[k], f.perm[piv] = f.perm[piv], f.perm[k]
		}
		for i := k + 1; i < n; i++ {
			l := f.a[i*n+k] / f.a[k*n+k]
			if l == 0 {
				continue
			}
			f.a[i*n+k] = l
			for j := k + 1; j < n; j++ {
				f.a[i*n+j] -= l * f.a[k*n+j]
			}
		}
	}
	return nil
}

func (f *denseLU) Solve(x []float64) {
	n := f.n
	y := make([]float64, n)
	for i := 0; i < n; i++ {
		y[i] = x[f.perm[i]]
	}
	for i := 0; i < n; i++ {
		for j := 0; j < i; j++ {
			y[i] -= f.a[i*n+j] * y[j]
		}
	}
	for i := n - 1; i >= 0; i-- {
		for j := i + 1; j < n; j++ {
			y[i] -= f.a[i*n+j] * y[j]
		}
		y[i] /= f.a[i*n+i]
	}
	copy(x, y)
}

func newCholesky(m *spMatrix) (*denseLU, error) { return newLU(m) }
