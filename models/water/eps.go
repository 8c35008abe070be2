package water

import "math"

// Solve computes the hydraulics at the current time: demands and patterns
// of the period, simple controls on tanks and times, then the GGA solve
// (EPANET's runhyd). A failed convergence is not an error: it is recorded
// as a Warning (code 1), as EPANET does.
func (s *Simulator) Solve() error {
	s.demands()
	s.controls()
	err := s.hydSolve()
	s.solvedAt = s.htime
	if err != nil {
		return err
	}
	if s.RelError > s.opt.Accuracy {
		s.warn(1, "system unbalanced")
		if s.opt.ExtraIter == -1 {
			s.halted = true
		}
	}
	s.checkPressures()
	s.checkDevices()
	return nil
}

// checkDevices raises EPANET's warnings 3 (a pump cannot deliver its head)
// and 4 (a control valve cannot deliver its flow or pressure).
func (s *Simulator) checkDevices() {
	for k, st := range s.status {
		switch {
		case st == XHead && s.ltype[k] == Pump:
			s.warn(3, "pump "+s.net.Links[k].ID+" cannot deliver head")
		case st == XFCV:
			s.warn(4, "valve "+s.net.Links[k].ID+" cannot deliver flow")
		case st == XPressure:
			s.warn(4, "valve "+s.net.Links[k].ID+" cannot deliver pressure")
		}
	}
}

func (s *Simulator) warn(code int, msg string) {
	if len(s.Warnings) < 1000 {
		s.Warnings = append(s.Warnings, Warning{Time: s.htime, Code: code, Msg: msg})
	}
}

// checkPressures raises EPANET's warning 6 when a junction with demand has
// negative pressure.
func (s *Simulator) checkPressures() {
	for i := 0; i < s.nj; i++ {
		if s.head[i] < s.elev[i] && s.demand[i] > 0 {
			s.warn(6, "negative pressures")
			return
		}
	}
}

// Advance moves to the next hydraulic time: the hydraulic step shortened
// to the next pattern period, report time, tank filling or emptying,
// control or rule action (EPANET's nexthyd and timestep). Tank levels are
// integrated over the step. It returns the step length, s; 0 once the
// duration has been reached.
func (s *Simulator) Advance() int64 {
	if s.halted {
		s.htime = s.opt.Duration
	}
	var step int64
	if s.htime < s.opt.Duration {
		step = s.timestep()
	}
	if s.qual != nil && s.htime < s.opt.Duration {
		s.qual.advance(s.htime, step)
	}
	if s.htime < s.opt.Duration {
		s.htime += step
		if s.htime >= s.rtime {
			s.rtime += s.opt.ReportStep
		}
	} else {
		s.htime++
	}
	s.hydstep = step
	return step
}

// Step solves the current time and advances; it returns the new time.
func (s *Simulator) Step() (int64, error) {
	if s.solvedAt != s.htime {
		if err := s.Solve(); err != nil {
			return s.htime, err
		}
	}
	s.Advance()
	return s.htime, nil
}

// AdvanceTo runs solves and steps until time t (s), stopping exactly at t
// so that a coupled model can act there; the network is solved at t.
func (s *Simulator) AdvanceTo(t int64) error {
	s.stopAt = t
	defer func() { s.stopAt = -1 }()
	for s.htime < t && !s.Done() {
		if _, err := s.Step(); err != nil {
			return err
		}
	}
	if s.solvedAt != s.htime && !s.Done() {
		return s.Solve()
	}
	return nil
}

// IsReportTime reports whether the current time is a reporting period.
func (s *Simulator) IsReportTime() bool {
	t := s.htime - s.opt.ReportStart
	return t >= 0 && t%s.opt.ReportStep == 0 && s.htime <= s.opt.Duration
}

// patternPeriod is the number of pattern periods elapsed.
func (s *Simulator) patternPeriod() int64 {
	return (s.htime + s.opt.PatternStart) / s.opt.PatternStep
}

func (s *Simulator) patternValue(pat int, period int64) float64 {
	f := s.net.Patterns[pat].F
	return f[period%int64(len(f))]
}

