package traffic

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
)

// Config holds the model's settings. Zero fields take the defaults of
// DefaultConfig.
type Config struct {
	StepS         float64 // time step, s (0.5)
	IDM           IDM     // car-following parameters
	SpeedFactorSD float64 // sd of the per-vehicle speed factor (0.1; mean 1, clipped to ±2 sd)
	TeleportS     float64 // standstill at the head of a lane before a teleport, s (300; < 0 never)
	CriticalGapS  float64 // gap a yielding vehicle needs before a conflicting one, s (3)
	PassGapS      float64 // a conflicting vehicle this far ahead of us has passed, s (1)
	LaneChangeS   float64 // MOBIL evaluated every this many s (1)
	Politeness    float64 // MOBIL p (0.2)
	LaneThreshold float64 // MOBIL Δa_th, m/s² (0.1)
	SafeDecel     float64 // MOBIL b_safe, m/s² (4)
	RerouteS      float64 // re-route running vehicles on current travel times every this many s (0 = off)
	EdgeIntervalS float64 // interval of the per-edge time series, s (300)
	PositionsS    float64 // interval of the vehicle positions table, s (0 = off)
	Signals       SignalConfig
	MaxVehicles   int // refuse trips beyond this many (0 = no limit)
	// ParallelRoutes routes departures in batches on all cores when the
	// router is a Forker, the next batch in the background while the
	// steps go on; results are those of routing one at a time. Off by
	// default (it starts goroutines); scenarios turn it on.
	ParallelRoutes bool
	LookaheadM     float64
	yieldCheckMinM float64
}

// DefaultConfig returns the documented defaults (see the package doc).
func DefaultConfig() Config {
	return Config{
		StepS: 0.5, IDM: DefaultIDM(), SpeedFactorSD: 0.1, TeleportS: 300,
		CriticalGapS: 3, PassGapS: 1, LaneChangeS: 1, Politeness: 0.2,
		LaneThreshold: 0.1, SafeDecel: 4, EdgeIntervalS: 300,
		Signals: DefaultSignalConfig(), LookaheadM: 120, yieldCheckMinM: 40,
	}
}

func (c *Config) fill() {
	d := DefaultConfig()
	if c.StepS <= 0 {
		c.StepS = d.StepS
	}
	if c.IDM == (IDM{}) {
		c.IDM = d.IDM
	}
	if c.IDM.MaxDec <= 0 {
		c.IDM.MaxDec = d.IDM.MaxDec
	}
	if c.TeleportS == 0 {
		c.TeleportS = d.TeleportS
	}
	if c.CriticalGapS <= 0 {
		c.CriticalGapS = d.CriticalGapS
	}
	if c.PassGapS <= 0 {
		c.PassGapS = d.PassGapS
	}
	if c.LaneChangeS <= 0 {
		c.LaneChangeS = d.LaneChangeS
	}
	if c.LaneChangeS < c.StepS {
		// evaluated every step either way; at least a step, a vehicle
		// that has just changed lane never changes again in the same pass
		// (changeLanes relies on it)
		c.LaneChangeS = c.StepS
	}
	if c.Politeness == 0 {
		c.Politeness = d.Politeness
	}
	if c.LaneThreshold == 0 {
		c.LaneThreshold = d.LaneThreshold
	}
	if c.SafeDecel <= 0 {
		c.SafeDecel = d.SafeDecel
	}
	if c.EdgeIntervalS <= 0 {
		c.EdgeIntervalS = d.EdgeIntervalS
	}
	if c.Signals.CycleS <= 0 {
		c.Signals = d.Signals
	}
	c.LookaheadM, c.yieldCheckMinM = d.LookaheadM, d.yieldCheckMinM
}

// Router finds the fastest route between two edges, appending the edges
// (both ends included) to dst. SetWeights sets the current travel time of
// every edge in s (for re-routing). The city's Router satisfies it through
// CityRouter.
type Router interface {
	Route(from, to int32, dst []int32) ([]int32, bool)
	SetWeights(costS []float64)
}

