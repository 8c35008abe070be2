package grid

import (
	"math"
	"math/cmplx"
)

// Result is a power-flow solution in MATPOWER's output units. Per-bus
// slices follow Case.Buses, per-generator Case.Gens, per-branch
// Case.Branches.
type Result struct {
	Case       *Case
	Converged  bool
	Iterations int
	Mismatch   float64 // largest power mismatch at the end, pu
	DC         bool    // a DC power flow: Vm is 1 and reactive quantities are 0

	Vm []float64 // voltage magnitude, pu
	Va []float64 // voltage angle, degrees

	Pg, Qg []float64 // generator output, MW and MVAr (0 when out of service)

	Pf, Qf []float64 // flow into the branch at the from end, MW and MVAr
	Pt, Qt []float64 // flow into the branch at the to end, MW and MVAr
	Ploss  []float64 // series active loss, MW
	Qloss  []float64 // series reactive loss, MVAr (line charging excluded)
}

// result computes the solution quantities from the bus voltages as
// MATPOWER's pfsoln and get_losses do.
func (n *Network) result(v []complex128) *Result {
	c := n.Case
	r := &Result{Case: c, Vm: make([]float64, len(v)), Va: make([]float64, len(v))}
	for i, x := range v {
		r.Vm[i], r.Va[i] = cmplx.Abs(x), cmplx.Phase(x)*180/math.Pi
	}
	n.genOutputs(v, r)
	n.branchFlows(v, r)
	return r
}

// genOutputs sets the slack generator's P and every in-service generator's
// Q from the bus injections. Where several generators share a bus, the Q
// is split in proportion to their reactive ranges (equally when the ranges
// are equal), as in pfsoln.
func (n *Network) genOutputs(v []complex128, r *Result) {
	c := n.Case
	ng := len(c.Gens)
	r.Pg, r.Qg = make([]float64, ng), make([]float64, ng)
	inj := make([]complex128, len(v))
	n.ybus.mulVec(inj, v)
	for i := range inj {
		inj[i] = v[i] * cmplx.Conj(inj[i]) * complex(c.BaseMVA, 0)
	}
	count := make([]int, len(v))
	qmin, qmax := make([]float64, len(v)), make([]float64, len(v))
	for k, g := range c.Gens {
		if n.genOn[k] {
			i := n.genBus[k]
			count[i]++
			qmin[i] += g.Qmin
			qmax[i] += g.Qmax
			r.Pg[k] = g.Pg
		}
	}
	refDone := false
	for k, g := range c.Gens {
		if !n.genOn[k] {
			continue
		}
		i := n.genBus[k]
		qtot := imag(inj[i]) + c.Buses[i].Qd
		switch {
		case count[i] == 1:
			r.Qg[k] = qtot
		case math.IsInf(qmax[i]-qmin[i], 0) || math.IsNaN(qmax[i]-qmin[i]):
			r.Qg[k] = qtot / float64(count[i])
		case qmax[i] == qmin[i]: // no range: share the violation equally
			r.Qg[k] = g.Qmin + (qtot-qmin[i])/float64(count[i])
		default:
			eps := math.Nextafter(1, 2) - 1
			r.Qg[k] = g.Qmin + (qtot-qmin[i])/(qmax[i]-qmin[i]+eps)*(g.Qmax-g.Qmin)
		}
		if i == n.ref && !refDone {
			refDone = true
			r.Pg[k] = real(inj[i]) + c.Buses[i].Pd
			for k2 := k + 1; k2 < ng; k2++ {
				if n.genOn[k2] && n.genBus[k2] == i {
					r.Pg[k] -= c.Gens[k2].Pg
				}
			}
		}
	}
}

// branchFlows sets the branch end flows Sf = Vf·conj(Yff Vf + Yft Vt),
// St = Vt·conj(Ytf Vf + Ytt Vt) and the series losses
// |Vf/τ - Vt|²/conj(Z) (get_losses).
func (n *Network) branchFlows(v []complex128, r *Result) {
	c := n.Case
	nl := len(c.Branches)
	r.Pf, r.Qf, r.Pt, r.Qt = make([]float64, nl), make([]float64, nl), make([]float64, nl), make([]float64, nl)
	r.Ploss, r.Qloss = make([]float64, nl), make([]float64, nl)
	base := complex(c.BaseMVA, 0)
	for k := range c.Branches {
		if !n.inService[k] {
			continue
		}
		sf, st, loss := n.branchFlow(k, v)
		sf, st, loss = sf*base, st*base, loss*base
		r.Pf[k], r.Qf[k], r.Pt[k], r.Qt[k] = real(sf), imag(sf), real(st), imag(st)
		r.Ploss[k], r.Qloss[k] = real(loss), imag(loss)
	}
}

// branchFlow returns the end flows and the series loss of branch k in pu.
func (n *Network) branchFlow(k int, v []complex128) (sf, st, loss complex128) {
	vf, vt := v[n.from[k]], v[n.to[k]]
	sf = vf * cmplx.Conj(n.yff[k]*vf+n.yft[k]*vt)
	st = vt * cmplx.Conj(n.ytf[k]*vf+n.ytt[k]*vt)
	dv := vf*n.tapInv[k] - vt
	loss = complex(abs2(dv), 0) * n.yLoss[k]
	return sf, st, loss
}

// Losses returns the total series losses, MW and MVAr.
func (r *Result) Losses() (pMW, qMVAr float64) {
	for k := range r.Ploss {
		pMW += r.Ploss[k]
		qMVAr += r.Qloss[k]
	}
	return pMW, qMVAr
}

// VoltageExtremes returns the lowest and highest voltage magnitudes (pu)
// and the external numbers of their buses (the first bus on ties),
// ignoring isolated buses.
func (r *Result) VoltageExtremes() (vmin float64, vminBus int, vmax float64, vmaxBus int) {
	vmin, vmax = math.Inf(1), math.Inf(-1)
	for i, b := range r.Case.Buses {
		if b.Type == Isolated {
			continue
		}
		if r.Vm[i] < vmin {
			vmin, vminBus = r.Vm[i], b.ID
		}
		if r.Vm[i] > vmax {
			vmax, vmaxBus = r.Vm[i], b.ID
		}
	}
	return vmin, vminBus, vmax, vmaxBus
}

// abs2 returns |z|².
func abs2(z complex128) float64 { return real(z)*real(z) + imag(z)*imag(z) }
