package scenarios

import (
	"bufio"
	"cmp"
	"encoding/gob"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"time"

	"github.com/goccy/go-yaml/ast"
	"github.com/paulmach/orb"

	"citytwin/engine"
	"citytwin/engine/record"
	"citytwin/models/city"
	"citytwin/models/grid"
	"citytwin/models/grid/citygrid"
)

func init() { registerModel("grid", buildGrid) }

// gridConfig is the scenario's models.grid section.
type gridConfig struct {
	Step     Duration           `yaml:"step"`     // power flow interval (default 15m)
	Method   string             `yaml:"method"`   // nr (default) or sweep
	Profiles string             `yaml:"profiles"` // BDEW standard load profiles (demandlib's selp_series.csv)
	KWhPerM2 map[string]float64 `yaml:"kwh_per_m2"`
	// LoadGrowth multiplies every building load (what-if; default 1).
	LoadGrowth float64 `yaml:"load_growth"`
	// Assumptions of the synthesis (citygrid.Params), defaulting to its
	// documented values.
	PowerFactor    float64 `yaml:"power_factor"`
	SecondaryCellM float64 `yaml:"secondary_cell_m"`
	// Case is the utility's own grid, a MATPOWER case file, instead of
	// the synthesis (see caseGrid).
	Case string `yaml:"case"`
}

// gridModel runs the city's synthesized distribution grid as a quasi-static
// time series: every step the building loads follow the BDEW profiles at
// the scenario's local time, the loads other models report (pumps, EV
// chargers) are added at the nearest secondary substation, and the AC
// power flow is solved.
type gridModel struct {
	env    *Env
	syn    *citygrid.Result
	g      *grid.Grid
	h0, g0 *grid.Profile
	growth float64
	step   engine.Time
	id     engine.ModelID
	tanPhi float64
	yearAt time.Time // start of the profiles' year, in the scenario's zone
	// extra loads reported by other models, by (kind, target)
	extra    map[[2]int64]extraLoad
	extraBus map[int]float64 // MW per bus
	rec      grid.Recorder
	failed   int
	outages  []gridOutage // line_outage changes, in time order
	next     int
	// what-if adoption shares of rooftop PV, heat pumps and home EV charging
	pvShare, hpShare, evShare float64
	pv                        grid.RooftopPV
	hp                        grid.HeatPump
	ev                        grid.HomeEV
	lat, lon                  float64
}

// gridOutage switches branch row k (0-based) out of or back into service
// at time at, effective from the first power flow at or after it.
type gridOutage struct {
	at engine.Time
	k  int
	on bool
}

type extraLoad struct {
	Bus int
	MW  float64
}

const kindGridStep engine.Kind = 1400

