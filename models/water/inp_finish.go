package water

import (
	"errors"
	"fmt"
	"math"
)

const (
	viscosity0  = 1.1e-5 // ft²/s, water at 20 °C (EPANET's VISCOS)
	diffusivity = 1.3e-8 // ft²/s, chlorine in water (EPANET's DIFFUS)
	minPDiff    = 0.1    // ft, least Preq - Pmin for pressure-driven demand
	big         = 1.0e10
)

// finish applies EPANET's defaults and converts every value to internal
// units (EPANET's adjustdata and convertunits).
func (p *parser) finish() error {
	n := p.net
	o := &n.Options
	o.Units = computeUnits(p.flowUnits, p.pressure, p.pressureSet, o.SpGrav)
	u := o.Units
	p.adjustTimes()
	p.adjustHydraulicOptions()
	if id, ok := p.patIndex[p.defPatID]; ok {
		o.DefPattern = id
	}
	for i := range n.Patterns {
		if len(n.Patterns[i].F) == 0 {
			n.Patterns[i].F = []float64{1}
		}
	}
	for i := range n.Curves[1:] {
		if len(n.Curves[i+1].X) == 0 {
			return &InputError{Err: fmt.Errorf("curve %q has no points", n.Curves[i+1].ID)}
		}
	}
	for i := range n.Nodes {
		p.convertNode(i)
	}
	for i := range n.Tanks {
		if err := p.convertTank(i); err != nil {
			return &InputError{Err: err}
		}
	}
	for k := range n.Links {
		p.convertLink(k)
	}
	n.pumpOf = make([]int, len(n.Links))
	n.valveOf = make([]int, len(n.Links))
	for k := range n.Links {
		n.pumpOf[k], n.valveOf[k] = -1, -1
	}
	for i := range n.Pumps {
		n.pumpOf[n.Pumps[i].Link] = i
		if err := p.pumpParams(i); err != nil {
			return &InputError{Err: fmt.Errorf("pump %q: %w", n.Links[n.Pumps[i].Link].ID, err)}
		}
	}
	for i := range n.Valves {
		n.valveOf[n.Valves[i].Link] = i
	}
	for i := range n.Controls {
		p.convertControl(&n.Controls[i])
	}
	for i := range n.Rules {
		p.convertRule(&n.Rules[i])
	}
	if o.Quality == QualTrace {
		j, ok := n.nodeIndex[p.traceID]
		if !ok {
			return &InputError{Section: "OPTIONS", Err: fmt.Errorf("undefined trace node %q", p.traceID)}
		}
		o.TraceNode = j
	}
	if o.Duration == 0 {
		o.Quality = QualNone
	}
	_ = u
	return nil
}

func (p *parser) adjustTimes() {
	o := &p.net.Options
	if o.PatternStep <= 0 {
		o.PatternStep = 3600
	}
	if o.ReportStep <= 0 {
		o.ReportStep = o.PatternStep
	}
	if o.HydStep <= 0 {
		o.HydStep = 3600
	}
	o.HydStep = min(o.HydStep, o.PatternStep, o.ReportStep)
	if o.ReportStart > o.Duration {
		o.ReportStart = 0
	}
	if o.QualStep <= 0 {
		o.QualStep = o.HydStep / 10
	}
	if o.RuleStep <= 0 {
		o.RuleStep = o.HydStep / 10
	}
	o.RuleStep = max(1, min(o.RuleStep, o.HydStep))
	o.QualStep = max(1, min(o.QualStep, o.HydStep))
}

func (p *parser) adjustHydraulicOptions() {
	o := &p.net.Options
	u := o.Units
	switch o.Headloss {
	case HazenWilliams:
		o.Hexp = 1.852
	default:
		o.Hexp = 2
	}
	switch {
	case p.viscRel == missing:
		o.Viscosity = viscosity0
	case p.viscRel > 1e-3:
		o.Viscosity = p.viscRel * viscosity0
	default:
		o.Viscosity = p.viscRel / (u.LengthFactor * u.LengthFactor)
	}
	switch {
	case p.diffRel == missing:
		o.Diffusivity = diffusivity
	case p.diffRel > 1e-4:
		o.Diffusivity = p.diffRel * diffusivity
	default:
		o.Diffusivity = p.diffRel / (u.LengthFactor * u.LengthFactor)
	}
	o.Qexp = 1 / p.emitterExp
	o.Pmin = p.pmin / u.PressureFactor
	o.Preq = p.preq / u.PressureFactor
	if o.Preq-o.Pmin < minPDiff {
		o.Preq = o.Pmin + minPDiff
	}
	o.HeadError /= u.LengthFactor
	o.FlowChange /= u.FlowFactor
	o.Ctol = p.ctol
	if o.Ctol == missing {
		o.Ctol = 0.01
	}
	if o.Quality == QualAge {
		o.Ctol = p.ctol
		if o.Ctol == missing {
			o.Ctol = 0.01
		}
	}
	o.Kbulk /= secPerDay
}

