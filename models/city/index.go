package city

import (
	"math"

	"github.com/paulmach/orb"
)

// indexCellM is the side of a spatial index cell, m. About the length of a
// city block face: few segments per cell, few cells per query. Extracts
// so large that the grid would exceed maxIndexCells get larger cells.
const (
	indexCellM    = 50.0
	maxIndexCells = 1 << 22
)

// spatialIndex is a uniform grid over the segments of the edges and over
// the nodes of the largest strongly connected component.
type spatialIndex struct {
	minX, minY float64
	cellM      float64 // side of a cell, m
	nx, ny     int
	segStart   []int32 // CSR per cell into segs
	segs       []segRef
	nodeStart  []int32
	nodes      []NodeID
}

// segRef is segment i (Geom[e][i] to Geom[e][i+1]) of edge e.
type segRef struct {
	edge EdgeID
	i    int32
}

func newSpatialIndex(g *RoadGraph) *spatialIndex {
	ix := &spatialIndex{}
	b := orb.Bound{Min: orb.Point{math.Inf(1), math.Inf(1)}, Max: orb.Point{math.Inf(-1), math.Inf(-1)}}
	for e, geom := range g.Geom {
		if g.InSCC[e] {
			for _, p := range geom {
				b = b.Extend(p)
			}
		}
	}
	if b.Min[0] > b.Max[0] {
		return ix
	}
	ix.minX, ix.minY = b.Min[0], b.Min[1]
	w, h := b.Max[0]-b.Min[0], b.Max[1]-b.Min[1]
	// At most maxIndexCells cells, and not many more than segments, so
	// that a search through empty cells stays cheap on sparse extracts.
	nseg := 0
	for e, geom := range g.Geom {
		if g.InSCC[e] {
			nseg += len(geom) - 1
		}
	}
	maxCells := math.Min(maxIndexCells, math.Max(1024, 4*float64(nseg)))
	ix.cellM = math.Max(indexCellM, math.Sqrt(w*h/maxCells))
	ix.cellM = math.Max(ix.cellM, math.Max(w, h)/maxCells) // thin extracts
	ix.nx = int(w/ix.cellM) + 1
	ix.ny = int(h/ix.cellM) + 1
	var segCell []int32
	var segs []segRef
	for e, geom := range g.Geom {
		if !g.InSCC[e] {
			continue
		}
		for i := 0; i+1 < len(geom); i++ {
			sb := orb.Bound{Min: geom[i], Max: geom[i]}.Extend(geom[i+1])
			x0, y0 := ix.cell(sb.Min)
			x1, y1 := ix.cell(sb.Max)
			for y := y0; y <= y1; y++ {
				for x := x0; x <= x1; x++ {
					segCell = append(segCell, int32(y*ix.nx+x))
					segs = append(segs, segRef{EdgeID(e), int32(i)})
				}
			}
		}
	}
	ix.segStart, ix.segs = bucket(ix.nx*ix.ny, segCell, segs)
	var nodeCell []int32
	var nodes []NodeID
	seen := make([]bool, g.NumNodes())
	for e := range g.From {
		for _, n := range [2]NodeID{g.From[e], g.To[e]} {
			if g.InSCC[e] && !seen[n] {
				seen[n] = true
				x, y := ix.cell(g.NodeXY[n])
				nodeCell = append(nodeCell, int32(y*ix.nx+x))
				nodes = append(nodes, n)
			}
		}
	}
	ix.nodeStart, ix.nodes = bucket(ix.nx*ix.ny, nodeCell, nodes)
	return ix
}

// bucket sorts items into cells (counting sort, stable).
func bucket[T any](ncell int, cell []int32, items []T) ([]int32, []T) {
	start := make([]int32, ncell+1)
	for _, c := range cell {
		start[c+1]++
	}
	for i := 0; i < ncell; i++ {
		start[i+1] += start[i]
	}
	fill := append([]int32(nil), start[:ncell]...)
	out := make([]T, len(items))
	for i, c := range cell {
		out[fill[c]] = items[i]
		fill[c]++
	}
	return start, out
}

// cell returns the grid cell of p, clamped to the grid.
func (ix *spatialIndex) cell(p orb.Point) (int, int) {
	x := int(math.Floor((p[0] - ix.minX) / ix.cellM))
	y := int(math.Floor((p[1] - ix.minY) / ix.cellM))
	return min(max(x, 0), ix.nx-1), min(max(y, 0), ix.ny-1)
}

