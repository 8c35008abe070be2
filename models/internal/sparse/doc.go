// Package sparse holds the sparse direct solvers shared by the twin's
// network models: a sparse LDLᵀ Cholesky factorization for the symmetric
// positive definite systems of the water model's Global Gradient Algorithm
// and of DC power flow, and a sparse LU factorization with threshold partial
// pivoting for the unsymmetric Newton-Raphson Jacobians of AC power flow.
//
// Both factorizations split the work in two phases, as is usual for sparse
// direct methods (Davis 2006):
//
//   - a symbolic analysis (NewCholesky, NewLU), run once per sparsity
//     pattern, which orders the unknowns to reduce fill-in (AMD), computes
//     the elimination tree and allocates every slice the numeric phase will
//     need;
//   - a numeric phase (Factor, Refactor, Solve), run many times with new
//     values on the same pattern, which allocates nothing.
//
// Matrices are square and stored in compressed sparse column (CSC) form.
// A Builder turns a list of (row, col) entries into a Matrix and a slot map,
// so that a model assembles its system with m.Val[slot[e]] += v.
//
// References:
//
//   - P. R. Amestoy, T. A. Davis, I. S. Duff, "An approximate minimum degree
//     ordering algorithm", SIAM J. Matrix Anal. Appl. 17(4):886-905, 1996.
//   - J. W. H. Liu, "The role of elimination trees in sparse factorization",
//     SIAM J. Matrix Anal. Appl. 11(1):134-172, 1990.
//   - T. A. Davis, "Direct Methods for Sparse Linear Systems", SIAM, 2006.
//   - T. A. Davis, "Algorithm 849: A concise sparse Cholesky factorization
//     package", ACM Trans. Math. Softw. 31(4):587-591, 2005 (up-looking LDLᵀ).
//   - J. R. Gilbert, T. Peierls, "Sparse partial pivoting in time
//     proportional to arithmetic operations", SIAM J. Sci. Stat. Comput.
//     9(5):862-874, 1988.
//   - T. A. Davis, E. Palamadai Natarajan, "Algorithm 907: KLU, a direct
//     sparse solver for circuit simulation problems", ACM Trans. Math.
//     Softw. 37(3), 2010.
//
// Concurrency: a Matrix may be read by many goroutines at once; a Cholesky
// or LU value holds work space and must be used by one goroutine at a time.
package sparse
