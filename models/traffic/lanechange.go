package traffic

import (
	"math"
)

// keepRightBias is the MOBIL bias towards the right lane, m/s².
const keepRightBias = 0.2

// laneChoice returns the lane vehicle i (at index idx of lane l) changes
// to, or -1.
func (t *Traffic) laneChoice(i, l int32, idx int) int32 {
	v := &t.v
	e := t.net.laneEdge[l]
	li := int8(l - t.net.laneStart[e])
	want := int8(0)
	switch {
	case t.closedLane[l] && li > 0 && !t.closedLane[l-1]:
		want = -1
	case t.closedLane[l] && li < t.net.Lanes[e]-1:
		want = 1
	case li < v.h[i].turnLo:
		want = 1
	case li > v.h[i].turnHi:
		want = -1
	}
	if want != 0 {
		tl := l + int32(want)
		if _, ok := t.gain(i, l, idx, tl, true); ok {
			return tl
		}
		return -1
	}
	best, bestGain := int32(-1), t.cfg.LaneThreshold
	for _, d := range [2]int8{-1, 1} {
		tj := li + d
		if tj < v.h[i].turnLo || tj > v.h[i].turnHi || tj < 0 || tj >= t.net.Lanes[e] {
			continue
		}
		tl := l + int32(d)
		if t.closedLane[tl] {
			continue
		}
		g, ok := t.gain(i, l, idx, tl, false)
		if !ok {
			continue
		}
		if d < 0 {
			g += keepRightBias
		} else {
			g -= keepRightBias
		}
		if g > bestGain {
			best, bestGain = tl, g
		}
	}
	return best
}

// neighbours finds the vehicles ahead of and behind position pos on lane
// l (-1 when none) and the index at which a vehicle at pos would go.
func (t *Traffic) neighbours(l int32, pos float64) (ahead, behind int32, idx int) {
	s := t.lanes[l]
	for idx < len(s) && t.v.h[s[idx]].pos >= pos {
		idx++
	}
	ahead, behind = -1, -1
	if idx > 0 {
		ahead = s[idx-1]
	}
	if idx < len(s) {
		behind = s[idx]
	}
	return ahead, behind, idx
}

// accelBehind is the IDM acceleration of vehicle f following vehicle a
// (a = -1: free road).
func (t *Traffic) accelBehind(f, a int32) float64 {
	v := &t.v
	v0 := t.speed[v.h[f].edge] * v.h[f].factor
	if a < 0 {
		return t.cfg.IDM.Accel(v.h[f].speed, v0, math.Inf(1), 0)
	}
	return t.cfg.IDM.Accel(v.h[f].speed, v0, v.h[a].pos-v.h[a].length-v.h[f].pos, v.h[f].speed-v.h[a].speed)
}

// gain evaluates MOBIL for vehicle i moving from lane l (index idx) to
// lane tl: the incentive (own gain plus p times the followers' gains) and
// whether the change is safe. A mandatory change accepts harder braking
// of the new follower near the end of the edge.
func (t *Traffic) gain(i, l int32, idx int, tl int32, mandatory bool) (float64, bool) {
	v := &t.v
	a2, b2, _ := t.neighbours(tl, v.h[i].pos)
	if a2 >= 0 && v.h[a2].pos-v.h[a2].length-v.h[i].pos < 0.5 {
		return 0, false
	}
	if b2 >= 0 && v.h[i].pos-v.h[i].length-v.h[b2].pos < 0.5 {
		return 0, false
	}
	safe := t.cfg.SafeDecel
	if mandatory && t.net.LengthM[v.h[i].edge]-v.h[i].pos < 50 {
		safe = t.cfg.IDM.MaxDec * 0.8
	}
	var bNew float64
	if b2 >= 0 {
		bNew = t.accelBehind(b2, i)
		if bNew < -safe {
			return 0, false
		}
	}
	if mandatory {
		return 0, true
	}
	s := t.lanes[l]
	a1 := int32(-1)
	if idx > 0 {
		a1 = s[idx-1]
	}
	own := t.accelBehind(i, a2) - t.accelBehind(i, a1)
	others := 0.0
	if b2 >= 0 {
		others += bNew - t.accelBehind(b2, a2)
	}
	if idx+1 < len(s) {
		b1 := s[idx+1]
		others += t.accelBehind(b1, a1) - t.accelBehind(b1, i)
	}
	return own + t.cfg.Politeness*others, true
}

// doChange moves vehicle i from index idx of lane l to lane tl, for lane
// worker w: a lane not marked occupied is noted for changeLanes to mark.
func (t *Traffic) doChange(i, l int32, idx int, tl int32, w int) {
	t.removeAt(l, idx)
	_, _, at := t.neighbours(tl, t.v.h[i].pos)
	if t.active[tl>>6]&(1<<(uint(tl)&63)) == 0 {
		t.lc.activate[w] = append(t.lc.activate[w], tl)
	}
	t.insertInto(tl, at, i)
	t.v.h[i].lane = tl
	t.v.h[i].lcWait = 0
}