func (p *parser) convertNode(i int) {
	n := p.net
	o := &n.Options
	u := o.Units
	nd := &n.Nodes[i]
	nd.Elev /= u.LengthFactor
	for d := range nd.Demands {
		nd.Demands[d].Base /= u.FlowFactor
		if nd.Demands[d].Pattern == 0 {
			nd.Demands[d].Pattern = o.DefPattern
		}
	}
	if nd.Emitter > 0 {
		ucf := math.Pow(u.FlowFactor, o.Qexp) / u.PressureFactor
		nd.Emitter = ucf / math.Pow(nd.Emitter, o.Qexp)
	}
}

// tankVolumeUser evaluates a tank's volume at level (user units) from its
// curve or its diameter.
func (p *parser) convertTank(i int) error {
	n := p.net
	u := n.Options.Units
	t := &n.Tanks[i]
	nd := &n.Nodes[t.Node]
	if nd.Type == Reservoir {
		t.Area = 0
		t.H0 = nd.Elev
		t.Hmin, t.Hmax = nd.Elev, nd.Elev
		return nil
	}
	init, lo, hi, diam := t.H0, t.Hmin, t.Hmax, t.Area
	if lo > hi || init < lo || init > hi {
		return fmt.Errorf("tank %q: levels out of order (min %v, init %v, max %v)", nd.ID, lo, init, hi)
	}
	area := math.Pi * diam * diam / 4
	vmin := area * lo
	if t.Vmin > 0 {
		vmin = t.Vmin
	}
	v0 := vmin + area*(init-lo)
	vmax := vmin + area*(hi-lo)
	if t.VolCurve > 0 {
		c := &n.Curves[t.VolCurve]
		vmin, v0, vmax = interp(c.X, c.Y, lo), interp(c.X, c.Y, init), interp(c.X, c.Y, hi)
		if area == 0 && hi > lo {
			area = (vmax - vmin) / (hi - lo)
		}
		if area <= 0 {
			area = 1
		}
	}
	el := nd.Elev // already converted
	t.H0 = el + init/u.LengthFactor
	t.Hmin = el + lo/u.LengthFactor
	t.Hmax = el + hi/u.LengthFactor
	t.Area = area / (u.LengthFactor * u.LengthFactor)
	t.Vmin = vmin / u.VolumeFactor
	t.V0 = v0 / u.VolumeFactor
	t.Vmax = vmax / u.VolumeFactor
	if t.Kb == missing {
		t.Kb = n.Options.Kbulk
	} else {
		t.Kb /= secPerDay
	}
	if t.Mix == MixComplete && t.MixFrac == 0 {
		t.MixFrac = 1
	}
	return nil
}

func (p *parser) convertLink(k int) {
	n := p.net
	o := &n.Options
	u := o.Units
	l := &n.Links[k]
	switch {
	case l.Type <= Pipe:
		kb, kw := p.linkKb[k], p.linkKw[k]
		if kb == missing {
			kb = o.Kbulk * secPerDay
		}
		if kw == missing {
			kw = p.wallFromRoughness(l)
		}
		if o.Headloss == DarcyWeisbach {
			l.Kc /= 1000 * u.LengthFactor
		}
		l.Diam /= u.DiamFactor
		l.Length /= u.LengthFactor
		l.Km = 0.02517 * l.MinorLossIn / (l.Diam * l.Diam * l.Diam * l.Diam)
		l.Kb = kb / secPerDay
		if o.WallOrder == 0 {
			l.Kw = kw * u.LengthFactor * u.LengthFactor / secPerDay
		} else {
			l.Kw = kw / u.LengthFactor / secPerDay
		}
		l.R = pipeResistance(l, o)
	case l.Type == Pump:
		l.R = cBig
	default:
		l.Diam /= u.DiamFactor
		l.Km = 0.02517 * l.MinorLossIn / (l.Diam * l.Diam * l.Diam * l.Diam)
		if l.Kc != missing {
			l.Kc = convertValveSetting(l.Type, l.Kc, u)
		}
		l.R = cSmall
	}
}

func (p *parser) wallFromRoughness(l *Link) float64 {
	o := &p.net.Options
	switch {
	case o.Rfactor == 0:
		return o.Kwall
	case l.Kc > 0 && l.Diam > 0:
		switch o.Headloss {
		case HazenWilliams:
			return o.Rfactor / l.Kc
		case DarcyWeisbach:
			return o.Rfactor / math.Abs(math.Log(l.Kc/l.Diam))
		default:
			return o.Rfactor * l.Kc
		}
	}
	return 0
}

func convertValveSetting(t LinkType, v float64, u Units) float64 {
	switch t {
	case PRV, PSV, PBV:
		return v / u.PressureFactor
	case FCV:
		return v / u.FlowFactor
	}
	return v
}

