package water

import (
	"errors"
	"fmt"
)

// parser builds a Network from the lines of each section. Values are first
// stored in the file's units and converted to internal units at the end,
// as EPANET does (convertunits).
type parser struct {
	net         *Network
	flowUnits   string
	pressure    PressureUnit
	pressureSet bool
	defPatID    string
	demandsSeen []bool // junction got a [DEMANDS] entry
	curveIndex  map[string]int
	patIndex    map[string]int
	pendingKind string
	emitterExp  float64
	ctol        float64
	preq        float64
	pmin        float64
	globalEff   float64
	viscRel     float64
	diffRel     float64
	traceID     string
	linkKb      []float64
	linkKw      []float64
}

func newParser() *parser {
	n := &Network{nodeIndex: map[string]int{}, linkIndex: map[string]int{}}
	n.Patterns = []Pattern{{ID: "", F: []float64{1}}}
	n.Curves = []Curve{{}}
	o := &n.Options
	o.Headloss = HazenWilliams
	o.SpGrav = 1
	o.Trials = 200
	o.Accuracy = 0.001
	o.ExtraIter = -1
	o.CheckFreq = 2
	o.MaxCheck = 10
	o.Htol = 0.0005
	o.Qtol = 0.0001
	o.RQtol = 1e-7
	o.DemandMult = 1
	o.Pexp = 0.5
	o.BulkOrder, o.WallOrder, o.TankOrder = 1, 1, 1
	o.EnergyEff = 75
	o.TraceNode = -1
	o.HydStep = 3600
	o.PatternStep = 3600
	o.ReportStep = 3600
	return &parser{net: n, flowUnits: "GPM", defPatID: "1", curveIndex: map[string]int{},
		patIndex: map[string]int{}, emitterExp: 0.5, ctol: missing, preq: 0.1, globalEff: 75,
		viscRel: missing, diffRel: missing}
}

type sectionFunc func(p *parser, l inpLine) error

// build runs the section handlers in dependency order and finishes the network.
func (p *parser) build(lines map[string][]inpLine) (*Network, error) {
	steps := []struct {
		sections []string
		fn       sectionFunc
	}{
		{[]string{"TITLE"}, (*parser).title},
		{[]string{"OPTIONS"}, (*parser).option},
		{[]string{"TIMES"}, (*parser).times},
		{[]string{"PATTERNS"}, (*parser).pattern},
		{[]string{"CURVES"}, (*parser).curve},
		{[]string{"JUNCTIONS"}, (*parser).junction},
		{[]string{"RESERVOIRS", "TANKS"}, (*parser).tankOrReservoir},
		{[]string{"PIPES", "PUMPS", "VALVES"}, (*parser).link},
		{[]string{"DEMANDS"}, (*parser).demand},
		{[]string{"STATUS"}, (*parser).status},
		{[]string{"EMITTERS"}, (*parser).emitter},
		{[]string{"QUALITY"}, (*parser).quality},
		{[]string{"SOURCES"}, (*parser).source},
		{[]string{"REACTIONS"}, (*parser).reaction},
		{[]string{"MIXING"}, (*parser).mixing},
		{[]string{"ENERGY"}, (*parser).energy},
		{[]string{"CONTROLS"}, (*parser).control},
		{[]string{"COORDINATES"}, (*parser).coordinate},
		{[]string{"VERTICES"}, (*parser).vertex},
	}
	for i, st := range steps {
		if i == 6 { // after junctions: reservoirs and tanks follow
			p.demandsSeen = make([]bool, len(p.net.Nodes))
		}
		for _, l := range ordered(lines, st.sections...) {
			if err := st.fn(p, l); err != nil {
				return nil, &InputError{Line: l.num, Section: l.section, Err: err}
			}
		}
		if i == 8 {
			p.linkKb = fill(len(p.net.Links), missing)
			p.linkKw = fill(len(p.net.Links), missing)
		}
	}
	if err := p.rules(lines["RULES"]); err != nil {
		return nil, err
	}
	if len(p.net.Nodes) == 0 {
		return nil, &InputError{Err: errors.New("network has no nodes")}
	}
	if err := p.checkTopology(); err != nil {
		return nil, &InputError{Err: err}
	}
	if err := p.finish(); err != nil {
		return nil, err
	}
	return p.net, nil
}

func fill(n int, v float64) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = v
	}
	return s
}

func (p *parser) title(l inpLine) error {
	if len(p.net.Title) < 3 {
		p.net.Title = append(p.net.Title, l.tokens[0])
	}
	return nil
}

