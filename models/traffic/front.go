package traffic

import (
	"math"
	"math/bits"
	"slices"
)

// frontAccel is the acceleration of vehicle i, the front vehicle of its
// lane on edge e: free road, limited by the junction at the end of e (a
// red signal, a vehicle it gives way to, a closed edge), and by the last
// vehicle on the lane it will take on the next edge, looking ahead along
// the route over empty edges up to LookaheadM. blocked reports that it
// must not cross the stop line this step.
func (t *Traffic) frontAccel(i, e int32, v0 float64) (acc float64, blocked bool) {
	v := &t.v
	p := &t.cfg.IDM
	sp := v.h[i].speed
	d := t.net.LengthM[e] - v.h[i].pos
	acc = p.Accel(sp, v0, math.Inf(1), 0)
	k := v.h[i].rCur
	if k >= v.h[i].rEnd-1 {
		return acc, false
	}
	next := v.h[i].next
	if t.mustStop(i, e, next, d, sp) {
		return math.Min(acc, p.Accel(sp, v0, d, sp)), true
	}
	tl := t.pickLane(i, next, k+1, v.h[i].lane)
	if tl < 0 {
		return math.Min(acc, p.Accel(sp, v0, d, sp)), true
	}
	if s := t.lanes[tl]; len(s) > 0 {
		j := s[len(s)-1]
		jp, js := t.startState(j)
		return math.Min(acc, p.Accel(sp, v0, d+jp-v.h[j].length, sp-js)), false
	}
	return math.Min(acc, t.lookAhead(i, k+1, d+t.net.LengthM[next], v0)), false
}

// lookAhead limits the acceleration of vehicle i by what lies beyond the
// empty edge at route index k, whose end is dist metres ahead: a red
// signal or closed edge, or the last vehicle on the following edge.
func (t *Traffic) lookAhead(i, k int32, dist, v0 float64) float64 {
	v := &t.v
	p := &t.cfg.IDM
	sp := v.h[i].speed
	acc := math.Inf(1)
	for dist < t.cfg.LookaheadM && k < v.h[i].rEnd-1 {
		e, n := v.h[i].next, v.h[i].after // k is rCur+1 on the first pass
		if k != v.h[i].rCur+1 {
			e, n = t.arena[k], t.arena[k+1]
		}
		if t.closedEdge[n] || (t.sig.controls(e) && t.sig.state(e) != green && dist > sp*sp/(2*p.B)) {
			return p.Accel(sp, v0, dist, sp)
		}
		bestRoom, tail := math.Inf(-1), int32(-1)
		for l := t.net.laneStart[n]; l < t.net.laneStart[n+1]; l++ {
			if r := t.room(l); r > bestRoom && !t.closedLane[l] {
				bestRoom = r
				tail = -1
				if s := t.lanes[l]; len(s) > 0 {
					tail = s[len(s)-1]
				}
			}
		}
		if tail >= 0 {
			return p.Accel(sp, v0, dist+bestRoom, sp-v.h[tail].speed)
		}
		dist += t.net.LengthM[n]
		k++
	}
	return acc
}

// mustStop reports whether vehicle i, d metres before the end of edge e
// at speed sp, has to stop at the stop line before turning onto next: the
// next edge is closed, its signal shows red (or amber and it can stop
// comfortably), or it gives way to a conflicting vehicle.
func (t *Traffic) mustStop(i, e, next int32, d, sp float64) bool {
	p := &t.cfg.IDM
	if t.closedEdge[next] {
		return true
	}
	if t.sig.controls(e) {
		switch t.sig.state(e) {
		case green:
			return false
		case amber:
			return d > sp*sp/(2*p.B)
		default:
			return d > sp*sp/(2*p.MaxDec)
		}
	}
	if t.boxBlocked(i, next) {
		return true
	}
	foes := t.net.foes(e)
	if len(foes) == 0 {
		return false
	}
	if d > math.Max(t.cfg.yieldCheckMinM, sp*sp/(2*p.B)+10) {
		return false
	}
	if sp > 1 && d < sp*sp/(2*4.5) {
		return false // too close to stop: committed
	}
	my := etaAccel(d, sp, p.A)
	right := t.v.h[i].turnRight
	left := t.net.foeLeft[t.net.foeStart[e]:]
	for k, f := range foes {
		if right && !left[k] {
			continue
		}
		if ef := t.eta[f]; ef < my+t.cfg.CriticalGapS && ef > my-t.cfg.PassGapS {
			return true
		}
	}
	return false
}

// etaAccel is the time to cover d metres from speed v accelerating at a.
func etaAccel(d, v, a float64) float64 {
	return (math.Sqrt(v*v+2*a*d) - v) / a
}

// computeETA finds, for every edge some vehicle gives way to, when its
// first moving vehicle (faster than 1 m/s, not ending its trip there)
// reaches the junction, in s (+Inf when none). Only occupied lanes are
// visited, over chunks of edges on all cores (forChunks).
func (t *Traffic) computeETA() {
	for w, es := range t.lc.etaSet {
		for _, e := range es {
			t.eta[e] = math.Inf(1)
		}
		t.lc.etaSet[w] = es[:0]
	}
	t.forChunks(phaseETA)
}

// etaEdges returns the edges with a finite eta, in order (for
// checkpoints, whose bytes must not depend on the workers).
func (t *Traffic) etaEdges() []int32 {
	var es []int32
	for _, ws := range t.lc.etaSet {
		es = append(es, ws...)
	}
	slices.Sort(es)
	return es
}

// etaIn computes the arrival times of the edges whose lanes are
// [lo, hi), for worker w.
func (t *Traffic) etaIn(lo, hi int32, w int) {
	v := &t.v
	for wd := lo >> 6; wd <= (hi-1)>>6; wd++ {
		word := t.wordsIn(lo, hi, wd) & t.foeLanes[wd]
		for word != 0 {
			b := bits.TrailingZeros64(word)
			word &^= 1 << uint(b)
			l := wd<<6 + int32(b)
			e := t.net.laneEdge[l]
			s := t.lanes[l]
			if len(s) == 0 {
				continue
			}
			i := s[0]
			if v.h[i].speed < 1 || v.h[i].rCur >= v.h[i].rEnd-1 {
				continue
			}
			eta := (t.net.LengthM[e] - v.h[i].pos) / v.h[i].speed
			if math.IsInf(t.eta[e], 1) {
				t.lc.etaSet[w] = append(t.lc.etaSet[w], e)
			}
			t.eta[e] = math.Min(t.eta[e], eta)
		}
	}
}

// boxBlocked keeps junctions clear: a vehicle does not drive onto an edge
// inside an intersection (at most joinM between two junctions) when the edge after it
// on its route has no room for it, so that it would have to stop inside
// the intersection (SUMO's vehicles do the same at junctions).
func (t *Traffic) boxBlocked(i, next int32) bool {
	v := &t.v
	k := v.h[i].rCur + 2
	if !t.net.inBox[next] || k >= v.h[i].rEnd {
		return false
	}
	after := v.h[i].after
	need := v.h[i].length + t.cfg.IDM.S0
	for l := t.net.laneStart[after]; l < t.net.laneStart[after+1]; l++ {
		if !t.closedLane[l] && t.room(l) >= need {
			return false
		}
	}
	return true
}