// Trip is one vehicle's journey: depart at DepartS (s since the start)
// from FromPosM metres along edge From, arrive at ToPosM along edge To.
type Trip struct {
	ID       string
	DepartS  float64
	From, To int32
	FromPosM float64
	ToPosM   float64
}

// vehicle states
const (
	statePending uint8 = iota // not yet departed
	stateWaiting              // due, waiting for room to enter its first edge
	stateRunning
	stateArrived
	stateNoRoute // no route between its edges: counted, never driven
)

// Traffic is the traffic model: the network, the vehicles and their
// state. Use New, add trips with AddTrip, then call Step repeatedly (or
// Run). Not safe for concurrent use.
type Traffic struct {
	cfg    Config
	net    *Network
	router Router
	src    *rand.PCG // rng's source, saved by checkpoints
	rng    *rand.Rand

	step   int64   // steps done
	nowS   float64 // s since start
	v      vehicles
	lanes  [][]int32 // vehicles on each lane, front (largest position) first
	active []uint64  // bitset of lanes that may hold vehicles
	arena  []int32   // routes of all vehicles, back to back

	due      []int32 // vehicles by planned departure (sorted when the run starts)
	nextDue  int
	waitList []int32 // due vehicles waiting to enter, in order
	sorted   bool

	eta        []float64 // per edge: time until its first approaching vehicle reaches the junction, s
	foeLanes   []uint64  // bitset of the lanes of edges some vehicle gives way to
	doneUpTo   int       // vehicles below this index have all finished (Done)
	edgeBlock  []int64   // step at which an edge refused an insertion
	sig        signals
	closedEdge []bool
	closedLane []bool
	speed      []float64 // current speed limit per edge (what-ifs)
	actions    []whatIfAction
	nextAction int

	stats     edgeStats
	loops     []Loop
	loopOf    []int32 // per edge, index of its first loop or -1
	positions positionLog

	updates     int64 // vehicle updates done
	teleports   int64
	emergency   int64
	routeBuf    []int32
	weights     []float64
	weightsGen  uint64     // counts the router's weight changes (SetWeights)
	batch       routeBatch // routes computed ahead, on all cores
	lc          lanePhase  // the lane changes' chunks and workers
	stepUpdates int64      // vehicles moved in the last step (picks the lane-change workers)
	onArrive    func(veh int32, edge int32, travelS float64)
	lastReport  float64
}

// New makes a traffic model on a finished network. The router may be nil
// when every trip comes with its route (AddRoute). seed drives the speed
// factors and nothing else.
func New(net *Network, router Router, cfg Config, seed uint64) (*Traffic, error) {
	if net == nil || net.laneStart == nil {
		return nil, fmt.Errorf("%w: network not finished", ErrNetwork)
	}
	cfg.fill()
	src := rand.NewPCG(seed, 0x7472616666696321)
	t := &Traffic{cfg: cfg, net: net, router: router, src: src, rng: rand.New(src)}
	m := net.NumEdges()
	t.lanes = make([][]int32, net.NumLanes())
	t.active = make([]uint64, (net.NumLanes()+63)/64)
	t.eta = make([]float64, m)
	for e := range t.eta {
		t.eta[e] = math.Inf(1)
	}
	t.foeLanes = make([]uint64, len(t.active))
	for _, f := range net.foe {
		for l := net.laneStart[f]; l < net.laneStart[f+1]; l++ {
			t.foeLanes[l>>6] |= 1 << (uint(l) & 63)
		}
	}
	t.edgeBlock = make([]int64, m)
	for e := range t.edgeBlock {
		t.edgeBlock[e] = -1
	}
	t.closedEdge = make([]bool, m)
	t.closedLane = make([]bool, net.NumLanes())
	t.speed = append([]float64(nil), net.SpeedMps...)
	t.weights = make([]float64, m)
	t.sig.init(net, cfg.Signals)
	t.stats.init(m, cfg.EdgeIntervalS)
	t.loopOf = make([]int32, m)
	for e := range t.loopOf {
		t.loopOf[e] = -1
	}
	t.allocLanes()
	return t, nil
}

