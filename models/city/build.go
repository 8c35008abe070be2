package city

import (
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/osm"
)

// drivableWay is a way cars may use, with its node indexes resolved.
type drivableWay struct {
	way *osm.Way
	rt  roadTags
	pts []int32
}

// buildRoads builds the car road graph from the raw elements.
func buildRoads(raw *rawOSM, proj Projection, opt Options, st *ImportStats) *RoadGraph {
	ways := drivableWays(raw, opt, st)
	isNode := graphNodes(raw, ways)
	g := &RoadGraph{cache: &graphCache{}}
	nodeOf := make(map[int32]NodeID)
	node := func(i int32) NodeID {
		if n, ok := nodeOf[i]; ok {
			return n
		}
		n := NodeID(len(g.NodeOSM))
		nodeOf[i] = n
		ll := orb.Point(raw.lonLat[i])
		g.NodeOSM = append(g.NodeOSM, raw.nodeID[i])
		g.NodeLonLat = append(g.NodeLonLat, ll)
		g.NodeXY = append(g.NodeXY, proj.ToXY(ll))
		g.Signal = append(g.Signal, raw.nodeTags[i].Find("highway") == "traffic_signals")
		return n
	}
	wayEdges := make(map[int64][]EdgeID, len(ways))
	for _, dw := range ways {
		start := 0
		for i := 1; i < len(dw.pts); i++ {
			if !isNode[dw.pts[i]] {
				continue
			}
			seg := dw.pts[start : i+1]
			a, b := node(seg[0]), node(seg[len(seg)-1])
			g.addSegment(raw, proj, dw, seg, a, b, wayEdges)
			start = i
		}
	}
	g.buildAdjacency()
	applyRestrictions(g, raw, wayEdges, st)
	g.buildTurns()
	markLargestSCC(g)
	return g
}

// drivableWays returns the ways cars may use, in id order, with at least
// two distinct resolved nodes.
func drivableWays(raw *rawOSM, opt Options, st *ImportStats) []drivableWay {
	var out []drivableWay
	for _, w := range raw.ways {
		rt, ok := parseRoad(w.Tags, opt)
		if !ok {
			continue
		}
		pts := raw.wayPoints(w, nil, &st.MissingNodeRefs)
		if len(pts) < 2 {
			st.DroppedWays++
			continue
		}
		out = append(out, drivableWay{way: w, rt: rt, pts: pts})
	}
	return out
}

// graphNodes marks the OSM nodes that become graph nodes: way ends, nodes
// used more than once by drivable ways (intersections, and the closing
// node of a ring), and traffic signals.
func graphNodes(raw *rawOSM, ways []drivableWay) []bool {
	uses := make([]uint8, len(raw.nodeID))
	is := make([]bool, len(raw.nodeID))
	for _, dw := range ways {
		is[dw.pts[0]], is[dw.pts[len(dw.pts)-1]] = true, true
		for _, p := range dw.pts {
			if uses[p] < 2 {
				uses[p]++
			}
			if uses[p] >= 2 || raw.nodeTags[p].Find("highway") == "traffic_signals" {
				is[p] = true
			}
		}
	}
	return is
}

// addSegment adds the edge(s) of one way segment between graph nodes a and b.
func (g *RoadGraph) addSegment(raw *rawOSM, proj Projection, dw drivableWay, seg []int32, a, b NodeID, wayEdges map[int64][]EdgeID) {
	geom := make([]orb.Point, len(seg))
	for i, p := range seg {
		geom[i] = proj.ToXY(orb.Point(raw.lonLat[p]))
	}
	length := polylineLength(geom)
	wid := int64(dw.way.ID)
	fwd, bwd := NoEdge, NoEdge
	if dw.rt.fwd {
		fwd = g.addEdge(a, b, length, dw.rt.speedFwdKmh, dw.rt.lanesFwd, dw, geom)
		wayEdges[wid] = append(wayEdges[wid], fwd)
	}
	if dw.rt.bwd {
		rev := make([]orb.Point, len(geom))
		for i, p := range geom {
			rev[len(geom)-1-i] = p
		}
		bwd = g.addEdge(b, a, length, dw.rt.speedBwdKmh, dw.rt.lanesBwd, dw, rev)
		wayEdges[wid] = append(wayEdges[wid], bwd)
	}
	if fwd != NoEdge && bwd != NoEdge {
		g.Reverse[fwd], g.Reverse[bwd] = bwd, fwd
	}
}