func buildGrid(env *Env, key string, node ast.Node) (engine.Model, error) {
	var c gridConfig
	if err := env.Decode(node, &c); err != nil {
		return nil, err
	}
	if c.Profiles == "" {
		return nil, env.Invalid(key+".profiles", "missing required field")
	}
	method := grid.NewtonRaphson
	switch c.Method {
	case "", "nr":
	case "sweep":
		method = grid.BackwardForwardSweep
	default:
		return nil, env.Invalid(key+".method", "want nr or sweep, got %q", c.Method)
	}
	if c.Step.D <= 0 {
		c.Step.D = 15 * time.Minute
	}
	if c.LoadGrowth == 0 {
		c.LoadGrowth = 1
	}
	p := citygrid.DefaultParams()
	for use, v := range c.KWhPerM2 {
		p.KWhPerM2[use] = v
	}
	if c.PowerFactor != 0 {
		if c.PowerFactor <= 0 || c.PowerFactor > 1 {
			return nil, env.Invalid(key+".power_factor", "want a value in (0, 1], got %v", c.PowerFactor)
		}
		p.PowerFactor = c.PowerFactor
	}
	if c.SecondaryCellM < 0 {
		return nil, env.Invalid(key+".secondary_cell_m", "must not be negative")
	}
	p.SecondaryCellM = cmp.Or(c.SecondaryCellM, p.SecondaryCellM)
	syn, err := gridOf(env, key, c, p)
	if err != nil {
		return nil, err
	}
	g, err := grid.NewGrid(syn.Case, method, grid.EN50160, grid.Options{})
	if err != nil {
		return nil, fmt.Errorf("grid: %w", err)
	}
	f, err := os.Open(env.Scenario.Resolve(c.Profiles))
	if err != nil {
		return nil, env.Invalid(key+".profiles", "%v", err)
	}
	defer f.Close()
	bdew, err := grid.ReadBDEW(f, c.Profiles)
	if err != nil {
		return nil, env.Invalid(key+".profiles", "%v", err)
	}
	year := env.Start.Year()
	h0, err := bdew.Year("h0", year)
	if err != nil {
		return nil, env.Invalid(key+".profiles", "%v", err)
	}
	g0, err := bdew.Year("g0", year)
	if err != nil {
		return nil, env.Invalid(key+".profiles", "%v", err)
	}
	m := &gridModel{env: env, syn: syn, g: g, h0: h0, g0: g0, growth: c.LoadGrowth, step: engine.FromDuration(c.Step.D),
		tanPhi: math.Tan(math.Acos(p.PowerFactor)), yearAt: time.Date(year, 1, 1, 0, 0, 0, 0, env.Start.Location()),
		extra: map[[2]int64]extraLoad{}, extraBus: map[int]float64{},
		pv: grid.DefaultPV(), hp: grid.DefaultHeatPump(), ev: grid.DefaultHomeEV()}
	centre := env.City.Proj.ToLonLat(orb.Point{0, 0})
	m.lon, m.lat = centre[0], centre[1]
	for _, ch := range env.Scenario.ChangesFor("grid") {
		switch ch.Kind {
		case "load_growth":
			if ch.Factor <= 0 {
				return nil, env.Invalid(ch.key+".factor", "want a positive factor")
			}
			m.growth *= ch.Factor
		case "pv_share", "heat_pump_share", "ev_share":
			if *ch.Share < 0 || *ch.Share > 1 {
				return nil, env.Invalid(ch.key+".share", "want a share between 0 and 1, got %g", *ch.Share)
			}
			switch ch.Kind {
			case "pv_share":
				m.pvShare = *ch.Share
			case "heat_pump_share":
				m.hpShare = *ch.Share
			default:
				m.evShare = *ch.Share
			}
		case "line_outage":
			if ch.Branch < 1 || ch.Branch > len(syn.Case.Branches) {
				return nil, env.Invalid(ch.key+".branch", "no branch %d: the synthesized grid has %d (see grid_branches)", ch.Branch, len(syn.Case.Branches))
			}
			m.outages = append(m.outages, gridOutage{at: engine.FromDuration(ch.At.Offset), k: ch.Branch - 1})
			if ch.Until.Set {
				m.outages = append(m.outages, gridOutage{at: engine.FromDuration(ch.Until.Offset), k: ch.Branch - 1, on: true})
			}
		}
	}
	slices.SortStableFunc(m.outages, func(a, b gridOutage) int { return cmp.Compare(a.at, b.at) })
	return m, nil
}

// gridOf synthesizes the city's grid, or reads the section's case.
func gridOf(env *Env, key string, c gridConfig, p citygrid.Params) (*citygrid.Result, error) {
	if c.Case == "" {
		syn, err := citygrid.Synthesize(env.City, p)
		if err != nil {
			return nil, env.Invalid(key, "%v", err)
		}
		return syn, nil
	}
	cs, err := grid.ReadCaseFile(env.Scenario.Resolve(c.Case))
	if err == nil {
		var syn *citygrid.Result
		if syn, err = caseGrid(env.City, cs, p); err == nil {
			return syn, nil
		}
	}
	return nil, env.Invalid(key+".case", "%v", err)
}

