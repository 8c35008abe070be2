package water

import (
	"citytwin/models/internal/sparse"
)

// SimOptions adjusts a simulation without editing the network.
type SimOptions struct {
	// Duration overrides the network's duration when >= 0 (s); use
	// KeepDuration to keep the file's value.
	Duration int64
	// Quality disables water quality when false even if the network asks for it.
	Quality bool
}

// KeepDuration keeps the duration given in the .inp file.
const KeepDuration = -1

// DefaultSimOptions runs the network as its file says.
func DefaultSimOptions() SimOptions { return SimOptions{Duration: KeepDuration, Quality: true} }

// Simulator runs the hydraulics (and optionally the water quality) of a
// network over time. Its state is plain arrays indexed like Network.Nodes
// and Network.Links, in internal units; the getters convert to the
// network's units. A Simulator allocates nothing per step and is not safe
// for concurrent use.
type Simulator struct {
	net *Network
	opt Options // copy of the network's options, possibly overridden

	nn, nj, nl int
	// static link data, struct-of-arrays for the hot loops
	n1, n2  []int
	ltype   []LinkType
	r, km   []float64
	diam    []float64
	rough   []float64
	pumpIdx []int
	valves  []int // link indexes of valves
	elev    []float64

	emitters []int     // junctions that have or may get an emitter
	ke       []float64 // emitter coefficients (internal), adjustable

	// hydraulic state
	head        []float64 // ft
	demand      []float64 // junction: full demand before solve, actual outflow after; tank: net inflow (cfs)
	demandFlow  []float64 // junction demand flow (PDA); after solve, the full demand
	emitterFlow []float64
	xflow       []float64
	flow        []float64 // cfs
	status      []Status
	oldStatus   []Status
	setting     []float64
	p, y        []float64
	tankV       []float64 // tank volumes, ft³, by tank index

	// linear system
	a        *sparse.Matrix
	chol     *sparse.Cholesky
	slotDiag []int
	slotOff  []int
	slotOff2 []int
	f        []float64

	// solver parameters
	dw            bool
	hexp          float64
	rqtol         float64
	qexp          float64
	viscosity     float64
	relax         float64
	maxFlowChange float64

	demandMult float64 // run-time multiplier on top of the file's
	dsystem    float64

	// time, s
	htime, rtime int64
	hydstep      int64
	stopAt       int64 // an extra time the step must stop at (-1 none)
	halted       bool
	solvedAt     int64

	// diagnostics of the last solve
	Iterations int
	RelError   float64
	Warnings   []Warning

	ruleActs []ruleAct
	qual     *quality
}

// Warning is an EPANET-like warning raised during a solve.
type Warning struct {
	Time int64 // s
	Code int   // EPANET's warning code (1 unbalanced, 6 negative pressures, ...)
	Msg  string
}

// NewSimulator prepares a simulation of net. The network is not modified.
func NewSimulator(net *Network, so SimOptions) (*Simulator, error) {
	s := &Simulator{net: net, opt: net.Options, demandMult: 1, stopAt: -1}
	if so.Duration >= 0 {
		s.opt.Duration = so.Duration
		if so.Duration == 0 {
			s.opt.Quality = QualNone
		}
	}
	if !so.Quality {
		s.opt.Quality = QualNone
	}
	s.nn, s.nj, s.nl = len(net.Nodes), net.NJuncs, len(net.Links)
	s.allocate()
	if err := s.buildMatrix(); err != nil {
		return nil, err
	}
	if s.opt.Quality != QualNone {
		s.qual = newQuality(s)
	}
	return s, nil
}

func (s *Simulator) allocate() {
	net := s.net
	nn, nl := s.nn, s.nl
	s.n1, s.n2 = make([]int, nl), make([]int, nl)
	s.ltype = make([]LinkType, nl)
	s.r, s.km, s.diam, s.rough = make([]float64, nl), make([]float64, nl), make([]float64, nl), make([]float64, nl)
	s.pumpIdx = make([]int, nl)
	for k := range net.Links {
		l := &net.Links[k]
		s.n1[k], s.n2[k], s.ltype[k] = l.N1, l.N2, l.Type
		s.r[k], s.km[k], s.diam[k], s.rough[k] = l.R, l.Km, l.Diam, l.Kc
		s.pumpIdx[k] = net.pumpOf[k]
		if l.Type.IsValve() {
			s.valves = append(s.valves, k)
		}
	}
	s.elev = make([]float64, nn)
	s.ke = make([]float64, nn)
	for i := range net.Nodes {
		s.elev[i] = net.Nodes[i].Elev
		s.ke[i] = net.Nodes[i].Emitter
		if i < s.nj && s.ke[i] > 0 {
			s.emitters = append(s.emitters, i)
		}
	}
	s.head, s.demand, s.demandFlow = make([]float64, nn), make([]float64, nn), make([]float64, nn)
	s.emitterFlow, s.xflow = make([]float64, nn), make([]float64, nn)
	s.flow, s.setting, s.p, s.y = make([]float64, nl), make([]float64, nl), make([]float64, nl), make([]float64, nl)
	s.status, s.oldStatus = make([]Status, nl), make([]Status, nl)
	s.tankV = make([]float64, len(net.Tanks))
	s.f = make([]float64, s.nj)
	s.dw = s.opt.Headloss == DarcyWeisbach
	s.hexp = s.opt.Hexp
	s.rqtol = s.opt.RQtol
	s.qexp = s.opt.Qexp
	s.viscosity = s.opt.Viscosity
	s.ruleActs = make([]ruleAct, 0, 16)
}

// Network returns the simulated network.
func (s *Simulator) Network() *Network { return s.net }

// Time is the current simulation time, s.
func (s *Simulator) Time() int64 { return s.htime }

// Duration is the simulated duration, s.
func (s *Simulator) Duration() int64 { return s.opt.Duration }

// Done reports whether the simulation has passed its duration.
func (s *Simulator) Done() bool { return s.htime > s.opt.Duration }

// Init resets the simulation to time 0: initial tank levels, link status
// and settings, and initial flows (EPANET's inithyd).
func (s *Simulator) Init() {
	net := s.net
	for i := range net.Tanks {
		t := &net.Tanks[i]
		s.tankV[i] = t.V0
		s.head[t.Node] = t.H0
		s.demand[t.Node] = 0
	}
	for i := range s.emitterFlow {
		s.emitterFlow[i] = 0
		if i < s.nj && s.ke[i] > 0 {
			s.emitterFlow[i] = 1
		}
	}
	for k := range net.Links {
		l := &net.Links[k]
		s.status[k] = l.Status
		s.setting[k] = l.Kc
		if (l.Type == PRV || l.Type == PSV || l.Type == FCV) && l.Kc != missing {
			s.status[k] = Active
		}
		s.initLinkFlow(k)
		s.oldStatus[k] = s.status[k]
	}
	s.htime, s.hydstep, s.halted = 0, 0, false
	s.rtime = s.opt.ReportStep
	s.solvedAt = -1
	s.Warnings = s.Warnings[:0]
	if s.qual != nil {
		s.qual.init()
	}
}

func (s *Simulator) initLinkFlow(k int) {
	switch {
	case s.status[k] <= Closed:
		s.flow[k] = qZero
	case s.ltype[k] == Pump:
		s.flow[k] = s.setting[k] * s.net.Pumps[s.pumpIdx[k]].Q0
	default:
		d := s.diam[k]
		s.flow[k] = 3.14159265358979323846 * d * d / 4
	}
}

// qZero is the flow given to closed links, cfs (EPANET's QZERO).
const qZero = 1e-6
