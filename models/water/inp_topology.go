package water

import (
	"errors"
	"fmt"
	"strings"
)

// maxNamedNodes bounds the node IDs one topology error lists, as EPANET
// stops at MAXERRS (10) messages.
const maxNamedNodes = 10

// checkTopology rejects, at load time, networks whose hydraulics cannot be
// solved whatever their data, with EPANET 2.2's input checks (netsize and
// unlinked in input2.c):
//
//   - error 223, not enough nodes: no junction;
//   - error 224, no tanks or reservoirs: nothing fixes the head;
//   - error 233, node unconnected: junctions that no link touches.
//
// and one check EPANET leaves to the first solve: in a demand-driven
// analysis, every junction must reach a tank, a reservoir or an emitter
// through links (of any type, whatever their initial status). A group of
// junctions without one has no fixed head and nothing else on the
// diagonal of its equations, which are singular: EPANET fails there with
// error 110 ("cannot solve network hydraulic equations"). An emitter's
// outflow, and in a pressure-driven analysis every demand, puts a term on
// the diagonal, so such groups solve (with pressures of their own). Cost
// O(nodes + links).
func (p *parser) checkTopology() error {
	n := p.net
	if n.NJuncs == 0 {
		return errors.New("the network has no junctions (EPANET error 223: not enough nodes)")
	}
	if len(n.Nodes) == n.NJuncs {
		return errors.New("the network has no tank or reservoir (no fixed head; EPANET error 224)")
	}
	links := make([]int, len(n.Nodes))
	for _, l := range n.Links {
		links[l.N1]++
		links[l.N2]++
	}
	var unlinked []int
	for i := range n.NJuncs {
		if links[i] == 0 {
			unlinked = append(unlinked, i)
		}
	}
	if len(unlinked) > 0 {
		return fmt.Errorf("%s not connected to any link (EPANET error 233)", p.nodeList(unlinked))
	}
	if n.Options.DemandModel == PDA {
		return nil
	}
	if cut := p.withoutFixedHead(); len(cut) > 0 {
		return fmt.Errorf("%s not connected to any tank, reservoir or emitter through links (no fixed head)", p.nodeList(cut))
	}
	return nil
}

// withoutFixedHead returns the junctions that no chain of links joins to a
// tank, a reservoir or an emitter, in index order: a breadth-first search
// from each of those over the links taken as undirected edges.
func (p *parser) withoutFixedHead() []int {
	n := p.net
	adj := make([][]int, len(n.Nodes))
	for _, l := range n.Links {
		adj[l.N1] = append(adj[l.N1], l.N2)
		adj[l.N2] = append(adj[l.N2], l.N1)
	}
	reached := make([]bool, len(n.Nodes))
	var queue []int
	for i := range n.Nodes {
		if i >= n.NJuncs || n.Nodes[i].Emitter > 0 {
			reached[i] = true
			queue = append(queue, i)
		}
	}
	for len(queue) > 0 {
		i := queue[0]
		queue = queue[1:]
		for _, j := range adj[i] {
			if !reached[j] {
				reached[j] = true
				queue = append(queue, j)
			}
		}
	}
	var cut []int
	for i := range n.NJuncs {
		if !reached[i] {
			cut = append(cut, i)
		}
	}
	return cut
}

// nodeList names junctions for an error: `junction "7" is` or
// `junctions "7", "8" and 3 more are`.
func (p *parser) nodeList(idx []int) string {
	ids := make([]string, 0, min(len(idx), maxNamedNodes))
	for _, i := range idx[:min(len(idx), maxNamedNodes)] {
		ids = append(ids, fmt.Sprintf("%q", p.net.Nodes[i].ID))
	}
	s := strings.Join(ids, ", ")
	if more := len(idx) - len(ids); more > 0 {
		s += fmt.Sprintf(" and %d more", more)
	}
	if len(idx) == 1 {
		return "junction " + s + " is"
	}
	return "junctions " + s + " are"
}
