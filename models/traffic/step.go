package traffic

import (
	"math"
	"math/bits"
)

// Step advances the model by one time step of Config.StepS: signals,
// departures, lane changes, then car following and movement lane by lane
// (front vehicle first, each follower reacting to its leader's new state,
// as in SUMO's sequential update), arrivals and statistics. It does not
// allocate once the lanes and output buffers have warmed up.
func (t *Traffic) Step() {
	if !t.sorted {
		t.sortDue()
	}
	dt := t.cfg.StepS
	t.applyWhatIfs()
	t.sig.advance(t, dt)
	t.departDue()
	t.computeETA()
	if t.laneChangeDue() {
		t.changeLanes()
	}
	t.step++
	t.nowS = float64(t.step) * dt
	u0 := t.updates
	t.move(dt)
	t.stepUpdates = t.updates - u0
	t.stats.endStep(t)
	t.loopsEndStep()
	t.logPositions()
	if t.cfg.RerouteS > 0 && math.Mod(t.nowS+1e-9, t.cfg.RerouteS) < dt {
		t.reroute()
	}
}

func (t *Traffic) laneChangeDue() bool {
	k := int64(math.Round(t.cfg.LaneChangeS / t.cfg.StepS))
	return k <= 1 || t.step%k == 0
}

// move runs car following and movement over every lane that holds a
// vehicle, in lane order. Lanes are found through the bitset of occupied
// lanes, so empty roads cost nothing.
func (t *Traffic) move(dt float64) {
	for w := range t.active {
		word := t.active[w]
		for word != 0 {
			b := bits.TrailingZeros64(word)
			word &^= 1 << uint(b)
			l := int32(w<<6 + b)
			if len(t.lanes[l]) > 0 {
				t.moveLane(l, dt)
			}
			if len(t.lanes[l]) == 0 {
				t.active[w] &^= 1 << uint(b)
			}
		}
	}
}

// moveLane advances the vehicles of lane l, front first.
func (t *Traffic) moveLane(l int32, dt float64) {
	v := &t.v
	e := t.net.laneEdge[l]
	lenE := t.net.LengthM[e]
	limit := t.speed[e]
	p := &t.cfg.IDM
	queueM, halting := 0.0, true
	seen, speedSum := int32(0), 0.0
	for idx := 0; idx < len(t.lanes[l]); {
		i := t.lanes[l][idx]
		// h stays valid until the vehicle arrives (an arrival may add
		// vehicles to v.h and move it)
		h := &v.h[i]
		if h.stamp == t.step {
			halting = halting && h.speed < haltMps
			idx++
			continue
		}
		h.stamp = t.step
		t.updates++
		v0 := limit * h.factor
		sp := h.speed
		var acc float64
		blocked := false
		leader := int32(-1)
		if idx == 0 {
			if t.cfg.TeleportS > 0 && h.standS >= t.cfg.TeleportS {
				t.teleport(i, l)
				continue
			}
			acc, blocked = t.frontAccel(i, e, v0)
		} else {
			leader = t.lanes[l][idx-1]
			lh := &v.h[leader]
			lp, ls := lh.pos, lh.speed
			if lh.stamp == t.step {
				lp, ls = lh.pos-lh.lastDx, lh.lastSpeed // its state at the start of the step (startState)
			}
			acc = p.Accel(sp, v0, lp-lh.length-h.pos, sp-ls)
		}
		if tv := h.turnV; sp > tv && h.rCur < h.rEnd-1 {
			acc = math.Min(acc, p.Accel(sp, v0, lenE-h.pos+p.S0, sp-tv))
		}
		nv := sp + acc*dt
		var dx float64
		if nv < 0 {
			dx = -sp * sp / (2 * acc)
			nv = 0
		} else {
			dx = (sp + nv) / 2 * dt
		}
		old := h.pos
		np := old + dx
		if leader >= 0 {
			if maxP := v.h[leader].pos - v.h[leader].length - 0.01; np > maxP {
				np = math.Max(old, maxP)
				nv = math.Min(nv, v.h[leader].speed)
				t.emergency++
			}
		} else if blocked && np > lenE {
			np, nv = lenE, 0
		}
		h.account(np-old, nv, v0, dt)
		h.lastDx, h.lastSpeed = np-old, sp
		h.pos, h.speed = np, nv
		if t.loopOf[e] >= 0 {
			t.loopObserve(e, i, old, math.Min(np, lenE), nv, dt)
		}
		// the queue: halting vehicles from the stop line back, each within
		// a jam gap (10 m) of the one ahead
		if halting && nv < haltMps && lenE-np-queueM < queueGapM {
			queueM = lenE - np + h.length
		} else {
			halting = false
		}
		seen++
		speedSum += nv
		if h.rCur == h.rEnd-1 && np >= h.toPos {
			h.drivenM -= np - h.toPos
			t.removeAt(l, idx)
			t.arrive(i)
			continue
		}
		if np >= lenE && leader < 0 && h.rCur < h.rEnd-1 {
			if t.cross(i, l, e, np-lenE) {
				continue
			}
		}
		idx++
	}
	t.stats.count[e] += seen
	t.stats.speedSum[e] += speedSum
	t.stats.queue(e, queueM)
}

