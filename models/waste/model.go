package waste

import (
	"fmt"
	"math"

	"github.com/paulmach/orb"

	"citytwin/engine"
	"citytwin/models/city"
)

// Event kinds of the model (1200.., its own range as engine/msg.go asks).
const (
	kindTick   engine.Kind = 1200 + iota // hourly: deposits of the past hour, sensor readings
	kindPlan                             // shift start: the policy picks bins, routes are planned, trucks leave
	kindArrive                           // Target truck, Arg leg: the truck reached its next stop (free flow or timeout)
	kindDepart                           // Target truck: service done, drive on
)

// tickS is the step of the fill process and of the sensors.
const tickS = 3600.0

// Model is the waste model inside the engine. It is not safe for
// concurrent use.
type Model struct {
	cfg    Config
	city   *city.City
	bins   []Bin
	byID   map[string]int32
	depot  city.EdgeID
	router *city.Router
	// timeS[i][j] is the free-flow driving time from point i to point j,
	// s (point 0 the depot, point b+1 bin b): from the end of i's edge to
	// the end of j's. Rows are filled on first use (timeRow).
	timeS [][]float64
	all   []float64

	sim       *engine.Sim
	id        engine.ModelID
	trafficID engine.ModelID
	traffic   bool
	path      []city.EdgeID
	st        State
}

var (
	_ engine.Model    = (*Model)(nil)
	_ engine.Reporter = (*Model)(nil)
	_ engine.Stater   = (*Model)(nil)
)

// New makes the model for a city's bins. Bins must be on the city's road
// edges (BinsFromCity does that; ReadBins' bins are snapped by SnapBins).
func New(c *city.City, bins []Bin, cfg Config) (*Model, error) {
	cfg = cfg.withDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if c.Roads == nil || c.Roads.NumEdges() == 0 {
		return nil, fmt.Errorf("waste: city %q has no roads", c.Name)
	}
	m := &Model{cfg: cfg, city: c, bins: bins, byID: make(map[string]int32, len(bins))}
	for i, b := range bins {
		if b.Edge < 0 || int(b.Edge) >= c.Roads.NumEdges() {
			return nil, fmt.Errorf("waste: bin %s: no road edge", b.ID)
		}
		if _, dup := m.byID[b.ID]; dup {
			return nil, fmt.Errorf("waste: bin id %q twice", b.ID)
		}
		m.byID[b.ID] = int32(i)
	}
	if err := m.placeDepot(); err != nil {
		return nil, err
	}
	m.router = city.NewRouter(c.Roads)
	m.timeS = make([][]float64, len(bins)+1)
	return m, nil
}

// placeDepot snaps the configured depot, or the centroid of the road
// nodes, to the nearest road edge.
func (m *Model) placeDepot() error {
	if m.cfg.DepotLL != (orb.Point{}) {
		e, _, d, ok := m.city.SnapLonLat(m.cfg.DepotLL)
		if !ok || d > 2000 {
			return fmt.Errorf("waste: depot %v is not within 2 km of a road of %s", m.cfg.DepotLL, m.city.Name)
		}
		m.depot = e
		return nil
	}
	var c orb.Point
	for _, p := range m.city.Roads.NodeXY {
		c[0] += p[0] / float64(len(m.city.Roads.NodeXY))
		c[1] += p[1] / float64(len(m.city.Roads.NodeXY))
	}
	e, _, _, ok := m.city.SnapEdge(c)
	if !ok {
		return fmt.Errorf("waste: no road edge for the depot in %s", m.city.Name)
	}
	m.depot = e
	return nil
}

// pointEdge is the road edge of point p (0 the depot, b+1 bin b).
func (m *Model) pointEdge(p int) city.EdgeID {
	if p == 0 {
		return m.depot
	}
	return m.bins[p-1].Edge
}

// timeRow returns the free-flow driving times from point i to every
// point, computing them on first use by one one-to-all search
// (O((E+T) log E)); a run computes only the rows of the bins it routes.
func (m *Model) timeRow(i int) []float64 {
	if m.timeS[i] != nil {
		return m.timeS[i]
	}
	g := m.city.Roads
	n := len(m.bins) + 1
	if m.all == nil {
		m.all = make([]float64, g.NumEdges())
	}
	from := m.pointEdge(i)
	m.router.TimeFrom(from, m.all)
	row := make([]float64, n)
	for j := range n {
		to := m.pointEdge(j)
		if to == from {
			continue
		}
		t := m.all[to] - g.FreeFlowS(from)
		if math.IsInf(t, 0) || math.IsNaN(t) {
			t = 1e6 // unreachable: never chosen while another way exists
		}
		row[j] = t
	}
	m.timeS[i] = row
	return row
}

// Name is "waste".
func (m *Model) Name() string { return "waste" }

// Bins are the model's bins (read-only).
func (m *Model) Bins() []Bin { return m.bins }

// Config is the model's configuration with defaults filled in.
func (m *Model) Config() Config { return m.cfg }

