package water

import (
	"errors"
	"fmt"
	"strings"
)

// pattern: ID mult mult ... (several lines with one ID append)
func (p *parser) pattern(l inpLine) error {
	id := l.tokens[0]
	v, err := nums(l.tokens[1:])
	if err != nil {
		return err
	}
	i, ok := p.patIndex[id]
	if !ok {
		i = len(p.net.Patterns)
		p.patIndex[id] = i
		p.net.Patterns = append(p.net.Patterns, Pattern{ID: id})
	}
	p.net.Patterns[i].F = append(p.net.Patterns[i].F, v...)
	return nil
}

// curve: ID x y (several lines with one ID append); a comment line like
// ";PUMP: ..." just before the first point names the curve's kind.
func (p *parser) curve(l inpLine) error {
	if len(l.tokens) == 0 {
		kind, _, _ := strings.Cut(l.comment, ":")
		p.pendingKind = strings.ToUpper(strings.TrimSpace(kind))
		return nil
	}
	if err := need(l, 3); err != nil {
		return err
	}
	v, err := nums(l.tokens[1:3])
	if err != nil {
		return err
	}
	id := l.tokens[0]
	i, ok := p.curveIndex[id]
	if !ok {
		i = len(p.net.Curves)
		p.curveIndex[id] = i
		p.net.Curves = append(p.net.Curves, Curve{ID: id, Kind: p.pendingKind})
	}
	p.pendingKind = ""
	c := &p.net.Curves[i]
	c.X = append(c.X, v[0])
	c.Y = append(c.Y, v[1])
	return nil
}

func (p *parser) addLink(l inpLine, t LinkType) (*Link, error) {
	id := l.tokens[0]
	if _, dup := p.net.linkIndex[id]; dup {
		return nil, fmt.Errorf("duplicate link ID %q", id)
	}
	n1, err := p.node(l.tokens[1])
	if err != nil {
		return nil, err
	}
	n2, err := p.node(l.tokens[2])
	if err != nil {
		return nil, err
	}
	if n1 == n2 {
		return nil, fmt.Errorf("link %q connects node %q to itself", id, l.tokens[1])
	}
	p.net.linkIndex[id] = len(p.net.Links)
	p.net.Links = append(p.net.Links, Link{ID: id, Type: t, N1: n1, N2: n2, Status: Open})
	return &p.net.Links[len(p.net.Links)-1], nil
}

func (p *parser) link(l inpLine) error {
	switch l.section {
	case "PIPES":
		return p.pipe(l)
	case "PUMPS":
		return p.pump(l)
	}
	return p.valve(l)
}

// pipe: ID N1 N2 Length Diam Roughness [MinorLoss] [OPEN|CLOSED|CV]
func (p *parser) pipe(l inpLine) error {
	if err := need(l, 6); err != nil {
		return err
	}
	v, err := nums(l.tokens[3:6])
	if err != nil {
		return err
	}
	t, status, ml := Pipe, Open, 0.0
	rest := l.tokens[6:]
	if len(rest) == 2 {
		if ml, err = parseNum(rest[0]); err != nil {
			return err
		}
		rest = rest[1:]
	}
	if len(rest) >= 1 {
		switch s := rest[0]; {
		case match(s, "CV"):
			t = CVPipe
		case match(s, "CLOSED"):
			status = Closed
		case match(s, "OPEN"):
		default:
			if ml, err = parseNum(s); err != nil {
				return err
			}
		}
	}
	if v[0] <= 0 || v[1] <= 0 || v[2] <= 0 || ml < 0 {
		return errors.New("pipe length, diameter and roughness must be positive")
	}
	k, err := p.addLink(l, t)
	if err != nil {
		return err
	}
	k.Length, k.Diam, k.Kc, k.MinorLossIn, k.Status = v[0], v[1], v[2], ml, status
	return nil
}

