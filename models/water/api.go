package water

import (
	"fmt"
	"math"
)

// The getters below return values in the network's own units, as EPANET's
// EN_getnodevalue and EN_getlinkvalue report them.

// NodeHead is the hydraulic head at node i (ft or m).
func (s *Simulator) NodeHead(i int) float64 { return s.head[i] * s.net.Options.Units.LengthFactor }

// NodePressure is the pressure at node i (psi, m or kPa).
func (s *Simulator) NodePressure(i int) float64 {
	return (s.head[i] - s.elev[i]) * s.net.Options.Units.PressureFactor
}

// NodeDemand is the outflow at junction i (demand plus emitter flow), or
// the net inflow into a tank or reservoir, in flow units.
func (s *Simulator) NodeDemand(i int) float64 { return s.demand[i] * s.net.Options.Units.FlowFactor }

// EmitterFlow is the emitter (leak) outflow at junction i, in flow units.
func (s *Simulator) EmitterFlow(i int) float64 {
	return s.emitterFlow[i] * s.net.Options.Units.FlowFactor
}

// LinkFlow is the flow in link k in flow units (0 when closed).
func (s *Simulator) LinkFlow(k int) float64 {
	if s.status[k] <= Closed {
		return 0
	}
	return s.flow[k] * s.net.Options.Units.FlowFactor
}

// LinkVelocity is the mean flow velocity in link k (ft/s or m/s; 0 for pumps and closed links).
func (s *Simulator) LinkVelocity(k int) float64 {
	if s.status[k] <= Closed || s.ltype[k] == Pump {
		return 0
	}
	d := s.diam[k]
	return math.Abs(s.flow[k]) / (math.Pi * d * d / 4) * s.net.Options.Units.VelocityFactor
}

// LinkHeadloss is the head loss across link k (ft or m): positive for pipes
// and valves, negative (the head gain) for pumps; 0 when closed.
func (s *Simulator) LinkHeadloss(k int) float64 {
	if s.status[k] <= Closed {
		return 0
	}
	dh := s.head[s.n1[k]] - s.head[s.n2[k]]
	if s.ltype[k] != Pump {
		dh = math.Abs(dh)
	}
	return dh * s.net.Options.Units.LengthFactor
}

// LinkOpen reports whether link k is open (EPANET reports every status
// above CLOSED as OPEN).
func (s *Simulator) LinkOpen(k int) bool { return s.status[k] > Closed }

// LinkStatus is the detailed status of link k.
func (s *Simulator) LinkStatus(k int) Status { return s.status[k] }

// LinkSetting is EPANET's setting of link k: roughness for pipes, speed for
// pumps, the valve setting in user units (0 when a valve is fixed open or closed).
func (s *Simulator) LinkSetting(k int) float64 {
	u := &s.net.Options.Units
	switch t := s.ltype[k]; t {
	case CVPipe, Pipe:
		if s.opt.Headloss == DarcyWeisbach {
			return s.rough[k] * 1000 * u.LengthFactor
		}
		return s.rough[k]
	default:
		v := s.setting[k]
		if v == missing {
			return 0
		}
		switch t {
		case PRV, PSV, PBV:
			return v * u.PressureFactor
		case FCV:
			return v * u.FlowFactor
		}
		return v
	}
}

// PumpPowerKW is the power drawn by pump link k, kW (0 when off), from the
// head gain, flow and the pump's efficiency (curve or global value).
func (s *Simulator) PumpPowerKW(k int) float64 {
	if s.ltype[k] != Pump || s.status[k] <= Closed {
		return 0
	}
	q := math.Abs(s.flow[k])
	dh := math.Abs(s.head[s.n1[k]] - s.head[s.n2[k]])
	pd := &s.net.Pumps[s.pumpIdx[k]]
	e := s.opt.EnergyEff
	u := &s.net.Options.Units
	if pd.EffCurve > 0 {
		c := &s.net.Curves[pd.EffCurve]
		e = interp(c.X, c.Y, q*u.FlowFactor)
	}
	e = math.Min(math.Max(e, 1), 100) / 100
	return q * dh * s.opt.SpGrav / 8.814 / e * kwPerHP
}

// SetDemandMultiplier scales every junction demand by m from the next solve
// (on top of the file's DEMAND MULTIPLIER).
func (s *Simulator) SetDemandMultiplier(m float64) error {
	if !(m >= 0) || math.IsInf(m, 0) {
		return fmt.Errorf("water: demand multiplier %v", m)
	}
	s.demandMult = m
	return nil
}

// SetEmitter sets the emitter coefficient of junction i in the network's
// units (flow per pressure^exponent), e.g. to model a burst; 0 removes it.
func (s *Simulator) SetEmitter(i int, coeff float64) error {
	if i < 0 || i >= s.nj || !(coeff >= 0) || math.IsInf(coeff, 0) {
		return fmt.Errorf("water: emitter %v at node %d", coeff, i)
	}
	if coeff == 0 {
		s.ke[i] = 0
		return nil
	}
	u := &s.net.Options.Units
	s.ke[i] = math.Pow(u.FlowFactor, s.qexp) / u.PressureFactor / math.Pow(coeff, s.qexp)
	found := false
	for _, j := range s.emitters {
		found = found || j == i
	}
	if !found {
		s.emitters = append(s.emitters, i)
		s.emitterFlow[i] = 1
	}
	return nil
}

// SetLinkOpen opens or closes link k (a pipe closure, a pump outage) as a
// control action would.
func (s *Simulator) SetLinkOpen(k int, open bool) error {
	if k < 0 || k >= s.nl || s.ltype[k] == CVPipe {
		return fmt.Errorf("water: cannot set status of link %d", k)
	}
	if open && s.ltype[k] == Pump && s.status[k] <= Closed {
		s.setLinkStatus(k, true)
		s.resetPumpFlow(k)
		return nil
	}
	s.setLinkStatus(k, open)
	if !open {
		s.flow[k] = qZero
	}
	return nil
}

// StopAt makes the next time steps end exactly at t (s) if they would pass
// it, as EPANET cuts a step at a control's time: a coupled model's change
// (a burst, a closure) then takes effect at its own time. t < 0 clears it.
func (s *Simulator) StopAt(t int64) { s.stopAt = t }
