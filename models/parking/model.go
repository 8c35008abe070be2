package parking

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/paulmach/orb"

	"citytwin/engine"
	"citytwin/models/city"
)

// Guidance is the information drivers get about free spaces.
type Guidance uint8

// The guidance policies.
const (
	// GuidanceNone: drivers head for the facility with the lowest
	// generalised cost from their destination (walk and price), without
	// knowing whether it is free, and cruise on to the next-best unvisited
	// one while it is full (the cruising policy of Levy et al. 2013).
	GuidanceNone Guidance = iota
	// GuidanceNearest: drivers are sent to the free facility nearest by
	// driving time, whatever the walk.
	GuidanceNearest
	// GuidanceScore: drivers are sent to the free facility with the
	// lowest driving time + WalkWeight x walking time + price.
	GuidanceScore
)

// ParseGuidance reads "none", "nearest" or "score".
func ParseGuidance(s string) (Guidance, error) {
	switch s {
	case "", "none":
		return GuidanceNone, nil
	case "nearest":
		return GuidanceNearest, nil
	case "score":
		return GuidanceScore, nil
	}
	return 0, fmt.Errorf("parking: guidance %q: want none, nearest or score", s)
}

func (g Guidance) String() string { return [...]string{"none", "nearest", "score"}[g] }

// Config holds the model's parameters.
type Config struct {
	Guidance   Guidance
	MaxWalkM   float64 // acceptable walk; candidates of the cruising search lie within it (default 600 m)
	MaxVisits  int     // facilities tried before giving up (default 6)
	MaxSearchS float64 // search time before giving up (default 600 s, inside Shoup's 3.5-13.9 min)
	CheckS     float64 // time to check one facility (enter, look along the kerb), s (default 20)
	FallbackM  float64 // after giving up, drivers take the nearest free facility within this walk, else leave (default 2000 m)
	// FallbackVisits bounds the facilities tried after giving up: when
	// every one of them was taken on arrival, the driver leaves (turned
	// away; default 6). Without a bound, drivers chasing the last free
	// bays of a saturated district (each told of the same few) cruise on
	// for hours.
	FallbackVisits int
	WalkMps        float64 // walking speed, m/s (default 1.3)
	WalkFactor     float64 // walking route length / straight line (default 1.3)
	WalkWeight     float64 // value of walking time relative to driving time (default 2; Wardman 2004 finds walk time valued 1.5-2x in-vehicle time)
	ValuePerH      float64 // value of time, currency per hour, to weigh prices (default 100)
	EVShare        float64 // share of arriving cars that are EVs wanting to charge (default 0.1)
	SampleS        float64 // occupancy series interval, s (default 300)
	DayOffsetS     float64 // local time of day at the scenario start, s
	Background     float64 // background arrivals per hour (mean over the day; 0 = none)
	EventsTable    bool    // keep the per-vehicle event table
	FlatDemand     bool    // background arrivals at a constant rate, purposes and dwell of midday (experiments)
	WarmupS        float64 // the KPI totals are reset at this time (0: never), to measure a settled state
	Prefill        float64 // share of every facility's bays occupied at the start, by cars with a residual dwell (0..1)
}

func (c Config) withDefaults() Config {
	def := func(v *float64, d float64) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&c.MaxWalkM, 600)
	def(&c.MaxSearchS, 600)
	def(&c.CheckS, 20)
	def(&c.FallbackM, 2000)
	def(&c.WalkMps, 1.3)
	def(&c.WalkFactor, 1.3)
	def(&c.WalkWeight, 2)
	def(&c.ValuePerH, 100)
	def(&c.SampleS, 300)
	if c.MaxVisits <= 0 {
		c.MaxVisits = 6
	}
	if c.FallbackVisits <= 0 {
		c.FallbackVisits = 6
	}
	if c.EVShare < 0 {
		c.EVShare = 0
	}
	return c
}

// Event kinds of the model (its own, >= 1000 as engine/msg.go asks).
const (
	kindVisit      engine.Kind = 1100 + iota // Target: searcher reaches a facility
	kindDepart                               // Target: searcher leaves its bay
	kindChargeEnd                            // Target: searcher's charging is done
	kindBackground                           // next background arrival
	kindSample                               // occupancy sample
	kindResetStats                           // end of the warm-up: KPI totals start again
)