// demands sets junction demands, reservoir heads and pump speeds for the
// current pattern period.
func (s *Simulator) demands() {
	net := s.net
	p := s.patternPeriod()
	mult := s.opt.DemandMult * s.demandMult
	s.dsystem = 0
	for i := 0; i < s.nj; i++ {
		sum := 0.0
		for _, d := range net.Nodes[i].Demands {
			dj := d.Base * s.patternValue(d.Pattern, p) * mult
			if dj > 0 {
				s.dsystem += dj
			}
			sum += dj
		}
		s.demand[i] = sum
		s.demandFlow[i] = sum
	}
	for i := range net.Tanks {
		t := &net.Tanks[i]
		if t.Area == 0 && t.HeadPattern > 0 {
			s.head[t.Node] = s.elev[t.Node] * s.patternValue(t.HeadPattern, p)
		}
	}
	for i := range net.Pumps {
		pd := &net.Pumps[i]
		if pd.SpeedPattern > 0 {
			s.setLinkSetting(pd.Link, s.patternValue(pd.SpeedPattern, p))
		}
	}
}

// controls applies simple controls on tank levels and times (EPANET's controls).
func (s *Simulator) controls() int {
	net := s.net
	changed := 0
	for i := range net.Controls {
		c := &net.Controls[i]
		reset := false
		if n := c.Node; n >= s.nj {
			ti := net.Nodes[n].Tank
			h := s.head[n]
			vplus := math.Abs(s.demand[n])
			v1 := s.tankVolume(ti, h)
			v2 := s.tankVolume(ti, c.Grade)
			if c.Type == LowLevel && v1 <= v2+vplus {
				reset = true
			}
			if c.Type == HighLevel && v1 >= v2-vplus {
				reset = true
			}
		}
		if c.Type == Timer && c.Time == s.htime {
			reset = true
		}
		if c.Type == TimeOfDay && (s.htime+s.opt.StartClock)%secPerDay == c.Time {
			reset = true
		}
		if !reset {
			continue
		}
		k := c.Link
		s1 := Open
		if s.status[k] <= Closed {
			s1 = Closed
		}
		s2 := c.Status
		k1 := s.setting[k]
		k2 := k1
		if s.ltype[k] > Pipe {
			k2 = c.Setting
		}
		if s.ltype[k] == Pump && s1 == Closed && s2 == Open {
			s.resetPumpFlow(k)
		}
		if s1 != s2 || k1 != k2 {
			s.status[k] = s2
			s.setting[k] = k2
			changed++
		}
	}
	return changed
}

// resetPumpFlow gives a re-opened pump its design flow as a start value.
func (s *Simulator) resetPumpFlow(k int) {
	pd := &s.net.Pumps[s.pumpIdx[k]]
	if pd.Curve == PumpConstHP {
		return
	}
	s.flow[k] = pd.Q0 * math.Max(s.setting[k], 1e-3)
}

// setLinkStatus opens (true) or closes a link as a control action.
func (s *Simulator) setLinkStatus(k int, open bool) {
	t := s.ltype[k]
	if open {
		if t == Pump {
			s.setting[k] = 1
		}
		if t > Pump && t != GPV {
			s.setting[k] = missing
		}
		s.status[k] = Open
		return
	}
	if t == Pump {
		s.setting[k] = 0
	}
	if t > Pump && t != GPV {
		s.setting[k] = missing
	}
	s.status[k] = Closed
}

// setLinkSetting changes a pump speed or valve setting as a control action.
func (s *Simulator) setLinkSetting(k int, v float64) {
	switch t := s.ltype[k]; {
	case t == Pump:
		s.setting[k] = v
		if v > 0 && s.status[k] <= Closed {
			s.status[k] = Open
		}
		if v == 0 && s.status[k] > Closed {
			s.status[k] = Closed
		}
	case t == FCV:
		s.setting[k] = v
		s.status[k] = Active
	default:
		if s.setting[k] == missing && s.status[k] <= Closed {
			s.status[k] = Open
		}
		s.setting[k] = v
	}
}

