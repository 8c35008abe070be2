package water

import (
	"encoding/gob"
	"fmt"
	"io"
)

// simState is what changes while a Simulator runs: enough to continue a
// run bit for bit in another process (checkpoint and restore). Static
// data (the network, the matrix pattern and its symbolic factorization)
// is rebuilt by NewSimulator from the same network.
type simState struct {
	Ke, Head, Demand, DemandFlow, EmitterFlow, Xflow, Flow []float64
	Status, OldStatus                                      []Status
	Setting, P, Y, TankV                                   []float64
	DemandMult, Dsystem                                    float64
	Htime, Rtime, Hydstep, StopAt, SolvedAt                int64
	Halted                                                 bool
	Iterations                                             int
	RelError                                               float64
	Warnings                                               []Warning
	Emitters                                               []int // SetEmitter may add junctions
	Qual                                                   *qualState
}

type qualState struct {
	Demand, NodeQual, SourceQual, TankC, LinkFlow []float64
	Dir                                           []int8
	Order, Indeg                                  []int
	SegV, SegC                                    []float64
	SegUp, SegDown, First, Last                   []int32
	Free                                          int32
}

// SaveState writes the simulator's changing state (gob).
func (s *Simulator) SaveState(w io.Writer) error {
	st := simState{Ke: s.ke, Head: s.head, Demand: s.demand, DemandFlow: s.demandFlow, EmitterFlow: s.emitterFlow,
		Xflow: s.xflow, Flow: s.flow, Status: s.status, OldStatus: s.oldStatus, Setting: s.setting, P: s.p, Y: s.y,
		TankV: s.tankV, DemandMult: s.demandMult, Dsystem: s.dsystem, Htime: s.htime, Rtime: s.rtime,
		Hydstep: s.hydstep, StopAt: s.stopAt, SolvedAt: s.solvedAt, Halted: s.halted, Iterations: s.Iterations,
		RelError: s.RelError, Warnings: s.Warnings, Emitters: s.emitters}
	if q := s.qual; q != nil {
		st.Qual = &qualState{Demand: q.demand, NodeQual: q.nodeQual, SourceQual: q.sourceQual, TankC: q.tankC,
			LinkFlow: q.linkFlow, Dir: q.dir, Order: q.order, Indeg: q.indeg, SegV: q.segV, SegC: q.segC,
			SegUp: q.segUp, SegDown: q.segDown, First: q.first, Last: q.last, Free: q.free}
	}
	return gob.NewEncoder(w).Encode(&st)
}

// LoadState restores a state written by SaveState into a simulator made
// by NewSimulator from the same network and options.
func (s *Simulator) LoadState(r io.Reader) error {
	var st simState
	if err := gob.NewDecoder(r).Decode(&st); err != nil {
		return fmt.Errorf("water: state: %w", err)
	}
	if len(st.Head) != len(s.head) || len(st.Flow) != len(s.flow) || len(st.TankV) != len(s.tankV) || (st.Qual == nil) != (s.qual == nil) {
		return fmt.Errorf("water: state of another network (%d nodes, %d links)", len(st.Head), len(st.Flow))
	}
	for _, c := range []struct{ dst, src []float64 }{{s.ke, st.Ke}, {s.head, st.Head}, {s.demand, st.Demand},
		{s.demandFlow, st.DemandFlow}, {s.emitterFlow, st.EmitterFlow}, {s.xflow, st.Xflow}, {s.flow, st.Flow},
		{s.setting, st.Setting}, {s.p, st.P}, {s.y, st.Y}, {s.tankV, st.TankV}} {
		if len(c.dst) != len(c.src) {
			return fmt.Errorf("water: state of another network")
		}
		copy(c.dst, c.src)
	}
	copy(s.status, st.Status)
	copy(s.oldStatus, st.OldStatus)
	s.demandMult, s.dsystem = st.DemandMult, st.Dsystem
	s.htime, s.rtime, s.hydstep, s.stopAt, s.solvedAt = st.Htime, st.Rtime, st.Hydstep, st.StopAt, st.SolvedAt
	s.halted, s.Iterations, s.RelError, s.Warnings = st.Halted, st.Iterations, st.RelError, st.Warnings
	s.emitters = append(s.emitters[:0], st.Emitters...)
	if q, qs := s.qual, st.Qual; q != nil {
		copy(q.demand, qs.Demand)
		copy(q.nodeQual, qs.NodeQual)
		copy(q.sourceQual, qs.SourceQual)
		copy(q.tankC, qs.TankC)
		copy(q.linkFlow, qs.LinkFlow)
		copy(q.dir, qs.Dir)
		q.order = append(q.order[:0], qs.Order...)
		copy(q.indeg, qs.Indeg)
		q.segV, q.segC = append(q.segV[:0], qs.SegV...), append(q.segC[:0], qs.SegC...)
		q.segUp, q.segDown = append(q.segUp[:0], qs.SegUp...), append(q.segDown[:0], qs.SegDown...)
		copy(q.first, qs.First)
		copy(q.last, qs.Last)
		q.free = qs.Free
	}
	return nil
}
