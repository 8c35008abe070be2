package traffic

import (
	"bufio"
	"encoding/gob"
	"fmt"
	"io"
)

// state mirrors every field of Traffic that changes during a run, for
// checkpoint and restore (encoding/gob needs exported fields). Static
// data (the network, the configuration, the what-if plan, the loops'
// placement) is rebuilt by making the model again from the same inputs.
type state struct {
	RNG                       []byte
	Step                      int64
	NowS                      float64
	V                         vehState
	Lanes                     [][]int32
	Active                    []uint64
	Arena                     []int32
	Due                       []int32
	NextDue                   int
	WaitList                  []int32
	Sorted                    bool
	ETA                       []float64
	ETASet                    []int32
	EdgeBlock                 []int64
	SigPlan                   []Plan
	SigPhase                  []int8
	SigPart                   []light
	SigTimer                  []float64
	ClosedEdge, ClosedLane    []bool
	Speed                     []float64
	NextAction                int
	Stats                     statsState
	Loops                     []loopState
	Positions                 positionState
	Updates, Teleports, Emerg int64
	Weights                   []float64
	LastReport                float64
}

type vehState struct {
	ID                                                 []string
	State                                              []uint8
	Edge, Lane                                         []int32
	Pos, Speed, Length, Factor                         []float64
	RCur, REnd                                         []int32
	TurnLo, TurnHi                                     []int8
	TurnV                                              []float64
	TurnRight                                          []bool
	NextLo, NextHi                                     []int8
	Stamp                                              []int64
	From, To                                           []int32
	FromPos, ToPos, PlannedS, DepartS, ArriveS, StandS []float64
	WaitingS, LossS, DrivenM                           []float64
	Teleports                                          []int32
	LCWait, LastDx, LastSpeed                          []float64
}

type statsState struct {
	Steps                                                 int
	Start                                                 float64
	Exits, Count                                          []int32
	SpeedSum, QueueSum, QueueMax, StepQ                   []float64
	Touched                                               []int32
	T0, T1                                                []float64
	Edge                                                  []int64
	FlowVph, SpeedMps, DensityVpk, QueueM, QueueMaxM, EMA []float64
}

type loopState struct {
	Start, SpeedSum, OccS    float64
	Count                    int64
	T0, T1, SpeedRow, OccRow []float64
	CountRow                 []int64
}

type positionState struct {
	T, PosM, SpeedMps, X, Y []float64
	Veh, Edge               []int64
}

// SaveState writes the model's changing state (gob).
func (t *Traffic) SaveState(w io.Writer) error {
	rng, err := t.src.MarshalBinary()
	if err != nil {
		return err
	}
	v := &t.v
	st := state{RNG: rng, Step: t.step, NowS: t.nowS, Lanes: t.lanes, Active: t.active, Arena: t.arena, Due: t.due,
		NextDue: t.nextDue, WaitList: t.waitList, Sorted: t.sorted, ETA: t.eta, ETASet: t.etaEdges(), EdgeBlock: t.edgeBlock,
		SigPlan: t.sig.plan, SigPhase: t.sig.phase, SigPart: t.sig.part, SigTimer: t.sig.timer,
		ClosedEdge: t.closedEdge, ClosedLane: t.closedLane, Speed: t.speed, NextAction: t.nextAction,
		Updates: t.updates, Teleports: t.teleports, Emerg: t.emergency, Weights: t.weights, LastReport: t.lastReport,
		V: v.toState(),
		Stats: statsState{Steps: t.stats.steps, Start: t.stats.start, Exits: t.stats.exits, Count: t.stats.count,
			SpeedSum: t.stats.speedSum, QueueSum: t.stats.queueSum, QueueMax: t.stats.queueMax, StepQ: t.stats.stepQ,
			Touched: t.stats.touched, T0: t.stats.rows.t0, T1: t.stats.rows.t1, Edge: t.stats.rows.edge,
			FlowVph: t.stats.rows.flowVph, SpeedMps: t.stats.rows.speedMps, DensityVpk: t.stats.rows.densityVpk,
			QueueM: t.stats.rows.queueM, QueueMaxM: t.stats.rows.queueMaxM, EMA: t.stats.ema},
		Positions: positionState{T: t.positions.t, Veh: t.positions.veh, Edge: t.positions.edge, PosM: t.positions.posM,
			SpeedMps: t.positions.speedMps, X: t.positions.x, Y: t.positions.y},
	}
	for i := range t.loops {
		l := &t.loops[i]
		st.Loops = append(st.Loops, loopState{Start: l.start, SpeedSum: l.speedSum, OccS: l.occS, Count: l.count,
			T0: l.rows.t0, T1: l.rows.t1, SpeedRow: l.rows.speed, OccRow: l.rows.occ, CountRow: l.rows.count})
	}
	return gob.NewEncoder(w).Encode(&st)
}