// startState is vehicle j's position and speed at the start of the
// current step: followers react to it (simultaneous update, the IDM's own
// integration scheme), while the no-overlap check uses its new position.
func (t *Traffic) startState(j int32) (pos, speed float64) {
	if t.v.h[j].stamp == t.step {
		return t.v.h[j].pos - t.v.h[j].lastDx, t.v.h[j].lastSpeed
	}
	return t.v.h[j].pos, t.v.h[j].speed
}

// haltMps is the speed below which a vehicle counts as halting in a queue
// (5 km/h, as SUMO's jam detectors).
const haltMps = 5 / 3.6

// queueGapM is the largest gap between two halting vehicles of one queue, m.
const queueGapM = 10.0

// account adds one step of a vehicle's movement to its trip totals.
func (h *vhot) account(dx, nv, v0, dt float64) {
	h.drivenM += dx
	h.lossS += dt - dx/v0
	h.lcWait += dt
	if nv < 0.1 {
		h.waitingS += dt
		h.standS += dt
	} else {
		h.standS = 0
	}
}

// removeAt removes the vehicle at index idx of lane l, keeping the order.
func (t *Traffic) removeAt(l int32, idx int) {
	s := t.lanes[l]
	copy(s[idx:], s[idx+1:])
	t.lanes[l] = s[:len(s)-1]
}

// insertAt puts vehicle i at index idx of lane l and marks the lane
// occupied.
func (t *Traffic) insertAt(l int32, idx int, i int32) {
	t.insertInto(l, idx, i)
	t.active[l>>6] |= 1 << (uint(l) & 63)
}

// insertInto puts vehicle i at index idx of lane l.
func (t *Traffic) insertInto(l int32, idx int, i int32) {
	s := append(t.lanes[l], 0)
	copy(s[idx+1:], s[idx:])
	s[idx] = i
	t.lanes[l] = s
}

// enterEdge puts vehicle i, route index k, at the back of lane tl of edge
// next at position pos, and sets up its turn at the end of that edge.
func (t *Traffic) enterEdge(i int32, k int32, next, tl int32, pos float64) {
	v := &t.v
	t.lanes[tl] = append(t.lanes[tl], i)
	t.active[tl>>6] |= 1 << (uint(tl) & 63)
	v.h[i].edge, v.h[i].lane, v.h[i].rCur, v.h[i].pos = next, tl, k, pos
	t.setTurn(i)
}

// setTurn caches the lanes and speed of vehicle i's next turn and the
// next two edges of its route (the arena is far larger than the caches,
// the vehicle's record is read anyway).
func (t *Traffic) setTurn(i int32) {
	v := &t.v
	e, k := v.h[i].edge, v.h[i].rCur
	t.setNext(i)
	if k < v.h[i].rEnd-1 {
		nx := t.arena[k+1]
		v.h[i].turnLo, v.h[i].turnHi = t.net.turnLanes(e, nx)
		v.h[i].turnV = t.net.turnSpeed(e, nx)
		v.h[i].turnRight = t.net.turnAngle(e, nx) < -straightRad
		v.h[i].nextLo, v.h[i].nextHi = 0, t.net.Lanes[nx]-1
		if k+1 < v.h[i].rEnd-1 {
			v.h[i].nextLo, v.h[i].nextHi = t.net.turnLanes(nx, t.arena[k+2])
		}
	} else {
		v.h[i].turnLo, v.h[i].turnHi = 0, t.net.Lanes[e]-1
		v.h[i].turnV = math.Inf(1)
		v.h[i].turnRight = false
	}
}

// setNext caches the next two edges of vehicle i's route.
func (t *Traffic) setNext(i int32) {
	h := &t.v.h[i]
	h.next, h.after = -1, -1
	if k := h.rCur; k >= 0 && k < h.rEnd-1 {
		h.next = t.arena[k+1]
		if k+2 < h.rEnd {
			h.after = t.arena[k+2]
		}
	}
}

