package water

import "math"

// Water quality by the Lagrangian time-driven method EPANET 2.2 uses
// (Rossman and Boulos 1996; EPANET 2.2 User Manual, 3.4): each pipe holds
// a chain of segments of uniform quality; every quality step the segments
// react, nodes are visited in topological order of the flow, each node
// takes in the leading volume of its inflow links, mixes it and releases
// a new segment at the upstream end of each outflow link. Concentrations
// are kept in the network's own units (mg/L, hours, percent).

const (
	qStagnant = 0.005 / gpmPerCFS // cfs: flows below this do not move water
	lPerFt3   = 28.317
)

type quality struct {
	s      *Simulator
	kind   QualityType
	react  bool
	ucf    float64 // internal concentration -> user units (1/28.317 for chemicals: mass/ft³ inside, as EPANET)
	bucf   float64 // bulk rate factor for the reaction order (EPANET's getucf)
	tucf   float64
	climit float64
	demand []float64 // junction demands as EPANET's quality solver sees them (float32)
	sc     float64   // Schmidt number
	ctol   float64

	nodeQual   []float64
	sourceQual []float64
	tankC      []float64
	linkFlow   []float64 // cfs, 0 when closed (negligible flows kept, as EPANET)
	dir        []int8
	rc         []float64 // wall rate coefficient per link, 1/s (first order) or ft/s
	order      []int     // nodes in topological order of the flow
	indeg      []int
	adjStart   []int // CSR adjacency: links incident to node i
	adjLink    []int

	// segment pool; chains run from first (downstream) to last (upstream)
	segV, segC     []float64
	segUp, segDown []int32 // up: toward last; down: toward first
	free           int32
	first, last    []int32 // per link, then per tank (nl + tank index)
}

func newQuality(s *Simulator) *quality {
	nn, nl := s.nn, s.nl
	q := &quality{s: s, kind: s.opt.Quality, ucf: 1, bucf: 1, tucf: 1}
	if q.kind == QualChem {
		q.ucf = 1 / lPerFt3
		q.bucf = orderFactor(s.opt.BulkOrder)
		q.tucf = orderFactor(s.opt.TankOrder)
	}
	// Concentrations enter the internal units as EPANET converts them
	// (convertunits, sourcequal): divided by the reporting factor 1/28.317,
	// not multiplied by 28.317, and reported multiplied by it. The two
	// differ in the last bit, and the segment merging test
	// |c_seg - c| < Ctol meets exact ties when a source steps by exactly
	// TOLERANCE (Net2's fluoride, 0.09 to 0.08 mg/L).
	q.ctol = s.opt.Ctol / q.ucf
	q.climit = s.opt.Climit / q.ucf
	q.demand = make([]float64, nn)
	q.nodeQual, q.sourceQual = make([]float64, nn), make([]float64, nn)
	q.tankC = make([]float64, len(s.net.Tanks))
	q.linkFlow, q.dir, q.rc = make([]float64, nl), make([]int8, nl), make([]float64, nl)
	q.order, q.indeg = make([]int, 0, nn), make([]int, nn)
	q.first, q.last = make([]int32, nl+len(s.net.Tanks)), make([]int32, nl+len(s.net.Tanks))
	q.adjStart = make([]int, nn+1)
	for k := 0; k < nl; k++ {
		q.adjStart[s.n1[k]+1]++
		q.adjStart[s.n2[k]+1]++
	}
	for i := 0; i < nn; i++ {
		q.adjStart[i+1] += q.adjStart[i]
	}
	q.adjLink = make([]int, 2*nl)
	pos := append([]int(nil), q.adjStart[:nn]...)
	for k := 0; k < nl; k++ {
		q.adjLink[pos[s.n1[k]]] = k
		pos[s.n1[k]]++
		q.adjLink[pos[s.n2[k]]] = k
		pos[s.n2[k]]++
	}
	if s.opt.Diffusivity > 0 {
		q.sc = s.opt.Viscosity / s.opt.Diffusivity
	}
	q.react = q.kind == QualAge || (q.kind == QualChem && hasReactions(s.net))
	return q
}

