package cvrp

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
)

// lsNode is a customer or a route's start or end depot in the local
// search's doubly linked routes. A route's end depot links back to its
// start depot, so that prev and next are never nil.
type lsNode struct {
	isDepot          bool
	cour             int // node index in the instance (0 for depots)
	position         int // place in the route, 0 for the start depot
	whenLastTestedRI int // move count when last tested with route improvement moves
	next, prev       *lsNode
	route            *lsRoute
	cumLoad          float64 // load from the start depot up to here
	cumTime          float64 // travel and service time from the start depot up to here
	cumRev           float64 // change of travel distance if the arcs up to here were reversed
	deltaRemoval     float64 // change of distance if removed (SWAP*)
	distNext         float64 // d(this, next)
}

type lsRoute struct {
	index                  int
	customers              int
	whenLastModified       int
	whenLastTestedSwapStar int
	start, end             *lsNode
	duration               float64 // travel and service time
	load                   float64
	reversal               float64 // change of distance if the whole route were reversed
	penalty                float64 // penalised excess of load and duration
	angle                  float64 // polar angle of the barycenter (sort key)
	sector                 circleSector
	// The route as arrays, start depot first, end depot last, for SWAP*'s
	// scans: node indices, d(node, next) and the nodes themselves.
	seq     []int
	seqDist []float64
	seqNode []*lsNode
}

// insertion keeps the three cheapest places to insert a customer in a
// route (Vidal 2022, section 4: SWAP* preprocessing).
type insertion struct {
	cost  [3]float64
	after [3]*lsNode
	when  int
}

func (ins *insertion) reset() {
	ins.cost = [3]float64{math.Inf(1), math.Inf(1), math.Inf(1)}
	ins.after = [3]*lsNode{}
}

func (ins *insertion) add(cost float64, after *lsNode) {
	switch {
	case cost > ins.cost[2]:
	case cost > ins.cost[1]:
		ins.cost[2], ins.after[2] = cost, after
	case cost > ins.cost[0]:
		ins.cost[2], ins.after[2] = ins.cost[1], ins.after[1]
		ins.cost[1], ins.after[1] = cost, after
	default:
		ins.cost[2], ins.after[2] = ins.cost[1], ins.after[1]
		ins.cost[1], ins.after[1] = ins.cost[0], ins.after[0]
		ins.cost[0], ins.after[0] = cost, after
	}
}

// localSearch improves a solution by the granular neighbourhoods of Vidal
// (2022), section 3.2: relocate, swap, 2-opt and 2-opt* between a customer
// and its correlated customers, then SWAP* between routes with
// overlapping polar sectors, until no move improves the penalised cost.
type localSearch struct {
	s           *solver
	in          *Instance
	n1          int
	dist        []float64
	distT       []float64 // transposed: distT[j*(N+1)+i] = d(i, j); dist itself when symmetric
	clients     []lsNode
	starts      []lsNode
	ends        []lsNode
	routes      []lsRoute
	orderNodes  []int
	orderRoutes []int
	correlated  [][]int
	bestInsert  []insertion // [route*(N+1)+customer]
	angles      []int       // polar angle of each node, 0..65535

	penaltyLoad, penaltyDuration float64
	moves                        int
	searchCompleted              bool
	loopID                       int
	symmetric                    bool

	// Local variables of the move under evaluation.
	nodeU, nodeX, nodeV, nodeY *lsNode
	routeU, routeV             *lsRoute
	u, x, v, y                 int // node indices
	pU, nX, pV, nY             int // node indices of U's predecessor, X's successor, ...
	loadU, loadX, loadV, loadY float64
	servU, servX, servV, servY float64
}

