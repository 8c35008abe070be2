package traffic

import (
	"errors"
	"fmt"
	"math"
)

// ErrNetwork is returned for a road network the model cannot run on.
var ErrNetwork = errors.New("traffic: bad network")

// Network is the road network the vehicles drive on: the directed edges of
// the city's road graph as plain arrays, with the derived data the model
// needs (lanes, headings, priorities, approach groups). Build one with
// FromCity, or by hand with NewNetwork, AddEdge and Finish (tests).
//
// A Network is read-only once finished, except for the what-if changes of
// speed limits, which the Traffic that owns it applies.
type Network struct {
	NodeXY [][2]float64 // node position, m (local metric CRS)
	Signal []bool       // node carries a traffic signal (after Finish: the effective signals)

	From, To []int32
	LengthM  []float64 // m
	SpeedMps []float64 // speed limit, m/s
	Lanes    []int8    // lanes in this direction (>= 1)
	Rank     []int8    // priority by road class, higher goes first
	Geom     [][][2]float64

	// LonLat converts a local position to lon/lat for output; nil = identity.
	LonLat func(x, y float64) (lon, lat float64)
	// Allowed reports whether a car may turn from one edge onto the next;
	// nil = every turn except a U-turn onto the reverse edge (allowed at a
	// dead end only).
	Allowed func(from, to int32) bool

	OutStart, OutEdge []int32
	InStart, InEdge   []int32

	laneStart  []int32   // lanes of e are laneStart[e]..laneStart[e+1]-1, rightmost first
	laneEdge   []int32   // edge of each lane
	headIn     []float64 // heading at the To end of e, rad
	headOut    []float64 // heading at the From end of e, rad
	group      []int8    // signal approach group of e at its To node, -1 if none
	ctrl       []int32   // signal controller of each node, -1 if none
	inBox      []bool    // edge inside an intersection: at most joinM between two junctions
	ctrlRep    []int32   // a node of each controller (the lowest)
	ctrlGroups []int8    // approach groups of each controller
	foeStart   []int32   // edges e must yield to: foe[foeStart[e]:foeStart[e+1]]
	foe        []int32
	foeLeft    []bool // the foe comes from the left
	rbl        []bool // node is right-before-left
	mainIn     []bool // edge is a main-road approach of its end node
}

// NewNetwork starts a hand-built network with the given node positions (m).
func NewNetwork(nodeXY [][2]float64) *Network {
	return &Network{NodeXY: nodeXY, Signal: make([]bool, len(nodeXY))}
}

// AddEdge adds a directed edge of straight geometry and returns its index.
// Length is the distance between the nodes; speed in m/s; rank is the
// priority (higher goes first).
func (n *Network) AddEdge(from, to int32, speedMps float64, lanes, rank int) int32 {
	a, b := n.NodeXY[from], n.NodeXY[to]
	n.From = append(n.From, from)
	n.To = append(n.To, to)
	n.LengthM = append(n.LengthM, math.Hypot(b[0]-a[0], b[1]-a[1]))
	n.SpeedMps = append(n.SpeedMps, speedMps)
	n.Lanes = append(n.Lanes, int8(lanes))
	n.Rank = append(n.Rank, int8(rank))
	n.Geom = append(n.Geom, nil)
	return int32(len(n.From) - 1)
}

// NumEdges is the number of directed edges.
func (n *Network) NumEdges() int { return len(n.From) }

// NumNodes is the number of nodes.
func (n *Network) NumNodes() int { return len(n.NodeXY) }

// NumLanes is the number of lanes over all edges.
func (n *Network) NumLanes() int { return int(n.laneStart[len(n.From)]) }

// Out returns the edges leaving node v.
func (n *Network) Out(v int32) []int32 { return n.OutEdge[n.OutStart[v]:n.OutStart[v+1]] }

// In returns the edges entering node v.
func (n *Network) In(v int32) []int32 { return n.InEdge[n.InStart[v]:n.InStart[v+1]] }

// Finish checks the network and derives adjacency (when not given), lanes,
// headings, signal approach groups and the yield relations.
func (n *Network) Finish() error {
	if err := n.check(); err != nil {
		return err
	}
	if n.OutStart == nil {
		n.OutStart, n.OutEdge = csrBy(len(n.NodeXY), n.From)
		n.InStart, n.InEdge = csrBy(len(n.NodeXY), n.To)
	}
	n.buildLanes()
	n.buildHeadings()
	n.placeSignals()
	n.buildControllers()
	n.buildPriority()
	n.buildFoes()
	return nil
}