// cross moves the front vehicle i of lane l (edge e) onto the next edge
// of its route with the overshoot over (m), if there is room. It reports
// whether the vehicle left lane l.
func (t *Traffic) cross(i, l, e int32, over float64) bool {
	v := &t.v
	k := v.h[i].rCur + 1
	next := v.h[i].next
	tl := t.pickLane(i, next, k, l)
	room := -1.0
	if tl >= 0 {
		room = t.room(tl)
	}
	if room <= 0 {
		v.h[i].pos, v.h[i].speed = t.net.LengthM[e], 0
		return false
	}
	over = math.Min(math.Min(over, room-0.01), t.net.LengthM[next])
	t.removeAt(l, 0)
	t.stats.exit(e)
	t.enterEdge(i, k, next, tl, over)
	if t.loopOf[next] >= 0 {
		t.loopObserve(next, i, 0, over, v.h[i].speed, 0)
	}
	if k == v.h[i].rEnd-1 && over >= v.h[i].toPos {
		v.h[i].drivenM -= over - v.h[i].toPos
		t.lanes[tl] = t.lanes[tl][:len(t.lanes[tl])-1]
		t.arrive(i)
	}
	return true
}

// room is the free length at the entry of lane l: the back of its last
// vehicle, or the lane length plus a margin when it is empty, m.
func (t *Traffic) room(l int32) float64 {
	s := t.lanes[l]
	if len(s) == 0 {
		return t.net.LengthM[t.net.laneEdge[l]] + 1e3
	}
	j := s[len(s)-1]
	return t.v.h[j].pos - t.v.h[j].length
}

// pickLane chooses the lane of edge next (route index k) for vehicle i:
// among the open lanes that lead into its following turn, the one with
// the most room, ties to the lane nearest its current side.
func (t *Traffic) pickLane(i, next, k, fromLane int32) int32 {
	lo, hi := int8(0), t.net.Lanes[next]-1
	if k == t.v.h[i].rCur+1 {
		lo, hi = t.v.h[i].nextLo, t.v.h[i].nextHi
	} else if k < t.v.h[i].rEnd-1 {
		lo, hi = t.net.turnLanes(next, t.arena[k+1])
	}
	base := t.net.laneStart[next]
	best, bestRoom := int32(-1), math.Inf(-1)
	for pass := 0; pass < 2 && best < 0; pass++ {
		for j := lo; j <= hi; j++ {
			l := base + int32(j)
			if t.closedLane[l] {
				continue
			}
			if r := t.room(l); r > bestRoom+0.5 {
				best, bestRoom = l, r
			}
		}
		lo, hi = 0, t.net.Lanes[next]-1
	}
	return best
}

// arrive ends vehicle i's trip now.
func (t *Traffic) arrive(i int32) {
	v := &t.v
	v.h[i].state = stateArrived
	v.arriveS[i] = t.nowS
	v.h[i].lane = -1
	if t.onArrive != nil {
		t.onArrive(i, v.h[i].edge, t.nowS-v.departS[i])
	}
}

// teleport moves the stuck front vehicle i of lane l forward along its
// route to the first edge with room for it (or to its destination), as
// SUMO does after its time-to-teleport, and counts it.
func (t *Traffic) teleport(i, l int32) {
	v := &t.v
	t.removeAt(l, 0)
	t.teleports++
	v.teleports[i]++
	v.h[i].standS = 0
	v.h[i].speed = 0
	skipped := t.net.LengthM[v.h[i].edge] - v.h[i].pos
	for k := v.h[i].rCur + 1; k < v.h[i].rEnd; k++ {
		n := t.arena[k]
		need := v.h[i].length + t.cfg.IDM.S0
		for j := t.net.laneStart[n]; j < t.net.laneStart[n+1]; j++ {
			if !t.closedLane[j] && t.room(j) >= need {
				pos := math.Min(v.h[i].length, t.net.LengthM[n])
				if k == v.h[i].rEnd-1 && pos >= v.h[i].toPos {
					break
				}
				v.h[i].drivenM += skipped + pos
				t.enterEdge(i, k, n, j, pos)
				v.h[i].stamp = t.step
				v.h[i].lastDx, v.h[i].lastSpeed = 0, 0
				return
			}
		}
		skipped += t.net.LengthM[n]
	}
	v.h[i].drivenM += skipped - t.net.LengthM[t.arena[v.h[i].rEnd-1]] + v.h[i].toPos
	v.h[i].edge = t.arena[v.h[i].rEnd-1]
	t.arrive(i)
}