func newLocalSearch(s *solver) *localSearch {
	in := s.in
	n, k := in.N, s.fleet
	ls := &localSearch{s: s, in: in, n1: n + 1, dist: in.Dist, clients: make([]lsNode, n+1),
		starts: make([]lsNode, k), ends: make([]lsNode, k), routes: make([]lsRoute, k),
		bestInsert: make([]insertion, k*(n+1)), angles: make([]int, n+1)}
	for i := 1; i <= n; i++ {
		ls.clients[i].cour = i
		ls.orderNodes = append(ls.orderNodes, i)
	}
	for r := 0; r < k; r++ {
		rt := &ls.routes[r]
		rt.index, rt.start, rt.end = r, &ls.starts[r], &ls.ends[r]
		rt.start.isDepot, rt.end.isDepot = true, true
		rt.start.route, rt.end.route = rt, rt
		ls.orderRoutes = append(ls.orderRoutes, r)
	}
	if in.Coords != nil {
		for i := 1; i <= n; i++ {
			ls.angles[i] = polarAngle(in.Coords[0], in.Coords[i])
		}
	}
	ls.correlated = correlatedVertices(in.N, s.nearest)
	ls.symmetric = in.symmetric()
	ls.distT = in.Dist
	if !ls.symmetric {
		n1 := n + 1
		ls.distT = make([]float64, n1*n1)
		for i := 0; i < n1; i++ {
			for j := 0; j < n1; j++ {
				ls.distT[j*n1+i] = in.Dist[i*n1+j]
			}
		}
	}
	return ls
}

// correlatedVertices returns, for each customer, its granular neighbours:
// the union of its nearest customers and the customers that have
// it among their nearest (Vidal 2022, section 3.2; Toth and Vigo 2003).
func correlatedVertices(n int, nearest [][]int) [][]int {
	sets := make([][]int, n+1)
	for i, near := range nearest {
		for _, j := range near {
			sets[i] = append(sets[i], j)
			sets[j] = append(sets[j], i)
		}
	}
	for i := range sets {
		slices.Sort(sets[i])
		sets[i] = slices.Compact(sets[i])
	}
	return sets
}

// nearestLists returns each customer's k nearest other customers, nearest
// first (ties by index).
func nearestLists(in *Instance, k int) [][]int {
	n := in.N
	lists := make([][]int, n+1)
	order := make([]int, 0, n)
	for i := 1; i <= n; i++ {
		order = order[:0]
		for j := 1; j <= n; j++ {
			if j != i {
				order = append(order, j)
			}
		}
		slices.SortFunc(order, func(a, b int) int {
			return cmp.Or(cmp.Compare(in.D(i, a), in.D(i, b)), cmp.Compare(a, b))
		})
		lists[i] = slices.Clone(order[:min(k, len(order))])
	}
	return lists
}

func (ls *localSearch) d(i, j int) float64 { return ls.dist[i*ls.n1+j] }

func (ls *localSearch) penLoad(load float64) float64 {
	return max(0, load-ls.in.Capacity) * ls.penaltyLoad
}

func (ls *localSearch) penDuration(d float64) float64 {
	if ls.in.MaxRouteDuration == 0 {
		return 0
	}
	return max(0, d-ls.in.MaxRouteDuration) * ls.penaltyDuration
}

// run applies the local search to x with the given penalties.
func (ls *localSearch) run(x *individual, penaltyLoad, penaltyDuration float64, rng *rand.Rand) {
	ls.penaltyLoad, ls.penaltyDuration = penaltyLoad, penaltyDuration
	ls.load(x)
	rng.Shuffle(len(ls.orderNodes), func(i, j int) { ls.orderNodes[i], ls.orderNodes[j] = ls.orderNodes[j], ls.orderNodes[i] })
	rng.Shuffle(len(ls.orderRoutes), func(i, j int) { ls.orderRoutes[i], ls.orderRoutes[j] = ls.orderRoutes[j], ls.orderRoutes[i] })
	for i := 1; i <= ls.in.N; i++ {
		if rng.IntN(ls.s.params.Granular) == 0 {
			c := ls.correlated[i]
			rng.Shuffle(len(c), func(a, b int) { c[a], c[b] = c[b], c[a] })
		}
	}
	ls.searchCompleted = false
	for ls.loopID = 0; !ls.searchCompleted; ls.loopID++ {
		if ls.loopID > 1 {
			ls.searchCompleted = true // stops unless a move below improves
		}
		ls.routeImprovement()
		ls.swapStarPass()
	}
	ls.export(x)
}

