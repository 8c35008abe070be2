package scenarios

import (
	"bufio"
	"cmp"
	"encoding/gob"
	"fmt"
	"io"
	"math"
	"slices"

	"github.com/goccy/go-yaml/ast"
	"github.com/paulmach/orb"

	"citytwin/engine"
	"citytwin/engine/record"
	"citytwin/models/water"
	"citytwin/models/water/synth"
)

func init() { registerModel("water", buildWater) }

// waterConfig is the scenario's models.water section.
type waterConfig struct {
	INP string `yaml:"inp"` // EPANET network, relative to the scenario
	// Synthesize lays a network under the city's streets instead of
	// reading one (models/water/synth; its keys are synth.Params' yaml
	// names, each defaulting to the documented value).
	Synthesize ast.Node `yaml:"synthesize"`
	// Coordinates says how to read the .inp's coordinates: "fit" (the
	// default) places them by Place; "lonlat" takes them as longitude and
	// latitude (as twin init writes them).
	Coordinates string `yaml:"coordinates"`
	Quality     *bool  `yaml:"quality"`
	// Place puts the network's coordinates into the city: the centre of
	// their bounding box goes to (lon, lat) and its larger side becomes
	// width_m metres. Default: the centre of the city's roads, 80 % of
	// their extent.
	Place *struct {
		Lon    float64 `yaml:"lon"`
		Lat    float64 `yaml:"lat"`
		WidthM float64 `yaml:"width_m"`
	} `yaml:"place"`
	// Report is the interval of the node and link series (default the
	// network's report step).
	Report Duration `yaml:"report"`
}

// waterModel runs an EPANET network as a process of the kernel: one event
// at every hydraulic time EPANET's rules choose (the hydraulic step cut at
// pattern, report, tank and control times), in PhaseSolve.
type waterModel struct {
	net     *water.Network
	sim     *water.Simulator
	id      engine.ModelID
	gridID  engine.ModelID
	hasGrid bool
	offsetS int64 // network clock at the scenario start (time of day)
	reportS int64
	lonlat  []orb.Point
	pumpAt  []int64 // per link: the road node nearest a pump (grid coupling), -1 for other links
	series  waterSeries
	// KPIs
	minPressure float64
	pumpKWh     float64
	leakM3      float64 // emitter (leak, burst) outflow
	lastLeakCFS float64
	lastPumpKW  []float64
	lastT       int64
	solves      int
	actions     []waterAction // what-if changes, in time order
	nextAction  int
}

// waterAction is one what-if change at a time (s from the start); the
// hydraulic step is cut there, so it takes effect at that time.
type waterAction struct {
	at    int64
	apply func(*water.Simulator) error
}

// waterSeries is the long node/link time series, struct of arrays.
type waterSeries struct {
	NodeT, NodeIdx                     []int64
	Demand, Head, Pressure, NodeQual   []float64
	LinkT, LinkIdx                     []int64
	Flow, Velocity, Headloss, LinkQual []float64
	Status                             []string
}

const kindWaterSolve engine.Kind = 1500

// m3PerFt3 converts cubic feet to cubic metres.
const m3PerFt3 = 0.028316846592