// Searcher is one vehicle from its arrival at the destination to its
// departure.
type Searcher struct {
	Vehicle   int32 // traffic vehicle id, or -1 for background demand
	DestEdge  int32
	Dest      orb.Point
	ArriveUS  int64 // at the destination, µs
	Edge      int32 // where it is now
	DriveM    float64
	DriveS    float64
	Visits    int32
	Visited   []int32
	GaveUp    bool
	Facility  int32 // -1 until parked
	Bay       int32
	ParkedUS  int64
	DwellS    float64
	Purpose   Purpose
	EV        bool
	Rapid     bool    // wants a rapid charger
	EnergyKWh float64 // to charge
	PowerKW   float64 // while charging, 0 otherwise
	Charged   float64 // kWh delivered
	Done      bool
}

// Stats are the running totals behind the KPIs.
type Stats struct {
	Arrivals, Parked, TurnedAway, Elsewhere, Departed int64
	SearchS, CruiseM, WalkM                           float64
	SearchSMax                                        float64
	ChargedKWh                                        float64
	Sessions                                          int64
	OccSum                                            float64 // sum over samples of occupied/capacity (all facilities)
	OccSamples                                        int64
	OccPeak                                           float64
	SearchHist                                        []float64 // search times, s (for percentiles)
}

// Model is the parking model as an engine model.
type Model struct {
	cfg      Config
	city     *city.City
	router   *city.Router
	sessions *SessionTable
	// scratch of bestFree: candidate facilities, their edges, what the
	// score adds to the drive, and drive times
	cand      []int
	candEdge  []city.EdgeID
	candExtra []float64
	candTime  []float64
	id        engine.ModelID
	gridID    engine.ModelID
	hasGrid   bool
	st        State
}

// State is everything that changes during a run: saved and restored by
// checkpoints (encoding/gob).
type State struct {
	Facilities []Facility
	Occupied   []int32   // per facility
	Bays       [][]int32 // per facility, per bay: searcher index + 1, or 0 when free
	ChargeKW   []float64 // per facility, current charging load
	SentKW     []float64 // last load sent to the grid
	Searchers  []Searcher
	Stats      Stats
	Series     Series2
	Events     EventLog
}

// Series2 is the occupancy time series, struct of arrays.
type Series2 struct {
	TimeS    []int64
	Facility []int32
	Occupied []int32
	Charging []int32
}

// EventLog is the per-vehicle parking events, struct of arrays.
type EventLog struct {
	TimeS    []float64
	Vehicle  []int32
	Kind     []string
	Facility []int32
	SearchS  []float64
	CruiseM  []float64
	WalkM    []float64
	Energy   []float64
}

// New makes a model over the facilities. sessions may be nil (the
// embedded Dundee sample is used).
func New(c *city.City, fac []Facility, cfg Config, sessions *SessionTable) (*Model, error) {
	if sessions == nil {
		var err error
		if sessions, err = DefaultSessions(); err != nil {
			return nil, err
		}
	}
	m := &Model{cfg: cfg.withDefaults(), city: c, router: city.NewRouter(c.Roads), sessions: sessions}
	m.st.Facilities = append([]Facility(nil), fac...)
	n := len(fac)
	m.st.Occupied = make([]int32, n)
	m.st.Bays = make([][]int32, n)
	for i, f := range fac {
		m.st.Bays[i] = make([]int32, f.Capacity)
	}
	m.st.ChargeKW = make([]float64, n)
	m.st.SentKW = make([]float64, n)
	return m, nil
}

// Name is "parking".
func (m *Model) Name() string { return "parking" }

// Init starts the occupancy sampling and the background arrivals.
func (m *Model) Init(s *engine.Sim, id engine.ModelID) error {
	m.id = id
	m.gridID, m.hasGrid = s.ModelByName("grid")
	step := engine.Seconds(m.cfg.SampleS)
	s.Every(id, 0, step, engine.PhaseRecord, kindSample, 0)
	if m.cfg.Prefill > 0 {
		m.prefill(s)
	}
	if m.cfg.WarmupS > 0 {
		s.At(id, engine.Seconds(m.cfg.WarmupS), engine.PhaseControl, kindResetStats, 0, 0, 0)
	}
	if m.cfg.Background > 0 {
		m.scheduleBackground(s)
	}
	return nil
}