// routeImprovement tries the classical moves between each customer U and
// its correlated customers V (Vidal 2022, section 3.2).
func (ls *localSearch) routeImprovement() {
	for _, iu := range ls.orderNodes {
		ls.nodeU = &ls.clients[iu]
		lastTested := ls.nodeU.whenLastTestedRI
		ls.nodeU.whenLastTestedRI = ls.moves
		for _, iv := range ls.correlated[iu] {
			ls.nodeV = &ls.clients[iv]
			if ls.loopID > 0 && max(ls.nodeU.route.whenLastModified, ls.nodeV.route.whenLastModified) <= lastTested {
				continue
			}
			ls.setU()
			ls.setV()
			if ls.move1() || ls.move2() || ls.move3() || ls.move4() || ls.move5() || ls.move6() {
				continue
			}
			if ls.routeU == ls.routeV {
				if ls.move7() {
					continue
				}
			} else if ls.move8() || ls.move9() {
				continue
			}
			if ls.nodeV.prev.isDepot {
				// Also try inserting U right after the depot of V's route.
				ls.nodeV = ls.nodeV.prev
				ls.setV()
				if ls.move1() || ls.move2() || ls.move3() {
					continue
				}
				if ls.routeU != ls.routeV && (ls.move8() || ls.move9()) {
					continue
				}
			}
		}
		if ls.loopID > 0 {
			ls.tryEmptyRoute()
		}
	}
}

// tryEmptyRoute tries moving U (and X) into the first empty route.
func (ls *localSearch) tryEmptyRoute() {
	for r := range ls.routes {
		if ls.routes[r].customers == 0 {
			ls.nodeV = ls.routes[r].start
			ls.setU()
			ls.setV()
			_ = ls.move1() || ls.move2() || ls.move3() || ls.move9()
			return
		}
	}
}

// swapStarPass tries SWAP* between pairs of routes modified since their
// last test whose polar sectors overlap.
func (ls *localSearch) swapStarPass() {
	for a, ru := range ls.orderRoutes {
		routeU := &ls.routes[ru]
		lastTested := routeU.whenLastTestedSwapStar
		routeU.whenLastTestedSwapStar = ls.moves
		for _, rv := range ls.orderRoutes[a+1:] {
			routeV := &ls.routes[rv]
			if routeU.customers == 0 || routeV.customers == 0 {
				continue
			}
			if ls.loopID > 0 && max(routeU.whenLastModified, routeV.whenLastModified) <= lastTested {
				continue
			}
			if ls.in.Coords == nil || overlap(routeU.sector, routeV.sector) {
				ls.swapStar(routeU, routeV)
			}
		}
	}
}

func (ls *localSearch) setU() {
	u := ls.nodeU
	ls.routeU = u.route
	ls.nodeX = u.next
	ls.u, ls.x, ls.pU = u.cour, ls.nodeX.cour, u.prev.cour
	ls.nX = ls.nodeX.next.cour
	ls.loadU, ls.loadX = ls.in.Demand[ls.u], ls.in.Demand[ls.x]
	ls.servU, ls.servX = ls.in.service(ls.u), ls.in.service(ls.x)
}

func (ls *localSearch) setV() {
	v := ls.nodeV
	ls.routeV = v.route
	ls.nodeY = v.next
	ls.v, ls.y, ls.pV = v.cour, ls.nodeY.cour, v.prev.cour
	ls.nY = ls.nodeY.next.cour
	ls.loadV, ls.loadY = ls.in.Demand[ls.v], ls.in.Demand[ls.y]
	ls.servV, ls.servY = ls.in.service(ls.v), ls.in.service(ls.y)
}

// load copies x's routes into the linked structure.
func (ls *localSearch) load(x *individual) {
	ls.moves = 0
	for r := range ls.routes {
		rt := &ls.routes[r]
		prev := rt.start
		for _, c := range x.routes[r] {
			node := &ls.clients[c]
			prev.next, node.prev = node, prev
			prev = node
		}
		prev.next, rt.end.prev = rt.end, prev
		rt.end.next, rt.start.prev = rt.start, rt.end
		ls.updateRoute(rt)
		rt.whenLastTestedSwapStar = -1
	}
	for i := range ls.bestInsert {
		ls.bestInsert[i].when = -1
	}
	for i := 1; i <= ls.in.N; i++ {
		ls.clients[i].whenLastTestedRI = -1
	}
}

