package cvrp

import "math"

// circleSector is an arc of polar angles around the depot, in units of
// 2π/65536, from start to end counterclockwise (Vidal 2022, section 4).
type circleSector struct{ start, end int }

func posMod(i int) int { return (i%65536 + 65536) % 65536 }

// polarAngle returns the angle of p seen from the depot, 0..65535.
func polarAngle(depot, p [2]float64) int {
	return posMod(int(32768 * math.Atan2(p[1]-depot[1], p[0]-depot[0]) / math.Pi))
}

func (s *circleSector) enclosed(a int) bool { return posMod(a-s.start) <= posMod(s.end-s.start) }

// extend grows the sector by the smaller of the two arcs that reach a.
func (s *circleSector) extend(a int) {
	if s.enclosed(a) {
		return
	}
	if posMod(a-s.end) <= posMod(s.start-a) {
		s.end = a
	} else {
		s.start = a
	}
}

func overlap(a, b circleSector) bool {
	return posMod(b.start-a.start) <= posMod(a.end-a.start) || posMod(a.start-b.start) <= posMod(b.end-b.start)
}

// preprocessInsertions computes, for every customer of r1, the change of
// distance when removing it, and its three best insertion places in r2
// (cached until r2 changes).
func (ls *localSearch) preprocessInsertions(r1, r2 *lsRoute) {
	for u := r1.start.next; !u.isDepot; u = u.next {
		u.deltaRemoval = ls.d(u.prev.cour, u.next.cour) - ls.d(u.prev.cour, u.cour) - ls.d(u.cour, u.next.cour)
		ins := &ls.bestInsert[r2.index*ls.n1+u.cour]
		if r2.whenLastModified <= ins.when {
			continue
		}
		ins.reset()
		ins.when = ls.moves
		// Row u of the matrix and of its transpose, for cache-friendly access.
		from := ls.distT[u.cour*ls.n1 : (u.cour+1)*ls.n1] // from[v] = d(v, u)
		to := ls.dist[u.cour*ls.n1 : (u.cour+1)*ls.n1]    // to[w] = d(u, w)
		seq, seqDist := r2.seq, r2.seqDist[:len(r2.seq)]
		for k := 0; k+1 < len(seq); k++ {
			if c := from[seq[k]] + to[seq[k+1]] - seqDist[k]; c <= ins.cost[2] {
				ins.add(c, r2.seqNode[k])
			}
		}
	}
}

// cheapestInsertRemoving returns the cheapest place to insert u in v's
// route when v leaves it, and its cost.
func (ls *localSearch) cheapestInsertRemoving(u, v *lsNode) (*lsNode, float64) {
	ins := &ls.bestInsert[v.route.index*ls.n1+u.cour]
	var after *lsNode
	cost := math.Inf(1)
	for t := 0; t < 3; t++ {
		if a := ins.after[t]; a != nil && a != v && a.next != v {
			after, cost = a, ins.cost[t]
			break
		}
	}
	// In place of v.
	if c := ls.d(v.prev.cour, u.cour) + ls.d(u.cour, v.next.cour) - ls.d(v.prev.cour, v.next.cour); after == nil || c < cost {
		after, cost = v.prev, c
	}
	return after, cost
}

type swapStarMove struct {
	cost         float64
	u, v         *lsNode
	afterU       *lsNode // where u goes in v's route (nil: u stays)
	afterV       *lsNode
	relocateOnly bool
}

// swapStar exchanges a customer of routeU with one of routeV, each
// inserted at its best place in the other route rather than in the place
// of the other (Vidal 2022, section 4), or relocates one customer; it
// applies the best improving such move.
func (ls *localSearch) swapStar(ru, rv *lsRoute) bool {
	ls.preprocessInsertions(ru, rv)
	ls.preprocessInsertions(rv, ru)
	best := swapStarMove{cost: math.Inf(1)}
	for u := ru.start.next; !u.isDepot; u = u.next {
		du, su := ls.in.Demand[u.cour], ls.in.service(u.cour)
		for v := rv.start.next; !v.isDepot; v = v.next {
			dv, sv := ls.in.Demand[v.cour], ls.in.service(v.cour)
			penU := ls.penLoad(ru.load+dv-du) - ru.penalty
			penV := ls.penLoad(rv.load+du-dv) - rv.penalty
			if penU+u.deltaRemoval+penV+v.deltaRemoval > 0 {
				continue // even free insertions could not make it improve
			}
			afterV, extraV := ls.cheapestInsertRemoving(v, u)
			afterU, extraU := ls.cheapestInsertRemoving(u, v)
			cost := penU + u.deltaRemoval + extraV + penV + v.deltaRemoval + extraU +
				ls.penDuration(ru.duration+u.deltaRemoval+extraV+sv-su) +
				ls.penDuration(rv.duration+v.deltaRemoval+extraU-sv+su)
			if cost < best.cost {
				best = swapStarMove{cost: cost, u: u, v: v, afterU: afterU, afterV: afterV}
			}
		}
	}
	ls.bestRelocate(&best, ru, rv, false)
	ls.bestRelocate(&best, rv, ru, true)
	if best.cost > -epsilon {
		return false
	}
	if best.afterU != nil {
		insertNode(best.u, best.afterU)
	}
	if best.afterV != nil {
		insertNode(best.v, best.afterV)
	}
	ls.applied(ru, rv)
	return true
}

// bestRelocate considers moving one customer of from to its best place in
// to, which SWAP*'s preprocessing already knows.
func (ls *localSearch) bestRelocate(best *swapStarMove, from, to *lsRoute, reversed bool) {
	for u := from.start.next; !u.isDepot; u = u.next {
		ins := &ls.bestInsert[to.index*ls.n1+u.cour]
		q, s := ls.in.Demand[u.cour], ls.in.service(u.cour)
		cost := u.deltaRemoval + ins.cost[0] +
			ls.penLoad(from.load-q) - from.penalty + ls.penLoad(to.load+q) - to.penalty +
			ls.penDuration(from.duration+u.deltaRemoval-s) + ls.penDuration(to.duration+ins.cost[0]+s)
		if cost < best.cost {
			if reversed {
				*best = swapStarMove{cost: cost, v: u, afterV: ins.after[0]}
			} else {
				*best = swapStarMove{cost: cost, u: u, afterU: ins.after[0]}
			}
		}
	}
}
