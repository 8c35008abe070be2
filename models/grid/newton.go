package grid

import (
	"errors"
	"fmt"
	"math"
	"math/cmplx"
)

// ErrNotConverged is wrapped by the error of a power flow that did not
// reach its tolerance; the message names the worst mismatch and its bus.
var ErrNotConverged = errors.New("grid: power flow did not converge")

// Newton solves the AC power flow of one network by Newton-Raphson in polar
// coordinates, as MATPOWER's newtonpf: the unknowns are the angles of PV
// and PQ buses and the magnitudes of PQ buses, the equations the active
// power mismatch at PV and PQ buses and the reactive power mismatch at PQ
// buses, and the Jacobian is assembled from ∂S/∂Va and ∂S/∂Vm
// (Zimmerman, "AC Power Flows, Generalized OPF Costs and their
// Derivatives using Complex Matrix Notation", MATPOWER Technical Note 2).
//
// The Jacobian pattern, its slot map and the LU's symbolic analysis are
// built once; Solve allocates nothing. A Newton is not safe for concurrent
// use; make one per goroutine.
type Newton struct {
	net    *Network
	nang   int   // number of angle unknowns (PV + PQ buses)
	angIdx []int // bus -> angle unknown, -1 if none
	magIdx []int // bus -> magnitude unknown (offset by nang), -1 if none
	eqBus  []int // unknown/equation -> bus

	jac  *spMatrix
	lu   luSolver
	slot [4][]int // per Ybus entry: slot of dP/dVa, dP/dVm, dQ/dVa, dQ/dVm or -1

	vm, va []float64
	vnorm  []complex128 // V/|V|
	ibus   []complex128
	f, dx  []float64
	// factored reports whether lu holds a numeric factorization whose pivot
	// order Refactor may reuse.
	factored bool
	// pivotVals is the Jacobian the last full Factor chose its pivots on:
	// a restored run factors it again to continue on the same pivots, so
	// its rounding, and so its results, match the original run's bit for bit.
	pivotVals []float64
}

// luSolver is what Newton needs from a sparse LU.
type luSolver interface {
	Factor(a *spMatrix) error
	Refactor(a *spMatrix) error
	Solve(x []float64)
}

// NewNewton builds the Jacobian pattern of net and the LU's symbolic
// analysis for the current bus types.
func NewNewton(net *Network) (*Newton, error) {
	nb := net.NumBuses()
	s := &Newton{net: net, angIdx: make([]int, nb), magIdx: make([]int, nb)}
	for i := range s.angIdx {
		s.angIdx[i], s.magIdx[i] = -1, -1
	}
	for _, i := range net.pv {
		s.angIdx[i] = len(s.eqBus)
		s.eqBus = append(s.eqBus, i)
	}
	for _, i := range net.pq {
		s.angIdx[i] = len(s.eqBus)
		s.eqBus = append(s.eqBus, i)
	}
	s.nang = len(s.eqBus)
	for _, i := range net.pq {
		s.magIdx[i] = len(s.eqBus)
		s.eqBus = append(s.eqBus, i)
	}
	n := len(s.eqBus)
	s.buildPattern()
	lu, err := newLU(s.jac)
	if err != nil {
		return nil, err
	}
	s.lu = lu
	s.vm, s.va = make([]float64, nb), make([]float64, nb)
	s.ibus, s.vnorm = make([]complex128, nb), make([]complex128, nb)
	s.f, s.dx = make([]float64, n), make([]float64, n)
	return s, nil
}

// buildPattern records, for every Ybus entry (i, k), where its four
// Jacobian contributions go.
func (s *Newton) buildPattern() {
	y := &s.net.ybus
	b := newBuilder(len(s.eqBus))
	for q := range s.slot {
		s.slot[q] = make([]int, len(y.col))
	}
	for i := 0; i < y.n; i++ {
		for p := y.rowPtr[i]; p < y.rowPtr[i+1]; p++ {
			k := y.col[p]
			s.slot[0][p] = addIf(b, s.angIdx[i], s.angIdx[k])
			s.slot[1][p] = addIf(b, s.angIdx[i], s.magIdx[k])
			s.slot[2][p] = addIf(b, s.magIdx[i], s.angIdx[k])
			s.slot[3][p] = addIf(b, s.magIdx[i], s.magIdx[k])
		}
	}
	var slot []int
	s.jac, slot = b.Build()
	for q := range s.slot {
		for p, e := range s.slot[q] {
			if e >= 0 {
				s.slot[q][p] = slot[e]
			}
		}
	}
}

func addIf(b *spBuilder, row, col int) int {
	if row < 0 || col < 0 {
		return -1
	}
	return b.Add(row, col)
}

