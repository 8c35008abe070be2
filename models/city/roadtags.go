package city

import (
	"math"
	"strconv"
	"strings"

	"github.com/paulmach/osm"
)

// RoadClass is the OSM highway class of a road edge.
type RoadClass uint8

// Road classes, from highway=*. ClassOther is a footway, path, track or
// pedestrian street that carries an explicit motor-vehicle access tag.
const (
	ClassMotorway RoadClass = iota
	ClassMotorwayLink
	ClassTrunk
	ClassTrunkLink
	ClassPrimary
	ClassPrimaryLink
	ClassSecondary
	ClassSecondaryLink
	ClassTertiary
	ClassTertiaryLink
	ClassUnclassified
	ClassResidential
	ClassLivingStreet
	ClassService
	ClassRoad
	ClassOther
	numClasses
)

var classNames = [numClasses]string{
	"motorway", "motorway_link", "trunk", "trunk_link", "primary", "primary_link",
	"secondary", "secondary_link", "tertiary", "tertiary_link", "unclassified",
	"residential", "living_street", "service", "road", "other",
}

// String is the highway=* value of the class.
func (c RoadClass) String() string {
	if c < numClasses {
		return classNames[c]
	}
	return "unknown"
}

// defaultSpeedKmh is the speed of an edge whose maxspeed is untagged or
// unreadable, km/h. Denmark's general limits (Færdselsloven, the Road
// Traffic Act, § 42): 50 km/h in built-up areas, 80 km/h outside them,
// 110 km/h on motorways (130 km/h only where signed). Trunk roads and
// motorway links get the rural 80; every other street class the urban 50,
// since the extracts are urban. Living streets (OSM living_street, the
// Danish "opholds- og legeområde", sign E 51) are driven at walking pace,
// 15 km/h. Service roads get 20 km/h: not a legal limit but a practical
// one for driveways and parking aisles (SUMO's type map uses 5.56 m/s).
// The OSM wiki's "Default speed limits" page lists the same Danish values.
var defaultSpeedKmh = [numClasses]float64{
	110, 80, 80, 80, 50, 50, 50, 50, 50, 50, 50, 50, 15, 20, 50, 15,
}

// defaultLanes is the number of lanes per direction when lanes is untagged:
// 2 on motorways and trunk roads, 1 elsewhere (as SUMO's type map, except
// that it gives primary roads 2).
var defaultLanes = [numClasses]int8{2, 1, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}

// Parsed road tags of one drivable way.
type roadTags struct {
	class       RoadClass
	fwd, bwd    bool    // car traffic allowed along / against the way's direction
	lanesFwd    int8    // lanes in each direction
	lanesBwd    int8    //
	speedFwdKmh float64 // km/h
	speedBwdKmh float64
	name        string
}

var highwayClass = map[string]RoadClass{
	"motorway": ClassMotorway, "motorway_link": ClassMotorwayLink,
	"trunk": ClassTrunk, "trunk_link": ClassTrunkLink,
	"primary": ClassPrimary, "primary_link": ClassPrimaryLink,
	"secondary": ClassSecondary, "secondary_link": ClassSecondaryLink,
	"tertiary": ClassTertiary, "tertiary_link": ClassTertiaryLink,
	"unclassified": ClassUnclassified, "residential": ClassResidential,
	"living_street": ClassLivingStreet, "service": ClassService, "road": ClassRoad,
}

// nonCarHighway are highway values cars may use only with an explicit
// motor_vehicle / motorcar access tag.
var nonCarHighway = map[string]bool{
	"footway": true, "cycleway": true, "path": true, "pedestrian": true, "track": true, "bridleway": true,
}

// carAllowedValue reports whether an access value lets private cars in.
func carAllowedValue(v string) (allowed, set bool) {
	switch v {
	case "":
		return false, false
	case "no", "private", "agricultural", "forestry", "delivery", "emergency", "bus", "psv", "use_sidepath", "discouraged":
		return false, true
	}
	return true, true // yes, permissive, destination, designated, customers ...
}

// parseRoad decides whether a way is a road for private cars and reads its
// direction, lanes and speed. It returns ok=false for ways cars may not use.
func parseRoad(tags osm.Tags, opt Options) (roadTags, bool) {
	hw := tags.Find("highway")
	class, known := highwayClass[hw]
	var rt roadTags
	if tags.Find("area") == "yes" {
		return rt, false
	}
	// The most specific access tag decides: motorcar > motor_vehicle > vehicle > access.
	allowed, set := true, false
	for _, k := range []string{"motorcar", "motor_vehicle", "vehicle", "access"} {
		if a, s := carAllowedValue(tags.Find(k)); s {
			allowed, set = a, true
			break
		}
	}
	if !known {
		// footway, path, track ...: only with an explicit motorcar or
		// motor_vehicle permission.
		mv := tags.Find("motorcar")
		if mv == "" {
			mv = tags.Find("motor_vehicle")
		}
		if a, s := carAllowedValue(mv); !nonCarHighway[hw] || !s || !a {
			return rt, false
		}
		class = ClassOther
	}
	if class == ClassService && !opt.ServiceRoads && !(set && allowed) {
		return rt, false
	}
	if set && !allowed {
		return rt, false
	}
	rt.class = class
	rt.name = tags.Find("name")
	rt.fwd, rt.bwd = direction(tags, class)
	rt.lanesFwd, rt.lanesBwd = lanes(tags, class, rt.fwd, rt.bwd)
	def := defaultSpeedKmh[class]
	both := parseMaxspeed(tags.Find("maxspeed"), def)
	rt.speedFwdKmh = parseMaxspeed(tags.Find("maxspeed:forward"), both)
	rt.speedBwdKmh = parseMaxspeed(tags.Find("maxspeed:backward"), both)
	return rt, rt.fwd || rt.bwd
}

