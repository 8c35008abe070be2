package cvrp

// The route improvement moves of Vidal (2022), section 3.2, between U (with
// its successor X) and V (with its successor Y). Each returns true when it
// found and applied an improving move. Costs use directed arcs d(a, b)
// throughout, so that the moves are exact on asymmetric distances; moves 7
// and 8 reverse a segment and add the reversal's cost from cumRev.
//
// Between two routes the change of penalised load and duration excess is
// counted; within one route only the distance (a move within a route
// leaves the load unchanged and can only shorten the duration when it
// shortens the distance).

// interPenalty adds the change of both routes' penalties to the distance
// changes du and dv, given the new loads and durations. It reports false
// when the move cannot improve (a cheap bound first, Vidal 2022).
func (ls *localSearch) interPenalty(du, dv, loadU, durU, loadV, durV float64) (float64, bool) {
	if du+dv >= ls.routeU.penalty+ls.routeV.penalty {
		return 0, false
	}
	du += ls.penLoad(loadU) + ls.penDuration(durU) - ls.routeU.penalty
	dv += ls.penLoad(loadV) + ls.penDuration(durV) - ls.routeV.penalty
	return du + dv, true
}

// move1 relocates U after V.
func (ls *localSearch) move1() bool {
	if ls.u == ls.y {
		return false
	}
	du := ls.d(ls.pU, ls.x) - ls.d(ls.pU, ls.u) - ls.d(ls.u, ls.x)
	dv := ls.d(ls.v, ls.u) + ls.d(ls.u, ls.y) - ls.d(ls.v, ls.y)
	delta := du + dv
	if ls.routeU != ls.routeV {
		var ok bool
		delta, ok = ls.interPenalty(du, dv,
			ls.routeU.load-ls.loadU, ls.routeU.duration+du-ls.servU,
			ls.routeV.load+ls.loadU, ls.routeV.duration+dv+ls.servU)
		if !ok {
			return false
		}
	}
	if delta > -epsilon {
		return false
	}
	insertNode(ls.nodeU, ls.nodeV)
	ls.applied(ls.routeU, ls.routeV)
	return true
}

// move2 relocates the pair (U, X) after V.
func (ls *localSearch) move2() bool {
	if ls.u == ls.y || ls.v == ls.x || ls.nodeX.isDepot {
		return false
	}
	dux := ls.d(ls.u, ls.x)
	du := ls.d(ls.pU, ls.nX) - ls.d(ls.pU, ls.u) - ls.d(ls.x, ls.nX)
	dv := ls.d(ls.v, ls.u) + ls.d(ls.x, ls.y) - ls.d(ls.v, ls.y)
	delta := du + dv
	if ls.routeU != ls.routeV {
		var ok bool
		delta, ok = ls.interPenalty(du, dv,
			ls.routeU.load-ls.loadU-ls.loadX, ls.routeU.duration+du-dux-ls.servU-ls.servX,
			ls.routeV.load+ls.loadU+ls.loadX, ls.routeV.duration+dv+dux+ls.servU+ls.servX)
		if !ok {
			return false
		}
	}
	if delta > -epsilon {
		return false
	}
	insertNode(ls.nodeU, ls.nodeV)
	insertNode(ls.nodeX, ls.nodeU)
	ls.applied(ls.routeU, ls.routeV)
	return true
}

// move3 relocates the pair (U, X) after V as (X, U).
func (ls *localSearch) move3() bool {
	if ls.u == ls.y || ls.v == ls.x || ls.nodeX.isDepot {
		return false
	}
	du := ls.d(ls.pU, ls.nX) - ls.d(ls.pU, ls.u) - ls.d(ls.u, ls.x) - ls.d(ls.x, ls.nX)
	dv := ls.d(ls.v, ls.x) + ls.d(ls.x, ls.u) + ls.d(ls.u, ls.y) - ls.d(ls.v, ls.y)
	delta := du + dv
	if ls.routeU != ls.routeV {
		var ok bool
		delta, ok = ls.interPenalty(du, dv,
			ls.routeU.load-ls.loadU-ls.loadX, ls.routeU.duration+du-ls.servU-ls.servX,
			ls.routeV.load+ls.loadU+ls.loadX, ls.routeV.duration+dv+ls.servU+ls.servX)
		if !ok {
			return false
		}
	}
	if delta > -epsilon {
		return false
	}
	insertNode(ls.nodeX, ls.nodeV)
	insertNode(ls.nodeU, ls.nodeX)
	ls.applied(ls.routeU, ls.routeV)
	return true
}

