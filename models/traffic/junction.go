package traffic

import "math"

// Junction geometry and right of way, derived once when a Network is
// finished.

const (
	signalMoveM   = 30.0        // a signal this close to a junction controls the junction, m
	groupTolRad   = math.Pi / 4 // edges within 45° of a group's axis join the group
	straightRad   = math.Pi / 6 // turns below 30° count as straight on
	latAccel      = 5.5         // lateral acceleration in a turn, m/s² (SUMO netconvert default)
	rightRadiusM  = 7.0         // radius of a 90° right turn, m
	leftRadiusM   = 14.0        // radius of a 90° left turn, m
	uTurnRadiusM  = 4.0         // radius of a U-turn, m
	rightSideLoRd = math.Pi / 4 // a foe whose heading is turned 45°..135° left of ours comes from the right
	rightSideHiRd = 3 * math.Pi / 4
)

// placeSignals keeps the signals that control a junction. OSM often maps
// traffic_signals on each approach a few metres before the junction node;
// such a signal on a node with fewer than three legs moves to the junction
// within 30 m of it. A signal far from any junction (a pedestrian crossing)
// is dropped, because pedestrians are not modelled (as netconvert's
// --tls.guess-signals --tls.discard-simple do for SUMO).
func (n *Network) placeSignals() {
	orig := append([]bool(nil), n.Signal...)
	for v := range n.Signal {
		n.Signal[v] = false
	}
	for v := int32(0); int(v) < len(orig); v++ {
		if !orig[v] {
			continue
		}
		if n.legs(v) >= 3 {
			n.Signal[v] = true
			continue
		}
		for _, e := range n.Out(v) {
			if n.LengthM[e] <= signalMoveM && n.legs(n.To[e]) >= 3 {
				n.Signal[n.To[e]] = true
			}
		}
	}
}

// joinM is the longest edge between two junctions (or signals) that
// joins them into one controlled intersection, m. OSM draws a large
// intersection of dual carriageways as several nodes a few metres apart;
// netconvert joins them (--junctions.join, --tls.join) and so do we.
const joinM = 25.0

// maxGroups caps the approach groups of one controller.
const maxGroups = 4

// buildControllers joins signalised nodes with the junctions and signals
// within joinM of them into one controller (one intersection with one
// plan). Its entry edges (from outside the cluster) are split into
// approach groups: edges entering from the same or the opposite direction
// (within 45°) share a group and get green together. Edges inside the
// cluster are not stopped again, and nobody yields inside it.
func (n *Network) buildControllers() {
	nodes := len(n.NodeXY)
	parent := make([]int32, nodes)
	for v := range parent {
		parent[v] = int32(v)
	}
	var find func(int32) int32
	find = func(v int32) int32 {
		for parent[v] != v {
			parent[v] = parent[parent[v]]
			v = parent[v]
		}
		return v
	}
	joinable := func(v int32) bool { return n.Signal[v] || n.legs(v) >= 3 }
	n.inBox = make([]bool, len(n.From))
	for e := range n.From {
		a, b := n.From[e], n.To[e]
		if n.LengthM[e] <= joinM && a != b && joinable(a) && joinable(b) {
			n.inBox[e] = true
			ra, rb := find(a), find(b)
			if ra < rb {
				parent[rb] = ra
			} else if rb < ra {
				parent[ra] = rb
			}
		}
	}
	signalRoot := make([]bool, nodes)
	for v := int32(0); int(v) < nodes; v++ {
		if n.Signal[v] {
			signalRoot[find(v)] = true
		}
	}
	n.ctrl = make([]int32, nodes)
	rootCtrl := make([]int32, nodes)
	for v := range rootCtrl {
		rootCtrl[v] = -1
	}
	n.ctrlRep = n.ctrlRep[:0]
	for v := int32(0); int(v) < nodes; v++ {
		r := find(v)
		n.ctrl[v] = -1
		if !signalRoot[r] {
			continue
		}
		if rootCtrl[r] < 0 {
			rootCtrl[r] = int32(len(n.ctrlRep))
			n.ctrlRep = append(n.ctrlRep, r)
		}
		n.ctrl[v] = rootCtrl[r]
		n.Signal[v] = true
	}
	n.buildGroups()
}

