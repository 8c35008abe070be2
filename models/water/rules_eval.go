package water

import "math"

type ruleAct struct {
	rule   int
	action *Action
}

// ruleTimestep steps through the time step in RULE TIMESTEP increments,
// integrating tank levels, until a rule fires (EPANET's ruletimestep).
func (s *Simulator) ruleTimestep(tstep int64) int64 {
	tnow := s.htime
	tmax := tnow + tstep
	dt := s.opt.RuleStep
	dt1 := s.opt.RuleStep - tnow%s.opt.RuleStep
	dt = min(dt, tstep)
	dt1 = min(dt1, tstep)
	if dt1 == 0 {
		dt1 = dt
	}
	for {
		s.htime += dt1
		s.tankLevels(dt1)
		if s.checkRules(dt1) > 0 {
			break
		}
		dt = min(dt, tmax-s.htime)
		dt1 = dt
		if dt <= 0 {
			break
		}
	}
	tstep = s.htime - tnow
	s.htime = tnow
	return tstep
}

// checkRules evaluates all rules over the last dt seconds and applies the
// actions of those that fire; it returns the number of links changed.
func (s *Simulator) checkRules(dt int64) int {
	s.ruleActs = s.ruleActs[:0]
	time1 := s.htime - dt + 1
	for i := range s.net.Rules {
		r := &s.net.Rules[i]
		if s.evalPremises(r, time1) {
			s.queueActions(i, r.Then)
		} else {
			s.queueActions(i, r.Else)
		}
	}
	return s.takeActions()
}

func (s *Simulator) queueActions(rule int, acts []Action) {
	rules := s.net.Rules
	for a := range acts {
		act := &acts[a]
		found := false
		for j := range s.ruleActs {
			if s.ruleActs[j].action.Link == act.Link {
				found = true
				if rules[rule].Priority > rules[s.ruleActs[j].rule].Priority {
					s.ruleActs[j] = ruleAct{rule, act}
				}
				break
			}
		}
		if !found {
			s.ruleActs = append(s.ruleActs, ruleAct{rule, act})
		}
	}
}

func (s *Simulator) takeActions() int {
	n := 0
	u := &s.net.Options.Units
	for _, ra := range s.ruleActs {
		a := ra.action
		k := a.Link
		st, v := s.status[k], s.setting[k]
		switch {
		case a.Status == Open && a.Setting == missing && st <= Closed:
			s.setLinkStatus(k, true)
			n++
		case a.Status == Closed && a.Setting == missing && st > Closed:
			s.setLinkStatus(k, false)
			n++
		case a.Setting != missing:
			x := convertValveSetting(s.ltype[k], a.Setting, *u)
			if math.Abs(x-v) > 1e-3 {
				s.setLinkSetting(k, x)
				n++
			}
		}
	}
	return n
}

func (s *Simulator) evalPremises(r *Rule, time1 int64) bool {
	result := true
	for i := range r.Premises {
		p := &r.Premises[i]
		if p.Or {
			if !result {
				result = s.checkPremise(p, time1)
			}
			continue
		}
		if !result {
			return false
		}
		result = s.checkPremise(p, time1)
	}
	return result
}

func (s *Simulator) checkPremise(p *Premise, time1 int64) bool {
	switch p.Variable {
	case rvTime, rvClockTime:
		return s.checkTime(p, time1)
	case rvStatus:
		st := s.status[p.Index]
		j := Open
		if st <= Closed {
			j = Closed
		} else if st == Active {
			j = Active
		}
		return (j == p.Status) == (p.Op == opEQ)
	}
	x, ok := s.premiseValue(p)
	if !ok {
		return false
	}
	const tol = 1e-3
	switch p.Op {
	case opEQ:
		return math.Abs(x-p.Value) <= tol
	case opNE:
		return math.Abs(x-p.Value) >= tol
	case opLT:
		return x <= p.Value+tol
	case opLE:
		return x <= p.Value-tol
	case opGT:
		return x >= p.Value-tol
	case opGE:
		return x >= p.Value+tol
	}
	return false
}

func (s *Simulator) checkTime(p *Premise, time1 int64) bool {
	var t1, t2 int64
	if p.Variable == rvTime {
		t1, t2 = time1, s.htime
	} else {
		t1 = (time1 + s.opt.StartClock) % secPerDay
		t2 = (s.htime + s.opt.StartClock) % secPerDay
	}
	x := int64(p.Value)
	switch p.Op {
	case opLT:
		return t2 < x
	case opLE:
		return t2 <= x
	case opGT:
		return t2 > x
	case opGE:
		return t2 >= x
	}
	var in bool
	if t2 < t1 {
		in = x >= t1 || x <= t2
	} else {
		in = x >= t1 && x <= t2
	}
	return in == (p.Op == opEQ)
}

func (s *Simulator) premiseValue(p *Premise) (float64, bool) {
	u := &s.net.Options.Units
	i := p.Index
	switch p.Variable {
	case rvDemand:
		if p.System {
			return s.dsystem * u.FlowFactor, true
		}
		return s.demand[i] * u.FlowFactor, true
	case rvHead:
		return s.head[i] * u.LengthFactor, true
	case rvPressure:
		return (s.head[i] - s.elev[i]) * u.PressureFactor, true
	case rvLevel:
		return (s.head[i] - s.elev[i]) * u.LengthFactor, true
	case rvFlow:
		return math.Abs(s.flow[i]) * u.FlowFactor, true
	case rvSetting:
		if s.setting[i] == missing {
			return 0, false
		}
		x := s.setting[i]
		switch s.ltype[i] {
		case PRV, PSV, PBV:
			x *= u.PressureFactor
		case FCV:
			x *= u.FlowFactor
		}
		return x, true
	case rvPower:
		return s.PumpPowerKW(i), true
	case rvFillTime, rvDrainTime:
		if i < s.nj {
			return 0, false
		}
		ti := s.net.Nodes[i].Tank
		t := &s.net.Tanks[ti]
		if t.Area == 0 {
			return 0, false
		}
		q := s.demand[i]
		if p.Variable == rvFillTime {
			if q <= 1e-6 {
				return 0, false
			}
			return (t.Vmax - s.tankV[ti]) / q, true
		}
		if q >= -1e-6 {
			return 0, false
		}
		return (t.Vmin - s.tankV[ti]) / q, true
	}
	return 0, false
}
