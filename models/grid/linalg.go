package grid

import "citytwin/models/internal/sparse"

// The sparse direct solvers shared with the water model.
type (
	spMatrix  = sparse.Matrix
	spBuilder = sparse.Builder
)

func newBuilder(n int) *spBuilder { return sparse.NewBuilder(n) }

func newLU(m *spMatrix) (*sparse.LU, error) { return sparse.NewLU(m) }

func newCholesky(m *spMatrix) (*sparse.Cholesky, error) { return sparse.NewCholesky(m) }
