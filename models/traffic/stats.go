package traffic

import "math"

// edgeStats accumulates the per-edge time series: per interval, the flow
// out of the edge, the space-mean speed, the density and the queue.
type edgeStats struct {
	interval float64
	steps    int     // steps in the current interval
	start    float64 // start of the current interval, s
	exits    []int32
	count    []int32   // vehicle-steps
	speedSum []float64 // m/s summed over vehicle-steps
	queueSum []float64 // queue length summed over steps, m
	queueMax []float64
	stepQ    []float64 // queue this step: longest over lanes
	touched  []int32   // edges with a queue this step
	rows     edgeRows
	ema      []float64 // smoothed mean speed for re-routing, m/s (0 = none seen)
}

// edgeRows is the per-edge time-series table under construction.
type edgeRows struct {
	t0, t1     []float64
	edge       []int64
	flowVph    []float64
	speedMps   []float64
	densityVpk []float64
	queueM     []float64
	queueMaxM  []float64
}

func (s *edgeStats) init(m int, interval float64) {
	s.interval = interval
	s.exits = make([]int32, m)
	s.count = make([]int32, m)
	s.speedSum = make([]float64, m)
	s.queueSum = make([]float64, m)
	s.queueMax = make([]float64, m)
	s.stepQ = make([]float64, m)
	s.ema = make([]float64, m)
}

func (s *edgeStats) exit(e int32) { s.exits[e]++ }

func (s *edgeStats) queue(e int32, m float64) {
	if m <= 0 {
		return
	}
	if s.stepQ[e] == 0 {
		s.touched = append(s.touched, e)
	}
	s.stepQ[e] = math.Max(s.stepQ[e], m)
}

// endStep folds this step's queues in and closes the interval when due.
func (s *edgeStats) endStep(t *Traffic) {
	for _, e := range s.touched {
		s.queueSum[e] += s.stepQ[e]
		s.queueMax[e] = math.Max(s.queueMax[e], s.stepQ[e])
		s.stepQ[e] = 0
	}
	s.touched = s.touched[:0]
	s.steps++
	if t.nowS-s.start >= s.interval-1e-9 {
		s.flush(t)
	}
}

// flush writes one row per edge that saw a vehicle in the interval.
func (s *edgeStats) flush(t *Traffic) {
	if s.steps == 0 {
		return
	}
	dur := t.nowS - s.start
	n := float64(s.steps)
	r := &s.rows
	for e := range s.count {
		if s.count[e] == 0 && s.exits[e] == 0 {
			continue
		}
		mean := 0.0
		if s.count[e] > 0 {
			mean = s.speedSum[e] / float64(s.count[e])
			if s.ema[e] == 0 {
				s.ema[e] = mean
			} else {
				s.ema[e] = 0.5*s.ema[e] + 0.5*mean
			}
		}
		r.t0 = append(r.t0, s.start)
		r.t1 = append(r.t1, t.nowS)
		r.edge = append(r.edge, int64(e))
		r.flowVph = append(r.flowVph, float64(s.exits[e])*3600/dur)
		r.speedMps = append(r.speedMps, mean)
		r.densityVpk = append(r.densityVpk, float64(s.count[e])/n/(t.net.LengthM[e]/1000))
		r.queueM = append(r.queueM, s.queueSum[e]/n)
		r.queueMaxM = append(r.queueMaxM, s.queueMax[e])
		s.exits[e], s.count[e], s.speedSum[e], s.queueSum[e], s.queueMax[e] = 0, 0, 0, 0, 0
	}
	s.steps = 0
	s.start = t.nowS
}

// Loop is a virtual induction loop across all lanes of an edge at PosM
// metres from its start, aggregating over IntervalS: vehicle count, mean
// speed of the vehicles passing and occupancy (share of time a vehicle
// is over the loop, averaged over lanes).
type Loop struct {
	Name      string
	Edge      int32
	PosM      float64
	IntervalS float64

	next     int32 // next loop on the same edge, -1
	start    float64
	count    int64
	speedSum float64
	occS     float64
	rows     loopRows
}

type loopRows struct {
	t0, t1, speed, occ []float64
	count              []int64
}