// caseGrid runs a MATPOWER case in place of the synthesized grid. A case
// has no geography and no buildings, so:
//   - each bus with a load (Pd > 0) follows the BDEW profiles, its annual
//     consumption Pd / PeakKWPerMWh (the case's Pd taken as its peak), split
//     between H0 and G0 in the proportion of the city's residential and
//     other building consumption (kwh_per_m2);
//   - every bus is placed at the centre of the city's roads, so the loads
//     other models report (pumps, chargers) are booked at the case's largest
//     load bus;
//   - the rooftop PV, heat pump and home EV what-ifs, which need buildings
//     per bus, add nothing.
//
// Bus numbers must run 1..n in order (MATPOWER's ext2int renumbers a case).
func caseGrid(c *city.City, cs *grid.Case, p citygrid.Params) (*citygrid.Result, error) {
	for i, b := range cs.Buses {
		if b.ID != i+1 {
			return nil, fmt.Errorf("%s: bus %d is row %d: bus numbers must run 1..n in order", cs.Name, b.ID, i+1)
		}
	}
	var resKWh, otherKWh float64
	for _, b := range c.Buildings {
		if b.Use == "residential" {
			resKWh += b.FloorAreaM2 * p.KWhPerM2["residential"]
		} else {
			otherKWh += b.FloorAreaM2 * p.KWhPerM2[b.Use]
		}
	}
	resShare := 0.5
	if resKWh+otherKWh > 0 {
		resShare = resKWh / (resKWh + otherKWh)
	}
	var centre orb.Point
	for _, q := range c.Roads.NodeXY {
		centre[0], centre[1] = centre[0]+q[0]/float64(len(c.Roads.NodeXY)), centre[1]+q[1]/float64(len(c.Roads.NodeXY))
	}
	ll := c.Proj.ToLonLat(centre)
	r := &citygrid.Result{Case: cs}
	for _, b := range cs.Buses {
		kind := citygrid.Junction
		switch {
		case b.Type == grid.Ref:
			kind = citygrid.HVSlack
		case b.Pd > 0:
			kind = citygrid.SecondaryLV
		}
		r.BusKind, r.BusXY, r.BusLonLat = append(r.BusKind, kind), append(r.BusXY, centre), append(r.BusLonLat, ll)
	}
	for _, b := range cs.Buses {
		if b.Pd > 0 {
			r.LoadBus = append(r.LoadBus, b.ID)
		}
	}
	// Largest load first: the nearest bus to every place is then this one.
	slices.SortStableFunc(r.LoadBus, func(a, b int) int { return cmp.Compare(cs.Buses[b-1].Pd, cs.Buses[a-1].Pd) })
	for _, id := range r.LoadBus {
		mwh := cs.Buses[id-1].Pd * 1000 / p.PeakKWPerMWh
		r.ResidentialMWh, r.OtherMWh = append(r.ResidentialMWh, mwh*resShare), append(r.OtherMWh, mwh*(1-resShare))
		r.ResidentialM2, r.FootprintM2, r.BuildingsServed = append(r.ResidentialM2, 0), append(r.FootprintM2, 0), append(r.BuildingsServed, 0)
	}
	if len(r.LoadBus) == 0 {
		return nil, fmt.Errorf("%s: no bus with a load", cs.Name)
	}
	for _, br := range cs.Branches {
		kind := "line"
		if br.IsTransformer() {
			kind = "transformer"
		}
		r.BranchKind, r.Circuits = append(r.BranchKind, kind), append(r.Circuits, 1)
		r.BranchGeom = append(r.BranchGeom, []orb.Point{ll, ll})
	}
	return r, nil
}

func (m *gridModel) Name() string { return "grid" }

func (m *gridModel) Init(s *engine.Sim, id engine.ModelID) error {
	m.id = id
	s.Every(id, 0, m.step, engine.PhaseSolveAfter, kindGridStep, 0)
	return nil
}

// Handle solves a step, or books a load another model reports.
func (m *gridModel) Handle(s *engine.Sim, ev engine.Event) error {
	switch ev.Kind {
	case kindGridStep:
		return m.solve(s.Now())
	case engine.MsgPumpPower, engine.MsgChargerPower, engine.MsgLoad:
		return m.book(ev)
	}
	return nil
}