// orderFactor converts a bulk coefficient of reaction order n from litres
// to cubic feet (EPANET's getucf).
func orderFactor(order float64) float64 {
	if order < 0 {
		order = 0
	}
	if order == 1 {
		return 1
	}
	return 1 / math.Pow(lPerFt3, order-1)
}

func hasReactions(net *Network) bool {
	for k := range net.Links {
		if net.Links[k].Type <= Pipe && (net.Links[k].Kb != 0 || net.Links[k].Kw != 0) {
			return true
		}
	}
	for i := range net.Tanks {
		if net.Tanks[i].Area > 0 && net.Tanks[i].Kb != 0 {
			return true
		}
	}
	return false
}

// init sets initial qualities and fills pipes and tanks with one segment each.
func (q *quality) init() {
	s := q.s
	net := s.net
	for i := range net.Nodes {
		q.nodeQual[i] = net.Nodes[i].InitQual / q.ucf
		q.sourceQual[i] = 0
	}
	if q.kind == QualTrace {
		q.nodeQual[s.opt.TraceNode] = 100
	}
	clear(q.demand)
	q.segV, q.segC, q.segUp, q.segDown = q.segV[:0], q.segC[:0], q.segUp[:0], q.segDown[:0]
	q.free = -1
	for i := range q.first {
		q.first[i], q.last[i] = -1, -1
	}
	for k := range net.Links {
		q.dir[k] = 0
		v := linkVolume(s, k)
		if v > 0 {
			q.addSeg(k, v, q.nodeQual[s.n2[k]])
		}
	}
	for i := range net.Tanks {
		t := &net.Tanks[i]
		q.tankC[i] = q.nodeQual[t.Node]
		if t.Area == 0 {
			continue
		}
		c := q.tankC[i]
		if t.Mix == Mix2Comp {
			v := math.Max(0, t.V0-t.MixFrac*t.Vmax)
			q.addSeg(s.nl+i, v, c)
			q.addSeg(s.nl+i, t.V0-v, c)
		} else {
			q.addSeg(s.nl+i, t.V0, c)
		}
	}
}

func linkVolume(s *Simulator, k int) float64 {
	if s.ltype[k] == Pump {
		return 0
	}
	d := s.diam[k]
	return 0.785398 * d * d * s.net.Links[k].Length
}

func (q *quality) addSeg(k int, v, c float64) {
	var i int32
	if q.free >= 0 {
		i = q.free
		q.free = q.segUp[i]
		q.segV[i], q.segC[i] = v, c
	} else {
		i = int32(len(q.segV))
		q.segV = append(q.segV, v)
		q.segC = append(q.segC, c)
		q.segUp = append(q.segUp, -1)
		q.segDown = append(q.segDown, -1)
	}
	q.segUp[i] = -1
	q.segDown[i] = q.last[k]
	if q.first[k] < 0 {
		q.first[k] = i
	}
	if q.last[k] >= 0 {
		q.segUp[q.last[k]] = i
	}
	q.last[k] = i
}

// popFirst removes the leading (downstream) segment of chain k.
func (q *quality) popFirst(k int) {
	i := q.first[k]
	q.first[k] = q.segUp[i]
	if q.first[k] < 0 {
		q.last[k] = -1
	} else {
		q.segDown[q.first[k]] = -1
	}
	q.segUp[i] = q.free
	q.free = i
}

// popLast removes the trailing (upstream) segment of chain k.
func (q *quality) popLast(k int) {
	i := q.last[k]
	q.last[k] = q.segDown[i]
	if q.last[k] < 0 {
		q.first[k] = -1
	} else {
		q.segUp[q.last[k]] = -1
	}
	q.segUp[i] = q.free
	q.free = i
}

func (q *quality) reverse(k int) {
	i := q.first[k]
	q.first[k], q.last[k] = q.last[k], q.first[k]
	for i >= 0 {
		up := q.segUp[i]
		q.segUp[i], q.segDown[i] = q.segDown[i], up
		i = up
	}
}