// LoadState restores what SaveState wrote into a model made from the same
// network, configuration, trips, what-ifs and loops.
func (t *Traffic) LoadState(r io.Reader) error {
	var st state
	if err := gob.NewDecoder(r).Decode(&st); err != nil {
		return fmt.Errorf("traffic: state: %w", err)
	}
	if len(st.Lanes) != len(t.lanes) || len(st.ETA) != len(t.eta) || len(st.Loops) != len(t.loops) {
		return fmt.Errorf("traffic: state of another network (%d lanes, %d edges, %d loops)", len(st.Lanes), len(st.ETA), len(st.Loops))
	}
	if err := t.src.UnmarshalBinary(st.RNG); err != nil {
		return fmt.Errorf("traffic: state: %w", err)
	}
	t.step, t.nowS = st.Step, st.NowS
	for l, vs := range st.Lanes {
		t.lanes[l] = append(t.lanes[l][:0], vs...)
	}
	copy(t.active, st.Active)
	t.arena, t.due, t.nextDue, t.waitList, t.sorted = st.Arena, st.Due, st.NextDue, st.WaitList, st.Sorted
	copy(t.eta, st.ETA)
	for w := range t.lc.etaSet {
		t.lc.etaSet[w] = t.lc.etaSet[w][:0]
	}
	if len(t.lc.etaSet) == 0 {
		t.lc.etaSet = make([][]int32, 1)
	}
	t.lc.etaSet[0] = append(t.lc.etaSet[0], st.ETASet...)
	copy(t.edgeBlock, st.EdgeBlock)
	t.sig.plan, t.sig.phase, t.sig.part, t.sig.timer = st.SigPlan, st.SigPhase, st.SigPart, st.SigTimer
	copy(t.closedEdge, st.ClosedEdge)
	copy(t.closedLane, st.ClosedLane)
	copy(t.speed, st.Speed)
	t.nextAction = st.NextAction
	t.updates, t.teleports, t.emergency, t.lastReport = st.Updates, st.Teleports, st.Emerg, st.LastReport
	copy(t.weights, st.Weights)
	if t.router != nil && t.cfg.RerouteS > 0 {
		t.router.SetWeights(t.weights) // the router routes on the weights last set
	}
	t.weightsGen++
	x := st.V
	v, err := fromState(x)
	if err != nil {
		return err
	}
	t.v = v
	t.doneUpTo = 0
	for i := range t.v.h {
		t.setNext(int32(i)) // a cache of the arena, not in the checkpoint
	}
	s := &t.stats
	s.steps, s.start = st.Stats.Steps, st.Stats.Start
	copy(s.exits, st.Stats.Exits)
	copy(s.count, st.Stats.Count)
	copy(s.speedSum, st.Stats.SpeedSum)
	copy(s.queueSum, st.Stats.QueueSum)
	copy(s.queueMax, st.Stats.QueueMax)
	copy(s.stepQ, st.Stats.StepQ)
	s.touched = append(s.touched[:0], st.Stats.Touched...)
	s.rows = edgeRows{t0: st.Stats.T0, t1: st.Stats.T1, edge: st.Stats.Edge, flowVph: st.Stats.FlowVph,
		speedMps: st.Stats.SpeedMps, densityVpk: st.Stats.DensityVpk, queueM: st.Stats.QueueM, queueMaxM: st.Stats.QueueMaxM}
	copy(s.ema, st.Stats.EMA)
	for i, ls := range st.Loops {
		l := &t.loops[i]
		l.start, l.speedSum, l.occS, l.count = ls.Start, ls.SpeedSum, ls.OccS, ls.Count
		l.rows = loopRows{t0: ls.T0, t1: ls.T1, speed: ls.SpeedRow, occ: ls.OccRow, count: ls.CountRow}
	}
	p := st.Positions
	t.positions = positionLog{t: p.T, veh: p.Veh, edge: p.Edge, posM: p.PosM, speedMps: p.SpeedMps, x: p.X, y: p.Y}
	return nil
}

// SaveState writes the traffic state and the owners of injected vehicles.
func (m *Model) SaveState(w io.Writer) error {
	if err := m.T.SaveState(w); err != nil {
		return err
	}
	return gob.NewEncoder(w).Encode(m.owner)
}

