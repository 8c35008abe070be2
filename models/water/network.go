package water

// NodeType is the kind of a node.
type NodeType int8

// Node kinds. Junctions come first in Network.Nodes, then reservoirs and tanks
// in the order they appear in the file (EPANET's own ordering).
const (
	Junction NodeType = iota
	Reservoir
	Tank
)

// String is the EPANET spelling of the node type.
func (t NodeType) String() string {
	switch t {
	case Junction:
		return "JUNCTION"
	case Reservoir:
		return "RESERVOIR"
	case Tank:
		return "TANK"
	}
	return "UNKNOWN"
}

// LinkType is the kind of a link; the order is EPANET's (valves last).
type LinkType int8

// Link kinds.
const (
	CVPipe LinkType = iota // pipe with a check valve
	Pipe
	Pump
	PRV // pressure reducing valve
	PSV // pressure sustaining valve
	PBV // pressure breaker valve
	FCV // flow control valve
	TCV // throttle control valve
	GPV // general purpose valve
)

// String is the EPANET spelling of the link type.
func (t LinkType) String() string {
	return [...]string{"CVPIPE", "PIPE", "PUMP", "PRV", "PSV", "PBV", "FCV", "TCV", "GPV"}[t]
}

// IsValve reports whether t is one of the six valve types.
func (t LinkType) IsValve() bool { return t >= PRV }

// Status is a link's hydraulic status, with EPANET's values and order:
// everything at or below Closed is reported as CLOSED.
type Status int8

// Link status values.
const (
	XHead      Status = iota // pump cannot deliver head: closed
	TempClosed               // temporarily closed (full/empty tank)
	Closed
	Open
	Active    // control valve regulating
	XFlow     // pump exceeds its maximum flow
	XFCV      // FCV cannot deliver its flow
	XPressure // PRV/PSV cannot hold its pressure
)

// IsClosed reports whether s counts as closed.
func (s Status) IsClosed() bool { return s <= Closed }

// missing marks an absent setting (a valve fixed open or closed), as EPANET's MISSING.
const missing = -1.0e10

// Demand is one demand category at a junction.
type Demand struct {
	Base     float64 // base demand, cfs
	Pattern  int     // index into Network.Patterns (0 = constant 1)
	Category string
}

// Node is a junction, reservoir or tank; values are in internal units (ft, cfs).
type Node struct {
	ID       string
	Type     NodeType
	Elev     float64 // elevation, ft (for a reservoir: its head)
	Demands  []Demand
	Emitter  float64 // emitter head loss coefficient Ke: h = Ke q^Qexp (ft, cfs); 0 = none
	InitQual float64 // initial quality, user units
	Source   *Source
	Tank     int // index into Network.Tanks, -1 for junctions
	X, Y     float64
	HasXY    bool
}

// SourceType is how a water quality source injects.
type SourceType int8

// Source types (EPANET's CONCEN, MASS, SETPOINT, FLOWPACED).
const (
	SourceConcen SourceType = iota
	SourceMass
	SourceSetpoint
	SourceFlowPaced
)

// Source is a water quality source at a node.
type Source struct {
	Type     SourceType
	Strength float64 // concentration (user units), or mass rate per minute
	Pattern  int
}

// MixModel is a tank mixing model.
type MixModel int8

// Tank mixing models.
const (
	MixComplete MixModel = iota // MIXED
	Mix2Comp                    // 2COMP
	MixFIFO                     // FIFO
	MixLIFO                     // LIFO
)

// TankData holds the data of a tank or reservoir (Area == 0 for a reservoir).
type TankData struct {
	Node        int
	Area        float64 // cross-section area, ft²; 0 = reservoir
	H0          float64 // initial head, ft
	Hmin, Hmax  float64 // minimum and maximum head, ft
	Vmin, Vmax  float64 // volumes at Hmin and Hmax, ft³
	V0          float64 // initial volume, ft³
	HeadPattern int     // reservoir head pattern (0 = none)
	VolCurve    int     // volume curve index (0 = none)
	Overflow    bool
	Mix         MixModel
	MixFrac     float64 // mixing zone fraction for 2COMP
	Kb          float64 // bulk reaction coefficient, 1/s (missing = global)
}

// Link is a pipe, pump or valve; values are in internal units.
type Link struct {
	ID          string
	Type        LinkType
	N1, N2      int     // start and end node indexes
	Length      float64 // ft
	Diam        float64 // ft
	Kc          float64 // pipe roughness (DW: ft), or the initial setting of a pump/valve
	Km          float64 // minor loss coefficient on a flow basis: h = Km q² (ft, cfs)
	R           float64 // pipe resistance coefficient
	Status      Status  // initial status
	Kb, Kw      float64 // bulk (1/s) and wall (ft/s) reaction coefficients
	Vertices    [][2]float64
	MinorLossIn float64 // minor loss coefficient as given (V²/2g basis)
}

// PumpCurveType is how a pump's head curve is represented.
type PumpCurveType int8