// pump: ID N1 N2 {HEAD curve | POWER hp | SPEED s | PATTERN pat}...
func (p *parser) pump(l inpLine) error {
	if err := need(l, 4); err != nil {
		return err
	}
	k, err := p.addLink(l, Pump)
	if err != nil {
		return err
	}
	k.Kc = 1
	pd := PumpData{Link: len(p.net.Links) - 1, Curve: pumpNoCurve, Price: missing}
	if len(l.tokens)%2 != 1 {
		return errors.New("pump parameters must be keyword-value pairs")
	}
	for m := 4; m < len(l.tokens); m += 2 {
		kw, val := l.tokens[m-1], l.tokens[m]
		switch {
		case match(kw, "POWER"):
			y, err := parseNum(val)
			if err != nil || y <= 0 {
				return fmt.Errorf("invalid pump power %q", val)
			}
			pd.Curve, pd.Power = PumpConstHP, y
		case match(kw, "HEAD"):
			if pd.HeadCurve, err = p.curveRef(val); err != nil {
				return err
			}
		case match(kw, "PATTERN"):
			if pd.SpeedPattern, err = p.patternRef(val); err != nil {
				return err
			}
		case match(kw, "SPEED"):
			y, err := parseNum(val)
			if err != nil || y < 0 {
				return fmt.Errorf("invalid pump speed %q", val)
			}
			k.Kc = y
		default:
			return fmt.Errorf("unknown pump keyword %q", kw)
		}
	}
	if pd.Curve == pumpNoCurve && pd.HeadCurve == 0 {
		return errors.New("pump has neither a head curve nor a power")
	}
	p.net.Pumps = append(p.net.Pumps, pd)
	return nil
}

var valveTypes = map[string]LinkType{"PRV": PRV, "PSV": PSV, "PBV": PBV, "FCV": FCV, "TCV": TCV, "GPV": GPV}

// valve: ID N1 N2 Diam Type Setting [MinorLoss]
func (p *parser) valve(l inpLine) error {
	if err := need(l, 6); err != nil {
		return err
	}
	t, ok := valveTypes[strings.ToUpper(l.tokens[4])]
	if !ok {
		return fmt.Errorf("unknown valve type %q", l.tokens[4])
	}
	d, err := parseNum(l.tokens[3])
	if err != nil {
		return err
	}
	var setting, ml float64
	if t == GPV {
		c, err := p.curveRef(l.tokens[5])
		if err != nil {
			return err
		}
		setting = float64(c)
	} else if setting, err = parseNum(l.tokens[5]); err != nil {
		return err
	}
	if len(l.tokens) > 6 {
		if ml, err = parseNum(l.tokens[6]); err != nil {
			return err
		}
	}
	if d <= 0 || ml < 0 {
		return errors.New("valve diameter must be positive")
	}
	k, err := p.addLink(l, t)
	if err != nil {
		return err
	}
	if (t == PRV || t == PSV || t == FCV) && (p.net.Nodes[k.N1].Type != Junction || p.net.Nodes[k.N2].Type != Junction) {
		// EPANET error 219.
		return fmt.Errorf("valve %q: a %s may not connect to a tank or reservoir", k.ID, t)
	}
	k.Diam, k.Kc, k.MinorLossIn, k.Status = d, setting, ml, Active
	p.net.Valves = append(p.net.Valves, ValveData{Link: len(p.net.Links) - 1})
	return nil
}

// demand: Junction Demand [Pattern] [;Category]
func (p *parser) demand(l inpLine) error {
	if err := need(l, 2); err != nil {
		return err
	}
	y, err := parseNum(l.tokens[1])
	if err != nil {
		return err
	}
	if match(l.tokens[0], "MULTIPLY") {
		if y <= 0 {
			return errors.New("demand multiplier must be positive")
		}
		p.net.Options.DemandMult = y
		return nil
	}
	j, err := p.node(l.tokens[0])
	if err != nil {
		return err
	}
	if p.net.Nodes[j].Type != Junction {
		return nil
	}
	d := Demand{Base: y, Category: l.comment}
	if len(l.tokens) > 2 {
		if d.Pattern, err = p.patternRef(l.tokens[2]); err != nil {
			return err
		}
	}
	nd := &p.net.Nodes[j]
	if !p.demandsSeen[j] {
		// The first [DEMANDS] entry replaces the demand given in [JUNCTIONS].
		p.demandsSeen[j] = true
		nd.Demands = nd.Demands[:0]
	}
	nd.Demands = append(nd.Demands, d)
	return nil
}

// status: Link OPEN|CLOSED|ACTIVE|setting
func (p *parser) status(l inpLine) error {
	if err := need(l, 2); err != nil {
		return err
	}
	k, err := p.linkRef(l.tokens[0])
	if err != nil {
		return err
	}
	s, y := Active, 0.0
	w := l.tokens[len(l.tokens)-1]
	switch {
	case match(w, "OPEN"):
		s = Open
	case match(w, "CLOSED"):
		s = Closed
	case match(w, "ACTIVE"):
		s = Active
	default:
		if y, err = parseNum(w); err != nil {
			return err
		}
		if y < 0 {
			return errors.New("negative setting")
		}
	}
	if s == Active && !match(w, "ACTIVE") {
		changeStatus(&p.net.Links[k], s, y, true)
	} else {
		changeStatus(&p.net.Links[k], s, y, false)
	}
	return nil
}