// move4 swaps U and V.
func (ls *localSearch) move4() bool {
	if ls.nodeV.isDepot || ls.u == ls.pV || ls.u == ls.y {
		return false
	}
	du := ls.d(ls.pU, ls.v) + ls.d(ls.v, ls.x) - ls.d(ls.pU, ls.u) - ls.d(ls.u, ls.x)
	dv := ls.d(ls.pV, ls.u) + ls.d(ls.u, ls.y) - ls.d(ls.pV, ls.v) - ls.d(ls.v, ls.y)
	delta := du + dv
	if ls.routeU != ls.routeV {
		var ok bool
		delta, ok = ls.interPenalty(du, dv,
			ls.routeU.load+ls.loadV-ls.loadU, ls.routeU.duration+du+ls.servV-ls.servU,
			ls.routeV.load+ls.loadU-ls.loadV, ls.routeV.duration+dv-ls.servV+ls.servU)
		if !ok {
			return false
		}
	}
	if delta > -epsilon {
		return false
	}
	swapNode(ls.nodeU, ls.nodeV)
	ls.applied(ls.routeU, ls.routeV)
	return true
}

// move5 swaps the pair (U, X) with V.
func (ls *localSearch) move5() bool {
	if ls.nodeV.isDepot || ls.nodeX.isDepot || ls.u == ls.pV || ls.x == ls.pV || ls.u == ls.y {
		return false
	}
	dux := ls.d(ls.u, ls.x)
	du := ls.d(ls.pU, ls.v) + ls.d(ls.v, ls.nX) - ls.d(ls.pU, ls.u) - ls.d(ls.x, ls.nX)
	dv := ls.d(ls.pV, ls.u) + ls.d(ls.x, ls.y) - ls.d(ls.pV, ls.v) - ls.d(ls.v, ls.y)
	delta := du + dv
	if ls.routeU != ls.routeV {
		var ok bool
		delta, ok = ls.interPenalty(du, dv,
			ls.routeU.load+ls.loadV-ls.loadU-ls.loadX, ls.routeU.duration+du-dux+ls.servV-ls.servU-ls.servX,
			ls.routeV.load+ls.loadU+ls.loadX-ls.loadV, ls.routeV.duration+dv+dux-ls.servV+ls.servU+ls.servX)
		if !ok {
			return false
		}
	}
	if delta > -epsilon {
		return false
	}
	swapNode(ls.nodeU, ls.nodeV)
	insertNode(ls.nodeX, ls.nodeU)
	ls.applied(ls.routeU, ls.routeV)
	return true
}

// move6 swaps the pair (U, X) with the pair (V, Y).
func (ls *localSearch) move6() bool {
	if ls.nodeV.isDepot || ls.nodeX.isDepot || ls.nodeY.isDepot || ls.y == ls.pU || ls.u == ls.y || ls.x == ls.v || ls.v == ls.nX {
		return false
	}
	dux, dvy := ls.d(ls.u, ls.x), ls.d(ls.v, ls.y)
	du := ls.d(ls.pU, ls.v) + ls.d(ls.y, ls.nX) - ls.d(ls.pU, ls.u) - ls.d(ls.x, ls.nX)
	dv := ls.d(ls.pV, ls.u) + ls.d(ls.x, ls.nY) - ls.d(ls.pV, ls.v) - ls.d(ls.y, ls.nY)
	delta := du + dv
	if ls.routeU != ls.routeV {
		var ok bool
		delta, ok = ls.interPenalty(du, dv,
			ls.routeU.load+ls.loadV+ls.loadY-ls.loadU-ls.loadX, ls.routeU.duration+du-dux+dvy+ls.servV+ls.servY-ls.servU-ls.servX,
			ls.routeV.load+ls.loadU+ls.loadX-ls.loadV-ls.loadY, ls.routeV.duration+dv+dux-dvy+ls.servU+ls.servX-ls.servV-ls.servY)
		if !ok {
			return false
		}
	}
	if delta > -epsilon {
		return false
	}
	swapNode(ls.nodeU, ls.nodeV)
	swapNode(ls.nodeX, ls.nodeY)
	ls.applied(ls.routeU, ls.routeV)
	return true
}