func buildWater(env *Env, key string, node ast.Node) (engine.Model, error) {
	var c waterConfig
	if err := env.Decode(node, &c); err != nil {
		return nil, err
	}
	net, lonlat, err := waterNetwork(env, key, &c)
	if err != nil {
		return nil, err
	}
	opt := water.DefaultSimOptions()
	opt.Duration = int64(env.Scenario.Duration.D.Seconds())
	if c.Quality != nil {
		opt.Quality = *c.Quality
	}
	// The network's patterns follow the time of day: start its clock at
	// the scenario's local start time.
	start := env.Start
	offset := int64(start.Hour()*3600 + start.Minute()*60 + start.Second())
	net.Options.PatternStart += offset
	net.Options.StartClock += offset
	sim, err := water.NewSimulator(net, opt)
	if err != nil {
		return nil, env.Invalid(key+".inp", "%v", err)
	}
	m := &waterModel{net: net, sim: sim, offsetS: offset, reportS: net.Options.ReportStep, minPressure: math.Inf(1)}
	if c.Report.D > 0 {
		m.reportS = int64(c.Report.D.Seconds())
	}
	if m.reportS <= 0 {
		m.reportS = 3600
	}
	if err := m.changes(env); err != nil {
		return nil, err
	}
	m.lonlat = placeNetwork(env, net, c.Place)
	if lonlat {
		m.lonlat = nodeLonLat(net)
	}
	m.lastPumpKW = make([]float64, len(net.Links))
	m.pumpAt = make([]int64, len(net.Links))
	for k, l := range net.Links {
		m.pumpAt[k] = -1
		if net.PumpOf(k) >= 0 {
			if n, ok := env.City.NearestNode(env.City.Proj.ToXY(m.lonlat[l.N1])); ok {
				m.pumpAt[k] = int64(n)
			}
		}
	}
	return m, nil
}

// waterNetwork reads the scenario's .inp or synthesizes a network from the
// city; lonlat is true when the node coordinates are lon/lat.
func waterNetwork(env *Env, key string, c *waterConfig) (net *water.Network, lonlat bool, err error) {
	switch c.Coordinates {
	case "", "fit":
	case "lonlat":
		lonlat = true
	default:
		return nil, false, env.Invalid(key+".coordinates", "want fit or lonlat, got %q", c.Coordinates)
	}
	switch {
	case c.INP != "" && c.Synthesize != nil:
		return nil, false, env.Invalid(key+".synthesize", "give inp or synthesize, not both")
	case c.Synthesize != nil:
		p := synth.DefaultParams()
		if err := env.Decode(c.Synthesize, &p); err != nil {
			return nil, false, err
		}
		r, err := synth.Synthesize(env.City, p)
		if err != nil {
			return nil, false, env.Invalid(key+".synthesize", "%v", err)
		}
		return r.Net, true, nil
	case c.INP == "":
		return nil, false, env.Invalid(key+".inp", "missing required field (or give synthesize)")
	}
	net, err = water.Load(env.Scenario.Resolve(c.INP))
	if err != nil {
		return nil, false, env.Invalid(key+".inp", "%v", err)
	}
	return net, lonlat, nil
}

// nodeLonLat takes the network's coordinates as lon/lat; a node without
// coordinates is put at its first neighbour's.
func nodeLonLat(net *water.Network) []orb.Point {
	out := make([]orb.Point, len(net.Nodes))
	for i, n := range net.Nodes {
		out[i] = orb.Point{n.X, n.Y}
	}
	for _, l := range net.Links {
		if !net.Nodes[l.N1].HasXY {
			out[l.N1] = out[l.N2]
		}
		if !net.Nodes[l.N2].HasXY {
			out[l.N2] = out[l.N1]
		}
	}
	return out
}

// placeNetwork maps the network's coordinates into the city.
func placeNetwork(env *Env, net *water.Network, place *struct {
	Lon    float64 `yaml:"lon"`
	Lat    float64 `yaml:"lat"`
	WidthM float64 `yaml:"width_m"`
}) []orb.Point {
	var nb orb.Bound
	first := true
	for _, n := range net.Nodes {
		if !n.HasXY {
			continue
		}
		p := orb.Point{n.X, n.Y}
		if first {
			nb, first = p.Bound(), false
		} else {
			nb = nb.Extend(p)
		}
	}
	roads := env.City.Roads
	var cb orb.Bound
	for i, p := range roads.NodeXY {
		if i == 0 {
			cb = p.Bound()
		} else {
			cb = cb.Extend(p)
		}
	}
	centre, width := cb.Center(), 0.8*math.Max(cb.Max[0]-cb.Min[0], cb.Max[1]-cb.Min[1])
	if place != nil {
		centre = env.City.Proj.ToXY(orb.Point{place.Lon, place.Lat})
		if place.WidthM > 0 {
			width = place.WidthM
		}
	}
	span := math.Max(nb.Max[0]-nb.Min[0], nb.Max[1]-nb.Min[1])
	scale := 1.0
	if span > 0 {
		scale = width / span
	}
	nc := nb.Center()
	out := make([]orb.Point, len(net.Nodes))
	for i, n := range net.Nodes {
		xy := centre
		if n.HasXY {
			xy = orb.Point{centre[0] + (n.X-nc[0])*scale, centre[1] + (n.Y-nc[1])*scale}
		}
		out[i] = env.City.Proj.ToLonLat(xy)
	}
	return out
}

