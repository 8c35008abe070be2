package city

import (
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/osm"
)

// shape is the geometry of one tagged OSM element: a point for a node, a
// polygon for a closed way, rings assembled from the member ways of a
// multipolygon relation.
type shape struct {
	osmType   string // node, way, relation
	osmID     int64
	tags      osm.Tags
	lonLat    orb.Point        // centroid (area-weighted for polygons), degrees
	xy        orb.Point        // the same in local metres
	footprint orb.MultiPolygon // lon/lat; nil for nodes and open ways
	areaM2    float64          // planar area in the local projection, holes removed
	lineXY    []orb.Point      // an open way's polyline, local metres
	partial   bool             // some members or nodes missing from the extract
}

// shapes returns the geometry of every node, way and relation whose tags
// satisfy match: nodes first, then ways, then relations, each by id.
func (raw *rawOSM) shapes(proj Projection, match func(osm.Tags) bool) []shape {
	var out []shape
	for i, tags := range raw.nodeTags {
		if tags != nil && match(tags) {
			ll := orb.Point(raw.lonLat[i])
			out = append(out, shape{osmType: "node", osmID: raw.nodeID[i], tags: tags, lonLat: ll, xy: proj.ToXY(ll)})
		}
	}
	for _, w := range raw.ways {
		if match(w.Tags) {
			out = append(out, raw.wayShape(proj, w))
		}
	}
	for _, r := range raw.rels {
		if match(r.Tags) {
			out = append(out, raw.relationShape(proj, r))
		}
	}
	return out
}

// wayShape is the polygon of a closed way (first node = last, at least 4
// refs) or the polyline of an open one.
func (raw *rawOSM) wayShape(proj Projection, w *osm.Way) shape {
	s := shape{osmType: "way", osmID: int64(w.ID), tags: w.Tags}
	var missing int
	pts := raw.wayPoints(w, nil, &missing)
	s.partial = missing > 0
	xy := make([]orb.Point, len(pts))
	for i, p := range pts {
		xy[i] = proj.ToXY(orb.Point(raw.lonLat[p]))
	}
	closed := len(w.Nodes) >= 4 && w.Nodes[0].ID == w.Nodes[len(w.Nodes)-1].ID && missing == 0
	if closed && len(xy) >= 4 {
		s.setPolygons(proj, [][]orb.Point{xy}, nil)
		return s
	}
	s.lineXY = xy
	if len(xy) > 0 {
		s.xy = meanPoint(xy)
		s.lonLat = proj.ToLonLat(s.xy)
	}
	return s
}

// relationShape assembles the outer and inner rings of a multipolygon
// relation from its member ways. Members missing from the extract and
// rings that do not close are left out (the shape is marked partial); the
// centroid then falls back to the mean of the member nodes found.
func (raw *rawOSM) relationShape(proj Projection, r *osm.Relation) shape {
	s := shape{osmType: "relation", osmID: int64(r.ID), tags: r.Tags}
	var outer, inner [][]int32
	var all []orb.Point
	for _, m := range r.Members {
		if m.Type != osm.TypeWay {
			continue
		}
		wi, ok := raw.wayIdx[m.Ref]
		if !ok {
			s.partial = true
			continue
		}
		var missing int
		pts := raw.wayPoints(raw.ways[wi], nil, &missing)
		if missing > 0 {
			s.partial = true
		}
		for _, p := range pts {
			all = append(all, proj.ToXY(orb.Point(raw.lonLat[p])))
		}
		if m.Role == "inner" {
			inner = append(inner, pts)
		} else {
			outer = append(outer, pts)
		}
	}
	outerRings, okO := joinRings(outer)
	innerRings, okI := joinRings(inner)
	s.partial = s.partial || !okO || !okI
	toXY := func(rings [][]int32) [][]orb.Point {
		out := make([][]orb.Point, len(rings))
		for i, ring := range rings {
			for _, p := range ring {
				out[i] = append(out[i], proj.ToXY(orb.Point(raw.lonLat[p])))
			}
		}
		return out
	}
	if len(outerRings) > 0 {
		s.setPolygons(proj, toXY(outerRings), toXY(innerRings))
	} else if len(all) > 0 {
		s.xy = meanPoint(all)
		s.lonLat = proj.ToLonLat(s.xy)
	}
	return s
}

