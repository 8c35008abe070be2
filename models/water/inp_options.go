package water

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// option reads one [OPTIONS] line. Unknown keywords are ignored, as newer
// EPANET versions add options older readers do not know.
func (p *parser) option(l inpLine) error {
	t := l.tokens
	o := &p.net.Options
	if len(t) < 2 {
		return nil
	}
	kw, val := t[0], t[len(t)-1]
	num := func() (float64, error) { return parseNum(val) }
	switch {
	case match(kw, "UNITS"):
		u := strings.ToUpper(t[1])
		if _, ok := flowFactors[u]; !ok {
			return fmt.Errorf("unknown flow units %q", t[1])
		}
		p.flowUnits = u
	case match(kw, "PRESSURE") && len(t) == 2 && !isNumber(t[1]):
		units := map[string]PressureUnit{"PSI": PressurePSI, "KPA": PressureKPA, "METERS": PressureMeters, "BAR": PressureBar, "FEET": PressureFeet}
		u, ok := units[strings.ToUpper(t[1])]
		if !ok {
			return fmt.Errorf("unknown pressure units %q", t[1])
		}
		p.pressure, p.pressureSet = u, true
	case match(kw, "HEADLOSS"):
		switch h := strings.ToUpper(t[1]); h {
		case "H-W":
			o.Headloss = HazenWilliams
		case "D-W":
			o.Headloss = DarcyWeisbach
		case "C-M":
			o.Headloss = ChezyManning
		default:
			return fmt.Errorf("unknown headloss formula %q", t[1])
		}
	case match(kw, "HYDRAULICS"), match(kw, "MAP"), match(kw, "VERIFY"), match(kw, "SEGMENTS"):
	case match(kw, "QUALITY"):
		return p.qualityOption(t)
	case match(kw, "UNBALANCED"):
		o.ExtraIter = -1
		if match(t[1], "CONTINUE") {
			o.ExtraIter = 0
			if len(t) > 2 {
				n, err := strconv.Atoi(t[2])
				if err != nil || n < 0 {
					return fmt.Errorf("invalid extra trials %q", t[2])
				}
				o.ExtraIter = n
			}
		}
	case match(kw, "PATTERN"):
		p.defPatID = t[1]
	case match(kw, "DEMAND") && len(t) >= 3 && match(t[1], "MODEL"):
		switch {
		case match(t[2], "DDA"):
			o.DemandModel = DDA
		case match(t[2], "PDA"):
			o.DemandModel = PDA
		default:
			return fmt.Errorf("unknown demand model %q", t[2])
		}
	default:
		y, err := num()
		if err != nil {
			if isKnownNumericOption(kw) {
				return err
			}
			return nil
		}
		return p.numericOption(t, y)
	}
	return nil
}

func isNumber(s string) bool { _, err := parseNum(s); return err == nil }

var numericOptions = []string{"TRIALS", "ACCURACY", "HEADERROR", "FLOWCHANGE", "TOLERANCE", "VISCOSITY",
	"DIFFUSIVITY", "SPECIFIC", "DEMAND", "EMITTER", "CHECKFREQ", "MAXCHECK", "DAMPLIMIT", "MINIMUM",
	"REQUIRED", "PRESSURE"}

func isKnownNumericOption(kw string) bool {
	for _, o := range numericOptions {
		if match(kw, o) {
			return true
		}
	}
	return false
}

