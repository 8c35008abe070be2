package grid

import (
	"math"
	"math/cmplx"
)

// Options control a power flow.
type Options struct {
	// Tol is the convergence tolerance on the largest power mismatch, pu
	// (MATPOWER's pf.tol); 0 means 1e-8.
	Tol float64
	// MaxIter bounds the Newton iterations (pf.nr.max_it); 0 means 10. The
	// sweep allows 100 times as many of its cheaper iterations.
	MaxIter int
	// FlatStart starts from |V| = 1 pu and angle 0 (the reference bus
	// keeps its angle) instead of the case's voltages; generator setpoints
	// still apply at PV and reference buses.
	FlatStart bool
	// EnforceQLimits converts generators that violate their reactive limits
	// to fixed-Q injections and solves again (MATPOWER's pf.enforce_q_lims = 1).
	EnforceQLimits bool
}

func (o Options) tol() float64 {
	if o.Tol > 0 {
		return o.Tol
	}
	return 1e-8
}

func (o Options) maxIter() int {
	if o.MaxIter > 0 {
		return o.MaxIter
	}
	return 10
}

// makeSbus returns the complex bus injections in pu: in-service generation
// minus load (MATPOWER's makeSbus with constant-power loads). qFixed, when
// not nil, overrides the reactive output of generators (MVAr).
func (n *Network) makeSbus(sbus []complex128) {
	c := n.Case
	base := complex(c.BaseMVA, 0)
	for i, b := range c.Buses {
		sbus[i] = -complex(b.Pd, b.Qd) / base
	}
	for k, g := range c.Gens {
		if n.genOn[k] {
			sbus[n.genBus[k]] += complex(g.Pg, g.Qg) / base
		}
	}
}

// initialVoltage returns MATPOWER's starting point: the case's voltages
// (or a flat start), with generator setpoints at PV and reference buses.
func (n *Network) initialVoltage(flat bool) []complex128 {
	c := n.Case
	v := make([]complex128, len(c.Buses))
	for i, b := range c.Buses {
		switch {
		case flat && i == n.ref:
			v[i] = cmplx.Rect(1, b.Va*math.Pi/180)
		case flat:
			v[i] = 1
		default:
			v[i] = cmplx.Rect(b.Vm, b.Va*math.Pi/180)
		}
	}
	for k, g := range c.Gens {
		i := n.genBus[k]
		if n.genOn[k] && (n.busType[i] == PV || n.busType[i] == Ref) {
			if a := cmplx.Abs(v[i]); a > 0 {
				v[i] *= complex(g.Vg/a, 0)
			} else {
				v[i] = complex(g.Vg, 0)
			}
		}
	}
	return v
}

// SolveAC runs an AC power flow of c by Newton-Raphson and returns the
// solution in MATPOWER's units. On failure it returns the last iterate
// together with an error wrapping ErrNotConverged.
func SolveAC(c *Case, opt Options) (*Result, error) {
	net, err := NewNetwork(c)
	if err != nil {
		return nil, err
	}
	return net.SolveAC(opt)
}

// SolveAC runs Newton-Raphson on the network with the injections of its
// case, enforcing generator reactive limits if asked.
func (n *Network) SolveAC(opt Options) (*Result, error) {
	if opt.EnforceQLimits {
		return n.solveQLimited(opt)
	}
	s, err := NewNewton(n)
	if err != nil {
		return nil, err
	}
	v := n.initialVoltage(opt.FlatStart)
	sbus := make([]complex128, len(v))
	n.makeSbus(sbus)
	iters, mis, err := s.Solve(v, sbus, opt.tol(), opt.maxIter())
	res := n.result(v)
	res.Iterations, res.Mismatch, res.Converged = iters, mis, err == nil
	return res, err
}
