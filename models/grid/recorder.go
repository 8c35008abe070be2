package grid

import "citytwin/engine/record"

// Recorder collects the results of time-series steps as long tables for
// engine/record: one row per step and bus, per step and in-service branch,
// and per step for the system. Appending amortises allocation; reuse a
// Recorder per run. Time is the engine's integer time (microseconds).
type Recorder struct {
	busTime, busID []int64
	busVm          []float64

	brTime, brIdx []int64
	brLoading     []float64
	brPf, brQf    []float64

	sysTime                 []int64
	sysLoad, sysLoss, sysVm []float64
}

// Record appends the last step of g at time t (µs). Call it after a
// successful Step.
func (r *Recorder) Record(g *Grid, t int64) {
	n := g.net
	vmin := 0.0
	for i, b := range g.work.Buses {
		if n.busType[i] == Isolated {
			continue
		}
		r.busTime = append(r.busTime, t)
		r.busID = append(r.busID, int64(b.ID))
		r.busVm = append(r.busVm, g.Vm[i])
		if vmin == 0 || g.Vm[i] < vmin {
			vmin = g.Vm[i]
		}
	}
	for k := range g.work.Branches {
		if !n.inService[k] {
			continue
		}
		sf, _, _ := n.branchFlow(k, g.v)
		r.brTime = append(r.brTime, t)
		r.brIdx = append(r.brIdx, int64(k+1))
		r.brLoading = append(r.brLoading, g.Loading[k])
		r.brPf = append(r.brPf, real(sf)*n.BaseMVA)
		r.brQf = append(r.brQf, imag(sf)*n.BaseMVA)
	}
	r.sysTime = append(r.sysTime, t)
	r.sysLoad = append(r.sysLoad, g.LoadMW)
	r.sysLoss = append(r.sysLoss, g.LossMW)
	r.sysVm = append(r.sysVm, vmin)
}

// Tables returns the recorded rows as the tables grid_bus (time_us,
// bus_id, vm_pu), grid_branch (time_us, idx, loading, pf_mw, qf_mvar; idx
// is the 1-based branch row, loading a fraction of rateA, 0 when unrated)
// and grid_system (time_us, load_mw, loss_mw, vmin_pu).
func (r *Recorder) Tables() []*record.Table {
	bus := record.NewTable("grid_bus")
	bus.Int("time_us", "us", r.busTime)
	bus.Int("bus_id", "", r.busID)
	bus.Float("vm_pu", "pu", r.busVm)
	br := record.NewTable("grid_branch")
	br.Int("time_us", "us", r.brTime)
	br.Int("idx", "", r.brIdx)
	br.Float("loading", "", r.brLoading)
	br.Float("pf_mw", "MW", r.brPf)
	br.Float("qf_mvar", "MVAr", r.brQf)
	sys := record.NewTable("grid_system")
	sys.Int("time_us", "us", r.sysTime)
	sys.Float("load_mw", "MW", r.sysLoad)
	sys.Float("loss_mw", "MW", r.sysLoss)
	sys.Float("vmin_pu", "pu", r.sysVm)
	return []*record.Table{bus, br, sys}
}
