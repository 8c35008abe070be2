package grid

import (
	"fmt"
	"math"
)

// SolveDC runs a DC power flow of c, as MATPOWER's rundcpf: lossless
// branches with susceptance 1/(x·ratio), flat voltage magnitudes, phase
// shifters as fixed injections, and bus shunt conductances as loads.
func SolveDC(c *Case) (*Result, error) {
	net, err := NewNetwork(c)
	if err != nil {
		return nil, err
	}
	return net.SolveDC()
}

// dcModel holds MATPOWER's makeBdc matrices in a compact form.
type dcModel struct {
	b      []float64 // branch susceptance, pu (0 out of service)
	pfinj  []float64 // branch flow injection from phase shift, pu
	pbus   []float64 // net injection for the angle equations, pu
	bdiag  []float64 // Bbus diagonal
	refCol []float64 // Bbus(:, ref)
}

func (n *Network) makeBdc() *dcModel {
	c := n.Case
	nb, nl := len(c.Buses), len(c.Branches)
	m := &dcModel{b: make([]float64, nl), pfinj: make([]float64, nl), pbus: make([]float64, nb),
		bdiag: make([]float64, nb), refCol: make([]float64, nb)}
	sbus := make([]complex128, nb)
	n.makeSbus(sbus)
	for i, b := range c.Buses {
		m.pbus[i] = real(sbus[i]) - b.Gs/c.BaseMVA
	}
	for k, br := range c.Branches {
		if !n.inService[k] {
			continue
		}
		ratio := br.Ratio
		if ratio == 0 {
			ratio = 1
		}
		b := 1 / br.X / ratio
		m.b[k] = b
		m.pfinj[k] = -b * br.Angle * math.Pi / 180
		f, t := n.from[k], n.to[k]
		m.pbus[f] -= m.pfinj[k]
		m.pbus[t] += m.pfinj[k]
		m.bdiag[f] += b
		m.bdiag[t] += b
		if t == n.ref {
			m.refCol[f] -= b
		}
		if f == n.ref {
			m.refCol[t] -= b
		}
		if f == t {
			m.bdiag[f] -= 2 * b
		}
	}
	return m
}

// SolveDC runs a DC power flow on the network.
func (n *Network) SolveDC() (*Result, error) {
	c := n.Case
	m := n.makeBdc()
	nb := len(c.Buses)
	idx := make([]int, nb) // bus -> unknown, -1 for the reference and isolated buses
	var buses []int
	for i, t := range n.busType {
		idx[i] = -1
		if t == PV || t == PQ {
			idx[i] = len(buses)
			buses = append(buses, i)
		}
	}
	bld := newBuilder(len(buses))
	type entry struct {
		e int
		v float64
	}
	var entries []entry
	for _, i := range buses {
		entries = append(entries, entry{bld.Add(idx[i], idx[i]), m.bdiag[i]})
	}
	for k := range c.Branches {
		f, t := idx[n.from[k]], idx[n.to[k]]
		if m.b[k] == 0 || f < 0 || t < 0 || f == t {
			continue
		}
		entries = append(entries, entry{bld.Add(f, t), -m.b[k]}, entry{bld.Add(t, f), -m.b[k]})
	}
	mat, slot := bld.Build()
	for _, e := range entries {
		mat.Val[slot[e.e]] += e.v
	}
	va := make([]float64, nb)
	for i, b := range c.Buses {
		va[i] = b.Va * math.Pi / 180
	}
	x := make([]float64, len(buses))
	for k, i := range buses {
		x[k] = m.pbus[i] - m.refCol[i]*va[n.ref]
	}
	if len(buses) > 0 {
		chol, err := newCholesky(mat)
		if err == nil {
			err = chol.Factor(mat)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: DC power flow: %w", c.Name, err)
		}
		chol.Solve(x)
	}
	for k, i := range buses {
		va[i] = x[k]
	}
	return n.dcResult(m, va), nil
}

// dcResult fills a Result from DC angles (radians).
func (n *Network) dcResult(m *dcModel, va []float64) *Result {
	c := n.Case
	nb, nl := len(c.Buses), len(c.Branches)
	r := &Result{Case: c, Converged: true, DC: true, Vm: make([]float64, nb), Va: make([]float64, nb)}
	for i := range va {
		r.Vm[i], r.Va[i] = 1, va[i]*180/math.Pi
	}
	r.Pf, r.Qf, r.Pt, r.Qt = make([]float64, nl), make([]float64, nl), make([]float64, nl), make([]float64, nl)
	r.Ploss, r.Qloss = make([]float64, nl), make([]float64, nl)
	refInj := -m.pbus[n.ref]
	for k := range c.Branches {
		if m.b[k] == 0 {
			continue
		}
		f, t := n.from[k], n.to[k]
		pf := m.b[k]*(va[f]-va[t]) + m.pfinj[k]
		r.Pf[k], r.Pt[k] = pf*c.BaseMVA, -pf*c.BaseMVA
		if f == n.ref {
			refInj += pf - m.pfinj[k]
		}
		if t == n.ref {
			refInj -= pf - m.pfinj[k]
		}
	}
	ng := len(c.Gens)
	r.Pg, r.Qg = make([]float64, ng), make([]float64, ng)
	first := true
	for k, g := range c.Gens {
		if !n.genOn[k] {
			continue
		}
		r.Pg[k] = g.Pg
		if n.genBus[k] == n.ref && first {
			first = false
			r.Pg[k] += refInj * c.BaseMVA
		}
	}
	return r
}