// LoadState restores what SaveState wrote; Init must have run.
func (m *Model) LoadState(r io.Reader) error {
	br := bufio.NewReader(r) // one buffered reader for both gob streams
	if err := m.T.LoadState(br); err != nil {
		return err
	}
	m.owner = map[int32][2]int64{}
	if err := gob.NewDecoder(br).Decode(&m.owner); err != nil {
		return fmt.Errorf("traffic: state: %w", err)
	}
	return nil
}

// toState copies the vehicles into the checkpoint's arrays, one per field.
func (v *vehicles) toState() vehState {
	n := len(v.h)
	x := vehState{ID: v.id, From: v.from, To: v.to, FromPos: v.fromPos, PlannedS: v.plannedS, DepartS: v.departS,
		ArriveS: v.arriveS, Teleports: v.teleports,
		State: make([]uint8, n), Edge: make([]int32, n), Lane: make([]int32, n), Pos: make([]float64, n),
		Speed: make([]float64, n), Length: make([]float64, n), Factor: make([]float64, n), RCur: make([]int32, n),
		REnd: make([]int32, n), TurnLo: make([]int8, n), TurnHi: make([]int8, n), TurnV: make([]float64, n),
		TurnRight: make([]bool, n), NextLo: make([]int8, n), NextHi: make([]int8, n), Stamp: make([]int64, n),
		ToPos: make([]float64, n), StandS: make([]float64, n), WaitingS: make([]float64, n), LossS: make([]float64, n),
		DrivenM: make([]float64, n), LCWait: make([]float64, n), LastDx: make([]float64, n), LastSpeed: make([]float64, n)}
	for i := range v.h {
		h := &v.h[i]
		x.State[i], x.Edge[i], x.Lane[i], x.Pos[i], x.Speed[i] = h.state, h.edge, h.lane, h.pos, h.speed
		x.Length[i], x.Factor[i], x.RCur[i], x.REnd[i] = h.length, h.factor, h.rCur, h.rEnd
		x.TurnLo[i], x.TurnHi[i], x.TurnV[i], x.TurnRight[i] = h.turnLo, h.turnHi, h.turnV, h.turnRight
		x.NextLo[i], x.NextHi[i], x.Stamp[i], x.ToPos[i] = h.nextLo, h.nextHi, h.stamp, h.toPos
		x.StandS[i], x.WaitingS[i], x.LossS[i], x.DrivenM[i] = h.standS, h.waitingS, h.lossS, h.drivenM
		x.LCWait[i], x.LastDx[i], x.LastSpeed[i] = h.lcWait, h.lastDx, h.lastSpeed
	}
	return x
}

// fromState rebuilds the vehicles from a checkpoint's arrays; they must all
// have one entry per vehicle.
func fromState(x vehState) (vehicles, error) {
	n := len(x.State)
	for _, m := range []int{len(x.ID), len(x.Edge), len(x.Lane), len(x.Pos), len(x.Speed), len(x.Length),
		len(x.Factor), len(x.RCur), len(x.REnd), len(x.TurnLo), len(x.TurnHi), len(x.TurnV), len(x.TurnRight),
		len(x.NextLo), len(x.NextHi), len(x.Stamp), len(x.From), len(x.To), len(x.FromPos), len(x.ToPos),
		len(x.PlannedS), len(x.DepartS), len(x.ArriveS), len(x.StandS), len(x.WaitingS), len(x.LossS),
		len(x.DrivenM), len(x.Teleports), len(x.LCWait), len(x.LastDx), len(x.LastSpeed)} {
		if m != n {
			return vehicles{}, fmt.Errorf("traffic: state: vehicle arrays of %d and %d entries", n, m)
		}
	}
	v := vehicles{h: make([]vhot, n), id: x.ID, from: x.From, to: x.To, fromPos: x.FromPos, plannedS: x.PlannedS,
		departS: x.DepartS, arriveS: x.ArriveS, teleports: x.Teleports}
	for i := range v.h {
		v.h[i] = vhot{state: x.State[i], edge: x.Edge[i], lane: x.Lane[i], pos: x.Pos[i], speed: x.Speed[i],
			length: x.Length[i], factor: x.Factor[i], rCur: x.RCur[i], rEnd: x.REnd[i], turnLo: x.TurnLo[i],
			turnHi: x.TurnHi[i], turnV: x.TurnV[i], turnRight: x.TurnRight[i], nextLo: x.NextLo[i],
			nextHi: x.NextHi[i], stamp: x.Stamp[i], toPos: x.ToPos[i], standS: x.StandS[i], waitingS: x.WaitingS[i],
			lossS: x.LossS[i], drivenM: x.DrivenM[i], lcWait: x.LCWait[i], lastDx: x.LastDx[i], lastSpeed: x.LastSpeed[i]}
	}
	return v, nil
}
