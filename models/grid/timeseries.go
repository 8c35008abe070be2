package grid

import (
	"errors"
	"fmt"
	"math"
)

// Method selects the AC solver of a time series.
type Method int

// Solvers.
const (
	NewtonRaphson        Method = iota // general networks
	BackwardForwardSweep               // radial feeders without PV buses
)

// Limits are the operating limits checked at every step.
type Limits struct {
	VminPU, VmaxPU float64 // voltage band, pu; EN 50160: 0.9 to 1.1
	MaxLoading     float64 // largest branch loading as a fraction of rateA (1 = 100 %)
}

// EN50160 is the ±10 % voltage band of EN 50160 with branches loaded up to
// their rating.
var EN50160 = Limits{VminPU: 0.9, VmaxPU: 1.1, MaxLoading: 1}

// ErrUnknownBus is wrapped when a setter names a bus the case lacks.
var ErrUnknownBus = errors.New("grid: unknown bus")

// Grid runs a quasi-static time series over one network: at each step the
// loads (base load × per-bus scale + loads injected by other models) are
// set and the AC power flow is solved, warm-started from the previous
// step's voltages with the Jacobian pattern and symbolic factorization
// reused. Violations and KPIs accumulate over the steps. State is kept as
// plain per-bus and per-branch slices (struct of arrays). Step allocates
// nothing unless the topology changed. A Grid is not safe for concurrent
// use.
type Grid struct {
	base   *Case // the case as given; never modified
	work   *Case // the case with outages applied
	net    *Network
	method Method
	opt    Options
	limits Limits
	newton *Newton
	sweep  *Sweep
	dirty  bool // topology changed: rebuild before the next step

	// Per bus, MW and MVAr.
	basePd, baseQd []float64
	scale          []float64 // multiplies the base load
	extraP, extraQ []float64 // injected by other models (EV chargers, heat pumps, pumps; negative for PV)

	v, sbus []complex128

	// Per-step outputs.
	Vm      []float64 // voltage magnitude of the last step, pu
	Loading []float64 // branch loading of the last step: max(|Sf|, |St|)/rateA, 0 without rating
	LossMW  float64   // active losses of the last step, MW
	LoadMW  float64   // load served in the last step, MW

	KPI KPIs
}

// KPIs accumulate over the steps of a Grid.
type KPIs struct {
	Steps, Failed      int       // steps solved, steps whose power flow failed
	Hours              float64   // simulated time, h
	LossMWh            float64   // energy lost in branches
	ServedMWh          float64   // load energy of the converged steps
	UnservedMWh        float64   // load energy of failed steps
	PeakLoading        float64   // highest branch loading seen (fraction of rateA)
	PeakLoadingBranch  int       // 1-based branch row of PeakLoading, 0 when none
	VminPU             float64   // lowest voltage seen
	VminBus            int       // its bus number
	ViolationHours     float64   // hours with at least one violation
	LineOverloadHours  float64   // hours with at least one line above MaxLoading
	TrafoOverloadHours float64   // hours with at least one transformer (tap or phase shift) above MaxLoading
	VoltageHours       []float64 // per bus: hours outside the voltage band
	OverloadHours      []float64 // per branch: hours above MaxLoading (lines and transformers)
}

// NewGrid prepares a time series over c with the given solver and limits.
// Loads start at the case's Pd and Qd with scale 1; generators keep the
// case's Pg and Qg (opt.EnforceQLimits is not applied in time series). The
// first step starts from the case's voltages, or a flat start if
// opt.FlatStart.
func NewGrid(c *Case, method Method, limits Limits, opt Options) (*Grid, error) {
	nb, nl := len(c.Buses), len(c.Branches)
	g := &Grid{base: c, work: c.Clone(), method: method, opt: opt, limits: limits, dirty: true,
		basePd: make([]float64, nb), baseQd: make([]float64, nb), scale: make([]float64, nb),
		extraP: make([]float64, nb), extraQ: make([]float64, nb), sbus: make([]complex128, nb),
		Vm: make([]float64, nb), Loading: make([]float64, nl)}
	for i, b := range c.Buses {
		g.basePd[i], g.baseQd[i], g.scale[i] = b.Pd, b.Qd, 1
	}
	g.KPI = KPIs{VminPU: math.Inf(1), VoltageHours: make([]float64, nb), OverloadHours: make([]float64, nl)}
	if err := g.rebuild(); err != nil {
		return nil, err
	}
	return g, nil
}

// rebuild compiles the working case and its solver after a topology change,
// keeping the last voltages as the starting point.
func (g *Grid) rebuild() error {
	net, err := NewNetwork(g.work)
	if err != nil {
		return err
	}
	g.net, g.newton, g.sweep = net, nil, nil
	if g.method == BackwardForwardSweep {
		g.sweep, err = NewSweep(net)
	} else {
		g.newton, err = NewNewton(net)
	}
	if err != nil {
		return err
	}
	if g.v == nil {
		g.v = net.initialVoltage(g.opt.FlatStart)
	}
	g.dirty = false
	return nil
}

func (g *Grid) bus(id int) (int, error) {
	i, ok := g.net.Bus(id)
	if !ok {
		return 0, fmt.Errorf("%w %d", ErrUnknownBus, id)
	}
	return i, nil
}