// Pump curve kinds (EPANET's CONST_HP, POWER_FUNC, CUSTOM).
const (
	PumpConstHP PumpCurveType = iota
	PumpPowerFunc
	PumpCustom
	pumpNoCurve
)

// PumpData holds a pump's curve and energy data.
type PumpData struct {
	Link         int
	Curve        PumpCurveType
	HeadCurve    int     // curve index (custom or fitted)
	H0, R, N     float64 // head loss = H0 + R q^N (internal units), power functions
	Q0           float64 // initial flow, cfs
	Qmax, Hmax   float64 // flow and shutoff head limits, cfs and ft
	SpeedPattern int
	Power        float64 // constant power, hp (CONST_HP)
	EffCurve     int
	PricePattern int
	Price        float64
}

// ValveData ties a valve to its link.
type ValveData struct{ Link int }

// Curve is an x-y data curve, kept in the network's own units as EPANET does.
type Curve struct {
	ID   string
	Kind string // PUMP, EFFICIENCY, VOLUME, HEADLOSS or "" (from the comment)
	X, Y []float64
}

// Pattern is a time pattern of multipliers.
type Pattern struct {
	ID string
	F  []float64
}

// ControlType is the kind of a simple control.
type ControlType int8

// Simple control kinds.
const (
	LowLevel  ControlType = iota // node below a level
	HighLevel                    // node above a level
	Timer                        // at elapsed time
	TimeOfDay                    // at clock time
)

// Control is one line of [CONTROLS].
type Control struct {
	Link    int
	Type    ControlType
	Node    int     // -1 for time controls
	Grade   float64 // head threshold, ft
	Time    int64   // s
	Status  Status
	Setting float64 // internal units, or missing
}

// QualityType is what water quality is simulated.
type QualityType int8

// Quality analysis kinds.
const (
	QualNone QualityType = iota
	QualChem
	QualAge
	QualTrace
)

// DemandModel is demand-driven or pressure-driven analysis.
type DemandModel int8

// Demand models.
const (
	DDA DemandModel = iota
	PDA
)

// HeadlossFormula is the pipe friction formula.
type HeadlossFormula int8

// Friction formulas.
const (
	HazenWilliams HeadlossFormula = iota
	DarcyWeisbach
	ChezyManning
)

// Options holds [OPTIONS], [TIMES], [REACTIONS] and [ENERGY] values in
// internal units.
type Options struct {
	Units        Units
	Headloss     HeadlossFormula
	Hexp         float64 // friction flow exponent (1.852 HW, 2 DW/CM)
	Viscosity    float64 // ft²/s
	Diffusivity  float64 // ft²/s
	SpGrav       float64
	Trials       int
	Accuracy     float64
	HeadError    float64 // ft, 0 = unused
	FlowChange   float64 // cfs, 0 = unused
	ExtraIter    int     // -1 = stop when unbalanced
	CheckFreq    int
	MaxCheck     int
	DampLimit    float64
	Htol, Qtol   float64 // status-check tolerances, ft and cfs
	RQtol        float64 // smallest head loss gradient
	DemandMult   float64
	Qexp         float64 // emitter head loss exponent (1/emitter exponent)
	DemandModel  DemandModel
	Pmin, Preq   float64 // pressure-driven demand, ft
	Pexp         float64
	Quality      QualityType
	ChemName     string
	ChemUnits    string
	TraceNode    int
	Ctol         float64
	BulkOrder    float64
	WallOrder    float64
	TankOrder    float64
	Kbulk, Kwall float64 // global reaction coefficients, 1/s and ft/s
	Climit       float64
	Rfactor      float64
	EnergyEff    float64 // global pump efficiency, %
	EnergyPrice  float64
	PricePattern int
	DemandCharge float64
	DefPattern   int // default demand pattern

	Duration, HydStep, QualStep, RuleStep int64 // s
	PatternStep, PatternStart             int64
	ReportStep, ReportStart               int64
	StartClock                            int64
}

// Network is a water distribution network read from an .inp file. Node,
// link and pattern indexes are positions in the slices. A Network is not
// changed by simulation and may be shared by simulators.
type Network struct {
	Title    []string
	Nodes    []Node
	Links    []Link
	Tanks    []TankData
	Pumps    []PumpData
	Valves   []ValveData
	Patterns []Pattern // Patterns[0] is the constant pattern {1}
	Curves   []Curve   // Curves[0] is unused
	Controls []Control
	Rules    []Rule
	Options  Options
	NJuncs   int

	nodeIndex map[string]int
	linkIndex map[string]int
	pumpOf    []int // link index -> pump index or -1
	valveOf   []int // link index -> valve index or -1
}

// NodeIndex returns the index of the node with the given ID.
func (n *Network) NodeIndex(id string) (int, bool) {
	i, ok := n.nodeIndex[id]
	return i, ok
}

// LinkIndex returns the index of the link with the given ID.
func (n *Network) LinkIndex(id string) (int, bool) {
	i, ok := n.linkIndex[id]
	return i, ok
}

// PumpOf returns the pump index of link k, or -1.
func (n *Network) PumpOf(k int) int { return n.pumpOf[k] }