// timestep picks the next hydraulic step (EPANET's timestep).
func (s *Simulator) timestep() int64 {
	o := &s.opt
	tstep := o.HydStep
	n := (s.htime+o.PatternStart)/o.PatternStep + 1
	if t := n*o.PatternStep - o.PatternStart - s.htime; t > 0 && t < tstep {
		tstep = t
	}
	if t := s.rtime - s.htime; t > 0 && t < tstep {
		tstep = t
	}
	if s.stopAt >= 0 {
		if t := s.stopAt - s.htime; t > 0 && t < tstep {
			tstep = t
		}
	}
	tstep = s.tankTimestep(tstep)
	tstep = s.controlTimestep(tstep)
	if len(s.net.Rules) > 0 {
		tstep = s.ruleTimestep(tstep)
	} else {
		s.tankLevels(tstep)
	}
	return tstep
}

func roundTime(x float64) int64 {
	if x >= 0 {
		return int64(x + 0.5)
	}
	return int64(x - 0.5)
}

func (s *Simulator) tankTimestep(tstep int64) int64 {
	for i := range s.net.Tanks {
		t := &s.net.Tanks[i]
		if t.Area == 0 {
			continue
		}
		h, q := s.head[t.Node], s.demand[t.Node]
		if math.Abs(q) <= qZero {
			continue
		}
		var v float64
		switch {
		case q > 0 && h < t.Hmax:
			v = t.Vmax - s.tankV[i]
		case q < 0 && h > t.Hmin:
			v = t.Vmin - s.tankV[i]
		default:
			continue
		}
		if dt := roundTime(v / q); dt > 0 && dt < tstep {
			tstep = dt
		}
	}
	return tstep
}

func (s *Simulator) controlTimestep(tstep int64) int64 {
	net := s.net
	for i := range net.Controls {
		c := &net.Controls[i]
		var t int64
		if n := c.Node; n >= 0 {
			if n < s.nj {
				continue
			}
			h, q := s.head[n], s.demand[n]
			if math.Abs(q) <= qZero {
				continue
			}
			if (h < c.Grade && c.Type == HighLevel && q > 0) || (h > c.Grade && c.Type == LowLevel && q < 0) {
				ti := net.Nodes[n].Tank
				v := s.tankVolume(ti, c.Grade) - s.tankV[ti]
				t = roundTime(v / q)
			}
		}
		if c.Type == Timer && c.Time > s.htime {
			t = c.Time - s.htime
		}
		if c.Type == TimeOfDay {
			t1 := (s.htime + s.opt.StartClock) % secPerDay
			t2 := c.Time
			if t2 >= t1 {
				t = t2 - t1
			} else {
				t = secPerDay - t1 + t2
			}
		}
		if t > 0 && t < tstep {
			k := c.Link
			if (s.ltype[k] > Pipe && s.setting[k] != c.Setting) || s.status[k] != c.Status {
				tstep = t
			}
		}
	}
	return tstep
}

// tankLevels integrates tank volumes over dt seconds with the current
// inflows, snapping to full or empty within one second of it.
func (s *Simulator) tankLevels(dt int64) {
	for i := range s.net.Tanks {
		t := &s.net.Tanks[i]
		if t.Area == 0 {
			continue
		}
		n := t.Node
		q := s.demand[n]
		s.tankV[i] += q * float64(dt)
		switch {
		case s.tankV[i]+q >= t.Vmax:
			s.tankV[i] = t.Vmax
		case s.tankV[i]-q <= t.Vmin:
			s.tankV[i] = t.Vmin
		}
		s.head[n] = s.tankGrade(i, s.tankV[i])
	}
}

// tankVolume is the volume of tank i at head h, ft³.
func (s *Simulator) tankVolume(i int, h float64) float64 {
	t := &s.net.Tanks[i]
	if t.VolCurve == 0 {
		return t.Vmin + (h-t.Hmin)*t.Area
	}
	u := &s.net.Options.Units
	c := &s.net.Curves[t.VolCurve]
	return interp(c.X, c.Y, (h-s.elev[t.Node])*u.LengthFactor) / u.VolumeFactor
}

// tankGrade is the head of tank i holding volume v, ft.
func (s *Simulator) tankGrade(i int, v float64) float64 {
	t := &s.net.Tanks[i]
	if t.VolCurve == 0 {
		return t.Hmin + (v-t.Vmin)/t.Area
	}
	u := &s.net.Options.Units
	c := &s.net.Curves[t.VolCurve]
	return s.elev[t.Node] + interp(c.Y, c.X, v*u.VolumeFactor)/u.LengthFactor
}