// allocLanes carves every lane's vehicle list out of one backing array,
// with room for the vehicles that fit standing, so that the step loop
// does not allocate.
func (t *Traffic) allocLanes() {
	per := t.cfg.IDM.LengthM + t.cfg.IDM.S0*0.5
	caps := make([]int, len(t.lanes))
	total := 0
	for l := range t.lanes {
		c := int(t.net.LengthM[t.net.laneEdge[l]]/per) + 4
		caps[l] = c
		total += c
	}
	backing := make([]int32, total)
	off := 0
	for l := range t.lanes {
		t.lanes[l] = backing[off : off : off+caps[l]]
		off += caps[l]
	}
}

// ErrTrip is returned for a trip the model cannot take.
var ErrTrip = errors.New("traffic: bad trip")

// AddTrip adds a vehicle for trip tr and returns its index. The route is
// found when the vehicle departs.
func (t *Traffic) AddTrip(tr Trip) (int32, error) {
	m := int32(t.net.NumEdges())
	if tr.From < 0 || tr.From >= m || tr.To < 0 || tr.To >= m {
		return -1, fmt.Errorf("%w: %s: edge out of range", ErrTrip, tr.ID)
	}
	if math.IsNaN(tr.DepartS) || math.IsInf(tr.DepartS, 0) || tr.DepartS < 0 {
		return -1, fmt.Errorf("%w: %s: departure time %g", ErrTrip, tr.ID, tr.DepartS)
	}
	if t.cfg.MaxVehicles > 0 && t.v.n() >= t.cfg.MaxVehicles {
		return -1, fmt.Errorf("%w: more than %d vehicles", ErrTrip, t.cfg.MaxVehicles)
	}
	if tr.DepartS < t.nowS {
		tr.DepartS = t.nowS
	}
	tr.FromPosM = clamp(tr.FromPosM, 0, t.net.LengthM[tr.From])
	tr.ToPosM = clamp(tr.ToPosM, 0, t.net.LengthM[tr.To])
	if tr.From == tr.To && tr.ToPosM <= tr.FromPosM {
		tr.ToPosM = t.net.LengthM[tr.To] // a trip backwards along one edge ends at its end
	}
	f := 1 + t.cfg.SpeedFactorSD*t.rng.NormFloat64()
	f = clamp(f, 1-2*t.cfg.SpeedFactorSD, 1+2*t.cfg.SpeedFactorSD)
	i := t.v.add(tr, f, t.cfg.IDM.LengthM)
	t.due = append(t.due, i)
	t.sorted = false
	return i, nil
}

// Now is the simulated time, s since the start.
func (t *Traffic) Now() float64 { return t.nowS }

// Network is the network the model runs on.
func (t *Traffic) Network() *Network { return t.net }

// OnArrive sets a function called when a vehicle reaches its destination
// (vehicle index, destination edge, travel time in s). Used by the engine
// adapter to hand the vehicle to the parking model.
func (t *Traffic) OnArrive(f func(veh int32, edge int32, travelS float64)) { t.onArrive = f }

// Run steps the model until time untilS (s).
func (t *Traffic) Run(untilS float64) {
	for t.nowS+t.cfg.StepS/2 < untilS {
		t.Step()
	}
}

// Done reports whether every vehicle has arrived or failed to route.
func (t *Traffic) Done() bool {
	// a finished vehicle never runs again, so the scan resumes where the
	// last one stopped
	for ; t.doneUpTo < len(t.v.h); t.doneUpTo++ {
		if s := t.v.h[t.doneUpTo].state; s != stateArrived && s != stateNoRoute {
			return false
		}
	}
	return true
}

func clamp(x, lo, hi float64) float64 {
	if x < lo {
		return lo
	}
	if x > hi {
		return hi
	}
	return x
}
