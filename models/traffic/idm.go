package traffic

import "math"

// IDM holds the parameters of the Intelligent Driver Model (Treiber,
// Hennecke, Helbing, Phys. Rev. E 62, 1805, 2000):
//
//	dv/dt = a [1 - (v/v0)^δ - (s*(v,Δv)/s)²],  s* = s0 + max(0, vT + vΔv/(2√(ab)))
//
// with v the speed, v0 the desired speed, s the gap to the leader and Δv
// the approach rate. δ is fixed at 4, the value of the paper.
type IDM struct {
	A       float64 // maximum acceleration a, m/s²
	B       float64 // comfortable deceleration b, m/s²
	T       float64 // safe time headway T, s
	S0      float64 // minimum gap s0, m
	LengthM float64 // vehicle length l, m
	MaxDec  float64 // physical deceleration limit, m/s² (emergency braking)
}

// DefaultIDM is the parameter set of the model (within the ranges of
// Treiber et al. 2000 for city traffic).
func DefaultIDM() IDM {
	return IDM{A: 1.5, B: 2.0, T: 1.2, S0: 2, LengthM: 5, MaxDec: 9}
}

// Accel is the IDM acceleration of a vehicle at speed v (m/s) with
// desired speed v0, gap to its leader gap (m, +Inf when free) and
// approach rate dv = v - v_leader (m/s). The result is clipped at
// -MaxDec. It allocates nothing and takes a few nanoseconds.
func (p *IDM) Accel(v, v0, gap, dv float64) float64 {
	r := v / v0
	r2 := r * r
	acc := 1 - r2*r2
	if gap < math.Inf(1) {
		if gap < 0.01 {
			gap = 0.01
		}
		ss := v*p.T + v*dv/(2*math.Sqrt(p.A*p.B))
		if ss < 0 {
			ss = 0
		}
		ss += p.S0
		q := ss / gap
		acc -= q * q
	}
	acc *= p.A
	if acc < -p.MaxDec {
		acc = -p.MaxDec
	}
	return acc
}

// EquilibriumGap is the IDM gap at which a vehicle keeps speed v behind a
// leader at the same speed: s*(v) = (s0 + vT) / sqrt(1 - (v/v0)^4), m.
func (p *IDM) EquilibriumGap(v, v0 float64) float64 {
	r := v / v0
	return (p.S0 + v*p.T) / math.Sqrt(1-r*r*r*r)
}

// Capacity is the largest stationary flow of a single lane in vehicles
// per second: max over v of v / (s*(v) + l), found by golden-section
// search on (0, v0) (the flow is unimodal in v). It returns the flow and
// the speed at which it is reached.
func (p *IDM) Capacity(v0 float64) (flowVps, speed float64) {
	f := func(v float64) float64 { return v / (p.EquilibriumGap(v, v0) + p.LengthM) }
	lo, hi := 0.0, v0*(1-1e-9)
	g := (math.Sqrt(5) - 1) / 2
	for i := 0; i < 200; i++ {
		m1 := hi - g*(hi-lo)
		m2 := lo + g*(hi-lo)
		if f(m1) < f(m2) {
			lo = m1
		} else {
			hi = m2
		}
	}
	v := (lo + hi) / 2
	return f(v), v
}
