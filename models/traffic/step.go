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
	t.move(dt)
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
		if v.stamp[i] == t.step {
			halting = halting && v.speed[i] < haltMps
			idx++
			continue
		}
		v.stamp[i] = t.step
		t.updates++
		v0 := limit * v.factor[i]
		sp := v.speed[i]
		var acc float64
		blocked := false
		leader := int32(-1)
		if idx == 0 {
			if t.cfg.TeleportS > 0 && v.standS[i] >= t.cfg.TeleportS {
				t.teleport(i, l)
				continue
			}
			acc, blocked = t.frontAccel(i, e, v0)
		} else {
			leader = t.lanes[l][idx-1]
			lp, ls := t.startState(leader)
			acc = p.Accel(sp, v0, lp-v.length[leader]-v.pos[i], sp-ls)
		}
		if tv := v.turnV[i]; sp > tv && v.rCur[i] < v.rEnd[i]-1 {
			acc = math.Min(acc, p.Accel(sp, v0, lenE-v.pos[i]+p.S0, sp-tv))
		}
		nv := sp + acc*dt
		var dx float64
		if nv < 0 {
			dx = -sp * sp / (2 * acc)
			nv = 0
		} else {
			dx = (sp + nv) / 2 * dt
		}
		old := v.pos[i]
		np := old + dx
		if leader >= 0 {
			if maxP := v.pos[leader] - v.length[leader] - 0.01; np > maxP {
				np = math.Max(old, maxP)
				nv = math.Min(nv, v.speed[leader])
				t.emergency++
			}
		} else if blocked && np > lenE {
			np, nv = lenE, 0
		}
		t.account(i, np-old, nv, v0, dt)
		v.lastDx[i], v.lastSpeed[i] = np-old, sp
		v.pos[i], v.speed[i] = np, nv
		if t.loopOf[e] >= 0 {
			t.loopObserve(e, i, old, math.Min(np, lenE), nv, dt)
		}
		// the queue: halting vehicles from the stop line back, each within
		// a jam gap (10 m) of the one ahead
		if halting && nv < haltMps && lenE-np-queueM < queueGapM {
			queueM = lenE - np + v.length[i]
		} else {
			halting = false
		}
		seen++
		speedSum += nv
		if v.rCur[i] == v.rEnd[i]-1 && np >= v.toPos[i] {
			v.drivenM[i] -= np - v.toPos[i]
			t.removeAt(l, idx)
			t.arrive(i)
			continue
		}
		if np >= lenE && leader < 0 && v.rCur[i] < v.rEnd[i]-1 {
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
	if t.v.stamp[j] == t.step {
		return t.v.pos[j] - t.v.lastDx[j], t.v.lastSpeed[j]
	}
	return t.v.pos[j], t.v.speed[j]
}

// haltMps is the speed below which a vehicle counts as halting in a queue
// (5 km/h, as SUMO's jam detectors).
const haltMps = 5 / 3.6

// queueGapM is the largest gap between two halting vehicles of one queue, m.
const queueGapM = 10.0

// account adds one step of a vehicle's movement to its trip totals.
func (t *Traffic) account(i int32, dx, nv, v0, dt float64) {
	v := &t.v
	v.drivenM[i] += dx
	v.lossS[i] += dt - dx/v0
	v.lcWait[i] += dt
	if nv < 0.1 {
		v.waitingS[i] += dt
		v.standS[i] += dt
	} else {
		v.standS[i] = 0
	}
}

// removeAt removes the vehicle at index idx of lane l, keeping the order.
func (t *Traffic) removeAt(l int32, idx int) {
	s := t.lanes[l]
	copy(s[idx:], s[idx+1:])
	t.lanes[l] = s[:len(s)-1]
}

// insertAt puts vehicle i at index idx of lane l.
func (t *Traffic) insertAt(l int32, idx int, i int32) {
	s := append(t.lanes[l], 0)
	copy(s[idx+1:], s[idx:])
	s[idx] = i
	t.lanes[l] = s
	t.active[l>>6] |= 1 << (uint(l) & 63)
}