func (p *parser) numericOption(t []string, y float64) error {
	o := &p.net.Options
	kw := t[0]
	bad := func() error { return fmt.Errorf("invalid value %v for %s", y, strings.ToUpper(kw)) }
	switch {
	case match(kw, "TRIALS"):
		if y < 1 || y > 1e7 {
			return bad()
		}
		o.Trials = int(y)
	case match(kw, "ACCURACY"):
		if y < 1e-8 || y > 1e-1 {
			return bad()
		}
		o.Accuracy = y
	case match(kw, "HEADERROR"):
		o.HeadError = y
	case match(kw, "FLOWCHANGE"):
		o.FlowChange = y
	case match(kw, "TOLERANCE"):
		p.ctol = y
	case match(kw, "VISCOSITY"):
		if y <= 0 {
			return bad()
		}
		p.viscRel = y
	case match(kw, "DIFFUSIVITY"):
		if y < 0 {
			return bad()
		}
		p.diffRel = y
	case match(kw, "SPECIFIC"):
		if y <= 0 {
			return bad()
		}
		o.SpGrav = y
	case match(kw, "DEMAND"):
		if y <= 0 {
			return bad()
		}
		o.DemandMult = y
	case match(kw, "EMITTER"):
		if len(t) >= 2 && match(t[1], "BACKFLOW") {
			return nil
		}
		if y <= 0 {
			return bad()
		}
		p.emitterExp = y
	case match(kw, "CHECKFREQ"):
		o.CheckFreq = int(y)
	case match(kw, "MAXCHECK"):
		o.MaxCheck = int(y)
	case match(kw, "DAMPLIMIT"):
		o.DampLimit = y
	case match(kw, "MINIMUM"):
		if y < 0 {
			return bad()
		}
		p.pmin = y
	case match(kw, "REQUIRED"):
		if y < 0 {
			return bad()
		}
		p.preq = y
	case match(kw, "PRESSURE"):
		if y <= 0 {
			return bad()
		}
		o.Pexp = y
	}
	return nil
}

// qualityOption: QUALITY NONE|AGE|CHEMICAL [name units]|TRACE node|name [units]
func (p *parser) qualityOption(t []string) error {
	o := &p.net.Options
	switch w := t[1]; {
	case match(w, "NONE"):
		o.Quality = QualNone
	case match(w, "CHEM"):
		o.Quality, o.ChemName, o.ChemUnits = QualChem, "Chemical", "mg/L"
	case match(w, "AGE"):
		o.Quality, o.ChemName, o.ChemUnits = QualAge, "Age", "hrs"
	case match(w, "TRACE"):
		o.Quality, o.ChemUnits = QualTrace, "%"
		if len(t) < 3 {
			return errors.New("TRACE needs a node ID")
		}
		p.traceID = t[2]
	default:
		o.Quality, o.ChemName, o.ChemUnits = QualChem, w, "mg/L"
		if len(t) > 2 {
			o.ChemUnits = t[2]
		}
	}
	return nil
}

// clockHours converts an EPANET time ("h", "h:mm", "h:mm:ss", with an
// optional unit word SEC/MIN/HOURS/DAYS or AM/PM) to hours; ok is false for
// a malformed time (EPANET's hour()).
func clockHours(s, units string) (float64, bool) {
	parts := strings.Split(s, ":")
	if len(parts) > 3 {
		return 0, false
	}
	var y [3]float64
	for i, part := range parts {
		v, err := strconv.ParseFloat(part, 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return 0, false
		}
		y[i] = v
	}
	if len(parts) == 1 && units != "" {
		switch {
		case match(units, "SEC"):
			return y[0] / 3600, true
		case match(units, "MIN"):
			return y[0] / 60, true
		case match(units, "HOUR"):
			return y[0], true
		case match(units, "DAY"):
			return y[0] * 24, true
		}
	}
	h := y[0] + y[1]/60 + y[2]/3600
	switch {
	case units == "":
		return h, true
	case match(units, "AM"):
		if h >= 13 {
			return 0, false
		}
		if h >= 12 {
			h -= 12
		}
		return h, true
	case match(units, "PM"):
		if h >= 13 {
			return 0, false
		}
		if h < 12 {
			h += 12
		}
		return h, true
	}
	return 0, false
}

// timeValue reads the time at the end of a [TIMES] or control line: the last
// token, or the last two when the last is a unit word.
func timeValue(toks []string) (int64, error) {
	n := len(toks) - 1
	h, ok := clockHours(toks[n], "")
	if !ok && n >= 1 {
		h, ok = clockHours(toks[n-1], toks[n])
	}
	if !ok || h < 0 || h > 1e9 {
		return 0, fmt.Errorf("invalid time %q", strings.Join(toks, " "))
	}
	return int64(3600*h + 0.5), nil
}