// export writes the routes back into x, sorted by the polar angle of
// their barycenter (empty routes last), and evaluates x.
func (ls *localSearch) export(x *individual) {
	order := slices.Clone(ls.orderRoutes)
	slices.Sort(order)
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(ls.routes[a].angle, ls.routes[b].angle) })
	for k, r := range order {
		x.routes[k] = x.routes[k][:0]
		for node := ls.routes[r].start.next; !node.isDepot; node = node.next {
			x.routes[k] = append(x.routes[k], node.cour)
		}
	}
	x.giantFromRoutes()
	ls.s.evaluate(x)
}

// updateRoute recomputes the cumulated quantities of a route after a
// change and stamps it with the current move count.
func (ls *localSearch) updateRoute(rt *lsRoute) {
	place := 0
	load, time, rev := 0.0, 0.0, 0.0
	var sumX, sumY float64
	node := rt.start
	node.position, node.cumLoad, node.cumTime, node.cumRev = 0, 0, 0, 0
	first := true
	rt.seq, rt.seqDist, rt.seqNode = rt.seq[:0], rt.seqDist[:0], rt.seqNode[:0]
	for {
		next := node.next
		place++
		node.distNext = ls.d(node.cour, next.cour)
		rt.seq, rt.seqDist, rt.seqNode = append(rt.seq, node.cour), append(rt.seqDist, node.distNext), append(rt.seqNode, node)
		time += node.distNext + ls.in.service(next.cour)
		rev += ls.d(next.cour, node.cour) - ls.d(node.cour, next.cour)
		load += ls.in.Demand[next.cour]
		next.position, next.cumLoad, next.cumTime, next.cumRev, next.route = place, load, time, rev, rt
		if next.isDepot {
			rt.seq, rt.seqDist, rt.seqNode = append(rt.seq, next.cour), append(rt.seqDist, 0), append(rt.seqNode, next)
			break
		}
		if ls.in.Coords != nil {
			c := ls.in.Coords[next.cour]
			sumX, sumY = sumX+c[0], sumY+c[1]
			if first {
				rt.sector = circleSector{ls.angles[next.cour], ls.angles[next.cour]}
				first = false
			} else {
				rt.sector.extend(ls.angles[next.cour])
			}
		}
		node = next
	}
	rt.duration, rt.load, rt.reversal = time, load, rev
	rt.penalty = ls.penLoad(load) + ls.penDuration(time)
	rt.customers = place - 1
	rt.whenLastModified = ls.moves
	switch {
	case rt.customers == 0:
		rt.angle = 1e30
	case ls.in.Coords != nil:
		k := float64(rt.customers)
		d := ls.in.Coords[0]
		rt.angle = math.Atan2(sumY/k-d[1], sumX/k-d[0])
	default:
		rt.angle = float64(rt.index)
	}
}

// applied records a move that changed routes a and b.
func (ls *localSearch) applied(a, b *lsRoute) {
	ls.moves++
	ls.searchCompleted = false
	ls.updateRoute(a)
	if b != a {
		ls.updateRoute(b)
	}
}

// insertNode moves u to just after v.
func insertNode(u, v *lsNode) {
	u.prev.next = u.next
	u.next.prev = u.prev
	v.next.prev = u
	u.prev = v
	u.next = v.next
	v.next = u
	u.route = v.route
}

// swapNode exchanges two non-adjacent nodes.
func swapNode(u, v *lsNode) {
	vp, vn, up, un := v.prev, v.next, u.prev, u.next
	ru, rv := u.route, v.route
	up.next, un.prev = v, v
	vp.next, vn.prev = u, u
	u.prev, u.next = vp, vn
	v.prev, v.next = up, un
	u.route, v.route = rv, ru
}