// enterEdge puts vehicle i, route index k, at the back of lane tl of edge
// next at position pos, and sets up its turn at the end of that edge.
func (t *Traffic) enterEdge(i int32, k int32, next, tl int32, pos float64) {
	v := &t.v
	t.lanes[tl] = append(t.lanes[tl], i)
	t.active[tl>>6] |= 1 << (uint(tl) & 63)
	v.edge[i], v.lane[i], v.rCur[i], v.pos[i] = next, tl, k, pos
	t.setTurn(i)
}

// setTurn caches the lanes and speed of vehicle i's next turn.
func (t *Traffic) setTurn(i int32) {
	v := &t.v
	e, k := v.edge[i], v.rCur[i]
	if k < v.rEnd[i]-1 {
		nx := t.arena[k+1]
		v.turnLo[i], v.turnHi[i] = t.net.turnLanes(e, nx)
		v.turnV[i] = t.net.turnSpeed(e, nx)
		v.turnRight[i] = t.net.turnAngle(e, nx) < -straightRad
		v.nextLo[i], v.nextHi[i] = 0, t.net.Lanes[nx]-1
		if k+1 < v.rEnd[i]-1 {
			v.nextLo[i], v.nextHi[i] = t.net.turnLanes(nx, t.arena[k+2])
		}
	} else {
		v.turnLo[i], v.turnHi[i] = 0, t.net.Lanes[e]-1
		v.turnV[i] = math.Inf(1)
		v.turnRight[i] = false
	}
}

// cross moves the front vehicle i of lane l (edge e) onto the next edge
// of its route with the overshoot over (m), if there is room. It reports
// whether the vehicle left lane l.
func (t *Traffic) cross(i, l, e int32, over float64) bool {
	v := &t.v
	k := v.rCur[i] + 1
	next := t.arena[k]
	tl := t.pickLane(i, next, k, l)
	room := -1.0
	if tl >= 0 {
		room = t.room(tl)
	}
	if room <= 0 {
		v.pos[i], v.speed[i] = t.net.LengthM[e], 0
		return false
	}
	over = math.Min(math.Min(over, room-0.01), t.net.LengthM[next])
	t.removeAt(l, 0)
	t.stats.exit(e)
	t.enterEdge(i, k, next, tl, over)
	if t.loopOf[next] >= 0 {
		t.loopObserve(next, i, 0, over, v.speed[i], 0)
	}
	if k == v.rEnd[i]-1 && over >= v.toPos[i] {
		v.drivenM[i] -= over - v.toPos[i]
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
	return t.v.pos[j] - t.v.length[j]
}

// pickLane chooses the lane of edge next (route index k) for vehicle i:
// among the open lanes that lead into its following turn, the one with
// the most room, ties to the lane nearest its current side.
func (t *Traffic) pickLane(i, next, k, fromLane int32) int32 {
	lo, hi := int8(0), t.net.Lanes[next]-1
	if k == t.v.rCur[i]+1 {
		lo, hi = t.v.nextLo[i], t.v.nextHi[i]
	} else if k < t.v.rEnd[i]-1 {
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
	v.state[i] = stateArrived
	v.arriveS[i] = t.nowS
	v.lane[i] = -1
	if t.onArrive != nil {
		t.onArrive(i, v.edge[i], t.nowS-v.departS[i])
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
	v.standS[i] = 0
	v.speed[i] = 0
	skipped := t.net.LengthM[v.edge[i]] - v.pos[i]
	for k := v.rCur[i] + 1; k < v.rEnd[i]; k++ {
		n := t.arena[k]
		need := v.length[i] + t.cfg.IDM.S0
		for j := t.net.laneStart[n]; j < t.net.laneStart[n+1]; j++ {
			if !t.closedLane[j] && t.room(j) >= need {
				pos := math.Min(v.length[i], t.net.LengthM[n])
				if k == v.rEnd[i]-1 && pos >= v.toPos[i] {
					break
				}
				v.drivenM[i] += skipped + pos
				t.enterEdge(i, k, n, j, pos)
				v.stamp[i] = t.step
				v.lastDx[i], v.lastSpeed[i] = 0, 0
				return
			}
		}
		skipped += t.net.LengthM[n]
	}
	v.drivenM[i] += skipped - t.net.LengthM[t.arena[v.rEnd[i]-1]] + v.toPos[i]
	v.edge[i] = t.arena[v.rEnd[i]-1]
	t.arrive(i)
}
