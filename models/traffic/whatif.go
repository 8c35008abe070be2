package traffic

import (
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
)

// WhatIfKind is the kind of a planned change to the network.
type WhatIfKind uint8

// The what-if changes.
const (
	CloseEdge  WhatIfKind = iota + 1 // close Edge from AtS to UntilS
	CloseLane                        // close lane Lane (0 = rightmost) of Edge from AtS to UntilS
	SpeedLimit                       // set the speed limit of Edge to SpeedMps from AtS (to UntilS if > AtS)
	SignalPlan                       // give the signal at Node the plan Plan from AtS
)

// WhatIf is one planned change. UntilS <= AtS means "for the rest of the
// run".
type WhatIf struct {
	Kind     WhatIfKind
	AtS      float64
	UntilS   float64
	Edge     int32
	Lane     int8
	SpeedMps float64
	Node     int32
	Plan     Plan
}

type whatIfAction struct {
	at    float64
	w     WhatIf
	start bool
}

// Schedule plans a what-if change. It reports false for an edge, lane or
// node that does not exist.
func (t *Traffic) Schedule(w WhatIf) bool {
	n := t.net
	switch w.Kind {
	case CloseEdge, SpeedLimit:
		if w.Edge < 0 || int(w.Edge) >= n.NumEdges() || (w.Kind == SpeedLimit && !(w.SpeedMps > 0)) {
			return false
		}
	case CloseLane:
		if w.Edge < 0 || int(w.Edge) >= n.NumEdges() || w.Lane < 0 || w.Lane >= n.Lanes[w.Edge] {
			return false
		}
	case SignalPlan:
		if w.Node < 0 || int(w.Node) >= n.NumNodes() || t.net.ctrl[w.Node] < 0 {
			return false
		}
	default:
		return false
	}
	t.actions = append(t.actions, whatIfAction{at: w.AtS, w: w, start: true})
	if w.UntilS > w.AtS && w.Kind != SignalPlan {
		t.actions = append(t.actions, whatIfAction{at: w.UntilS, w: w})
	}
	slices.SortStableFunc(t.actions[t.nextAction:], func(a, b whatIfAction) int {
		switch {
		case a.at < b.at:
			return -1
		case a.at > b.at:
			return 1
		}
		return 0
	})
	return true
}

// applyWhatIfs carries out the changes that are due.
func (t *Traffic) applyWhatIfs() {
	changed := false
	for t.nextAction < len(t.actions) && t.actions[t.nextAction].at <= t.nowS+1e-9 {
		a := &t.actions[t.nextAction]
		t.nextAction++
		w := a.w
		switch w.Kind {
		case CloseEdge:
			t.closedEdge[w.Edge] = a.start
			changed = true
		case CloseLane:
			t.closedLane[t.net.laneStart[w.Edge]+int32(w.Lane)] = a.start
		case SpeedLimit:
			if a.start {
				t.speed[w.Edge] = w.SpeedMps
			} else {
				t.speed[w.Edge] = t.net.SpeedMps[w.Edge]
			}
		case SignalPlan:
			t.SetPlan(w.Node, w.Plan)
		}
	}
	if changed && t.router != nil {
		t.reroute()
	}
}

// reroute sets the router's weights to the current travel times (length
// over the smoothed mean speed seen in the last edge intervals, free-flow
// time where no vehicle was seen, effectively infinite on closed edges)
// and gives every running vehicle the fastest route from its current
// edge.
func (t *Traffic) reroute() {
	if t.router == nil {
		return
	}
	n := t.net
	for e := range t.weights {
		sp := t.speed[e]
		if m := t.stats.ema[e]; m > 0 {
			sp = math.Max(math.Min(m, sp), 1)
		}
		t.weights[e] = n.LengthM[e] / sp
		if t.closedEdge[e] {
			t.weights[e] = 1e7
		}
	}
	t.router.SetWeights(t.weights)
	t.weightsGen++
	v := &t.v
	for i := range v.h {
		if v.h[i].state != stateRunning && v.h[i].state != stateWaiting {
			continue
		}
		cur := v.h[i].edge
		if v.h[i].state == stateWaiting {
			cur = v.from[i]
		}
		var ok bool
		t.routeBuf, ok = t.router.Route(cur, v.to[i], t.routeBuf[:0])
		if !ok || len(t.routeBuf) == 0 || t.routeBuf[0] != cur || t.routeBuf[len(t.routeBuf)-1] != v.to[i] {
			continue
		}
		if slices.Equal(t.routeBuf, t.arena[v.h[i].rCur:v.h[i].rEnd]) {
			continue
		}
		v.h[i].rCur = int32(len(t.arena))
		t.arena = append(t.arena, t.routeBuf...)
		v.h[i].rEnd = int32(len(t.arena))
		if v.h[i].state == stateRunning {
			t.setTurn(int32(i))
		}
	}
}

// ScaleDemand returns the trips scaled by factor: each trip is kept
// floor(factor) times plus once more with probability frac(factor); the
// copies get the suffix "#k" and a departure shifted uniformly within
// ±jitterS (never before 0). The draws come from rng.
func ScaleDemand(trips []Trip, factor, jitterS float64, rng *rand.Rand) []Trip {
	if factor <= 0 {
		return nil
	}
	whole := int(math.Floor(factor))
	frac := factor - float64(whole)
	var out []Trip
	for _, tr := range trips {
		k := whole
		if rng.Float64() < frac {
			k++
		}
		for c := 0; c < k; c++ {
			cp := tr
			if c > 0 {
				cp.ID = tr.ID + "#" + strconv.Itoa(c)
				cp.DepartS = math.Max(0, tr.DepartS+(2*rng.Float64()-1)*jitterS)
			}
			out = append(out, cp)
		}
	}
	return out
}
