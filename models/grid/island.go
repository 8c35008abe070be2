package grid

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// maxNamedIslands and maxNamedBuses bound what one error lists.
const (
	maxNamedIslands = 5
	maxNamedBuses   = 10
)

// checkTopology rejects, when a case is read, a case whose power flow
// cannot be solved whatever its data: one with no bus that can be the
// reference (no in-service generator at a PV or reference bus), and one
// with buses that in-service branches do not join to the reference bus.
//
// MATPOWER leaves out only the buses a case marks type 4 (NONE, in
// ext2int) and does not look for islands: such a bus or island makes its
// Jacobian (or the DC B matrix) singular. pandapower instead sets buses it
// cannot supply out of service, with NaN results. We reject every bus not
// of type 4 that is cut off from the reference bus, with or without load
// or a generator, rather than drop the unloaded ones with a warning: the
// fix is one edit of the file (type 4), results never lose a bus silently,
// and the rule is the same for every bus. No case that solved before is
// rejected: each of these failed the first solve. The rule applies to
// case files; a line outage during a time series that cuts buses off is
// a failed step, not invalid input. Cost O(buses + branches).
func checkTopology(c *Case) error {
	if len(c.Buses) == 0 {
		return errors.New("mpc.bus has no rows")
	}
	n := &Network{Case: c, BaseMVA: c.BaseMVA, index: c.BusIndex()}
	n.compileGens()
	n.chooseBusTypes()
	if n.ref < 0 {
		return fmt.Errorf("%w (mpc.gen has none in service at a bus of type 2 or 3)", ErrNoSlack)
	}
	n.compileBranches()
	islands := n.islandsWithoutRef()
	if len(islands) == 0 {
		return nil
	}
	msgs := make([]string, 0, maxNamedIslands)
	for _, isl := range islands[:min(len(islands), maxNamedIslands)] {
		msgs = append(msgs, n.describeIsland(isl))
	}
	if more := len(islands) - len(msgs); more > 0 {
		msgs = append(msgs, fmt.Sprintf("and %d more islands", more))
	}
	return fmt.Errorf("%s (buses of type 4, NONE, are left out of the power flow)", strings.Join(msgs, "; "))
}

// islandsWithoutRef returns the groups of buses (positions, ascending) that
// in-service branches join to each other but not to the reference bus,
// ordered by their first bus; buses of type 4 are left out.
func (n *Network) islandsWithoutRef() [][]int {
	nb := len(n.Case.Buses)
	adj := make([][]int, nb)
	for k, on := range n.inService {
		if on && n.from[k] != n.to[k] {
			adj[n.from[k]] = append(adj[n.from[k]], n.to[k])
			adj[n.to[k]] = append(adj[n.to[k]], n.from[k])
		}
	}
	part := make([]int, nb) // 0 unvisited, 1 joined to the reference, k+2 island k
	n.flood(adj, part, n.ref, 1)
	var islands [][]int
	for start := range nb {
		if part[start] == 0 && n.busType[start] != Isolated {
			islands = append(islands, n.flood(adj, part, start, len(islands)+2))
		}
	}
	return islands
}

// flood labels every bus reachable from start and returns them in
// ascending order of position.
func (n *Network) flood(adj [][]int, part []int, start, label int) []int {
	part[start] = label
	members := []int{start}
	for q := 0; q < len(members); q++ {
		for _, j := range adj[members[q]] {
			if part[j] == 0 {
				part[j] = label
				members = append(members, j)
			}
		}
	}
	slices.Sort(members)
	return members
}

// describeIsland names an island by its external bus numbers.
func (n *Network) describeIsland(isl []int) string {
	ref := n.Case.Buses[n.ref].ID
	if len(isl) == 1 {
		return fmt.Sprintf("bus %d is isolated: no in-service branch joins it to the reference bus %d", n.Case.Buses[isl[0]].ID, ref)
	}
	ids := make([]string, 0, maxNamedBuses)
	for _, i := range isl[:min(len(isl), maxNamedBuses)] {
		ids = append(ids, fmt.Sprint(n.Case.Buses[i].ID))
	}
	s := strings.Join(ids, ", ")
	if more := len(isl) - len(ids); more > 0 {
		s += fmt.Sprintf(" and %d more", more)
	}
	return fmt.Sprintf("buses %s form an island that no in-service branch joins to the reference bus %d", s, ref)
}
