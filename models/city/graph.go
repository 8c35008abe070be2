package city

import (
	"math"
	"sync"

	"github.com/paulmach/orb"
)

// NodeID is the index of a road graph node.
type NodeID int32

// EdgeID is the index of a directed road edge.
type EdgeID int32

// NoEdge marks "no edge" (as in RoadGraph.Reverse).
const NoEdge EdgeID = -1

// RoadGraph is the directed road graph for private cars. Nodes are
// intersections (OSM nodes shared by two or more drivable ways), dead ends
// and traffic signals; edges run between them along one OSM way and keep
// the geometry of the nodes in between. A two-way street gives two edges.
// All slices indexed by node have NumNodes entries, those indexed by edge
// NumEdges. The graph is read-only after Load and safe for concurrent
// reads.
type RoadGraph struct {
	// nodes
	NodeOSM    []int64
	NodeXY     []orb.Point // metres, local projection
	NodeLonLat []orb.Point // degrees
	Signal     []bool      // highway=traffic_signals at the node

	// directed edges
	From, To []NodeID
	LengthM  []float64   // along the geometry, m
	SpeedMps []float64   // maxspeed or the class default, m/s
	Lanes    []int8      // lanes in this direction
	Class    []RoadClass //
	WayOSM   []int64     // the OSM way the edge comes from
	Name     []string
	Geom     [][]orb.Point // metres, From node to To node inclusive
	Reverse  []EdgeID      // the edge of the same way segment in the other direction, or NoEdge
	InSCC    []bool        // edge in the largest strongly connected component (edge-based, turn restrictions respected)

	// adjacency, CSR: out edges of n are OutEdge[OutStart[n]:OutStart[n+1]]
	OutStart []int32
	OutEdge  []EdgeID
	InStart  []int32
	InEdge   []EdgeID

	// Banned holds the (from, to) edge pairs a turn restriction forbids;
	// "only_" restrictions are expanded into bans of every other turn.
	// Use TurnAllowed rather than reading it.
	Banned  map[[2]EdgeID]bool
	banFrom []bool // banFrom[e]: some turn out of e is banned

	// turn-expanded adjacency for edge-based search (allowed turns only)
	succStart []int32
	succ      []EdgeID
	predStart []int32
	pred      []EdgeID

	cache *graphCache // derived tables computed on first use
}

// graphCache holds tables derived from the graph on first use.
type graphCache struct {
	lmOnce sync.Once
	lm     *landmarks
	chOnce sync.Once
	ch     *hierarchy
}

// NumNodes is the number of nodes.
func (g *RoadGraph) NumNodes() int { return len(g.NodeOSM) }

// NumEdges is the number of directed edges.
func (g *RoadGraph) NumEdges() int { return len(g.From) }

// Out returns the edges leaving n.
func (g *RoadGraph) Out(n NodeID) []EdgeID { return g.OutEdge[g.OutStart[n]:g.OutStart[n+1]] }

// In returns the edges entering n.
func (g *RoadGraph) In(n NodeID) []EdgeID { return g.InEdge[g.InStart[n]:g.InStart[n+1]] }

// FreeFlowS is the travel time of edge e at its speed limit, s.
func (g *RoadGraph) FreeFlowS(e EdgeID) float64 { return g.LengthM[e] / g.SpeedMps[e] }

// TurnAllowed reports whether a car may go from edge from onto edge to:
// the edges must meet (To[from] == From[to]), no turn restriction may ban
// the pair, and a U-turn onto the reverse edge is allowed only at a dead
// end (where it is the only way on).
func (g *RoadGraph) TurnAllowed(from, to EdgeID) bool {
	if g.To[from] != g.From[to] {
		return false
	}
	if g.banFrom[from] && g.Banned[[2]EdgeID{from, to}] {
		return false
	}
	if g.Reverse[from] == to {
		for _, o := range g.Out(g.To[from]) {
			if o != to && !(g.banFrom[from] && g.Banned[[2]EdgeID{from, o}]) {
				return false
			}
		}
	}
	return true
}

// Successors returns the edges a car on e may turn onto (TurnAllowed).
func (g *RoadGraph) Successors(e EdgeID) []EdgeID { return g.succ[g.succStart[e]:g.succStart[e+1]] }

// Predecessors returns the edges from which a car may turn onto e.
func (g *RoadGraph) Predecessors(e EdgeID) []EdgeID { return g.pred[g.predStart[e]:g.predStart[e+1]] }

// buildAdjacency fills the node CSR arrays from From/To.
func (g *RoadGraph) buildAdjacency() {
	n := g.NumNodes()
	g.OutStart, g.OutEdge = csr(n, g.From)
	g.InStart, g.InEdge = csr(n, g.To)
}

// csr groups edge indexes by key (From or To) in edge order.
func csr(n int, key []NodeID) ([]int32, []EdgeID) {
	start := make([]int32, n+1)
	for _, k := range key {
		start[k+1]++
	}
	for i := 0; i < n; i++ {
		start[i+1] += start[i]
	}
	fill := append([]int32(nil), start[:n]...)
	out := make([]EdgeID, len(key))
	for e, k := range key {
		out[fill[k]] = EdgeID(e)
		fill[k]++
	}
	return start, out
}

// buildTurns fills the turn-expanded successor and predecessor lists.
func (g *RoadGraph) buildTurns() {
	m := g.NumEdges()
	g.succStart = make([]int32, m+1)
	g.succ = g.succ[:0]
	var from []NodeID // predecessor grouping key: the successor edge, as NodeID-sized int
	var fromEdge []EdgeID
	for e := 0; e < m; e++ {
		for _, o := range g.Out(g.To[e]) {
			if g.TurnAllowed(EdgeID(e), o) {
				g.succ = append(g.succ, o)
				from = append(from, NodeID(o))
				fromEdge = append(fromEdge, EdgeID(e))
			}
		}
		g.succStart[e+1] = int32(len(g.succ))
	}
	start, idx := csr(m, from)
	g.predStart = start
	g.pred = make([]EdgeID, len(idx))
	for i, k := range idx {
		g.pred[i] = fromEdge[k]
	}
}

// polylineLength is the length of a planar polyline, m.
func polylineLength(pts []orb.Point) float64 {
	var s float64
	for i := 1; i < len(pts); i++ {
		s += math.Hypot(pts[i][0]-pts[i-1][0], pts[i][1]-pts[i-1][1])
	}
	return s
}
