package grid

import (
	"encoding/gob"
	"fmt"
	"io"

	"citytwin/engine/record"
)

// Recorder collects the results of time-series steps as long tables for
// engine/record: one row per step and bus, per step and in-service branch,
// and per step for the system. Appending amortises allocation; reuse a
// Recorder per run. Times are whole seconds since the run's start.
type Recorder struct{ r recorderRows }

// recorderRows holds the columns; exported fields so checkpoints can save
// them.
type recorderRows struct {
	BusTime, BusID []int64
	BusVm          []float64

	BrTime, BrIdx []int64
	BrLoading     []float64
	BrPf, BrQf    []float64

	SysTime                 []int64
	SysLoad, SysLoss, SysVm []float64
}

// Record appends the last step of g at time tS (s). Call it after a
// successful Step.
func (rec *Recorder) Record(g *Grid, tS int64) {
	r := &rec.r
	n := g.net
	vmin := 0.0
	for i, b := range g.work.Buses {
		if n.busType[i] == Isolated {
			continue
		}
		r.BusTime = append(r.BusTime, tS)
		r.BusID = append(r.BusID, int64(b.ID))
		r.BusVm = append(r.BusVm, g.Vm[i])
		if vmin == 0 || g.Vm[i] < vmin {
			vmin = g.Vm[i]
		}
	}
	for k := range g.work.Branches {
		if !n.inService[k] {
			continue
		}
		sf, _, _ := n.branchFlow(k, g.v)
		r.BrTime = append(r.BrTime, tS)
		r.BrIdx = append(r.BrIdx, int64(k+1))
		r.BrLoading = append(r.BrLoading, g.Loading[k])
		r.BrPf = append(r.BrPf, real(sf)*n.BaseMVA)
		r.BrQf = append(r.BrQf, imag(sf)*n.BaseMVA)
	}
	r.SysTime = append(r.SysTime, tS)
	r.SysLoad = append(r.SysLoad, g.LoadMW)
	r.SysLoss = append(r.SysLoss, g.LossMW)
	r.SysVm = append(r.SysVm, vmin)
}

// PeakLoadMW is the largest system load recorded, MW.
func (rec *Recorder) PeakLoadMW() float64 {
	peak := 0.0
	for _, mw := range rec.r.SysLoad {
		peak = max(peak, mw)
	}
	return peak
}

// Tables returns the recorded rows as the tables grid_bus_series (time_s,
// bus_id, vm in pu), grid_branch_series (time_s, idx, loading, pf_mw,
// qf_mvar; idx is the 1-based branch row, loading a fraction of rateA, 0
// when unrated) and grid_series (time_s, load and losses in MW, vmin in pu).
func (rec *Recorder) Tables() []*record.Table {
	r := &rec.r
	bus := record.NewTable("grid_bus_series")
	bus.Int("time_s", "s", r.BusTime)
	bus.Int("bus_id", "", r.BusID)
	bus.Float("vm", "pu", r.BusVm)
	br := record.NewTable("grid_branch_series")
	br.Int("time_s", "s", r.BrTime)
	br.Int("idx", "", r.BrIdx)
	br.Float("loading", "fraction of rating", r.BrLoading)
	br.Float("pf_mw", "MW", r.BrPf)
	br.Float("qf_mvar", "MVAr", r.BrQf)
	sys := record.NewTable("grid_series")
	sys.Int("time_s", "s", r.SysTime)
	sys.Float("load", "MW", r.SysLoad)
	sys.Float("losses", "MW", r.SysLoss)
	sys.Float("vmin", "pu", r.SysVm)
	return []*record.Table{bus, br, sys}
}

// SaveState writes the recorded rows (gob), for checkpoints.
func (rec *Recorder) SaveState(w io.Writer) error { return gob.NewEncoder(w).Encode(&rec.r) }

// LoadState restores what SaveState wrote.
func (rec *Recorder) LoadState(r io.Reader) error {
	var rows recorderRows
	if err := gob.NewDecoder(r).Decode(&rows); err != nil {
		return fmt.Errorf("grid: recorder state: %w", err)
	}
	rec.r = rows
	return nil
}
