package grid

import (
	"encoding/gob"
	"fmt"
	"io"
)

// gridState is what changes while a Grid runs, for checkpoint and
// restore: loads, branch service, the last voltages (the warm start of the
// next step) and the accumulated KPIs. The network and solver are rebuilt
// from the case.
type gridState struct {
	InService             []bool
	BasePd, BaseQd, Scale []float64
	ExtraP, ExtraQ        []float64
	V                     []complex128
	Vm, Loading           []float64
	LossMW, LoadMW        float64
	KPI                   KPIs
	PivotVals             []float64 // Newton's last full factorization (see Newton.pivotVals)
}

// SaveState writes the grid's changing state (gob).
func (g *Grid) SaveState(w io.Writer) error {
	st := gridState{BasePd: g.basePd, BaseQd: g.baseQd, Scale: g.scale, ExtraP: g.extraP, ExtraQ: g.extraQ,
		V: g.v, Vm: g.Vm, Loading: g.Loading, LossMW: g.LossMW, LoadMW: g.LoadMW, KPI: g.KPI}
	for _, br := range g.work.Branches {
		st.InService = append(st.InService, br.InService)
	}
	if g.newton != nil && !g.dirty {
		st.PivotVals = g.newton.pivotVals
	}
	return gob.NewEncoder(w).Encode(&st)
}

// LoadState restores a state written by SaveState into a Grid made by
// NewGrid from the same case.
func (g *Grid) LoadState(r io.Reader) error {
	var st gridState
	if err := gob.NewDecoder(r).Decode(&st); err != nil {
		return fmt.Errorf("grid: state: %w", err)
	}
	if len(st.BasePd) != len(g.basePd) || len(st.InService) != len(g.work.Branches) || len(st.V) != len(g.v) {
		return fmt.Errorf("grid: state of another case (%d buses, %d branches)", len(st.BasePd), len(st.InService))
	}
	for k, on := range st.InService {
		if g.work.Branches[k].InService != on {
			g.work.Branches[k].InService = on
			g.dirty = true
		}
	}
	copy(g.basePd, st.BasePd)
	copy(g.baseQd, st.BaseQd)
	copy(g.scale, st.Scale)
	copy(g.extraP, st.ExtraP)
	copy(g.extraQ, st.ExtraQ)
	copy(g.v, st.V)
	copy(g.Vm, st.Vm)
	copy(g.Loading, st.Loading)
	g.LossMW, g.LoadMW, g.KPI = st.LossMW, st.LoadMW, st.KPI
	if g.dirty {
		if err := g.rebuild(); err != nil {
			return err
		}
	}
	if g.newton != nil {
		return g.newton.restorePivots(st.PivotVals)
	}
	return nil
}