func (n *Network) check() error {
	m := len(n.From)
	if len(n.To) != m || len(n.LengthM) != m || len(n.SpeedMps) != m || len(n.Lanes) != m || len(n.Rank) != m {
		return fmt.Errorf("%w: edge arrays of different lengths", ErrNetwork)
	}
	if len(n.Signal) != len(n.NodeXY) {
		return fmt.Errorf("%w: %d signal flags for %d nodes", ErrNetwork, len(n.Signal), len(n.NodeXY))
	}
	for e := 0; e < m; e++ {
		if n.From[e] < 0 || int(n.From[e]) >= len(n.NodeXY) || n.To[e] < 0 || int(n.To[e]) >= len(n.NodeXY) {
			return fmt.Errorf("%w: edge %d: node out of range", ErrNetwork, e)
		}
		if !(n.LengthM[e] > 0) || !(n.SpeedMps[e] > 0) || math.IsInf(n.LengthM[e], 0) {
			return fmt.Errorf("%w: edge %d: length %g m, speed %g m/s", ErrNetwork, e, n.LengthM[e], n.SpeedMps[e])
		}
		if n.Lanes[e] < 1 {
			n.Lanes[e] = 1
		}
	}
	return nil
}

// csrBy groups edge indexes by key in edge order.
func csrBy(nodes int, key []int32) ([]int32, []int32) {
	start := make([]int32, nodes+1)
	for _, k := range key {
		start[k+1]++
	}
	for i := 0; i < nodes; i++ {
		start[i+1] += start[i]
	}
	fill := append([]int32(nil), start[:nodes]...)
	out := make([]int32, len(key))
	for e, k := range key {
		out[fill[k]] = int32(e)
		fill[k]++
	}
	return start, out
}

func (n *Network) buildLanes() {
	m := len(n.From)
	n.laneStart = make([]int32, m+1)
	for e := 0; e < m; e++ {
		n.laneStart[e+1] = n.laneStart[e] + int32(n.Lanes[e])
	}
	n.laneEdge = make([]int32, n.laneStart[m])
	for e := 0; e < m; e++ {
		for l := n.laneStart[e]; l < n.laneStart[e+1]; l++ {
			n.laneEdge[l] = int32(e)
		}
	}
}

// buildHeadings takes the heading of each edge at both ends from its
// geometry (or the straight line between its nodes).
func (n *Network) buildHeadings() {
	m := len(n.From)
	n.headIn = make([]float64, m)
	n.headOut = make([]float64, m)
	for e := 0; e < m; e++ {
		a, b := n.NodeXY[n.From[e]], n.NodeXY[n.To[e]]
		p0, p1, q0, q1 := a, b, a, b
		if g := n.Geom[e]; len(g) >= 2 {
			p0, p1 = g[0], g[1]
			q0, q1 = g[len(g)-2], g[len(g)-1]
		}
		n.headOut[e] = math.Atan2(p1[1]-p0[1], p1[0]-p0[0])
		n.headIn[e] = math.Atan2(q1[1]-q0[1], q1[0]-q0[0])
	}
}

// turnAngle is the signed turn from edge a onto edge b, rad in (-π, π]:
// positive is a left turn.
func (n *Network) turnAngle(a, b int32) float64 {
	d := n.headOut[b] - n.headIn[a]
	for d > math.Pi {
		d -= 2 * math.Pi
	}
	for d <= -math.Pi {
		d += 2 * math.Pi
	}
	return d
}

// allowed reports whether the turn from a onto b is permitted.
func (n *Network) allowed(a, b int32) bool {
	if n.Allowed != nil {
		return n.Allowed(a, b)
	}
	if n.To[a] != n.From[b] {
		return false
	}
	if n.To[b] == n.From[a] { // U-turn: only at a dead end
		for _, o := range n.Out(n.To[a]) {
			if o != b && n.To[o] != n.From[a] {
				return false
			}
		}
	}
	return true
}

// legs counts the distinct neighbour nodes of v.
func (n *Network) legs(v int32) int {
	var seen [16]int32
	k := 0
	add := func(u int32) {
		for i := 0; i < k; i++ {
			if seen[i] == u {
				return
			}
		}
		if k < len(seen) {
			seen[k] = u
			k++
		}
	}
	for _, e := range n.Out(v) {
		add(n.To[e])
	}
	for _, e := range n.In(v) {
		add(n.From[e])
	}
	return k
}