func (m *waterModel) Name() string { return "water" }

func (m *waterModel) Init(s *engine.Sim, id engine.ModelID) error {
	m.id = id
	m.gridID, m.hasGrid = s.ModelByName("grid")
	m.sim.Init()
	s.At(id, 0, engine.PhaseSolve, kindWaterSolve, 0, 0, 0)
	return nil
}

// Handle solves the network at the current time, records it at report
// times, tells the grid about pump power, and schedules the next
// hydraulic time.
func (m *waterModel) Handle(s *engine.Sim, ev engine.Event) error {
	if ev.Kind != kindWaterSolve {
		return nil
	}
	now := int64(s.Now() / engine.Second)
	for m.nextAction < len(m.actions) && m.actions[m.nextAction].at <= now {
		if err := m.actions[m.nextAction].apply(m.sim); err != nil {
			return fmt.Errorf("water: change at %d s: %w", m.actions[m.nextAction].at, err)
		}
		m.nextAction++
	}
	if err := m.sim.Solve(); err != nil {
		return fmt.Errorf("water: t=%d s: %w", now, err)
	}
	m.solves++
	m.account(now)
	m.pumpMessages(s)
	if now%m.reportS == 0 {
		m.record(now)
	}
	// The next change, if any, cuts the coming step so that it acts at its
	// own time.
	m.sim.StopAt(-1)
	if m.nextAction < len(m.actions) {
		m.sim.StopAt(m.actions[m.nextAction].at)
	}
	step := m.sim.Advance()
	if step <= 0 {
		return nil
	}
	s.At(m.id, s.Now()+engine.Time(step)*engine.Second, engine.PhaseSolve, kindWaterSolve, 0, 0, 0)
	return nil
}

// account integrates pump energy over the step that ends now (power held
// from the previous solve) and tracks the lowest junction pressure.
func (m *waterModel) account(now int64) {
	dt := float64(now-m.lastT) / 3600
	for k := range m.net.Links {
		if m.net.PumpOf(k) >= 0 {
			m.pumpKWh += m.lastPumpKW[k] * dt
		}
	}
	m.leakM3 += m.lastLeakCFS * float64(now-m.lastT) * m3PerFt3
	m.lastLeakCFS = 0
	for i := 0; i < m.net.NJuncs; i++ {
		m.lastLeakCFS += m.sim.EmitterFlow(i) / m.net.Options.Units.FlowFactor
	}
	m.lastT = now
	for i := 0; i < m.net.NJuncs; i++ {
		if p := m.sim.NodePressure(i); p < m.minPressure && m.sim.NodeDemand(i) > 0 {
			m.minPressure = p
		}
	}
}

// pumpMessages sends the grid every pump whose power changed.
func (m *waterModel) pumpMessages(s *engine.Sim) {
	for k := range m.net.Links {
		if m.net.PumpOf(k) < 0 {
			continue
		}
		kw := m.sim.PumpPowerKW(k)
		if kw != m.lastPumpKW[k] && m.hasGrid && m.pumpAt[k] >= 0 {
			s.Send(m.id, m.gridID, engine.MsgPumpPower, int32(k), m.pumpAt[k], kw)
		}
		m.lastPumpKW[k] = kw
	}
}