// advance routes quality over the hydraulic interval [t, t+dt) with the
// flows of the current hydraulic solution.
func (q *quality) advance(t, dt int64) {
	if dt <= 0 {
		return
	}
	q.setFlows()
	q.sortNodes()
	qstep := q.s.opt.QualStep
	for done := int64(0); done < dt; {
		step := min(qstep, dt-done)
		if q.react {
			q.reactPipes(step)
			q.reactTanks(step)
		}
		q.transport(t+done, step)
		done += step
	}
}

// setFlows takes the link flows of the hydraulic solution, reverses the
// segment chains of links whose flow changed direction, and computes the
// wall reaction coefficients.
func (q *quality) setFlows() {
	s := q.s
	for i := 0; i < s.nj; i++ {
		q.demand[i] = float64(float32(s.demand[i]))
	}
	for k := range q.linkFlow {
		// EPANET's quality solver reads the hydraulics as float32.
		f := float64(float32(s.flow[k]))
		if s.status[k] <= Closed {
			f = 0
		}
		// As EPANET's flowdirchanged: the direction is the sign of the
		// flow, 0 when it is negligible; chains reverse only between +1
		// and -1 (not across a stagnant period). A negligible flow still
		// moves its tiny volume, from N1 to N2 (transport uses the flow,
		// the direction only orders the nodes).
		var d int8
		switch {
		case f > 0:
			d = 1
		case f < 0:
			d = -1
		}
		if math.Abs(f) < qStagnant {
			d = 0
		}
		if d*q.dir[k] < 0 {
			q.reverse(k)
		}
		q.dir[k] = d
		q.linkFlow[k] = f
		q.rc[k] = q.pipeRate(k)
	}
}

// sortNodes orders the nodes so that every node comes after the upstream
// nodes of its inflow links (Kahn's algorithm); nodes on flow cycles (only
// possible through pumps) follow in index order.
func (q *quality) sortNodes() {
	s := q.s
	clear(q.indeg)
	for k := range q.linkFlow {
		if q.dir[k] != 0 {
			q.indeg[q.down(k)]++
		}
	}
	q.order = q.order[:0]
	for i := 0; i < s.nn; i++ {
		if q.indeg[i] == 0 {
			q.order = append(q.order, i)
		}
	}
	for h := 0; h < len(q.order); h++ {
		n := q.order[h]
		for _, k := range q.adjLink[q.adjStart[n]:q.adjStart[n+1]] {
			if q.dir[k] == 0 || q.up(k) != n {
				continue
			}
			m := q.down(k)
			q.indeg[m]--
			if q.indeg[m] == 0 {
				q.order = append(q.order, m)
			}
		}
	}
	if len(q.order) < s.nn {
		for i := 0; i < s.nn; i++ {
			if q.indeg[i] > 0 {
				q.order = append(q.order, i)
			}
		}
	}
}

func (q *quality) down(k int) int {
	if q.dir[k] < 0 {
		return q.s.n1[k]
	}
	return q.s.n2[k]
}

func (q *quality) up(k int) int {
	if q.dir[k] < 0 {
		return q.s.n2[k]
	}
	return q.s.n1[k]
}

// transport moves water through the nodes for dt seconds.
func (q *quality) transport(t, dt int64) {
	s := q.s
	fdt := float64(dt)
	for _, n := range q.order {
		var volin, massin, volout float64
		for _, k := range q.adjLink[q.adjStart[n]:q.adjStart[n+1]] {
			if q.down(k) == n {
				volin, massin = q.takeInflow(k, fdt, volin, massin)
			} else {
				volout += math.Abs(q.linkFlow[k])
			}
		}
		if n < s.nj {
			volout += math.Max(0, q.demand[n])
		}
		volout *= fdt
		c := q.nodeQuality(n, volin, massin, volout, t, dt)
		for _, k := range q.adjLink[q.adjStart[n]:q.adjStart[n+1]] {
			if q.up(k) == n {
				q.release(k, c, fdt)
			}
		}
	}
	for n := range q.nodeQual {
		if s.net.Nodes[n].Source == nil {
			continue
		}
		q.nodeQual[n] += q.sourceQual[n]
		if ti := s.net.Nodes[n].Tank; ti >= 0 && s.net.Tanks[ti].Area > 0 {
			q.nodeQual[n] = q.tankC[ti]
		}
	}
}

