package city

import (
	"math"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/osm"
)

// Feature is what every facility has: its OSM identity, position and the
// nearest road edge of the largest strongly connected component.
type Feature struct {
	OSMType     string    // node, way or relation
	OSMID       int64     //
	Name        string    // name=*
	XY          orb.Point // centroid, local metres
	LonLat      orb.Point // centroid, degrees
	Edge        EdgeID    // nearest SCC edge (SnapEdge), NoEdge if the graph is empty
	EdgeOffsetM float64   // position of the nearest point along Edge, m from its From node
	EdgeDistM   float64   // distance from XY to Edge, m
	Partial     bool      // geometry incomplete: members or nodes cut at the extract edge
}

// Facility is a point-like facility (waste basket, recycling point,
// substation, water tower or works).
type Facility struct {
	Feature
	Kind string // the defining tag's value or subtype (recycling_type, substation, man_made)
}

// Building is a building footprint (building=* other than no).
type Building struct {
	Feature
	Footprint    orb.MultiPolygon // lon/lat; empty for buildings mapped as nodes
	AreaM2       float64          // footprint area
	Levels       float64          // building:levels, or the default for its use
	LevelsTagged bool
	Use          string  // residential, commercial, industrial, public, other
	FloorAreaM2  float64 // AreaM2 * Levels
}

// snap fills the feature's nearest edge.
func (c *City) snap(f *Feature) {
	f.Edge = NoEdge
	if e, off, d, ok := c.SnapEdge(f.XY); ok {
		f.Edge, f.EdgeOffsetM, f.EdgeDistM = e, off, d
	}
}

// feature turns a shape into a snapped Feature.
func (c *City) feature(s shape) Feature {
	f := Feature{OSMType: s.osmType, OSMID: s.osmID, Name: s.tags.Find("name"), XY: s.xy, LonLat: s.lonLat, Partial: s.partial}
	c.snap(&f)
	return f
}

// tagIs returns a matcher for key=value.
func tagIs(key, value string) func(osm.Tags) bool {
	return func(t osm.Tags) bool { return t.Find(key) == value }
}

// buildFacilities extracts every facility kind.
func (c *City) buildFacilities(raw *rawOSM) {
	c.CarParks = c.carParks(raw)
	c.OnStreet = c.onStreet(raw)
	c.Chargers = c.chargers(raw)
	c.WasteBaskets = c.facilities(raw, tagIs("amenity", "waste_basket"), "waste_basket")
	c.Recycling = c.facilities(raw, tagIs("amenity", "recycling"), "recycling_type")
	c.Substations = c.facilities(raw, tagIs("power", "substation"), "substation")
	c.WaterTowers = c.facilities(raw, tagIs("man_made", "water_tower"), "man_made")
	c.WaterWorks = c.facilities(raw, func(t osm.Tags) bool {
		switch t.Find("man_made") {
		case "water_works", "reservoir_covered", "pumping_station":
			return true
		}
		return false
	}, "man_made")
	c.Buildings = c.buildings(raw)
}

// facilities returns the matching elements; Kind is the value of kindKey
// (or kindKey itself when that tag is absent).
func (c *City) facilities(raw *rawOSM, match func(osm.Tags) bool, kindKey string) []Facility {
	var out []Facility
	for _, s := range raw.shapes(c.Proj, match) {
		kind := s.tags.Find(kindKey)
		if kind == "" {
			kind = kindKey
		}
		out = append(out, Facility{Feature: c.feature(s), Kind: kind})
	}
	return out
}

// parseNumber reads a non-negative decimal ("3", "2.5", "3;4" takes the
// first); ok false when absent or unreadable.
func parseNumber(v string) (float64, bool) {
	if i := strings.IndexAny(v, ";|"); i >= 0 {
		v = v[:i]
	}
	x, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if err != nil || math.IsNaN(x) || math.IsInf(x, 0) || x < 0 {
		return 0, false
	}
	return x, true
}

// Default storeys of an untagged building by use. An assumption, not a
// measurement: Copenhagen's inner districts are mostly 4-6 storey
// perimeter blocks, detached houses have 1-2 storeys.
var defaultLevels = map[string]float64{
	"apartments": 5, "residential": 4, "dormitory": 4, "hotel": 5, "office": 4, "commercial": 3,
	"retail": 2, "house": 1.5, "detached": 1.5, "semidetached_house": 1.5, "terrace": 2,
	"industrial": 1, "warehouse": 1, "garage": 1, "garages": 1, "shed": 1, "roof": 1, "carport": 1,
	"school": 3, "university": 4, "hospital": 5, "church": 1, "kindergarten": 1,
}

// buildingUse maps building=* values to a coarse use class.
var buildingUse = map[string]string{
	"apartments": "residential", "residential": "residential", "house": "residential", "detached": "residential",
	"semidetached_house": "residential", "terrace": "residential", "dormitory": "residential", "bungalow": "residential",
	"commercial": "commercial", "office": "commercial", "retail": "commercial", "supermarket": "commercial",
	"hotel": "commercial", "kiosk": "commercial",
	"industrial": "industrial", "warehouse": "industrial", "manufacture": "industrial", "service": "industrial",
	"school": "public", "university": "public", "college": "public", "hospital": "public", "kindergarten": "public",
	"church": "public", "civic": "public", "public": "public", "government": "public", "sports_hall": "public",
	"train_station": "public", "transportation": "public", "fire_station": "public",
}

// buildings returns every building=* (not building=no) element.
func (c *City) buildings(raw *rawOSM) []Building {
	var out []Building
	match := func(t osm.Tags) bool { v := t.Find("building"); return v != "" && v != "no" }
	for _, s := range raw.shapes(c.Proj, match) {
		b := Building{Feature: c.feature(s), Footprint: s.footprint, AreaM2: s.areaM2}
		kind := s.tags.Find("building")
		b.Use = useOf(kind, s.tags)
		if lv, ok := parseNumber(s.tags.Find("building:levels")); ok && lv > 0 && lv < 200 {
			b.Levels, b.LevelsTagged = lv, true
		} else if lv, ok := defaultLevels[kind]; ok {
			b.Levels = lv
		} else {
			b.Levels = 2
		}
		b.FloorAreaM2 = b.AreaM2 * b.Levels
		out = append(out, b)
	}
	return out
}

// useOf classifies a building by building=*, then by the amenity, shop,
// office or tourism tags on it.
func useOf(kind string, tags osm.Tags) string {
	if u, ok := buildingUse[kind]; ok {
		return u
	}
	switch {
	case tags.Find("shop") != "" || tags.Find("office") != "" || tags.Find("tourism") != "":
		return "commercial"
	case tags.Find("amenity") != "":
		switch tags.Find("amenity") {
		case "school", "university", "college", "kindergarten", "hospital", "library", "townhall", "place_of_worship", "fire_station", "police":
			return "public"
		}
		return "commercial"
	}
	return "other"
}
