package water

import "math"

// valveStatus updates the status of PRVs and PSVs with a setting (EPANET's
// valvestatus) and reports whether any changed.
func (s *Simulator) valveStatus() bool {
	change := false
	for _, k := range s.valves {
		if s.setting[k] == missing {
			continue
		}
		old := s.status[k]
		n1, n2 := s.n1[k], s.n2[k]
		switch s.ltype[k] {
		case PRV:
			hset := s.elev[n2] + s.setting[k]
			s.status[k] = s.prvStatus(k, old, hset, s.head[n1], s.head[n2])
		case PSV:
			hset := s.elev[n1] + s.setting[k]
			s.status[k] = s.psvStatus(k, old, hset, s.head[n1], s.head[n2])
		default:
			continue
		}
		if s.status[k] != old {
			change = true
		}
	}
	return change
}

func (s *Simulator) prvStatus(k int, st Status, hset, h1, h2 float64) Status {
	htol, qtol := s.opt.Htol, s.opt.Qtol
	q := s.flow[k]
	hml := s.km[k] * q * q
	switch st {
	case Active:
		switch {
		case q < -qtol:
			return Closed
		case h1-hml < hset-htol:
			return Open
		}
		return Active
	case Open:
		switch {
		case q < -qtol:
			return Closed
		case h2 >= hset+htol:
			return Active
		}
		return Open
	case Closed:
		switch {
		case h1 >= hset+htol && h2 < hset-htol:
			return Active
		case h1 < hset-htol && h1 > h2+htol:
			return Open
		}
		return Closed
	case XPressure:
		if q < -qtol {
			return Closed
		}
	}
	return st
}

func (s *Simulator) psvStatus(k int, st Status, hset, h1, h2 float64) Status {
	htol, qtol := s.opt.Htol, s.opt.Qtol
	q := s.flow[k]
	hml := s.km[k] * q * q
	switch st {
	case Active:
		switch {
		case q < -qtol:
			return Closed
		case h2+hml > hset+htol:
			return Open
		}
		return Active
	case Open:
		switch {
		case q < -qtol:
			return Closed
		case h1 < hset-htol:
			return Active
		}
		return Open
	case Closed:
		switch {
		case h2 > hset+htol && h1 > h2+htol:
			return Open
		case h1 >= hset+htol && h1 > h2+htol:
			return Active
		}
		return Closed
	case XPressure:
		if q < -qtol {
			return Closed
		}
	}
	return st
}

// linkStatus checks check valves, pumps, FCVs and links to full or empty
// tanks (EPANET's linkstatus).
func (s *Simulator) linkStatus() bool {
	change := false
	nj := s.nj
	for k := range s.flow {
		n1, n2 := s.n1[k], s.n2[k]
		dh := s.head[n1] - s.head[n2]
		old := s.status[k]
		if old == XHead || old == TempClosed {
			s.status[k] = Open
		}
		switch s.ltype[k] {
		case CVPipe:
			s.status[k] = s.cvStatus(s.status[k], dh, s.flow[k])
		case Pump:
			if s.status[k] >= Open && s.setting[k] > 0 {
				s.status[k] = s.pumpStatus(k, -dh)
			}
		case FCV:
			if s.setting[k] != missing {
				s.status[k] = s.fcvStatus(k, old, s.head[n1], s.head[n2])
			}
		}
		if n1 >= nj || n2 >= nj {
			s.tankStatus(k, n1, n2)
		}
		if s.status[k] != old {
			change = true
		}
	}
	return change
}

func (s *Simulator) cvStatus(st Status, dh, q float64) Status {
	htol, qtol := s.opt.Htol, s.opt.Qtol
	if math.Abs(dh) > htol {
		switch {
		case dh < -htol:
			return Closed
		case q < -qtol:
			return Closed
		}
		return Open
	}
	if q < -qtol {
		return Closed
	}
	return st
}

func (s *Simulator) pumpStatus(k int, dh float64) Status {
	pd := &s.net.Pumps[s.pumpIdx[k]]
	hmax := big
	if pd.Curve != PumpConstHP {
		hmax = s.setting[k] * s.setting[k] * pd.Hmax
	}
	if dh > hmax+s.opt.Htol {
		return XHead
	}
	return Open
}

func (s *Simulator) fcvStatus(k int, st Status, h1, h2 float64) Status {
	switch {
	case h1-h2 < -s.opt.Htol:
		return XFCV
	case s.flow[k] < -s.opt.Qtol:
		return XFCV
	case st == XFCV && s.flow[k] >= s.setting[k]:
		return Active
	}
	return st
}

// tankStatus closes a link that would fill a full tank or drain an empty one.
func (s *Simulator) tankStatus(k, n1, n2 int) {
	if s.status[k] <= Closed {
		return
	}
	q := s.flow[k]
	nj := s.nj
	if n1 < nj {
		if n2 < nj {
			return
		}
		n1, n2 = n2, n1
		q = -q
	}
	t := &s.net.Tanks[s.net.Nodes[n1].Tank]
	if t.Area == 0 {
		return
	}
	h := s.head[n1] - s.head[n2]
	htol := s.opt.Htol
	if s.head[n1] >= t.Hmax-htol && !t.Overflow {
		if s.ltype[k] == Pump {
			if s.n2[k] == n1 {
				s.status[k] = TempClosed
			}
		} else if s.cvStatus(Open, h, q) == Closed {
			s.status[k] = TempClosed
		}
	}
	if s.head[n1] <= t.Hmin+htol {
		if s.ltype[k] == Pump {
			if s.n1[k] == n1 {
				s.status[k] = TempClosed
			}
		} else if s.cvStatus(Closed, h, q) == Open {
			s.status[k] = TempClosed
		}
	}
}

// pressureSwitch applies simple controls on junction pressures (EPANET's
// pswitch); tank controls are applied between time steps.
func (s *Simulator) pressureSwitch() bool {
	any := false
	htol := s.opt.Htol
	for i := range s.net.Controls {
		c := &s.net.Controls[i]
		n := c.Node
		if n < 0 || n >= s.nj {
			continue
		}
		reset := (c.Type == LowLevel && s.head[n] <= c.Grade+htol) ||
			(c.Type == HighLevel && s.head[n] >= c.Grade-htol)
		if !reset {
			continue
		}
		k := c.Link
		st := s.status[k]
		change := false
		switch t := s.ltype[k]; {
		case t == Pipe:
			change = st != c.Status
		case t == Pump:
			change = s.setting[k] != c.Setting
		case t >= PRV:
			change = s.setting[k] != c.Setting || (s.setting[k] == missing && st != c.Status)
		}
		if change {
			s.status[k] = c.Status
			if s.ltype[k] > Pipe {
				s.setting[k] = c.Setting
			}
			any = true
		}
	}
	return any
}