// times reads one [TIMES] line.
func (p *parser) times(l inpLine) error {
	t := l.tokens
	o := &p.net.Options
	if len(t) < 2 || match(t[0], "STATISTIC") {
		return nil
	}
	v, err := timeValue(t)
	if err != nil {
		return err
	}
	second := ""
	if len(t) > 2 {
		second = t[1]
	}
	switch {
	case match(t[0], "DURATION"):
		o.Duration = v
	case match(t[0], "HYDRAULIC"):
		o.HydStep = v
	case match(t[0], "QUALITY"):
		o.QualStep = v
	case match(t[0], "RULE"):
		o.RuleStep = v
	case match(t[0], "MINIMUM"):
	case match(t[0], "PATTERN") && match(second, "TIME"):
		o.PatternStep = v
	case match(t[0], "PATTERN") && match(second, "START"):
		o.PatternStart = v
	case match(t[0], "REPORT") && match(second, "TIME"):
		o.ReportStep = v
	case match(t[0], "REPORT") && match(second, "START"):
		o.ReportStart = v
	case match(t[0], "START"):
		o.StartClock = v % secPerDay
	default:
		return fmt.Errorf("unknown time keyword %q", t[0])
	}
	return nil
}

// control: LINK id setting IF NODE id ABOVE|BELOW value | AT TIME t | AT CLOCKTIME t [AM|PM]
func (p *parser) control(l inpLine) error {
	t := l.tokens
	if len(t) < 6 {
		return errors.New("too few items in control")
	}
	k, err := p.linkRef(t[1])
	if err != nil {
		return err
	}
	lk := &p.net.Links[k]
	if lk.Type == CVPipe {
		return errors.New("a check valve cannot be controlled")
	}
	c := Control{Link: k, Node: -1, Status: Active, Setting: missing}
	switch w := t[2]; {
	case match(w, "OPEN"):
		c.Status = Open
		if lk.Type == Pump {
			c.Setting = 1
		}
		if lk.Type == GPV {
			c.Setting = lk.Kc
		}
	case match(w, "CLOSED"):
		c.Status = Closed
		if lk.Type == Pump {
			c.Setting = 0
		}
		if lk.Type == GPV {
			c.Setting = lk.Kc
		}
	case lk.Type == GPV:
		return errors.New("a GPV control needs OPEN or CLOSED")
	default:
		if c.Setting, err = parseNum(w); err != nil {
			return err
		}
	}
	if (lk.Type == Pump || lk.Type == Pipe) && c.Setting != missing {
		if c.Setting < 0 {
			return errors.New("negative control setting")
		}
		c.Status = Open
		if c.Setting == 0 {
			c.Status = Closed
		}
	}
	switch {
	case match(t[4], "TIME"):
		c.Type = Timer
	case match(t[4], "CLOCKTIME"):
		c.Type = TimeOfDay
	default:
		if len(t) < 8 {
			return errors.New("too few items in control")
		}
		if c.Node, err = p.node(t[5]); err != nil {
			return err
		}
		switch {
		case match(t[6], "BELOW"):
			c.Type = LowLevel
		case match(t[6], "ABOVE"):
			c.Type = HighLevel
		default:
			return fmt.Errorf("expected ABOVE or BELOW, got %q", t[6])
		}
		if c.Grade, err = parseNum(t[7]); err != nil {
			return err
		}
	}
	if c.Type == Timer || c.Type == TimeOfDay {
		units := ""
		if len(t) > 6 {
			units = t[6]
		}
		h, ok := clockHours(t[5], units)
		if !ok || h < 0 || h > 1e9 {
			return fmt.Errorf("invalid control time %q", t[5])
		}
		c.Time = int64(3600 * h)
		if c.Type == TimeOfDay {
			c.Time %= secPerDay
		}
	}
	p.net.Controls = append(p.net.Controls, c)
	return nil
}
