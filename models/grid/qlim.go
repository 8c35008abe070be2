package grid

import (
	"errors"
	"fmt"
)

// ErrQLimits is wrapped when every remaining voltage-controlling generator
// violates the same reactive limit, so no Q-limited solution exists.
var ErrQLimits = errors.New("grid: all generators at reactive limits")

// solveQLimited solves, then repeatedly fixes every in-service generator
// that violates a reactive limit at that limit, turns its bus into a PQ
// bus and solves again from the last voltages, as MATPOWER's runpf with
// pf.enforce_q_lims = 1. Generator outputs of the limited machines are
// reported at their limits.
func (n *Network) solveQLimited(opt Options) (*Result, error) {
	work := n.Case.Clone()
	limited := map[int]float64{} // generator -> fixed Q, MVAr
	var v []complex128
	total := 0
	for round := 0; ; round++ {
		net, err := NewNetwork(work)
		if err != nil {
			return nil, err
		}
		s, err := NewNewton(net)
		if err != nil {
			return nil, err
		}
		if v == nil {
			v = net.initialVoltage(opt.FlatStart)
		}
		sbus := make([]complex128, len(v))
		net.makeSbus(sbus)
		iters, mis, err := s.Solve(v, sbus, opt.tol(), opt.maxIter())
		total += iters
		res := net.result(v)
		res.Case, res.Iterations, res.Mismatch, res.Converged = n.Case, total, mis, err == nil
		if err != nil {
			return res, err
		}
		viol := violatingGens(net, res)
		if len(viol) == 0 {
			for k, q := range limited {
				res.Qg[k], res.Pg[k] = q, n.Case.Gens[k].Pg
			}
			return res, nil
		}
		if allSameLimit(net, res, viol) {
			return res, fmt.Errorf("%w (round %d)", ErrQLimits, round+1)
		}
		for _, k := range viol {
			g := &work.Gens[k]
			q := g.Qmax
			if res.Qg[k] < g.Qmin {
				q = g.Qmin
			}
			limited[k] = q
			g.InService = false
			b := &work.Buses[net.genBus[k]]
			b.Pd -= g.Pg
			b.Qd -= q
			b.Type = PQ
		}
	}
}

// violatingGens lists the in-service generators outside [Qmin, Qmax].
func violatingGens(net *Network, res *Result) []int {
	var out []int
	for k, g := range net.Case.Gens {
		if net.genOn[k] && (res.Qg[k] > g.Qmax || res.Qg[k] < g.Qmin) {
			out = append(out, k)
		}
	}
	return out
}

// allSameLimit reports whether the violators are all the remaining
// voltage-controlling generators and all violate the same side.
func allSameLimit(net *Network, res *Result, viol []int) bool {
	remaining := 0
	for k, on := range net.genOn {
		if t := net.busType[net.genBus[k]]; on && (t == PV || t == Ref) {
			remaining++
		}
	}
	over, under := 0, 0
	for _, k := range viol {
		if res.Qg[k] > net.Case.Gens[k].Qmax {
			over++
		} else {
			under++
		}
	}
	return len(viol) == remaining && (over == 0 || under == 0)
}