func (m *waterModel) record(now int64) {
	ws := &m.series
	for i := range m.net.Nodes {
		ws.NodeT = append(ws.NodeT, now)
		ws.NodeIdx = append(ws.NodeIdx, int64(i))
		ws.Demand = append(ws.Demand, m.sim.NodeDemand(i))
		ws.Head = append(ws.Head, m.sim.NodeHead(i))
		ws.Pressure = append(ws.Pressure, m.sim.NodePressure(i))
		ws.NodeQual = append(ws.NodeQual, m.sim.NodeQuality(i))
	}
	for k := range m.net.Links {
		ws.LinkT = append(ws.LinkT, now)
		ws.LinkIdx = append(ws.LinkIdx, int64(k))
		ws.Flow = append(ws.Flow, m.sim.LinkFlow(k))
		ws.Velocity = append(ws.Velocity, m.sim.LinkVelocity(k))
		ws.Headloss = append(ws.Headloss, m.sim.LinkHeadloss(k))
		ws.LinkQual = append(ws.LinkQual, m.sim.LinkQuality(k))
		ws.Status = append(ws.Status, openClosed(m.sim.LinkOpen(k)))
	}
}

// KPIs of the water network.
func (m *waterModel) KPIs() []engine.KPI {
	u := m.net.Options.Units
	minP := m.minPressure
	if math.IsInf(minP, 1) {
		minP = 0
	}
	return []engine.KPI{
		{Name: "min_junction_pressure", Unit: pressureUnit(u), Value: minP},
		{Name: "pump_energy", Unit: "kWh", Value: m.pumpKWh},
		{Name: "leak_outflow", Unit: "m3", Value: m.leakM3},
		{Name: "hydraulic_solves", Value: float64(m.solves)},
		{Name: "warnings", Value: float64(len(m.sim.Warnings))},
	}
}

// Tables: the network's nodes and links with geometry, and their series
// at every report time, in the network's own units.
func (m *waterModel) Tables() []*record.Table {
	nodes := record.NewTable("water_nodes")
	links := record.NewTable("water_links")
	var ids, types []string
	var geoms []orb.Geometry
	for i, n := range m.net.Nodes {
		ids, types = append(ids, n.ID), append(types, n.Type.String())
		geoms = append(geoms, m.lonlat[i])
	}
	nodes.Str("node_id", ids)
	nodes.Str("node_type", types)
	nodes.Geom("geometry", geoms)
	var lids, ltypes []string
	var lgeoms []orb.Geometry
	for _, l := range m.net.Links {
		lids, ltypes = append(lids, l.ID), append(ltypes, l.Type.String())
		lgeoms = append(lgeoms, orb.LineString{m.lonlat[l.N1], m.lonlat[l.N2]})
	}
	links.Str("link_id", lids)
	links.Str("link_type", ltypes)
	links.Geom("geometry", lgeoms)

	u := m.net.Options.Units
	ws := &m.series
	ns := record.NewTable("water_node_series")
	ns.Int("time_s", "s", ws.NodeT)
	ns.Str("node_id", pick(ids, ws.NodeIdx))
	ns.Float("demand", u.Flow, ws.Demand)
	ns.Float("head", lengthUnit(u), ws.Head)
	ns.Float("pressure", pressureUnit(u), ws.Pressure)
	ns.Float("quality", "", ws.NodeQual)
	ls := record.NewTable("water_link_series")
	ls.Int("time_s", "s", ws.LinkT)
	ls.Str("link_id", pick(lids, ws.LinkIdx))
	ls.Float("flow", u.Flow, ws.Flow)
	ls.Float("velocity", velocityUnit(u), ws.Velocity)
	ls.Float("headloss", lengthUnit(u), ws.Headloss)
	ls.Str("status", ws.Status)
	ls.Float("quality", "", ws.LinkQual)
	return []*record.Table{nodes, links, ns, ls}
}

func pick(names []string, idx []int64) []string {
	out := make([]string, len(idx))
	for i, k := range idx {
		out[i] = names[k]
	}
	return out
}

func openClosed(open bool) string {
	if open {
		return "OPEN"
	}
	return "CLOSED"
}

func lengthUnit(u water.Units) string {
	if u.SI {
		return "m"
	}
	return "ft"
}

func velocityUnit(u water.Units) string { return lengthUnit(u) + "/s" }