// book records the power a pump, charger or other load draws, at the
// secondary substation nearest its place (Arg: a road node; for chargers
// Arg < 0 means Target is the index of the city's charger).
func (m *gridModel) book(ev engine.Event) error {
	var xy orb.Point
	roads := m.env.City.Roads
	switch {
	case ev.Arg >= 0 && ev.Arg < int64(roads.NumNodes()):
		xy = roads.NodeXY[city.NodeID(ev.Arg)]
	case ev.Kind == engine.MsgChargerPower && ev.Target >= 0 && int(ev.Target) < len(m.env.City.Chargers):
		xy = m.env.City.Chargers[ev.Target].XY
	default:
		return fmt.Errorf("grid: load message kind %d target %d: no place (arg %d)", ev.Kind, ev.Target, ev.Arg)
	}
	bus := m.syn.NearestLoadBus(xy)
	key := [2]int64{int64(ev.Kind), int64(ev.Target)}
	old := m.extra[key]
	m.extraBus[old.Bus] -= old.MW
	mw := ev.Val / 1000
	m.extra[key] = extraLoad{Bus: bus, MW: mw}
	m.extraBus[bus] += mw
	if old.Bus != 0 && old.Bus != bus {
		if err := m.g.SetExtraLoad(old.Bus, m.extraBus[old.Bus], m.extraBus[old.Bus]*m.tanPhi); err != nil {
			return err
		}
	}
	return m.g.SetExtraLoad(bus, m.extraBus[bus], m.extraBus[bus]*m.tanPhi)
}

// solve sets the building loads of the moment and runs the power flow.
func (m *gridModel) solve(now engine.Time) error {
	for m.next < len(m.outages) && m.outages[m.next].at <= now {
		o := m.outages[m.next]
		if err := m.g.SetBranchInService(o.k, o.on); err != nil {
			return err
		}
		m.next++
	}
	wall := m.env.Start.Add(now.Duration())
	at := wall.Sub(m.yearAt)
	h0, g0 := m.h0.At(at), m.g0.At(at) // kW per MWh of annual consumption
	der := m.derKW(wall)
	for i, id := range m.syn.LoadBus {
		mw := m.growth*(m.syn.ResidentialMWh[i]*h0+m.syn.OtherMWh[i]*g0)/1000 + der(i)/1000
		if err := m.g.SetBaseLoad(id, mw, mw*m.tanPhi); err != nil {
			return err
		}
	}
	if err := m.g.Step(m.step.Seconds() / 3600); err != nil {
		// A power flow that does not converge is a finding, not a crash:
		// it is counted (KPI failed_steps) and the run goes on.
		m.failed++
		return nil
	}
	m.record(now)
	return nil
}

func (m *gridModel) record(now engine.Time) { m.rec.Record(m.g, int64(now/engine.Second)) }

// KPIs of the grid over the run.
func (m *gridModel) KPIs() []engine.KPI {
	k := m.g.KPI
	vmin := k.VminPU
	if math.IsInf(vmin, 1) {
		vmin = 0
	}
	return []engine.KPI{
		{Name: "energy_served", Unit: "MWh", Value: k.ServedMWh},
		{Name: "peak_load", Unit: "MW", Value: m.rec.PeakLoadMW()},
		{Name: "losses", Unit: "MWh", Value: k.LossMWh},
		{Name: "peak_loading", Unit: "fraction of rating", Value: k.PeakLoading},
		{Name: "min_voltage", Unit: "pu", Value: vmin},
		{Name: "violation_hours", Unit: "h", Value: k.ViolationHours},
		{Name: "failed_steps", Value: float64(m.failed)},
		{Name: "buses", Value: float64(len(m.syn.Case.Buses))},
		{Name: "secondary_substations", Value: float64(len(m.syn.LoadBus))},
		{Name: "cable", Unit: "km", Value: m.syn.CableKm},
	}
}