// changeStatus applies a [STATUS] entry as EPANET's changestatus does.
func changeStatus(k *Link, s Status, y float64, numeric bool) {
	switch {
	case k.Type == Pipe || k.Type == GPV:
		if s != Active {
			k.Status = s
		}
	case k.Type == Pump:
		if numeric {
			k.Kc = y
			s = Open
			if y == 0 {
				s = Closed
			}
		} else if s == Open {
			k.Kc = 1
		} else if s == Closed {
			k.Kc = 0
		}
		if s != Active {
			k.Status = s
		}
	case k.Type.IsValve():
		if numeric {
			k.Kc = y
		}
		k.Status = s
		if s != Active {
			k.Kc = missing
		}
	}
}

// emitter: Junction Coefficient
func (p *parser) emitter(l inpLine) error {
	if err := need(l, 2); err != nil {
		return err
	}
	j, err := p.node(l.tokens[0])
	if err != nil {
		return err
	}
	y, err := parseNum(l.tokens[1])
	if err != nil {
		return err
	}
	if y < 0 {
		return errors.New("negative emitter coefficient")
	}
	if p.net.Nodes[j].Type == Junction {
		p.net.Nodes[j].Emitter = y
	}
	return nil
}

// quality: Node InitQual
func (p *parser) quality(l inpLine) error {
	if err := need(l, 2); err != nil {
		return err
	}
	y, err := parseNum(l.tokens[len(l.tokens)-1])
	if err != nil {
		return err
	}
	if len(l.tokens) == 3 { // a range of node IDs
		return nil
	}
	j, err := p.node(l.tokens[0])
	if err != nil {
		return err
	}
	p.net.Nodes[j].InitQual = y
	return nil
}

// source: Node [CONCEN|MASS|SETPOINT|FLOWPACED] Strength [Pattern]
func (p *parser) source(l inpLine) error {
	if err := need(l, 2); err != nil {
		return err
	}
	j, err := p.node(l.tokens[0])
	if err != nil {
		return err
	}
	s := &Source{}
	i := 2
	switch w := l.tokens[1]; {
	case match(w, "CONCEN"):
		s.Type = SourceConcen
	case match(w, "MASS"):
		s.Type = SourceMass
	case match(w, "SETPOINT"):
		s.Type = SourceSetpoint
	case match(w, "FLOWPACED"):
		s.Type = SourceFlowPaced
	default:
		i = 1
	}
	if len(l.tokens) <= i {
		return errors.New("missing source strength")
	}
	if s.Strength, err = parseNum(l.tokens[i]); err != nil {
		return err
	}
	if len(l.tokens) > i+1 && l.tokens[i+1] != "*" {
		if s.Pattern, err = p.patternRef(l.tokens[i+1]); err != nil {
			return err
		}
	}
	p.net.Nodes[j].Source = s
	return nil
}

// reaction: ORDER|GLOBAL|BULK|WALL|TANK|LIMITING|ROUGHNESS ...
func (p *parser) reaction(l inpLine) error {
	if len(l.tokens) < 3 {
		return nil
	}
	t0, t1 := l.tokens[0], l.tokens[1]
	y, err := parseNum(l.tokens[len(l.tokens)-1])
	if err != nil {
		return err
	}
	o := &p.net.Options
	switch {
	case match(t0, "ORDER"):
		switch {
		case match(t1, "BULK"):
			o.BulkOrder = y
		case match(t1, "TANK"):
			o.TankOrder = y
		case match(t1, "WALL"):
			if y != 0 && y != 1 {
				return errors.New("wall reaction order must be 0 or 1")
			}
			o.WallOrder = y
		default:
			return fmt.Errorf("unknown reaction order %q", t1)
		}
	case match(t0, "ROUGHNESS"):
		o.Rfactor = y
	case match(t0, "LIMITING"):
		o.Climit = y
	case match(t0, "GLOBAL"):
		switch {
		case match(t1, "BULK"):
			o.Kbulk = y
		case match(t1, "WALL"):
			o.Kwall = y
		default:
			return fmt.Errorf("unknown global reaction %q", t1)
		}
	case match(t0, "BULK"), match(t0, "WALL"):
		k, err := p.linkRef(t1)
		if err != nil {
			return err
		}
		if match(t0, "BULK") {
			p.linkKb[k] = y
		} else {
			p.linkKw[k] = y
		}
	case match(t0, "TANK"):
		j, err := p.node(t1)
		if err != nil {
			return err
		}
		if t := p.net.Nodes[j].Tank; t >= 0 {
			p.net.Tanks[t].Kb = y
		}
	default:
		return fmt.Errorf("unknown reaction keyword %q", t0)
	}
	return nil
}