// need checks the number of tokens.
func need(l inpLine, n int) error {
	if len(l.tokens) < n {
		return fmt.Errorf("too few items (%d, need %d)", len(l.tokens), n)
	}
	return nil
}

func nums(toks []string) ([]float64, error) {
	out := make([]float64, len(toks))
	for i, t := range toks {
		v, err := parseNum(t)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

func (p *parser) addNode(id string, t NodeType) (int, error) {
	if _, dup := p.net.nodeIndex[id]; dup {
		return 0, fmt.Errorf("duplicate node ID %q", id)
	}
	if _, dup := p.net.linkIndex[id]; dup && false {
		return 0, nil
	}
	i := len(p.net.Nodes)
	p.net.nodeIndex[id] = i
	p.net.Nodes = append(p.net.Nodes, Node{ID: id, Type: t, Tank: -1})
	return i, nil
}

func (p *parser) node(id string) (int, error) {
	i, ok := p.net.nodeIndex[id]
	if !ok {
		return 0, fmt.Errorf("undefined node %q", id)
	}
	return i, nil
}

func (p *parser) linkRef(id string) (int, error) {
	i, ok := p.net.linkIndex[id]
	if !ok {
		return 0, fmt.Errorf("undefined link %q", id)
	}
	return i, nil
}

func (p *parser) patternRef(id string) (int, error) {
	i, ok := p.patIndex[id]
	if !ok {
		return 0, fmt.Errorf("undefined pattern %q", id)
	}
	return i, nil
}

func (p *parser) curveRef(id string) (int, error) {
	i, ok := p.curveIndex[id]
	if !ok {
		return 0, fmt.Errorf("undefined curve %q", id)
	}
	return i, nil
}

// junction: ID Elev [Demand] [Pattern]
func (p *parser) junction(l inpLine) error {
	if err := need(l, 2); err != nil {
		return err
	}
	v, err := nums(l.tokens[1:min(3, len(l.tokens))])
	if err != nil {
		return err
	}
	i, err := p.addNode(l.tokens[0], Junction)
	if err != nil {
		return err
	}
	nd := &p.net.Nodes[i]
	nd.Elev = v[0]
	d := Demand{}
	if len(v) > 1 {
		d.Base = v[1]
	}
	if len(l.tokens) > 3 {
		if d.Pattern, err = p.patternRef(l.tokens[3]); err != nil {
			return err
		}
	}
	nd.Demands = []Demand{d}
	p.net.NJuncs++
	return nil
}

// tankOrReservoir: RESERVOIR ID Head [Pattern]; TANK ID Elev Init Min Max Diam [MinVol] [VolCurve] [Overflow]
func (p *parser) tankOrReservoir(l inpLine) error {
	if l.section == "RESERVOIRS" {
		if err := need(l, 2); err != nil {
			return err
		}
		h, err := parseNum(l.tokens[1])
		if err != nil {
			return err
		}
		i, err := p.addNode(l.tokens[0], Reservoir)
		if err != nil {
			return err
		}
		t := TankData{Node: i}
		if len(l.tokens) > 2 {
			if t.HeadPattern, err = p.patternRef(l.tokens[2]); err != nil {
				return err
			}
		}
		p.net.Nodes[i].Elev = h
		p.net.Nodes[i].Tank = len(p.net.Tanks)
		p.net.Tanks = append(p.net.Tanks, t)
		return nil
	}
	if err := need(l, 6); err != nil {
		return err
	}
	nv := min(7, len(l.tokens))
	v, err := nums(l.tokens[1:nv])
	if err != nil {
		return err
	}
	i, err := p.addNode(l.tokens[0], Tank)
	if err != nil {
		return err
	}
	t := TankData{Node: i, H0: v[1], Hmin: v[2], Hmax: v[3], Area: v[4], Kb: missing}
	if len(v) > 5 {
		t.Vmin = v[5]
	}
	if len(l.tokens) > 7 && l.tokens[7] != "*" {
		if t.VolCurve, err = p.curveRef(l.tokens[7]); err != nil {
			return err
		}
	}
	if len(l.tokens) > 8 {
		t.Overflow = match(l.tokens[8], "YES")
	}
	if t.Area <= 0 && t.VolCurve == 0 {
		return errors.New("tank diameter must be positive")
	}
	p.net.Nodes[i].Elev = v[0]
	p.net.Nodes[i].Tank = len(p.net.Tanks)
	p.net.Tanks = append(p.net.Tanks, t)
	return nil
}
