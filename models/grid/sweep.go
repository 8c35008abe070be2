package grid

import (
	"errors"
	"fmt"
	"math"
	"math/cmplx"
)

// ErrNotRadial is returned by the sweep for a network that is not a tree
// fed from its reference bus, or that has PV buses.
var ErrNotRadial = errors.New("grid: network is not a radial feeder")

// Sweep solves the AC power flow of a radial feeder by the
// backward/forward sweep (current summation): the backward pass adds up
// load, shunt and downstream branch currents from the leaves to the
// source, the forward pass updates voltages from the source outwards
// (Shirmohammadi, Hong, Semlyen and Luo, "A compensation-based power flow
// method for weakly meshed distribution and transmission networks", IEEE
// Trans. Power Systems 3(2):753-762, 1988). Branches use the full π model
// with the tap at the from end, so results equal Newton-Raphson's. It
// converges linearly, with no matrix to factor; Solve allocates nothing.
// A Sweep is not safe for concurrent use.
type Sweep struct {
	net      *Network
	order    []int  // buses from the source outwards (breadth first)
	parentBr []int  // bus -> branch to its parent, -1 at the source
	childIsT []bool // bus -> true when the bus is the branch's to end
	demand   []complex128
	iSeries  []complex128 // bus -> series current of its parent branch, from the from side to the to side
	ibus     []complex128
	// Per bus, of its parent branch: jB/2, tap τ, 1/τ and series impedance.
	jb2, tap, tapInv, z []complex128
}

// NewSweep orders the feeder from its reference bus. It fails with
// ErrNotRadial when the in-service branches form a loop, leave a bus
// unfed, or when there are PV buses.
func NewSweep(net *Network) (*Sweep, error) {
	if len(net.pv) > 0 {
		return nil, fmt.Errorf("%w: %d PV buses", ErrNotRadial, len(net.pv))
	}
	nb := net.NumBuses()
	s := &Sweep{net: net, parentBr: make([]int, nb), childIsT: make([]bool, nb),
		demand: make([]complex128, nb), iSeries: make([]complex128, nb), ibus: make([]complex128, nb)}
	adj := make([][]int, nb)
	for k, on := range net.inService {
		if on {
			adj[net.from[k]] = append(adj[net.from[k]], k)
			adj[net.to[k]] = append(adj[net.to[k]], k)
		}
	}
	seen := make([]bool, nb)
	s.parentBr[net.ref], seen[net.ref] = -1, true
	s.order = append(s.order, net.ref)
	for h := 0; h < len(s.order); h++ {
		i := s.order[h]
		for _, k := range adj[i] {
			if k == s.parentBr[i] {
				continue
			}
			j, isT := net.to[k], true
			if j == i {
				j, isT = net.from[k], false
			}
			if seen[j] {
				return nil, fmt.Errorf("%w: loop through branch %d (%d-%d)", ErrNotRadial, k+1, net.Case.Branches[k].From, net.Case.Branches[k].To)
			}
			seen[j], s.parentBr[j], s.childIsT[j] = true, k, isT
			s.order = append(s.order, j)
		}
	}
	for i, t := range net.busType {
		if !seen[i] && t != Isolated {
			return nil, fmt.Errorf("%w: bus %d is not fed from the source", ErrNotRadial, net.Case.Buses[i].ID)
		}
	}
	s.jb2, s.tap, s.tapInv, s.z = make([]complex128, nb), make([]complex128, nb), make([]complex128, nb), make([]complex128, nb)
	for _, c := range s.order[1:] {
		br := net.Case.Branches[s.parentBr[c]]
		s.jb2[c], s.tap[c] = complex(0, br.B/2), branchTap(br)
		s.tapInv[c], s.z[c] = 1/s.tap[c], complex(br.R, br.X)
	}
	return s, nil
}

// Solve iterates from v (pu, per bus) for injections sbus (pu) until the
// largest power mismatch is below tol, as Newton.Solve; it returns the
// number of sweeps.
func (s *Sweep) Solve(v, sbus []complex128, tol float64, maxIter int) (iters int, mismatch float64, err error) {
	for {
		mis, worst := s.mismatch(v, sbus)
		if mis < tol {
			return iters, mis, nil
		}
		if iters >= maxIter || math.IsNaN(mis) || math.IsInf(mis, 0) {
			id := -1
			if worst >= 0 {
				id = s.net.Case.Buses[worst].ID
			}
			return iters, mis, fmt.Errorf("%w after %d sweeps: worst mismatch %.3g pu at bus %d", ErrNotConverged, iters, mis, id)
		}
		iters++
		s.backward(v, sbus)
		s.forward(v)
	}
}

// mismatch returns the largest |ΔP| or |ΔQ| over non-reference buses.
func (s *Sweep) mismatch(v, sbus []complex128) (float64, int) {
	s.net.ybus.mulVec(s.ibus, v)
	norm, worst := 0.0, -1
	for _, i := range s.order[1:] {
		m := v[i]*cmplx.Conj(s.ibus[i]) - sbus[i]
		a := math.Max(math.Abs(real(m)), math.Abs(imag(m)))
		if a > norm || math.IsNaN(a) {
			norm, worst = a, i
		}
	}
	return norm, worst
}

// backward computes each branch's series current from the leaves up.
func (s *Sweep) backward(v, sbus []complex128) {
	n := s.net
	for _, i := range s.order {
		// conj(-S/V) = -conj(S)·V/|V|²
		s.demand[i] = -cmplx.Conj(sbus[i])*v[i]*complex(1/abs2(v[i]), 0) + n.ysh[i]*v[i]
	}
	for h := len(s.order) - 1; h > 0; h-- {
		c := s.order[h]
		k := s.parentBr[c]
		jb2 := s.jb2[c]
		var toParent complex128 // current the branch draws from its parent bus
		if s.childIsT[c] {
			is := jb2*v[c] + s.demand[c]
			s.iSeries[c] = is
			toParent = (jb2*v[n.from[k]]*s.tapInv[c] + is) * cmplx.Conj(s.tapInv[c])
		} else {
			is := -s.demand[c]*cmplx.Conj(s.tap[c]) - jb2*v[c]*s.tapInv[c]
			s.iSeries[c] = is
			toParent = jb2*v[n.to[k]] - is
		}
		s.demand[s.parentOf(c)] += toParent
	}
}

// forward updates the voltages from the source outwards.
func (s *Sweep) forward(v []complex128) {
	n := s.net
	for _, c := range s.order[1:] {
		k := s.parentBr[c]
		if s.childIsT[c] {
			v[c] = v[n.from[k]]*s.tapInv[c] - s.iSeries[c]*s.z[c]
		} else {
			v[c] = (v[n.to[k]] + s.iSeries[c]*s.z[c]) * s.tap[c]
		}
	}
}

func (s *Sweep) parentOf(c int) int {
	k := s.parentBr[c]
	if s.childIsT[c] {
		return s.net.from[k]
	}
	return s.net.to[k]
}

// SolveSweep runs the backward/forward sweep on the network with the
// injections of its case.
func (n *Network) SolveSweep(opt Options) (*Result, error) {
	s, err := NewSweep(n)
	if err != nil {
		return nil, err
	}
	v := n.initialVoltage(opt.FlatStart)
	sbus := make([]complex128, len(v))
	n.makeSbus(sbus)
	iters, mis, err := s.Solve(v, sbus, opt.tol(), 100*opt.maxIter())
	res := n.result(v)
	res.Iterations, res.Mismatch, res.Converged = iters, mis, err == nil
	return res, err
}