// Solve runs Newton-Raphson from the voltages v (complex, pu, one per bus)
// for the bus injections sbus (complex, pu). On return v holds the
// solution (or the last iterate). It returns the number of iterations and
// the final maximum mismatch in pu. It allocates nothing.
func (s *Newton) Solve(v, sbus []complex128, tol float64, maxIter int) (iters int, mismatch float64, err error) {
	for i, x := range v {
		s.vm[i], s.va[i] = cmplx.Abs(x), cmplx.Phase(x)
	}
	normF, worst := s.mismatch(v, sbus)
	for normF >= tol || math.IsNaN(normF) {
		if iters >= maxIter || math.IsNaN(normF) || math.IsInf(normF, 0) {
			return iters, normF, s.failure(iters, normF, worst)
		}
		iters++
		s.assemble(v)
		if err := s.factor(); err != nil { // an island without a slack, or a collapsed voltage
			return iters, normF, fmt.Errorf("%w; singular Jacobian: %w", s.failure(iters, normF, worst), err)
		}
		for k, x := range s.f {
			s.dx[k] = -x
		}
		s.lu.Solve(s.dx)
		s.update(v)
		normF, worst = s.mismatch(v, sbus)
	}
	return iters, normF, nil
}

// factor refactors the Jacobian, reusing the previous pivot order when
// possible.
func (s *Newton) factor() error {
	if s.factored {
		if err := s.lu.Refactor(s.jac); err == nil {
			return nil
		}
	}
	err := s.lu.Factor(s.jac)
	s.factored = err == nil
	if s.factored {
		s.pivotVals = append(s.pivotVals[:0], s.jac.Val...)
	}
	return err
}

// restorePivots factors the Jacobian the original run last chose its
// pivots on, so that the following Refactors take the same path.
func (s *Newton) restorePivots(vals []float64) error {
	if len(vals) == 0 {
		s.factored = false
		return nil
	}
	if len(vals) != len(s.jac.Val) {
		return fmt.Errorf("grid: state: Jacobian of %d entries, this network has %d", len(vals), len(s.jac.Val))
	}
	copy(s.jac.Val, vals)
	if err := s.lu.Factor(s.jac); err != nil {
		return fmt.Errorf("grid: state: %w", err)
	}
	s.factored = true
	s.pivotVals = append(s.pivotVals[:0], vals...)
	return nil
}

// failure builds the non-convergence error naming the worst equation.
func (s *Newton) failure(iters int, normF float64, worst int) error {
	kind := "P"
	if worst >= s.nang {
		kind = "Q"
	}
	bus := -1
	if worst >= 0 {
		bus = s.net.Case.Buses[s.eqBus[worst]].ID
	}
	return fmt.Errorf("%w after %d iterations: worst mismatch %.3g pu (%s) at bus %d", ErrNotConverged, iters, normF, kind, bus)
}

// mismatch sets s.f = [ΔP(pv,pq); ΔQ(pq)] with ΔS = V·conj(Y V) - Sbus and
// returns its infinity norm and the index of the largest entry.
func (s *Newton) mismatch(v, sbus []complex128) (float64, int) {
	s.net.ybus.mulVec(s.ibus, v)
	norm, worst := 0.0, -1
	for k, i := range s.eqBus {
		m := v[i]*cmplx.Conj(s.ibus[i]) - sbus[i]
		x := real(m)
		if k >= s.nang {
			x = imag(m)
		}
		s.f[k] = x
		if a := math.Abs(x); a > norm || math.IsNaN(a) {
			norm, worst = a, k
			if math.IsNaN(a) {
				norm = a
			}
		}
	}
	return norm, worst
}

// assemble fills the Jacobian values from the current voltages (s.ibus
// must hold Y v):
//
//	∂S/∂Va = j·diag(V)·conj(diag(I) - Y·diag(V))
//	∂S/∂Vm = diag(V)·conj(Y·diag(V/|V|)) + conj(diag(I))·diag(V/|V|)
func (s *Newton) assemble(v []complex128) {
	y := &s.net.ybus
	s.jac.Zero()
	val := s.jac.Val
	for i, x := range v {
		s.vnorm[i] = x * complex(1/s.vm[i], 0)
	}
	for i := 0; i < y.n; i++ {
		vi := v[i]
		for p := y.rowPtr[i]; p < y.rowPtr[i+1]; p++ {
			k := y.col[p]
			yv := y.val[p] * v[k]
			dVa := complex(0, -1) * vi * cmplx.Conj(yv)
			dVm := vi * cmplx.Conj(y.val[p]*s.vnorm[k])
			if k == i {
				ci := cmplx.Conj(s.ibus[i])
				dVa += complex(0, 1) * vi * ci
				dVm += ci * s.vnorm[i]
			}
			if q := s.slot[0][p]; q >= 0 {
				val[q] += real(dVa)
			}
			if q := s.slot[1][p]; q >= 0 {
				val[q] += real(dVm)
			}
			if q := s.slot[2][p]; q >= 0 {
				val[q] += imag(dVa)
			}
			if q := s.slot[3][p]; q >= 0 {
				val[q] += imag(dVm)
			}
		}
	}
}

// update applies the Newton step s.dx to the angles and magnitudes and
// recomputes v.
func (s *Newton) update(v []complex128) {
	for k, i := range s.eqBus {
		if k < s.nang {
			s.va[i] += s.dx[k]
		} else {
			s.vm[i] += s.dx[k]
		}
	}
	for _, i := range s.eqBus[:s.nang] {
		sin, cos := math.Sincos(s.va[i])
		v[i] = complex(s.vm[i]*cos, s.vm[i]*sin)
		if s.vm[i] < 0 { // MATPOWER re-derives |V| and angle from V
			s.vm[i], s.va[i] = -s.vm[i], cmplx.Phase(v[i])
		}
	}
}