func pressureUnit(u water.Units) string {
	switch u.Pressure {
	case water.PressureKPA:
		return "kPa"
	case water.PressureMeters:
		return "m"
	case water.PressureBar:
		return "bar"
	case water.PressureFeet:
		return "ft"
	}
	return "psi"
}

// changes turns the scenario's water changes into timed actions; a node or
// link the network lacks is an error that names it.
func (m *waterModel) changes(env *Env) error {
	for _, ch := range env.Scenario.ChangesFor("water") {
		at, until := int64(ch.At.Offset.Seconds()), int64(ch.Until.Offset.Seconds())
		add := func(do, undo func(*water.Simulator) error) {
			m.actions = append(m.actions, waterAction{at: at, apply: do})
			if ch.Until.Set {
				m.actions = append(m.actions, waterAction{at: until, apply: undo})
			}
		}
		switch ch.Kind {
		case "pipe_burst":
			i, ok := m.net.NodeIndex(ch.Node)
			if !ok || i >= m.net.NJuncs {
				return env.Invalid(ch.key+".node", "no junction %q in the water network", ch.Node)
			}
			if ch.Coefficient <= 0 {
				return env.Invalid(ch.key+".coefficient", "want a positive emitter coefficient")
			}
			old := m.net.Nodes[i].Emitter
			add(func(s *water.Simulator) error { return s.SetEmitter(i, ch.Coefficient) },
				func(s *water.Simulator) error { return s.SetEmitter(i, old) })
		case "close_pipe", "pump_outage":
			k, ok := m.net.LinkIndex(ch.Link)
			if !ok || ch.Kind == "pump_outage" && m.net.PumpOf(k) < 0 {
				return env.Invalid(ch.key+".link", "no %s %q in the network", map[bool]string{true: "pump", false: "link"}[ch.Kind == "pump_outage"], ch.Link)
			}
			add(func(s *water.Simulator) error { return s.SetLinkOpen(k, false) },
				func(s *water.Simulator) error { return s.SetLinkOpen(k, true) })
		case "water_demand":
			if ch.Factor <= 0 {
				return env.Invalid(ch.key+".factor", "want a positive factor")
			}
			add(func(s *water.Simulator) error { return s.SetDemandMultiplier(ch.Factor) },
				func(s *water.Simulator) error { return s.SetDemandMultiplier(1) })
		}
	}
	slices.SortStableFunc(m.actions, func(a, b waterAction) int { return cmp.Compare(a.at, b.at) })
	return nil
}

// waterState is the adapter's part of a checkpoint.
type waterState struct {
	Series                                    waterSeries
	MinPressure, PumpKWh, LeakM3, LastLeakCFS float64
	LastPumpKW                                []float64
	LastT                                     int64
	Solves, NextAction                        int
}

// SaveState writes the simulator's state and the adapter's accumulators.
func (m *waterModel) SaveState(w io.Writer) error {
	if err := m.sim.SaveState(w); err != nil {
		return err
	}
	return gob.NewEncoder(w).Encode(&waterState{Series: m.series, MinPressure: m.minPressure, PumpKWh: m.pumpKWh,
		LeakM3: m.leakM3, LastLeakCFS: m.lastLeakCFS, LastPumpKW: m.lastPumpKW, LastT: m.lastT, Solves: m.solves, NextAction: m.nextAction})
}

// LoadState restores what SaveState wrote.
func (m *waterModel) LoadState(r io.Reader) error {
	br := bufio.NewReader(r) // one reader for both gob streams
	if err := m.sim.LoadState(br); err != nil {
		return err
	}
	var st waterState
	if err := gob.NewDecoder(br).Decode(&st); err != nil {
		return fmt.Errorf("water: state: %w", err)
	}
	m.series, m.minPressure, m.pumpKWh, m.leakM3, m.lastLeakCFS = st.Series, st.MinPressure, st.PumpKWh, st.LeakM3, st.LastLeakCFS
	copy(m.lastPumpKW, st.LastPumpKW)
	m.lastT, m.solves, m.nextAction = st.LastT, st.Solves, st.NextAction
	return nil
}