// direction reads oneway: yes/true/1 forward only, -1/reverse backward only;
// roundabouts (junction=roundabout|circular) and motorways and their links
// are one-way unless tagged oneway=no (OSM wiki Key:oneway; SUMO's type map
// also makes motorway_link one-way). oneway:motor_vehicle overrides oneway.
func direction(tags osm.Tags, class RoadClass) (fwd, bwd bool) {
	v := tags.Find("oneway:motor_vehicle")
	if v == "" {
		v = tags.Find("oneway")
	}
	switch v {
	case "yes", "true", "1":
		return true, false
	case "-1", "reverse":
		return false, true
	case "no", "false", "0":
		return true, true
	}
	j := tags.Find("junction")
	if j == "roundabout" || j == "circular" || class == ClassMotorway || class == ClassMotorwayLink {
		return true, false
	}
	return true, true
}

// lanes reads lanes, lanes:forward and lanes:backward. A two-way road with
// only a total gets half each way (the odd lane forward), at least one.
func lanes(tags osm.Tags, class RoadClass, fwd, bwd bool) (lf, lb int8) {
	total := parseCount(tags.Find("lanes"))
	lf = int8(parseCount(tags.Find("lanes:forward")))
	lb = int8(parseCount(tags.Find("lanes:backward")))
	def := defaultLanes[class]
	switch {
	case fwd && !bwd:
		if lf == 0 {
			lf = int8(total)
		}
		lb = 0
	case bwd && !fwd:
		if lb == 0 {
			lb = int8(total)
		}
		lf = 0
	default:
		if lf == 0 && lb == 0 && total > 0 {
			lf, lb = int8((total+1)/2), int8(total/2)
		} else if lf == 0 && total > int(lb) {
			lf = int8(total) - lb
		} else if lb == 0 && total > int(lf) {
			lb = int8(total) - lf
		}
	}
	if fwd && lf <= 0 {
		lf = def
	}
	if bwd && lb <= 0 {
		lb = def
	}
	return lf, lb
}

// parseCount reads a small positive integer ("2", "2;3" takes the first);
// 0 when absent or unreadable. Values above 16 are taken as errors.
func parseCount(v string) int {
	if i := strings.IndexAny(v, ";|"); i >= 0 {
		v = v[:i]
	}
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n <= 0 || n > 16 {
		return 0
	}
	return n
}

// zoneSpeedKmh maps implicit maxspeed values (OSM wiki Key:maxspeed,
// "Implicit max speed values") to km/h. DK:urban and DK:rural are the
// general limits of Færdselsloven § 42; DK:motorway is read as the 130 km/h
// signed on most Danish motorways.
var zoneSpeedKmh = map[string]float64{
	"DK:urban": 50, "DK:rural": 80, "DK:motorway": 130,
	"DE:urban": 50, "DE:rural": 100, "SE:urban": 50, "SE:rural": 70,
	"walk": 7, "living_street": 15,
}

// parseMaxspeed reads a maxspeed value in km/h: "50", "30 mph", "10 knots",
// "DK:urban", "50;30" (the first). "none" gives 130 (the Danish signed
// motorway limit, the highest legal speed). Anything unreadable gives def.
func parseMaxspeed(v string, def float64) float64 {
	v = strings.TrimSpace(v)
	if i := strings.IndexAny(v, ";|"); i >= 0 {
		v = strings.TrimSpace(v[:i])
	}
	if v == "" {
		return def
	}
	if s, ok := zoneSpeedKmh[v]; ok {
		return s
	}
	if strings.HasSuffix(v, ":zone30") || strings.HasSuffix(v, ":zone:30") {
		return 30
	}
	if v == "none" {
		return 130
	}
	factor := 1.0
	switch {
	case strings.HasSuffix(v, "mph"):
		factor, v = 1.609344, strings.TrimSpace(strings.TrimSuffix(v, "mph"))
	case strings.HasSuffix(v, "knots"):
		factor, v = 1.852, strings.TrimSpace(strings.TrimSuffix(v, "knots"))
	case strings.HasSuffix(v, "km/h"):
		v = strings.TrimSpace(strings.TrimSuffix(v, "km/h"))
	}
	s, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsNaN(s) || s <= 0 || s > 300 {
		return def
	}
	return s * factor
}
