package traffic

import (
	"math"
	"slices"
)

// sortDue orders the vehicles not yet due by planned departure (then by
// index, so the order is deterministic).
func (t *Traffic) sortDue() {
	rest := t.due[t.nextDue:]
	slices.SortStableFunc(rest, func(a, b int32) int {
		da, db := t.v.plannedS[a], t.v.plannedS[b]
		switch {
		case da < db:
			return -1
		case da > db:
			return 1
		}
		return int(a - b)
	})
	t.sorted = true
}

// departDue routes the vehicles whose departure time has come and puts
// them, and those still waiting, on their first edge when there is room.
// Vehicles waiting for the same edge enter in order.
func (t *Traffic) departDue() {
	for t.nextDue < len(t.due) && t.v.plannedS[t.due[t.nextDue]] <= t.nowS+1e-9 {
		i := t.due[t.nextDue]
		t.nextDue++
		if t.v.h[i].state != statePending {
			continue
		}
		if !t.routeVehicle(i) {
			t.v.h[i].state = stateNoRoute
			continue
		}
		t.v.h[i].state = stateWaiting
		t.waitList = append(t.waitList, i)
	}
	keep := t.waitList[:0]
	for _, i := range t.waitList {
		e := t.v.from[i]
		if t.edgeBlock[e] == t.step || !t.insert(i) {
			t.edgeBlock[e] = t.step
			keep = append(keep, i)
		}
	}
	t.waitList = keep
}

// routeVehicle finds vehicle i's route (unless it has one) and appends it
// to the arena.
func (t *Traffic) routeVehicle(i int32) bool {
	v := &t.v
	if v.h[i].rCur >= 0 {
		return true
	}
	from, to := v.from[i], v.to[i]
	if from != to && t.router != nil {
		if route, found, batched := t.takeBatched(i); batched {
			if !found {
				return false
			}
			v.h[i].rCur = int32(len(t.arena))
			t.arena = append(t.arena, route...)
			v.h[i].rEnd = int32(len(t.arena))
			return true
		}
	}
	var ok bool
	if from == to {
		t.routeBuf, ok = append(t.routeBuf[:0], from), true
	} else if t.router != nil {
		t.routeBuf, ok = t.router.Route(from, to, t.routeBuf[:0])
	}
	if !ok || len(t.routeBuf) == 0 || t.routeBuf[0] != from || t.routeBuf[len(t.routeBuf)-1] != to {
		return false
	}
	v.h[i].rCur = int32(len(t.arena))
	t.arena = append(t.arena, t.routeBuf...)
	v.h[i].rEnd = int32(len(t.arena))
	return true
}

// SetRoute gives vehicle i, not yet departed, a fixed route (edges from
// its origin to its destination edge, both included) instead of asking
// the router. It reports false for a vehicle that has departed (its turn
// and next edges are set from its route as it goes) or a route that does
// not join its ends.
func (t *Traffic) SetRoute(i int32, route []int32) bool {
	v := &t.v
	if i < 0 || int(i) >= v.n() || v.h[i].state != statePending ||
		len(route) == 0 || route[0] != v.from[i] || route[len(route)-1] != v.to[i] {
		return false
	}
	for k := 1; k < len(route); k++ {
		if t.net.To[route[k-1]] != t.net.From[route[k]] {
			return false
		}
	}
	v.h[i].rCur = int32(len(t.arena))
	t.arena = append(t.arena, route...)
	v.h[i].rEnd = int32(len(t.arena))
	return true
}

// insert puts waiting vehicle i on its first edge at its departure
// position, at standstill, on the lane with room that leads into its first
// turn: the gap to the vehicle ahead must be at least s0 and the vehicle
// behind must be able to stop comfortably behind it.
func (t *Traffic) insert(i int32) bool {
	v := &t.v
	e := v.from[i]
	pos := math.Min(math.Max(v.fromPos[i], v.h[i].length), t.net.LengthM[e])
	v.h[i].edge = e
	t.setTurn(i)
	base := t.net.laneStart[e]
	for pass := 0; pass < 2; pass++ {
		lo, hi := v.h[i].turnLo, v.h[i].turnHi
		if pass == 1 {
			lo, hi = 0, t.net.Lanes[e]-1
		}
		for j := lo; j <= hi; j++ {
			l := base + int32(j)
			if t.closedLane[l] {
				continue
			}
			if idx, ok := t.fits(l, pos, v.h[i].length); ok {
				t.insertAt(l, idx, i)
				v.h[i].lane, v.h[i].pos, v.h[i].speed = l, pos, 0
				v.h[i].state = stateRunning
				v.departS[i] = t.nowS
				v.h[i].stamp = t.step
				v.h[i].lastDx, v.h[i].lastSpeed = 0, 0
				return true
			}
		}
	}
	return false
}

// fits finds where a standing vehicle of length length fits at pos on
// lane l and returns its index in the lane.
func (t *Traffic) fits(l int32, pos, length float64) (int, bool) {
	v := &t.v
	p := &t.cfg.IDM
	s := t.lanes[l]
	idx := 0
	for idx < len(s) && v.h[s[idx]].pos >= pos {
		idx++
	}
	if idx > 0 {
		a := s[idx-1]
		if v.h[a].pos-v.h[a].length-pos < p.S0 {
			return 0, false
		}
	}
	if idx < len(s) {
		b := s[idx]
		sp := v.h[b].speed
		if pos-length-v.h[b].pos < p.S0+sp*sp/(2*p.B) {
			return 0, false
		}
	}
	return idx, true
}