// pipeResistance is the resistance coefficient of a pipe for the friction
// formula in use (EPANET's resistcoeff; HW and CM in ft, cfs).
func pipeResistance(l *Link, o *Options) float64 {
	e, d, length := l.Kc, l.Diam, l.Length
	switch o.Headloss {
	case HazenWilliams:
		return 4.727 * length / math.Pow(e, o.Hexp) / math.Pow(d, 4.871)
	case DarcyWeisbach:
		a := math.Pi * d * d / 4
		return length / 2.0 / 32.2 / d / (a * a)
	default:
		x := 4.0 * e / (1.49 * math.Pi * d * d)
		return x * x * math.Pow(d/4.0, -1.333) * length
	}
}

// pumpParams fits the pump's head curve (EPANET's updatepumpparams and the
// pump part of convertunits).
func (p *parser) pumpParams(i int) error {
	n := p.net
	u := n.Options.Units
	pd := &n.Pumps[i]
	if pd.Curve == PumpConstHP {
		pd.H0, pd.N = 0, -1
		pd.R = -8.814 * pd.Power / u.PowerFactor
		pd.Hmax, pd.Qmax, pd.Q0 = big, big, 1
		return nil
	}
	c := &n.Curves[pd.HeadCurve]
	np := len(c.X)
	var h0, h1, h2, q1, q2 float64
	switch {
	case np == 1:
		pd.Curve = PumpPowerFunc
		q1, h1 = c.X[0], c.Y[0]
		h0, q2, h2 = 1.33334*h1, 2*q1, 0
	case np == 3 && c.X[0] == 0:
		pd.Curve = PumpPowerFunc
		h0, q1, h1, q2, h2 = c.Y[0], c.X[1], c.Y[1], c.X[2], c.Y[2]
	default:
		pd.Curve = PumpCustom
	}
	if pd.Curve == PumpPowerFunc {
		a, b, cc, ok := powerCurve(h0, h1, h2, q1, q2)
		if !ok {
			return errors.New("invalid pump curve")
		}
		pd.H0, pd.R, pd.N = -a/u.LengthFactor, -b*math.Pow(u.FlowFactor, cc)/u.LengthFactor, cc
		pd.Q0 = q1 / u.FlowFactor
		pd.Qmax = math.Pow(-a/b, 1/cc) / u.FlowFactor
		pd.Hmax = h0 / u.LengthFactor
		return nil
	}
	for m := 1; m < np; m++ {
		if c.Y[m] >= c.Y[m-1] {
			return errors.New("pump curve heads must decrease with flow")
		}
	}
	pd.Qmax = c.X[np-1] / u.FlowFactor
	pd.Q0 = (c.X[0] + c.X[np-1]) / 2 / u.FlowFactor
	pd.Hmax = c.Y[0] / u.LengthFactor
	return nil
}

// powerCurve fits h = a + b q^c through (0,h0), (q1,h1), (q2,h2).
func powerCurve(h0, h1, h2, q1, q2 float64) (a, b, c float64, ok bool) {
	const tiny = 1e-6
	if h0 < tiny || h0-h1 < tiny || h1-h2 < tiny || q1 < tiny || q2-q1 < tiny {
		return 0, 0, 0, false
	}
	a = h0
	h4, h5 := h0-h1, h0-h2
	c = math.Log(h5/h4) / math.Log(q2/q1)
	if c <= 0 || c > 20 {
		return 0, 0, 0, false
	}
	b = -h4 / math.Pow(q1, c)
	if b >= 0 {
		return 0, 0, 0, false
	}
	return a, b, c, true
}

func (p *parser) convertControl(c *Control) {
	n := p.net
	u := n.Options.Units
	if c.Node >= 0 {
		nd := &n.Nodes[c.Node]
		if nd.Type == Junction {
			c.Grade = nd.Elev + c.Grade/u.PressureFactor
		} else {
			c.Grade = nd.Elev + c.Grade/u.LengthFactor
		}
	}
	if c.Setting != missing {
		c.Setting = convertValveSetting(n.Links[c.Link].Type, c.Setting, u)
	}
}

// interp interpolates y(x) on a piecewise-linear curve, extrapolating from
// the end segments (EPANET's interp).
func interp(x, y []float64, xx float64) float64 {
	m := len(x) - 1
	if m < 0 {
		return 0
	}
	if xx <= x[0] {
		return y[0]
	}
	for k := 1; k <= m; k++ {
		if x[k] >= xx {
			dx := x[k] - x[k-1]
			dy := y[k] - y[k-1]
			if math.Abs(dx) < 1e-6 {
				return y[k]
			}
			return y[k] - (x[k]-xx)*dy/dx
		}
	}
	return y[m]
}

const (
	cBig   = 1.0e8
	cSmall = 1.0e-6
)