// buildGroups assigns the entry edges of each controller to approach
// groups by their heading axis.
func (n *Network) buildGroups() {
	n.group = make([]int8, len(n.From))
	n.ctrlGroups = make([]int8, len(n.ctrlRep))
	axes := make([][]float64, len(n.ctrlRep))
	for e := range n.From {
		n.group[e] = -1
		c := n.ctrl[n.To[e]]
		if c < 0 || n.ctrl[n.From[e]] == c {
			continue
		}
		h := n.headIn[e]
		best, bestD := -1, math.Inf(1)
		for g, a := range axes[c] {
			if d := axisDiff(a, h); d < bestD {
				best, bestD = g, d
			}
		}
		if bestD > groupTolRad && len(axes[c]) < maxGroups {
			axes[c] = append(axes[c], h)
			best = len(axes[c]) - 1
		}
		n.group[e] = int8(best)
	}
	for c := range axes {
		n.ctrlGroups[c] = int8(len(axes[c]))
	}
}

// controlled reports whether a signal stops edge e at its end: e enters a
// controlled intersection from outside and the controller has at least
// two approach groups.
func (n *Network) controlled(e int32) bool {
	c := n.ctrl[n.To[e]]
	return c >= 0 && n.ctrl[n.From[e]] != c && n.ctrlGroups[c] >= 2
}

// axisDiff is the angle between two headings taken as undirected axes,
// rad in [0, π/2].
func axisDiff(a, b float64) float64 {
	d := math.Mod(math.Abs(a-b), math.Pi)
	return math.Min(d, math.Pi-d)
}

// normAngle maps an angle into (-π, π].
func normAngle(d float64) float64 {
	for d > math.Pi {
		d -= 2 * math.Pi
	}
	for d <= -math.Pi {
		d += 2 * math.Pi
	}
	return d
}

// buildFoes lists, for each edge entering an unsignalised junction, the
// edges whose vehicles it must give way to: those of a higher road class,
// and among equal classes those coming from the right.
func (n *Network) buildFoes() {
	m := len(n.From)
	n.foeStart = make([]int32, m+1)
	n.foe = n.foe[:0]
	n.foeLeft = n.foeLeft[:0]
	for e := int32(0); int(e) < m; e++ {
		v := n.To[e]
		if !n.Signal[v] && n.legs(v) >= 3 {
			for _, f := range n.In(v) {
				if f != e && n.From[f] != n.From[e] && n.yieldsTo(e, f) {
					n.foe = append(n.foe, f)
					d := normAngle(n.headIn[f] - n.headIn[e])
					n.foeLeft = append(n.foeLeft, d >= -rightSideHiRd && d <= -rightSideLoRd)
				}
			}
		}
		n.foeStart[e+1] = int32(len(n.foe))
	}
}

// yieldsTo reports whether a vehicle on e gives way to one on f at their
// common end node: a lower road class gives way to a higher one. Between
// equal classes it follows netconvert's choice for SUMO: where every
// approach is slower than 49 km/h and of one class the junction is
// right-before-left; otherwise the straightest pair of approaches of the
// highest class is the main road, the others give way to it, and among
// the others the one from the right goes first.
func (n *Network) yieldsTo(e, f int32) bool {
	if n.Rank[f] != n.Rank[e] {
		return n.Rank[f] > n.Rank[e]
	}
	if !n.rbl[n.To[e]] {
		if n.mainIn[e] {
			return false
		}
		if n.mainIn[f] {
			return true
		}
	}
	d := normAngle(n.headIn[f] - n.headIn[e])
	return d >= rightSideLoRd && d <= rightSideHiRd
}