// joinRings chains ways that share end nodes into closed rings. ok is false
// when some ways could not be closed (they are dropped).
func joinRings(ways [][]int32) (rings [][]int32, ok bool) {
	ok = true
	used := make([]bool, len(ways))
	for i, w := range ways {
		if used[i] || len(w) < 2 {
			continue
		}
		used[i] = true
		ring := append([]int32(nil), w...)
		for ring[0] != ring[len(ring)-1] {
			grown := false
			for j, v := range ways {
				if used[j] || len(v) < 2 {
					continue
				}
				last := ring[len(ring)-1]
				switch {
				case v[0] == last:
					ring = append(ring, v[1:]...)
				case v[len(v)-1] == last:
					for k := len(v) - 2; k >= 0; k-- {
						ring = append(ring, v[k])
					}
				default:
					continue
				}
				used[j], grown = true, true
				break
			}
			if !grown {
				break
			}
		}
		if ring[0] == ring[len(ring)-1] && len(ring) >= 4 {
			rings = append(rings, ring)
		} else {
			ok = false
		}
	}
	return rings, ok
}

// setPolygons sets the footprint (each outer ring with the inner rings
// inside it), the area and the area-weighted centroid.
func (s *shape) setPolygons(proj Projection, outer, inner [][]orb.Point) {
	var cx, cy, total float64
	for _, ring := range outer {
		a, c := ringAreaCentroid(ring)
		a = math.Abs(a)
		poly := orb.Polygon{toLonLatRing(proj, ring)}
		for _, h := range inner {
			if len(h) > 0 && pointInRing(h[0], ring) {
				ha, _ := ringAreaCentroid(h)
				a -= math.Abs(ha)
				poly = append(poly, toLonLatRing(proj, h))
			}
		}
		s.footprint = append(s.footprint, poly)
		s.areaM2 += math.Max(a, 0)
		w := math.Abs(a) + 1e-12
		cx += c[0] * w
		cy += c[1] * w
		total += w
	}
	s.xy = orb.Point{cx / total, cy / total}
	s.lonLat = proj.ToLonLat(s.xy)
}

// ringAreaCentroid returns the signed area (shoelace formula) and centroid
// of a closed ring.
func ringAreaCentroid(ring []orb.Point) (float64, orb.Point) {
	var a, cx, cy float64
	o := ring[0] // relative to the first point, for precision
	for i := 0; i+1 < len(ring); i++ {
		x0, y0 := ring[i][0]-o[0], ring[i][1]-o[1]
		x1, y1 := ring[i+1][0]-o[0], ring[i+1][1]-o[1]
		cr := x0*y1 - x1*y0
		a += cr
		cx += (x0 + x1) * cr
		cy += (y0 + y1) * cr
	}
	a /= 2
	if a == 0 {
		return 0, meanPoint(ring)
	}
	return a, orb.Point{o[0] + cx/(6*a), o[1] + cy/(6*a)}
}

// pointInRing is the even-odd rule.
func pointInRing(p orb.Point, ring []orb.Point) bool {
	in := false
	for i, j := 0, len(ring)-1; i < len(ring); j, i = i, i+1 {
		a, b := ring[i], ring[j]
		if (a[1] > p[1]) != (b[1] > p[1]) && p[0] < (b[0]-a[0])*(p[1]-a[1])/(b[1]-a[1])+a[0] {
			in = !in
		}
	}
	return in
}

func meanPoint(pts []orb.Point) orb.Point {
	var x, y float64
	for _, p := range pts {
		x += p[0]
		y += p[1]
	}
	n := float64(len(pts))
	return orb.Point{x / n, y / n}
}

func toLonLatRing(proj Projection, ring []orb.Point) orb.Ring {
	out := make(orb.Ring, len(ring))
	for i, p := range ring {
		out[i] = proj.ToLonLat(p)
	}
	return out
}