// SetLoadScale multiplies the base load of bus id by factor (1 = the case's load).
func (g *Grid) SetLoadScale(id int, factor float64) error {
	i, err := g.bus(id)
	if err == nil {
		g.scale[i] = factor
	}
	return err
}

// ScaleAllLoads sets every bus's load scale to factor.
func (g *Grid) ScaleAllLoads(factor float64) {
	for i := range g.scale {
		g.scale[i] = factor
	}
}

// SetBaseLoad replaces the base load of bus id, MW and MVAr.
func (g *Grid) SetBaseLoad(id int, pMW, qMVAr float64) error {
	i, err := g.bus(id)
	if err == nil {
		g.basePd[i], g.baseQd[i] = pMW, qMVAr
	}
	return err
}

// SetExtraLoad sets the load that other models inject at bus id (EV
// charging, heat pumps, water pumps; negative for PV feed-in), MW and MVAr.
// It replaces the previous extra load of the bus.
func (g *Grid) SetExtraLoad(id int, pMW, qMVAr float64) error {
	i, err := g.bus(id)
	if err == nil {
		g.extraP[i], g.extraQ[i] = pMW, qMVAr
	}
	return err
}

// SetBranchInService switches branch row k (0-based) in or out of service:
// a line or transformer outage, or a switch. The network is rebuilt at the
// next step.
func (g *Grid) SetBranchInService(k int, on bool) error {
	if k < 0 || k >= len(g.work.Branches) {
		return fmt.Errorf("grid: branch %d out of range 1..%d", k+1, len(g.work.Branches))
	}
	if g.work.Branches[k].InService != on {
		g.work.Branches[k].InService = on
		g.dirty = true
	}
	return nil
}

// Network returns the network of the current topology.
func (g *Grid) Network() *Network { return g.net }

// Voltages returns the complex bus voltages of the last step (pu); the
// slice is the Grid's own and changes at the next step.
func (g *Grid) Voltages() []complex128 { return g.v }

// Step solves the power flow for the current loads and accounts for a
// period of hours. A failed power flow is counted (its load as unserved),
// the voltages are reset to the starting point, and the error is returned.
func (g *Grid) Step(hours float64) error {
	if g.dirty {
		if err := g.rebuild(); err != nil {
			return err
		}
	}
	load := g.fillSbus()
	var err error
	if g.newton != nil {
		_, _, err = g.newton.Solve(g.v, g.sbus, g.opt.tol(), g.opt.maxIter())
	} else {
		_, _, err = g.sweep.Solve(g.v, g.sbus, g.opt.tol(), 100*g.opt.maxIter())
	}
	g.KPI.Steps++
	g.KPI.Hours += hours
	if err != nil {
		g.KPI.Failed++
		g.KPI.UnservedMWh += load * hours
		copy(g.v, g.net.initialVoltage(g.opt.FlatStart))
		return err
	}
	g.LoadMW = load
	g.KPI.ServedMWh += load * hours
	g.account(hours)
	return nil
}

// fillSbus sets the bus injections from generation and the current loads
// and returns the total load, MW.
func (g *Grid) fillSbus() float64 {
	c, base := g.work, g.work.BaseMVA
	total := 0.0
	for i := range g.sbus {
		p := g.basePd[i]*g.scale[i] + g.extraP[i]
		q := g.baseQd[i]*g.scale[i] + g.extraQ[i]
		if g.net.busType[i] != Isolated {
			total += p
		}
		g.sbus[i] = complex(-p/base, -q/base)
	}
	for k, gen := range c.Gens {
		if g.net.genOn[k] {
			g.sbus[g.net.genBus[k]] += complex(gen.Pg/base, gen.Qg/base)
		}
	}
	return total
}

// account computes the step's voltages, loadings and losses and adds them
// to the KPIs.
func (g *Grid) account(hours float64) {
	n, k := g.net, &g.KPI
	violated := false
	for i, x := range g.v {
		vm := math.Sqrt(abs2(x))
		g.Vm[i] = vm
		if n.busType[i] == Isolated {
			continue
		}
		if vm < k.VminPU {
			k.VminPU, k.VminBus = vm, g.work.Buses[i].ID
		}
		if vm < g.limits.VminPU || vm > g.limits.VmaxPU {
			k.VoltageHours[i] += hours
			violated = true
		}
	}
	g.LossMW = 0
	lineOver, trafoOver := false, false
	for b := range g.Loading {
		g.Loading[b] = 0
		if !n.inService[b] {
			continue
		}
		sf, st, loss := n.branchFlow(b, g.v)
		g.LossMW += real(loss) * n.BaseMVA
		if rate := g.work.Branches[b].RateA; rate > 0 {
			g.Loading[b] = math.Sqrt(math.Max(abs2(sf), abs2(st))) * n.BaseMVA / rate
			if g.Loading[b] > k.PeakLoading {
				k.PeakLoading, k.PeakLoadingBranch = g.Loading[b], b+1
			}
			if g.Loading[b] > g.limits.MaxLoading {
				k.OverloadHours[b] += hours
				violated = true
				if g.work.Branches[b].IsTransformer() {
					trafoOver = true
				} else {
					lineOver = true
				}
			}
		}
	}
	k.LossMWh += g.LossMW * hours
	if lineOver {
		k.LineOverloadHours += hours
	}
	if trafoOver {
		k.TrafoOverloadHours += hours
	}
	if violated {
		k.ViolationHours += hours
	}
}
