package synth

import (
	"cmp"
	"math"
	"slices"

	"github.com/paulmach/orb"
	"gonum.org/v1/gonum/graph/simple"
	"gonum.org/v1/gonum/graph/topo"

	"citytwin/models/city"
)

// mains is the street network contracted into junctions and pipes.
type mains struct {
	xy     []orb.Point // junction positions (a kept road node), local metres
	pipes  []pipe
	merged int // road nodes merged into another
}

// pipe joins junctions a < b along a street.
type pipe struct {
	a, b    int
	lengthM float64
	street  string
}

// streetMains merges road nodes closer than mergeM (greedy, in node order:
// a node joins the first kept node within mergeM, found through a grid of
// mergeM cells) and turns every street segment between two different
// junctions into a pipe, keeping the shortest of parallel ones. O(nodes +
// edges).
func streetMains(g *city.RoadGraph, mergeM float64) mains {
	owner := mergeNodes(g, mergeM)
	var m mains
	index := make([]int, g.NumNodes()) // road node -> junction, -1 for nodes without edges
	for n := range index {
		index[n] = -1
	}
	used := make([]bool, g.NumNodes())
	for e := 0; e < g.NumEdges(); e++ {
		used[g.From[e]], used[g.To[e]] = true, true
	}
	for n, o := range owner {
		if used[n] && o == n && index[n] < 0 {
			index[n] = len(m.xy)
			m.xy = append(m.xy, g.NodeXY[n])
		}
	}
	for n, o := range owner {
		if used[n] && o != n {
			index[n] = index[o]
			m.merged++
		}
	}
	best := map[[2]int]int{} // junction pair -> pipe index
	for e := 0; e < g.NumEdges(); e++ {
		a, b := index[g.From[e]], index[g.To[e]]
		if a == b || a < 0 || b < 0 {
			continue
		}
		a, b = min(a, b), max(a, b)
		p := pipe{a: a, b: b, lengthM: math.Max(g.LengthM[e], 1), street: g.Name[e]}
		if k, ok := best[[2]int{a, b}]; !ok {
			best[[2]int{a, b}] = len(m.pipes)
			m.pipes = append(m.pipes, p)
		} else if p.lengthM < m.pipes[k].lengthM {
			m.pipes[k] = p
		}
	}
	return m
}

// mergeNodes returns, per road node, the node it is merged into (itself
// for a kept node). A kept node's owner is itself; owners form no chains.
func mergeNodes(g *city.RoadGraph, mergeM float64) []int {
	owner := make([]int, g.NumNodes())
	cells := map[[2]int64][]int{} // kept nodes by cell
	cell := func(p orb.Point) [2]int64 {
		return [2]int64{int64(math.Floor(p[0] / mergeM)), int64(math.Floor(p[1] / mergeM))}
	}
	for n := range owner {
		p := g.NodeXY[n]
		owner[n] = n
		c := cell(p)
		found, bestD := -1, mergeM
		for dx := int64(-1); dx <= 1; dx++ {
			for dy := int64(-1); dy <= 1; dy++ {
				for _, k := range cells[[2]int64{c[0] + dx, c[1] + dy}] {
					if d := dist(p, g.NodeXY[k]); d < bestD || d == bestD && found >= 0 && k < found {
						found, bestD = k, d
					}
				}
			}
		}
		if found >= 0 {
			owner[n] = found
			continue
		}
		cells[c] = append(cells[c], n)
	}
	return owner
}

func dist(a, b orb.Point) float64 { return math.Hypot(a[0]-b[0], a[1]-b[1]) }

// largestPart keeps the largest connected part of the mains (by number of
// junctions; ties to the one with the lowest junction) and renumbers it.
func (m *mains) largestPart() (dropped int) {
	part := components(len(m.xy), m.pipes)
	size := map[int]int{}
	for _, c := range part {
		size[c]++
	}
	keep := -1
	for _, c := range part { // a part's label is its lowest junction
		if keep < 0 || size[c] > size[keep] || size[c] == size[keep] && c < keep {
			keep = c
		}
	}
	newIndex := make([]int, len(m.xy))
	var xy []orb.Point
	for j, c := range part {
		newIndex[j] = -1
		if c == keep {
			newIndex[j] = len(xy)
			xy = append(xy, m.xy[j])
		}
	}
	var pipes []pipe
	for _, p := range m.pipes {
		if newIndex[p.a] >= 0 {
			pipes = append(pipes, pipe{a: newIndex[p.a], b: newIndex[p.b], lengthM: p.lengthM, street: p.street})
		}
	}
	dropped = len(m.xy) - len(xy)
	slices.SortFunc(pipes, func(x, y pipe) int { return cmp.Or(cmp.Compare(x.a, y.a), cmp.Compare(x.b, y.b)) })
	m.xy, m.pipes = xy, pipes
	return dropped
}

// components labels each junction with its connected part: the lowest
// junction of the part (gonum's topo.ConnectedComponents).
func components(n int, pipes []pipe) []int {
	g := simple.NewUndirectedGraph()
	for j := 0; j < n; j++ {
		g.AddNode(simple.Node(j))
	}
	for _, p := range pipes {
		g.SetEdge(simple.Edge{F: simple.Node(p.a), T: simple.Node(p.b)})
	}
	out := make([]int, n)
	for _, part := range topo.ConnectedComponents(g) {
		label := n
		for _, v := range part {
			label = min(label, int(v.ID()))
		}
		for _, v := range part {
			out[v.ID()] = label
		}
	}
	return out
}