// Init draws the bins' rates, sensors and starting fill from the run's
// streams and schedules the hourly tick and the daily plan.
func (m *Model) Init(s *engine.Sim, id engine.ModelID) error {
	m.sim, m.id = s, id
	m.trafficID, m.traffic = s.ModelByName("traffic")
	m.st = newState(len(m.bins), m.cfg.Fleet)
	m.drawBins(s)
	s.Every(id, engine.Seconds(tickS), engine.Seconds(tickS), engine.PhaseModel, kindTick, 0)
	first := math.Mod(m.cfg.ShiftStartS-m.cfg.DayOffsetS+2*86400, 86400)
	s.Every(id, engine.Seconds(first), engine.Day, engine.PhaseControl, kindPlan, 0)
	return nil
}

// drawBins gives every bin its rate (lognormal about the kind's median)
// and whether it has a sensor, and starts it where the fixed schedule
// would have it: emptied EveryDays - (i mod EveryDays) days ago (bin i is
// due on the days d with d = i mod EveryDays, so the bins due today have
// filled a whole cycle), filled at its mean rate since; sensed bins get a
// first reading.
func (m *Model) drawBins(s *engine.Sim) {
	rates, sensors := s.Stream("waste/rates"), s.Stream("waste/sensors")
	for i, b := range m.bins {
		med := defaultRate[b.Kind] * b.VolumeL
		if b.RateL > 0 {
			med = b.RateL
		}
		r := med * math.Exp(kindRateSigma[b.Kind]*rates.NormFloat64())
		m.st.RateL[i] = r
		m.st.Sensor[i] = sensors.Float64() < m.cfg.Sensor.Coverage
		n := m.cfg.EveryDays[b.Kind]
		ageD := float64(n - i%n)
		m.st.Fill[i] = math.Min(1, r/b.VolumeL*ageD)
		if m.st.Fill[i] >= 1 { // overflowing at the start: an overflow of the run
			m.st.FullSinceS[i] = 0
			m.st.OverflowEvents++
		}
		m.st.LastEmptyS[i] = -ageD * 86400
		m.st.BeliefS[i] = math.NaN()
		if m.st.Sensor[i] {
			m.read(i, 0, s.Stream("waste/readings"))
		}
	}
}

// Handle dispatches the model's events.
func (m *Model) Handle(s *engine.Sim, ev engine.Event) error {
	switch ev.Kind {
	case kindTick:
		m.tick(s)
	case kindPlan:
		return m.plan(s)
	case kindArrive:
		m.arriveLeg(s, int(ev.Target), int32(ev.Arg), ev.Val, true)
	case kindDepart:
		m.startLeg(s, int(ev.Target))
	case engine.MsgVehicleArrived:
		for k := range m.st.Trucks {
			if t := &m.st.Trucks[k]; t.Driving && t.Leg == ev.Target {
				m.arriveLeg(s, k, ev.Target, ev.Val, false)
				break
			}
		}
	}
	return nil
}

// localS is the local time of day at simulated time now, s since
// midnight of the start day.
func (m *Model) localS(now float64) float64 { return m.cfg.DayOffsetS + now }

// tick adds the past hour's deposits to every bin, records overflows and
// takes the sensors' readings that are due.
func (m *Model) tick(s *engine.Sim) {
	now := s.Now().Seconds()
	rng, rd := s.Stream("waste/fill"), s.Stream("waste/readings")
	every := max(1, int(math.Round(m.cfg.Sensor.IntervalS/tickS)))
	hour := int(math.Round(now / tickS))
	for i, b := range m.bins {
		l := FillBetween(rng, b.Kind, m.st.RateL[i], m.localS(now-tickS), m.localS(now))
		m.addFill(i, l/b.VolumeL, now)
		if m.st.Sensor[i] && (hour+i)%every == 0 {
			m.read(i, now, rd)
		}
	}
}

// addFill adds share df to bin i over the tick ending at now; crossing
// full starts an overflow, at the interpolated time.
func (m *Model) addFill(i int, df, now float64) {
	before := m.st.Fill[i]
	after := before + df
	if before < 1 && after >= 1 {
		m.st.OverflowEvents++
		m.st.FullSinceS[i] = now - tickS + (1-before)/df*tickS
	}
	m.st.Fill[i] = math.Min(1, after)
}

// read takes a sensor reading of bin i at time now (unless it drops out).
func (m *Model) read(i int, now float64, rng interface {
	Float64() float64
	NormFloat64() float64
}) {
	if rng.Float64() < m.cfg.Sensor.Dropout {
		m.st.Dropouts++
		return
	}
	v := m.st.Fill[i] + m.cfg.Sensor.NoiseSD*rng.NormFloat64()
	m.st.Readings++
	m.observe(i, now, math.Max(0, math.Min(1, v)), false)
}

// observe records a fill reading of bin i at time t (s): it becomes the
// believed level unless late, and enters the rate regression.
func (m *Model) observe(i int, t, v float64, late bool) {
	st := &m.st
	if !late || math.IsNaN(st.BeliefS[i]) || t >= st.BeliefS[i] {
		st.Belief[i], st.BeliefS[i] = v, t
	}
	if t < st.LastEmptyS[i] {
		return
	}
	h := (t - st.LastEmptyS[i]) / 3600
	r := &st.Reg[i]
	r.N++
	r.T += h
	r.Y += v
	r.TT += h * h
	r.TY += h * v
}
