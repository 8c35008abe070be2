package city

import (
	"math"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/osm"
)

// m2PerSpace is the gross area of a car park per parking space, m²: a bay
// of 2.5 m x 5.0 m (12.5 m²) plus its half of a 6.5 m two-way aisle
// (2.5 m x 3.25 m = 8.1 m²) is 20.6 m²; entries, ramps, kerbs and planting
// bring typical surface car parks to 25-33 m² per space (300-350 ft² per
// stall is the usual US planning range, e.g. Litman, "Parking Management
// Best Practices", 2006; European bays are smaller). We use 25 m².
const m2PerSpace = 25.0

// Default levels of a car park without building:levels / parking:levels.
var parkingDefaultLevels = map[string]float64{"multi-storey": 3, "underground": 1}

// CarPark is an off-street car park (amenity=parking).
type CarPark struct {
	Feature
	Kind           string           // parking=*: surface, multi-storey, underground, street_side, ...
	Capacity       int              // spaces: the capacity tag, or estimated from the footprint
	CapacityTagged bool             // Capacity comes from the capacity tag
	AreaM2         float64          // footprint area (0 for nodes)
	Levels         float64          // parking:levels / building:levels, or the default for the kind
	Access         string           // access=*
	Fee            string           // fee=*
	Footprint      orb.MultiPolygon // lon/lat; empty for nodes
}

// carParks returns every amenity=parking element. Capacity is the
// capacity tag when it reads as a number; otherwise the footprint area
// times the levels divided by m2PerSpace (at least 1 when there is an
// area); otherwise 0 (a node without a capacity tag).
func (c *City) carParks(raw *rawOSM) []CarPark {
	var out []CarPark
	for _, s := range raw.shapes(c.Proj, tagIs("amenity", "parking")) {
		p := CarPark{Feature: c.feature(s), Kind: s.tags.Find("parking"), AreaM2: s.areaM2,
			Access: s.tags.Find("access"), Fee: s.tags.Find("fee"), Footprint: s.footprint}
		if p.Kind == "" {
			p.Kind = "surface"
		}
		p.Levels = 1
		if lv, ok := parseNumber(s.tags.Find("parking:levels")); ok && lv >= 1 {
			p.Levels = lv
		} else if lv, ok := parseNumber(s.tags.Find("building:levels")); ok && lv >= 1 {
			p.Levels = lv
		} else if lv, ok := parkingDefaultLevels[p.Kind]; ok {
			p.Levels = lv
		}
		if n, ok := parseNumber(s.tags.Find("capacity")); ok && n < 1e6 {
			p.Capacity, p.CapacityTagged = int(n), true
		} else if p.AreaM2 > 0 {
			p.Capacity = max(1, int(p.AreaM2*p.Levels/m2PerSpace))
		}
		out = append(out, p)
	}
	return out
}

// Kerb length per parked car, m, by orientation: parallel bays are 5-6 m
// long (5.75 m used); diagonal bays at 45-60 degrees take 2.5 m / sin(55°)
// = 3.05 m of kerb; perpendicular bays are 2.5 m wide.
var kerbPerSpaceM = map[string]float64{"parallel": 5.75, "diagonal": 3.05, "perpendicular": 2.5}

// OnStreetParking is a strip of on-street parking along one side of a
// street way, from parking:lane:<side>=<orientation> (the older scheme) or
// parking:<side>=lane|street_side|on_kerb|half_on_kerb|shoulder with
// parking:<side>:orientation (the scheme of 2022).
type OnStreetParking struct {
	WayOSM       int64
	Side         string      // left or right of the way's direction
	Orientation  string      // parallel, diagonal, perpendicular
	LengthM      float64     // length of the way
	Spaces       int         // the capacity tag of the side, or LengthM / kerb length per space
	SpacesTagged bool        //
	GeomXY       []orb.Point // the way, local metres
	Edge         EdgeID      // SCC edge nearest to the strip's midpoint, or NoEdge
}

// onStreet returns the tagged on-street parking strips of highway ways.
func (c *City) onStreet(raw *rawOSM) []OnStreetParking {
	var out []OnStreetParking
	for _, w := range raw.ways {
		if w.Tags.Find("highway") == "" {
			continue
		}
		for _, side := range []string{"left", "right"} {
			orient, capTag := parkingSide(w.Tags, side)
			if orient == "" {
				continue
			}
			s := raw.wayShape(c.Proj, w)
			if len(s.lineXY) < 2 {
				continue
			}
			p := OnStreetParking{WayOSM: int64(w.ID), Side: side, Orientation: orient, GeomXY: s.lineXY,
				LengthM: polylineLength(s.lineXY), Edge: NoEdge}
			if n, ok := parseNumber(capTag); ok && n < 1e5 {
				p.Spaces, p.SpacesTagged = int(n), true
			} else {
				p.Spaces = int(math.Floor(p.LengthM / kerbPerSpaceM[orient]))
			}
			mid := pointAlong(s.lineXY, p.LengthM/2)
			if e, _, _, ok := c.SnapEdge(mid); ok {
				p.Edge = e
			}
			out = append(out, p)
		}
	}
	return out
}

// parkingSide reads the parking of one side of a street: its orientation
// ("" when there is none) and the side's capacity tag.
func parkingSide(t osm.Tags, side string) (orient, capTag string) {
	for _, s := range []string{side, "both"} {
		if v := t.Find("parking:lane:" + s); v != "" {
			if _, ok := kerbPerSpaceM[v]; ok {
				return v, firstNonEmpty(t.Find("parking:lane:"+s+":capacity"), t.Find("parking:lane:"+s+":"+v+":capacity"))
			}
			return "", ""
		}
		switch t.Find("parking:" + s) {
		case "lane", "street_side", "on_kerb", "half_on_kerb", "shoulder", "yes":
			o := firstNonEmpty(t.Find("parking:"+s+":orientation"), "parallel")
			if _, ok := kerbPerSpaceM[o]; !ok {
				o = "parallel"
			}
			return o, t.Find("parking:" + s + ":capacity")
		case "":
		default: // no, separate, ...
			return "", ""
		}
	}
	if v := t.Find("parking:lane"); v != "" && side == "right" { // untagged side: one strip
		if _, ok := kerbPerSpaceM[v]; ok {
			return v, ""
		}
	}
	return "", ""
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if strings.TrimSpace(v) != "" {
			return v
		}
	}
	return ""
}

// pointAlong is the point at distance d along a polyline.
func pointAlong(pts []orb.Point, d float64) orb.Point {
	for i := 1; i < len(pts); i++ {
		l := math.Hypot(pts[i][0]-pts[i-1][0], pts[i][1]-pts[i-1][1])
		if d <= l && l > 0 {
			t := d / l
			return orb.Point{pts[i-1][0] + t*(pts[i][0]-pts[i-1][0]), pts[i-1][1] + t*(pts[i][1]-pts[i-1][1])}
		}
		d -= l
	}
	return pts[len(pts)-1]
}