// Handle dispatches the model's events and the traffic model's arrivals.
func (m *Model) Handle(s *engine.Sim, ev engine.Event) error {
	switch ev.Kind {
	case engine.MsgVehicleArrived:
		if ev.Arg < 0 || ev.Arg >= int64(m.city.Roads.NumEdges()) {
			return nil // not a road edge of this city: nothing to park
		}
		m.arrive(s, ev.Target, city.EdgeID(ev.Arg))
	case kindBackground:
		m.background(s)
	case kindVisit:
		m.visit(s, ev.Target)
	case kindDepart:
		m.depart(s, ev.Target)
	case kindChargeEnd:
		m.chargeEnd(s, ev.Target)
	case kindSample:
		m.sample(s)
	case kindResetStats:
		m.st.Stats = Stats{}
	}
	return nil
}

// hourOf is the local hour of the day at simulated time t.
func (m *Model) hourOf(t engine.Time) int {
	sec := m.cfg.DayOffsetS + t.Seconds()
	return int(math.Mod(sec/3600, 24))
}

// scheduleBackground draws the next background arrival: exponential gap
// at the current hour's rate.
func (m *Model) scheduleBackground(s *engine.Sim) {
	rng := s.Stream("parking/background")
	rate := m.cfg.Background * backgroundShape[m.hourOf(s.Now())] / 3600
	if m.cfg.FlatDemand {
		rate = m.cfg.Background / 3600
	}
	if rate <= 0 {
		return
	}
	gap := engine.Seconds(rng.ExpFloat64() / rate)
	s.At(m.id, s.Now()+max(gap, 1), engine.PhaseModel, kindBackground, 0, 0, 0)
}

// background makes one arrival at a destination drawn by building floor
// area, then schedules the next.
func (m *Model) background(s *engine.Sim) {
	rng := s.Stream("parking/background")
	if e, ok := m.randomDestination(rng); ok {
		m.arrive(s, -1, e)
	}
	m.scheduleBackground(s)
}

// randomDestination picks a building with probability proportional to
// its floor area and returns its road edge.
func (m *Model) randomDestination(rng *rand.Rand) (city.EdgeID, bool) {
	bs := m.city.Buildings
	var total float64
	for _, b := range bs {
		if b.Edge != city.NoEdge {
			total += b.FloorAreaM2
		}
	}
	if total <= 0 {
		return city.NoEdge, false
	}
	u := rng.Float64() * total
	for _, b := range bs {
		if b.Edge == city.NoEdge {
			continue
		}
		if u -= b.FloorAreaM2; u <= 0 {
			return b.Edge, true
		}
	}
	return city.NoEdge, false
}

// prefill parks cars in Prefill of every facility's bays at the start
// (not counted as arrivals), each leaving after a uniform share of a
// midday dwell (an approximation of the residual dwell in steady state).
func (m *Model) prefill(s *engine.Sim) {
	rng := s.Stream("parking/prefill")
	for f, fc := range m.st.Facilities {
		if fc.Kind == Charger {
			continue
		}
		n := int(math.Round(m.cfg.Prefill * float64(fc.Capacity)))
		for b := fc.Chargers; b < fc.Chargers+n && b < fc.Capacity; b++ {
			p := drawPurpose(rng, 12)
			sr := Searcher{Vehicle: -1, Facility: int32(f), Bay: int32(b), Purpose: p, DestEdge: int32(fc.Edge), Dest: fc.XY}
			sr.DwellS = rng.Float64() * purposeDwell[p].Draw(rng) * 3600
			idx := int32(len(m.st.Searchers))
			m.st.Searchers = append(m.st.Searchers, sr)
			m.st.Bays[f][b] = idx + 1
			m.st.Occupied[f]++
			s.At(m.id, engine.Seconds(max(sr.DwellS, 1)), engine.PhaseModel, kindDepart, idx, 0, 0)
		}
	}
}