// Tables: the synthesized grid with geometry and its time series.
func (m *gridModel) Tables() []*record.Table {
	cs := m.syn.Case
	buses := record.NewTable("grid_buses")
	var ids []int64
	var kinds []string
	var kv []float64
	var geoms []orb.Geometry
	for i, b := range cs.Buses {
		ids, kinds, kv = append(ids, int64(b.ID)), append(kinds, m.syn.BusKind[i].String()), append(kv, b.BaseKV)
		geoms = append(geoms, m.syn.BusLonLat[i])
	}
	buses.Int("bus_id", "", ids)
	buses.Str("kind", kinds)
	buses.Float("base_kv", "kV", kv)
	buses.Geom("geometry", geoms)

	branches := record.NewTable("grid_branches")
	var idx, from, to, circuits []int64
	var rate []float64
	var bgeoms []orb.Geometry
	for k, br := range cs.Branches {
		idx, from, to = append(idx, int64(k+1)), append(from, int64(br.From)), append(to, int64(br.To))
		circuits, rate = append(circuits, int64(m.syn.Circuits[k])), append(rate, br.RateA)
		bgeoms = append(bgeoms, orb.LineString(m.syn.BranchGeom[k]))
	}
	branches.Int("idx", "", idx)
	branches.Int("from", "", from)
	branches.Int("to", "", to)
	branches.Str("kind", m.syn.BranchKind)
	branches.Int("circuits", "", circuits)
	branches.Float("rate", "MVA", rate)
	branches.Geom("geometry", bgeoms)

	return append([]*record.Table{buses, branches}, m.rec.Tables()...)
}

// gridAdapterState is the adapter's part of a checkpoint.
type gridAdapterState struct {
	Failed   int
	Extra    map[[2]int64]extraLoad
	ExtraBus map[int]float64
	Next     int
}

// SaveState writes the grid's state and the adapter's.
func (m *gridModel) SaveState(w io.Writer) error {
	if err := m.g.SaveState(w); err != nil {
		return err
	}
	if err := m.rec.SaveState(w); err != nil {
		return err
	}
	return gob.NewEncoder(w).Encode(&gridAdapterState{Failed: m.failed, Extra: m.extra, ExtraBus: m.extraBus, Next: m.next})
}

// LoadState restores what SaveState wrote, re-applying the outages that
// were in force.
func (m *gridModel) LoadState(r io.Reader) error {
	br := bufio.NewReader(r)
	if err := m.g.LoadState(br); err != nil {
		return err
	}
	if err := m.rec.LoadState(br); err != nil {
		return err
	}
	var st gridAdapterState
	if err := gob.NewDecoder(br).Decode(&st); err != nil {
		return fmt.Errorf("grid: state: %w", err)
	}
	m.failed, m.next = st.Failed, st.Next
	m.extra, m.extraBus = st.Extra, st.ExtraBus
	if m.extra == nil {
		m.extra = map[[2]int64]extraLoad{}
	}
	if m.extraBus == nil {
		m.extraBus = map[int]float64{}
	}
	return nil
}

// derKW returns, for the moment wall, the power of the adopted PV (as a
// negative load), heat pumps and home chargers at LV bus i, kW.
func (m *gridModel) derKW(wall time.Time) func(i int) float64 {
	if m.pvShare == 0 && m.hpShare == 0 && m.evShare == 0 {
		return func(int) float64 { return 0 }
	}
	pvPerKWp := m.pv.PowerKW(1, m.lat, m.lon, wall)
	tOut := grid.Copenhagen.TempC(wall)
	hpPerM2 := m.hp.PowerKW(1, tOut)
	evPerCar := m.ev.KWPerCar(wall)
	return func(i int) float64 {
		resM2 := m.syn.ResidentialM2[i]
		cars := resM2 / m.ev.DwellingM2 * m.ev.CarsPerDwelling
		return m.hpShare*resM2*hpPerM2 + m.evShare*cars*evPerCar - m.pvShare*m.syn.FootprintM2[i]*m.pv.KWpPerM2*pvPerKWp
	}
}