// AddLoop places an induction loop; it returns its index or -1 if the
// edge does not exist. The position is clamped to the edge.
func (t *Traffic) AddLoop(name string, edge int32, posM, intervalS float64) int {
	if edge < 0 || int(edge) >= t.net.NumEdges() {
		return -1
	}
	if intervalS <= 0 {
		intervalS = 60
	}
	lp := Loop{Name: name, Edge: edge, PosM: clamp(posM, 0.1, t.net.LengthM[edge]), IntervalS: intervalS, next: t.loopOf[edge], start: t.nowS}
	t.loops = append(t.loops, lp)
	t.loopOf[edge] = int32(len(t.loops) - 1)
	return len(t.loops) - 1
}

// loopObserve counts vehicle i on the loops of edge e when its front moved
// from old to now (m), and adds the time it covers a loop.
func (t *Traffic) loopObserve(e, i int32, old, now, speed, dt float64) {
	for k := t.loopOf[e]; k >= 0; k = t.loops[k].next {
		lp := &t.loops[k]
		if old < lp.PosM && now >= lp.PosM {
			lp.count++
			lp.speedSum += speed
		}
		if now >= lp.PosM && now-t.v.h[i].length < lp.PosM {
			lp.occS += dt
		}
	}
}

// loopsEndStep closes the loop intervals that are due.
func (t *Traffic) loopsEndStep() {
	for k := range t.loops {
		lp := &t.loops[k]
		if t.nowS-lp.start < lp.IntervalS-1e-9 {
			continue
		}
		dur := t.nowS - lp.start
		mean := math.NaN()
		if lp.count > 0 {
			mean = lp.speedSum / float64(lp.count)
		}
		r := &lp.rows
		r.t0 = append(r.t0, lp.start)
		r.t1 = append(r.t1, t.nowS)
		r.count = append(r.count, lp.count)
		r.speed = append(r.speed, mean)
		r.occ = append(r.occ, lp.occS/dur/float64(t.net.Lanes[lp.Edge]))
		lp.start, lp.count, lp.speedSum, lp.occS = t.nowS, 0, 0, 0
	}
}

// positionLog records where every running vehicle is at a fixed interval.
type positionLog struct {
	t        []float64
	veh      []int64
	edge     []int64
	posM     []float64
	speedMps []float64
	x, y     []float64
}

func (t *Traffic) logPositions() {
	iv := t.cfg.PositionsS
	if iv <= 0 {
		return
	}
	k := int64(math.Round(iv / t.cfg.StepS))
	if k < 1 {
		k = 1
	}
	if t.step%k != 0 {
		return
	}
	p := &t.positions
	for i := range t.v.h {
		s := t.v.h[i].state
		if s != stateRunning {
			continue
		}
		e, pos := t.v.h[i].edge, t.v.h[i].pos
		x, y := t.net.pointAt(e, pos)
		p.t = append(p.t, t.nowS)
		p.veh = append(p.veh, int64(i))
		p.edge = append(p.edge, int64(e))
		p.posM = append(p.posM, pos)
		p.speedMps = append(p.speedMps, t.v.h[i].speed)
		p.x = append(p.x, x)
		p.y = append(p.y, y)
	}
}

// pointAt is the position pos metres along edge e, in the local CRS.
func (n *Network) pointAt(e int32, pos float64) (x, y float64) {
	g := n.Geom[e]
	if len(g) < 2 {
		a, b := n.NodeXY[n.From[e]], n.NodeXY[n.To[e]]
		g = [][2]float64{a, b}
	}
	total := 0.0
	for k := 1; k < len(g); k++ {
		total += math.Hypot(g[k][0]-g[k-1][0], g[k][1]-g[k-1][1])
	}
	want := pos / n.LengthM[e] * total
	for k := 1; k < len(g); k++ {
		seg := math.Hypot(g[k][0]-g[k-1][0], g[k][1]-g[k-1][1])
		if want <= seg || k == len(g)-1 {
			f := 0.0
			if seg > 0 {
				f = math.Min(want/seg, 1)
			}
			return g[k-1][0] + f*(g[k][0]-g[k-1][0]), g[k-1][1] + f*(g[k][1]-g[k-1][1])
		}
		want -= seg
	}
	return g[0][0], g[0][1]
}
