package synth

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/graph/path"
	"gonum.org/v1/gonum/graph/simple"

	"citytwin/models/water"
)

// treeFlows is the peak flow (l/s) each pipe carries when every junction is
// fed along its shortest path (by length) from the source junction: the
// first sizing of the mains. Pipes off the tree (the loops) carry 0.
// Shortest paths by Dijkstra (gonum's graph/path), O(E log V).
func treeFlows(m mains, src int, peakLps []float64) (flows []float64, longestM float64) {
	g := simple.NewWeightedUndirectedGraph(0, math.Inf(1))
	for j := range m.xy {
		g.AddNode(simple.Node(j))
	}
	adj := make([][]int, len(m.xy)) // junction -> pipes
	for k, p := range m.pipes {
		g.SetWeightedEdge(g.NewWeightedEdge(simple.Node(p.a), simple.Node(p.b), p.lengthM))
		adj[p.a], adj[p.b] = append(adj[p.a], k), append(adj[p.b], k)
	}
	sp := path.DijkstraFrom(simple.Node(src), g)
	distM := make([]float64, len(m.xy))
	order := make([]int, len(m.xy))
	for j := range distM {
		distM[j], order[j] = sp.WeightTo(int64(j)), j
		longestM = math.Max(longestM, distM[j])
	}
	// Farthest first, so that a junction's flow is complete before it is
	// passed to its parent.
	slices.SortFunc(order, func(a, b int) int { return cmp.Or(cmp.Compare(distM[b], distM[a]), cmp.Compare(a, b)) })
	flows = make([]float64, len(m.pipes))
	through := slices.Clone(peakLps)
	for _, v := range order {
		if v == src {
			continue
		}
		k := parentPipe(m, adj[v], v, distM)
		if k < 0 {
			continue
		}
		flows[k] = through[v]
		through[other(m.pipes[k], v)] += through[v]
	}
	return flows, longestM
}

// parentPipe is the pipe on v's shortest path to the source.
func parentPipe(m mains, pipes []int, v int, distM []float64) int {
	best, bestD := -1, math.Inf(1)
	for _, k := range pipes {
		u := other(m.pipes[k], v)
		if d := distM[u] + m.pipes[k].lengthM; distM[u] < distM[v] && d < bestD {
			best, bestD = k, d
		}
	}
	return best
}

func other(p pipe, v int) int {
	if p.a == v {
		return p.b
	}
	return p.a
}

// peakState is the network solved at the peak hour.
type peakState struct {
	minP, maxP float64   // junction pressures, m
	gradient   []float64 // per link, head loss per metre
}

// solvePeak renders the design at the peak hour and solves it once.
func (ds *design) solvePeak() (peakState, error) {
	_, net, err := text(ds.network(int64(ds.p.peakHour())*3600, 0))
	if err != nil {
		return peakState{}, err
	}
	sim, err := water.NewSimulator(net, water.SimOptions{Duration: 0})
	if err != nil {
		return peakState{}, fmt.Errorf("synth: %w", err)
	}
	sim.Init()
	if err := sim.Solve(); err != nil {
		return peakState{}, fmt.Errorf("synth: peak hour: %w", err)
	}
	st := peakState{minP: math.Inf(1), maxP: math.Inf(-1), gradient: make([]float64, len(net.Links))}
	for i := 0; i < net.NJuncs; i++ {
		p := sim.NodePressure(i)
		st.minP, st.maxP = math.Min(st.minP, p), math.Max(st.maxP, p)
	}
	u := net.Options.Units
	for k, l := range net.Links {
		if l.Type == water.Pipe {
			st.gradient[k] = sim.LinkHeadloss(k) / (l.Length * u.LengthFactor)
		}
	}
	return st, nil
}

// size enlarges the pipes with the steepest hydraulic gradient until the
// lowest pressure at the peak hour reaches the minimum. The target gradient
// starts at the head budget spread over the longest path and tightens when
// no pipe exceeds it.
func (ds *design) size(longestM float64) (peakState, int, error) {
	budget := ds.sourceHeadM() - ds.p.MinPressureM
	target := budget / math.Max(longestM, 1)
	for it := 1; ; it++ {
		st, err := ds.solvePeak()
		if err != nil {
			return st, it, err
		}
		if st.minP >= ds.p.MinPressureM || it >= ds.p.MaxIterations {
			return st, it, nil
		}
		changed := false
		for k, g := range st.gradient {
			if g > target && ds.diamMM[k] < ds.p.Diameters[len(ds.p.Diameters)-1] {
				ds.diamMM[k] = ds.p.larger(ds.diamMM[k])
				changed = true
			}
		}
		if !changed {
			target *= 0.7
		}
	}
}

// sourceHeadM is the head the source gives at the peak flow, m above the
// (flat) ground.
func (ds *design) sourceHeadM() float64 {
	if ds.src.Kind == FromWaterTower {
		return ds.p.TowerHeadM
	}
	return ds.p.PumpHeadM
}