// takeInflow consumes the flow volume of link k from its leading segments.
func (q *quality) takeInflow(k int, dt, volin, massin float64) (float64, float64) {
	v := math.Abs(q.linkFlow[k]) * dt
	for v > 0 {
		i := q.first[k]
		if i < 0 {
			break
		}
		vseg := math.Min(q.segV[i], v)
		volin += vseg
		massin += vseg * q.segC[i]
		v -= vseg
		if v >= 0 && vseg >= q.segV[i] {
			q.popFirst(k)
		} else {
			q.segV[i] -= vseg
		}
	}
	return volin, massin
}

// release puts the flow volume leaving a node at concentration c into the
// upstream end of link k.
func (q *quality) release(k int, c, dt float64) {
	v := math.Abs(q.linkFlow[k]) * dt
	if v == 0 {
		return
	}
	if i := q.last[k]; i >= 0 && math.Abs(q.segC[i]-c) < q.ctol {
		q.segC[i] = (q.segC[i]*q.segV[i] + c*v) / (q.segV[i] + v)
		q.segV[i] += v
		return
	}
	q.addSeg(k, v, c)
}

// nodeQuality mixes the inflow at node n and returns the quality of its outflow.
func (q *quality) nodeQuality(n int, volin, massin, volout float64, t, dt int64) float64 {
	s := q.s
	nd := &s.net.Nodes[n]
	switch {
	case n < s.nj:
		volin -= math.Min(0, q.demand[n]) * float64(dt)
		if volin > 0 {
			q.nodeQual[n] = massin / volin
		} else if q.react {
			q.nodeQual[n] = q.noFlowQuality(n)
		}
	case s.net.Tanks[nd.Tank].Area > 0:
		ti := nd.Tank
		q.mixTank(ti, volin, massin, volin-volout)
		q.nodeQual[n] = q.tankC[ti]
	}
	if q.kind == QualTrace && n == s.opt.TraceNode {
		q.nodeQual[n] = 100
		return 100
	}
	q.sourceQual[n] = 0
	if nd.Source == nil {
		return q.nodeQual[n]
	}
	q.sourceQual[n] = q.sourceQuality(n, volout, t, dt)
	return q.nodeQual[n] + q.sourceQual[n]
}

// noFlowQuality averages the qualities next to a node without inflow.
func (q *quality) noFlowQuality(n int) float64 {
	var c float64
	count := 0
	for _, k := range q.adjLink[q.adjStart[q.nodeIdx(n)]:q.adjStart[n+1]] {
		inflow := (q.s.n2[k] == n && q.dir[k] >= 0) || (q.s.n1[k] == n && q.dir[k] < 0)
		if inflow && q.first[k] >= 0 {
			c += q.segC[q.first[k]]
			count++
		} else if !inflow && q.last[k] >= 0 {
			c += q.segC[q.last[k]]
			count++
		}
	}
	if count > 0 {
		return c / float64(count)
	}
	return 0
}

func (q *quality) nodeIdx(n int) int { return n }

// sourceQuality is the concentration a source adds to the outflow of node n.
func (q *quality) sourceQuality(n int, volout float64, t, dt int64) float64 {
	s := q.s
	src := s.net.Nodes[n].Source
	if q.kind != QualChem || src.Strength == 0 || volout/float64(dt) <= qStagnant {
		return 0
	}
	c := src.Strength
	if src.Type == SourceMass {
		c /= 60
	} else {
		c /= q.ucf
	}
	if src.Pattern > 0 {
		c *= s.patternValue(src.Pattern, (t+s.opt.PatternStart)/s.opt.PatternStep)
	}
	switch src.Type {
	case SourceConcen:
		if n < s.nj {
			if q.demand[n] < 0 {
				c = -c * q.demand[n] * float64(dt) / volout
			} else {
				c = 0
			}
		}
	case SourceMass:
		c = c * float64(dt) / volout
	case SourceSetpoint:
		c = math.Max(c-q.nodeQual[n], 0)
	}
	return c
}