// move7 is 2-opt within a route: (U,X),(V,Y) become (U,V),(X,Y) and the
// segment X..V is reversed.
func (ls *localSearch) move7() bool {
	if ls.nodeU.position > ls.nodeV.position || ls.nodeX == ls.nodeV {
		return false
	}
	delta := ls.d(ls.u, ls.v) + ls.d(ls.x, ls.y) - ls.d(ls.u, ls.x) - ls.d(ls.v, ls.y) + ls.nodeV.cumRev - ls.nodeX.cumRev
	if delta > -epsilon {
		return false
	}
	seg := ls.collect(ls.nodeX, ls.nodeV)
	ls.relinkReversed(ls.nodeU, seg, ls.nodeY)
	ls.applied(ls.routeU, ls.routeU)
	return true
}

// move8 is 2-opt* with reversal between two routes: (U,X),(V,Y) become
// (U,V),(X,Y); U's route continues with V's prefix reversed and V's route
// starts with U's suffix reversed.
func (ls *localSearch) move8() bool {
	u, v := ls.nodeU, ls.nodeV
	ru, rv := ls.routeU, ls.routeV
	revU := ru.reversal - ls.nodeX.cumRev // reversing X..end of U's route
	delta := ls.d(ls.u, ls.v) + ls.d(ls.x, ls.y) - ls.d(ls.u, ls.x) - ls.d(ls.v, ls.y) + v.cumRev + revU
	if delta >= ru.penalty+rv.penalty {
		return false
	}
	delta += ls.penLoad(u.cumLoad+v.cumLoad) + ls.penLoad(ru.load+rv.load-u.cumLoad-v.cumLoad) - ru.penalty - rv.penalty +
		ls.penDuration(u.cumTime+ls.d(ls.u, ls.v)+v.cumTime+v.cumRev) +
		ls.penDuration(ru.duration-u.cumTime-ls.d(ls.u, ls.x)+revU+ls.d(ls.x, ls.y)+rv.duration-v.cumTime-ls.d(ls.v, ls.y))
	if delta > -epsilon {
		return false
	}
	prefixV := ls.collect(rv.start.next, v)      // customers of V's route up to V
	suffixU := ls.collect(ls.nodeX, ru.end.prev) // customers of U's route from X
	yNode := ls.nodeY
	ls.relinkReversed(u, prefixV, ru.end)
	ls.relinkReversed(rv.start, suffixU, yNode)
	ls.applied(ru, rv)
	return true
}

// move9 is 2-opt* between two routes: (U,X),(V,Y) become (U,Y),(V,X),
// exchanging the routes' tails.
func (ls *localSearch) move9() bool {
	u, v := ls.nodeU, ls.nodeV
	ru, rv := ls.routeU, ls.routeV
	delta := ls.d(ls.u, ls.y) + ls.d(ls.v, ls.x) - ls.d(ls.u, ls.x) - ls.d(ls.v, ls.y)
	if delta >= ru.penalty+rv.penalty {
		return false
	}
	delta += ls.penLoad(u.cumLoad+rv.load-v.cumLoad) + ls.penLoad(v.cumLoad+ru.load-u.cumLoad) - ru.penalty - rv.penalty +
		ls.penDuration(u.cumTime+rv.duration-v.cumTime-ls.d(ls.v, ls.y)+ls.d(ls.u, ls.y)) +
		ls.penDuration(v.cumTime+ru.duration-u.cumTime-ls.d(ls.u, ls.x)+ls.d(ls.v, ls.x))
	if delta > -epsilon {
		return false
	}
	tailU := ls.collect(ls.nodeX, ru.end.prev)
	tailV := ls.collect(ls.nodeY, rv.end.prev)
	ls.relink(u, tailV, ru.end)
	ls.relink(v, tailU, rv.end)
	ls.applied(ru, rv)
	return true
}

// collect returns the customers from a to b following next, in a fresh
// slice; nil when a or b is a depot (an empty segment).
func (ls *localSearch) collect(a, b *lsNode) []*lsNode {
	var seg []*lsNode
	if a.isDepot || b.isDepot {
		return nil
	}
	for node := a; ; node = node.next {
		seg = append(seg, node)
		if node == b || node.isDepot {
			break
		}
	}
	return seg
}

// relink makes from -> seg... -> to.
func (ls *localSearch) relink(from *lsNode, seg []*lsNode, to *lsNode) {
	prev := from
	for _, node := range seg {
		prev.next, node.prev = node, prev
		prev = node
	}
	prev.next, to.prev = to, prev
}

// relinkReversed makes from -> seg reversed... -> to.
func (ls *localSearch) relinkReversed(from *lsNode, seg []*lsNode, to *lsNode) {
	prev := from
	for k := len(seg) - 1; k >= 0; k-- {
		node := seg[k]
		prev.next, node.prev = node, prev
		prev = node
	}
	prev.next, to.prev = to, prev
}