// mixing: Tank MIXED|2COMP|FIFO|LIFO [fraction]
func (p *parser) mixing(l inpLine) error {
	if err := need(l, 2); err != nil {
		return err
	}
	j, err := p.node(l.tokens[0])
	if err != nil {
		return err
	}
	t := p.net.Nodes[j].Tank
	if t < 0 || p.net.Nodes[j].Type != Tank {
		return nil
	}
	tk := &p.net.Tanks[t]
	switch w := l.tokens[1]; {
	case match(w, "MIXED"):
		tk.Mix = MixComplete
	case match(w, "2COMP"):
		tk.Mix = Mix2Comp
	case match(w, "FIFO"):
		tk.Mix = MixFIFO
	case match(w, "LIFO"):
		tk.Mix = MixLIFO
	default:
		return fmt.Errorf("unknown mixing model %q", w)
	}
	tk.MixFrac = 1
	if tk.Mix == Mix2Comp && len(l.tokens) > 2 {
		f, err := parseNum(l.tokens[2])
		if err != nil {
			return err
		}
		if f <= 0 || f > 1 {
			return errors.New("mixing fraction must be in (0, 1]")
		}
		tk.MixFrac = f
	}
	return nil
}

// energy: GLOBAL|PUMP id {PRICE|PATTERN|EFFIC} value, DEMAND CHARGE value
func (p *parser) energy(l inpLine) error {
	if len(l.tokens) < 2 {
		return nil
	}
	n := len(l.tokens)
	o := &p.net.Options
	if match(l.tokens[0], "DEMAND") {
		y, err := parseNum(l.tokens[n-1])
		if err != nil {
			return err
		}
		o.DemandCharge = y
		return nil
	}
	pump := -1
	switch {
	case match(l.tokens[0], "GLOBAL"):
	case match(l.tokens[0], "PUMP"):
		if n < 4 {
			return errors.New("too few items")
		}
		k, err := p.linkRef(l.tokens[1])
		if err != nil {
			return err
		}
		if p.net.Links[k].Type != Pump {
			return fmt.Errorf("link %q is not a pump", l.tokens[1])
		}
		for i := range p.net.Pumps {
			if p.net.Pumps[i].Link == k {
				pump = i
			}
		}
	default:
		return fmt.Errorf("unknown energy keyword %q", l.tokens[0])
	}
	kw, val := l.tokens[n-2], l.tokens[n-1]
	switch {
	case match(kw, "PRICE"):
		y, err := parseNum(val)
		if err != nil {
			return err
		}
		if pump < 0 {
			o.EnergyPrice = y
		} else {
			p.net.Pumps[pump].Price = y
		}
	case match(kw, "PATTERN"):
		pat, err := p.patternRef(val)
		if err != nil {
			return err
		}
		if pump < 0 {
			o.PricePattern = pat
		} else {
			p.net.Pumps[pump].PricePattern = pat
		}
	case match(kw, "EFFIC"):
		if pump < 0 {
			y, err := parseNum(val)
			if err != nil {
				return err
			}
			o.EnergyEff = y
		} else {
			c, err := p.curveRef(val)
			if err != nil {
				return err
			}
			p.net.Pumps[pump].EffCurve = c
		}
	default:
		return fmt.Errorf("unknown energy keyword %q", kw)
	}
	return nil
}

func (p *parser) coordinate(l inpLine) error {
	if err := need(l, 3); err != nil {
		return err
	}
	v, err := nums(l.tokens[1:3])
	if err != nil {
		return err
	}
	j, err := p.node(l.tokens[0])
	if err != nil {
		return err
	}
	nd := &p.net.Nodes[j]
	nd.X, nd.Y, nd.HasXY = v[0], v[1], true
	return nil
}

func (p *parser) vertex(l inpLine) error {
	if err := need(l, 3); err != nil {
		return err
	}
	v, err := nums(l.tokens[1:3])
	if err != nil {
		return err
	}
	k, err := p.linkRef(l.tokens[0])
	if err != nil {
		return err
	}
	p.net.Links[k].Vertices = append(p.net.Links[k].Vertices, [2]float64{v[0], v[1]})
	return nil
}
