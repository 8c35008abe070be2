package city

import "math"

// numLandmarks is how many landmarks ALT precomputes; activeLandmarks how
// many of them a query uses (the best for its source and target), as
// suggested by Goldberg and Harrelson (2005). Measured on Osterbro (random
// SCC pairs): 16/4 settle 350 edges per query, 32/6 143, 32/8 134. The
// tables take 2*4*numLandmarks bytes per edge.
const (
	numLandmarks    = 32
	activeLandmarks = 8
)

// landmarks holds, for ALT (Goldberg & Harrelson 2005, "Computing the
// shortest path: A* search meets graph theory", SODA), the free-flow
// times from every landmark to every edge (from) and from every edge to
// every landmark (to), interleaved per edge: from[e*numLandmarks+k].
type landmarks struct {
	k        int
	from, to []float32
}

// landmarkTable returns the graph's landmarks, computing them once.
func (g *RoadGraph) landmarkTable() *landmarks {
	g.cache.lmOnce.Do(func() { g.cache.lm = computeLandmarks(g) })
	return g.cache.lm
}

// computeLandmarks picks landmarks by farthest selection on the largest
// SCC (each new landmark is the SCC edge farthest, in free-flow time, from
// the ones chosen so far) and runs one forward and one backward Dijkstra
// from each. Cost: 2*numLandmarks+1 Dijkstras over the edge graph.
func computeLandmarks(g *RoadGraph) *landmarks {
	m := g.NumEdges()
	lm := &landmarks{k: numLandmarks, from: make([]float32, m*numLandmarks), to: make([]float32, m*numLandmarks)}
	w := make([]float64, m)
	for e := range w {
		w[e] = g.FreeFlowS(EdgeID(e))
	}
	start := NoEdge
	for e := 0; e < m; e++ {
		if g.InSCC[e] {
			start = EdgeID(e)
			break
		}
	}
	if start == NoEdge {
		for i := range lm.from {
			lm.from[i], lm.to[i] = float32(math.Inf(1)), float32(math.Inf(1))
		}
		lm.k = 0
		return lm
	}
	s := newSearch(m)
	minDist := make([]float64, m)
	for i := range minDist {
		minDist[i] = math.Inf(1)
	}
	s.dijkstra(g, w, start, false)
	dist := s.distances()
	for k := 0; k < numLandmarks; k++ {
		far, farD := start, -1.0
		for e := 0; e < m; e++ {
			d := math.Min(minDist[e], dist[e])
			if g.InSCC[e] && d > farD && !math.IsInf(d, 1) {
				far, farD = EdgeID(e), d
			}
		}
		s.dijkstra(g, w, far, false)
		dist = s.distances()
		for e := 0; e < m; e++ {
			lm.from[e*numLandmarks+k] = roundDown(dist[e])
			minDist[e] = math.Min(minDist[e], dist[e])
		}
		s.dijkstra(g, w, far, true)
		back := s.distances()
		for e := 0; e < m; e++ {
			lm.to[e*numLandmarks+k] = roundDown(back[e])
		}
	}
	return lm
}

// roundDown converts to float32 without rounding up (lower bounds stay
// lower bounds).
func roundDown(v float64) float32 {
	f := float32(v)
	if float64(f) > v {
		f = math.Nextafter32(f, float32(math.Inf(-1)))
	}
	return f
}