// rblSpeedMps is the speed up to which a junction of equal roads is
// right-before-left (netconvert's junctions.right-before-left.speed-threshold, 49 km/h).
const rblSpeedMps = 49 / 3.6

// buildPriority marks the right-before-left junctions and the main-road
// approaches of the others.
func (n *Network) buildPriority() {
	n.rbl = make([]bool, len(n.NodeXY))
	n.mainIn = make([]bool, len(n.From))
	for v := int32(0); int(v) < len(n.NodeXY); v++ {
		in := n.In(v)
		if len(in) == 0 {
			continue
		}
		top, same, slow := n.Rank[in[0]], true, true
		for _, e := range in {
			top = max(top, n.Rank[e])
			same = same && n.Rank[e] == n.Rank[in[0]]
			slow = slow && n.SpeedMps[e] < rblSpeedMps
		}
		n.rbl[v] = same && slow
		n.markMainRoad(v, top)
	}
}

// markMainRoad marks the main road through node v: the straightest
// movement from an approach of the highest class (preferring an exit of
// that class), that approach, and the approach coming back from the exit
// (the other direction of the same road). A roundabout entry thus gives
// way to the circulating traffic, a side street to the through road.
func (n *Network) markMainRoad(v int32, top int8) {
	in := n.In(v)
	bestIn, bestOut, best := int32(-1), int32(-1), math.Inf(1)
	for _, e := range in {
		if n.Rank[e] != top {
			continue
		}
		if bestIn < 0 {
			bestIn = e
		}
		for _, o := range n.Out(v) {
			if n.To[o] == n.From[e] || !n.allowed(e, o) {
				continue
			}
			score := math.Abs(n.turnAngle(e, o))
			if n.Rank[o] < top {
				score += math.Pi
			}
			if score < best {
				bestIn, bestOut, best = e, o, score
			}
		}
	}
	if bestIn < 0 {
		return
	}
	n.mainIn[bestIn] = true
	if bestOut < 0 {
		return
	}
	for _, f := range in {
		if n.From[f] == n.To[bestOut] && n.Rank[f] == top {
			n.mainIn[f] = true
		}
	}
}

// foes returns the edges a vehicle on e gives way to at the end of e; a
// vehicle turning right gives way only to those from its left (foeLeft),
// whose stream it joins.
func (n *Network) foes(e int32) []int32 { return n.foe[n.foeStart[e]:n.foeStart[e+1]] }

// turnLanes is the range of lanes of e (0 = rightmost) that lead onto
// next: the rightmost lane for the rightmost of several turns, the
// leftmost for the leftmost, every lane for a straight-on movement.
func (n *Network) turnLanes(e, next int32) (lo, hi int8) {
	k := n.Lanes[e]
	if k <= 1 || next < 0 {
		return 0, k - 1
	}
	ang := n.turnAngle(e, next)
	if math.Abs(ang) < straightRad {
		return 0, k - 1
	}
	minA, maxA := math.Inf(1), math.Inf(-1)
	for _, o := range n.Out(n.To[e]) {
		if !n.allowed(e, o) {
			continue
		}
		a := n.turnAngle(e, o)
		minA = math.Min(minA, a)
		maxA = math.Max(maxA, a)
	}
	switch {
	case ang <= minA && ang < 0:
		return 0, 0
	case ang >= maxA && ang > 0:
		return k - 1, k - 1
	}
	return 0, k - 1
}

// turnSpeed is the highest speed for the turn from e onto next, m/s
// (+Inf for straight on): sqrt(lateral acceleration × radius), with the
// radius of a right, left or U-turn scaled by 90°/angle.
func (n *Network) turnSpeed(e, next int32) float64 {
	ang := n.turnAngle(e, next)
	th := math.Abs(ang)
	if th < straightRad {
		return math.Inf(1)
	}
	r := rightRadiusM
	switch {
	case th > 0.9*math.Pi:
		r = uTurnRadiusM
	case ang > 0:
		r = leftRadiusM
	}
	r *= (math.Pi / 2) / th
	return math.Sqrt(latAccel * r)
}