// rings visits the cells at Chebyshev ring r around (cx, cy).
func (ix *spatialIndex) ring(cx, cy, r int, visit func(cell int)) {
	for y := cy - r; y <= cy+r; y++ {
		if y < 0 || y >= ix.ny {
			continue
		}
		step := 1
		if y != cy-r && y != cy+r {
			step = 2 * r
		}
		for x := cx - r; x <= cx+r; x += max(step, 1) {
			if x >= 0 && x < ix.nx {
				visit(y*ix.nx + x)
			}
		}
	}
}

// ringDistance is a lower bound on the distance from p to any cell of ring
// r+1 or beyond, m.
func (ix *spatialIndex) ringDistance(p orb.Point, cx, cy, r int) float64 {
	fx := (p[0]-ix.minX)/ix.cellM - float64(cx)
	fy := (p[1]-ix.minY)/ix.cellM - float64(cy)
	d := math.Min(math.Min(fx, 1-fx), math.Min(fy, 1-fy))
	return (float64(r) + math.Max(d, 0)) * ix.cellM
}

// SnapEdge returns the drivable edge of the largest strongly connected
// component nearest to xy (local metres), the distance along that edge from
// its From node to the nearest point (offsetM), and the distance from xy to
// it (distM). ok is false when the graph has no such edge. A two-way street
// has two edges at the same distance; the lower EdgeID is returned. Cost:
// a few grid cells of 50 m; no allocation.
func (c *City) SnapEdge(xy orb.Point) (e EdgeID, offsetM, distM float64, ok bool) {
	ix, g := c.index, c.Roads
	if ix == nil || len(ix.segs) == 0 {
		return NoEdge, 0, 0, false
	}
	cx, cy := ix.cell(xy)
	best, bestI, bestT := NoEdge, int32(0), 0.0
	bestD := math.Inf(1)
	for r := 0; r <= max(ix.nx, ix.ny); r++ {
		ix.ring(cx, cy, r, func(cell int) {
			for _, s := range ix.segs[ix.segStart[cell]:ix.segStart[cell+1]] {
				geom := g.Geom[s.edge]
				d, t := pointSegment(xy, geom[s.i], geom[s.i+1])
				if d < bestD || d == bestD && (s.edge < best || s.edge == best && s.i < bestI) {
					best, bestI, bestT, bestD = s.edge, s.i, t, d
				}
			}
		})
		if best != NoEdge && bestD <= ix.ringDistance(xy, cx, cy, r) {
			break
		}
	}
	geom := g.Geom[best]
	offsetM = polylineLength(geom[:bestI+1]) + bestT*math.Hypot(geom[bestI+1][0]-geom[bestI][0], geom[bestI+1][1]-geom[bestI][1])
	return best, offsetM, bestD, true
}

// SnapLonLat is SnapEdge for a lon/lat point in degrees.
func (c *City) SnapLonLat(ll orb.Point) (e EdgeID, offsetM, distM float64, ok bool) {
	return c.SnapEdge(c.Proj.ToXY(ll))
}

// NearestNode returns the node of the largest strongly connected component
// nearest to xy (local metres); ties go to the lower NodeID.
func (c *City) NearestNode(xy orb.Point) (NodeID, bool) {
	ix, g := c.index, c.Roads
	if ix == nil || len(ix.nodes) == 0 {
		return 0, false
	}
	cx, cy := ix.cell(xy)
	best, bestD := NodeID(-1), math.Inf(1)
	for r := 0; r <= max(ix.nx, ix.ny); r++ {
		ix.ring(cx, cy, r, func(cell int) {
			for _, n := range ix.nodes[ix.nodeStart[cell]:ix.nodeStart[cell+1]] {
				p := g.NodeXY[n]
				d := math.Hypot(p[0]-xy[0], p[1]-xy[1])
				if d < bestD || d == bestD && n < best {
					best, bestD = n, d
				}
			}
		})
		if best >= 0 && bestD <= ix.ringDistance(xy, cx, cy, r) {
			break
		}
	}
	return best, best >= 0
}

// pointSegment returns the distance from p to segment ab and the fraction
// t in [0,1] of the nearest point along it.
func pointSegment(p, a, b orb.Point) (dist, t float64) {
	dx, dy := b[0]-a[0], b[1]-a[1]
	l2 := dx*dx + dy*dy
	if l2 > 0 {
		t = ((p[0]-a[0])*dx + (p[1]-a[1])*dy) / l2
		t = math.Max(0, math.Min(1, t))
	}
	qx, qy := a[0]+t*dx-p[0], a[1]+t*dy-p[1]
	return math.Hypot(qx, qy), t
}