func (g *RoadGraph) addEdge(a, b NodeID, length, speedKmh float64, lanes int8, dw drivableWay, geom []orb.Point) EdgeID {
	e := EdgeID(len(g.From))
	g.From = append(g.From, a)
	g.To = append(g.To, b)
	g.LengthM = append(g.LengthM, length)
	g.SpeedMps = append(g.SpeedMps, speedKmh/3.6)
	g.Lanes = append(g.Lanes, lanes)
	g.Class = append(g.Class, dw.rt.class)
	g.WayOSM = append(g.WayOSM, int64(dw.way.ID))
	g.Name = append(g.Name, dw.rt.name)
	g.Geom = append(g.Geom, geom)
	g.Reverse = append(g.Reverse, NoEdge)
	return e
}

// applyRestrictions reads type=restriction relations (OSM wiki
// Relation:restriction) into g.Banned. Restrictions with a via way are
// skipped, as are those whose members are missing from the extract or not
// drivable; both are counted in st.
func applyRestrictions(g *RoadGraph, raw *rawOSM, wayEdges map[int64][]EdgeID, st *ImportStats) {
	g.Banned = make(map[[2]EdgeID]bool)
	g.banFrom = make([]bool, g.NumEdges())
	nodeOf := make(map[int64]NodeID, g.NumNodes())
	for n, id := range g.NodeOSM {
		nodeOf[id] = NodeID(n)
	}
	for _, r := range raw.rels {
		kind, ok := restrictionKind(r.Tags)
		if !ok {
			continue
		}
		st.Restrictions++
		var froms, tos []int64
		via, viaWay := int64(0), false
		for _, m := range r.Members {
			switch {
			case m.Role == "from" && m.Type == osm.TypeWay:
				froms = append(froms, m.Ref)
			case m.Role == "to" && m.Type == osm.TypeWay:
				tos = append(tos, m.Ref)
			case m.Role == "via" && m.Type == osm.TypeNode:
				via = m.Ref
			case m.Role == "via" && m.Type == osm.TypeWay:
				viaWay = true
			}
		}
		if viaWay {
			st.RestrictionsViaWay++
			continue
		}
		n, ok := nodeOf[via]
		if !ok || len(froms) == 0 || len(tos) == 0 {
			st.RestrictionsIncomplete++
			continue
		}
		if g.ban(n, kind, froms, tos, wayEdges) {
			st.RestrictionsApplied++
		} else {
			st.RestrictionsIncomplete++
		}
	}
}

// restrictionKind returns "no" or "only" for a restriction relation that
// applies to private cars.
func restrictionKind(tags osm.Tags) (string, bool) {
	if tags.Find("type") != "restriction" {
		return "", false
	}
	v := tags.Find("restriction:motorcar")
	if v == "" {
		v = tags.Find("restriction")
	}
	for _, ex := range strings.Split(tags.Find("except"), ";") {
		if t := strings.TrimSpace(ex); t == "motorcar" || t == "motor_vehicle" {
			return "", false
		}
	}
	switch {
	case strings.HasPrefix(v, "no_"):
		return "no", true
	case strings.HasPrefix(v, "only_"):
		return "only", true
	}
	return "", false
}

// ban records the bans of one restriction at node n; false when no edge of
// the from ways enters n or no edge of the to ways leaves it.
func (g *RoadGraph) ban(n NodeID, kind string, froms, tos []int64, wayEdges map[int64][]EdgeID) bool {
	var in, out []EdgeID
	for _, w := range froms {
		for _, e := range wayEdges[w] {
			if g.To[e] == n {
				in = append(in, e)
			}
		}
	}
	for _, w := range tos {
		for _, e := range wayEdges[w] {
			if g.From[e] == n {
				out = append(out, e)
			}
		}
	}
	if len(in) == 0 || len(out) == 0 {
		return false
	}
	for _, f := range in {
		for _, o := range g.Out(n) {
			listed := containsEdge(out, o)
			if kind == "no" && listed || kind == "only" && !listed {
				g.Banned[[2]EdgeID{f, o}] = true
				g.banFrom[f] = true
			}
		}
	}
	return true
}

func containsEdge(es []EdgeID, e EdgeID) bool {
	for _, x := range es {
		if x == e {
			return true
		}
	}
	return false
}
