package city

import (
	"fmt"
	"math"
	"path/filepath"
	"strings"
)

// City is a city imported from OSM: the car road graph and the facilities
// the models use, in the local metric projection Proj.
type City struct {
	Name  string
	Proj  Projection
	Roads *RoadGraph

	CarParks     []CarPark         // amenity=parking (nodes, ways, relations)
	OnStreet     []OnStreetParking // parking:lane:* / parking:* on streets
	Chargers     []Charger         // amenity=charging_station
	WasteBaskets []Facility        // amenity=waste_basket
	Recycling    []Facility        // amenity=recycling
	Buildings    []Building        // building=* (not building=no)
	Substations  []Facility        // power=substation
	WaterTowers  []Facility        // man_made=water_tower
	WaterWorks   []Facility        // man_made=water_works|reservoir_covered|pumping_station

	Stats ImportStats // what was read and what was dropped

	taggedSignals int // elements with highway=traffic_signals

	index *spatialIndex
}

// Options tune the import.
type Options struct {
	// ServiceRoads includes highway=service ways (driveways, parking
	// aisles, alleys) in the car graph. Off by default, as in SUMO's
	// osmNetconvert type map, which does not open service roads to
	// passenger cars; a service road tagged with an explicit car access
	// (access / motor_vehicle / motorcar = yes, destination ...) is always
	// included.
	ServiceRoads bool
	// Name of the city; the file name without extensions when empty.
	Name string
	// StdXML reads XML with github.com/paulmach/osm/osmxml (encoding/xml)
	// instead of our scanner: about ten times slower, same result.
	StdXML bool
}

// ImportStats counts what an import read and what it had to drop.
type ImportStats struct {
	OSMNodes               int `json:"osm_nodes"`
	OSMWays                int `json:"osm_ways"`
	OSMRelations           int `json:"osm_relations"`
	Duplicates             int `json:"duplicates"`        // elements whose id appeared before (first kept)
	BadCoordinates         int `json:"bad_coordinates"`   // nodes with lat/lon out of range, dropped
	MissingNodeRefs        int `json:"missing_node_refs"` // way node refs to nodes not in the file (skipped)
	DroppedWays            int `json:"dropped_ways"`      // drivable ways with fewer than 2 nodes in the file
	Restrictions           int `json:"restrictions"`      // turn restriction relations for cars
	RestrictionsApplied    int `json:"restrictions_applied"`
	RestrictionsViaWay     int `json:"restrictions_via_way"`    // via a way: not supported, skipped
	RestrictionsIncomplete int `json:"restrictions_incomplete"` // members cut at the extract edge or not drivable
	RelationsCut           int `json:"relations_cut"`           // relations with members missing from the extract (imported with what is there)
	PartialFeatures        int `json:"partial_features"`        // facilities whose geometry lacks members or nodes, or whose rings do not close
}

// Load imports the OSM file at path (.osm, .osm.xml, .osm.gz, .osm.xml.gz
// or .pbf; the format is recognised from the content) with default
// options. Errors caused by the file wrap ErrInput and name the file and
// the position (line, byte offset or last element read).
func Load(path string) (*City, error) { return LoadOptions(path, Options{}) }

// LoadOptions is Load with options.
func LoadOptions(path string, opt Options) (*City, error) {
	raw, err := readFile(path, opt.StdXML)
	if err != nil {
		return nil, err
	}
	if opt.Name == "" {
		opt.Name = cityName(path)
	}
	c, err := build(raw, opt)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

// cityName is the file's base name without OSM extensions.
func cityName(path string) string {
	name := filepath.Base(path)
	for _, ext := range []string{".gz", ".pbf", ".xml", ".osm"} {
		name = strings.TrimSuffix(name, ext)
	}
	return name
}

// build turns decoded elements into a City.
func build(raw *rawOSM, opt Options) (*City, error) {
	if len(raw.nodeID) == 0 {
		return nil, fmt.Errorf("%w: no nodes with valid coordinates", ErrInput)
	}
	c := &City{Name: opt.Name, Proj: centreProjection(raw)}
	c.Stats = ImportStats{
		OSMNodes: len(raw.nodeID), OSMWays: len(raw.ways), OSMRelations: len(raw.rels),
		Duplicates: raw.duplicates, BadCoordinates: raw.badCoords,
	}
	c.Stats.RelationsCut = raw.cutRelations()
	c.Roads = buildRoads(raw, c.Proj, opt, &c.Stats)
	c.index = newSpatialIndex(c.Roads)
	c.buildFacilities(raw)
	c.taggedSignals = len(raw.shapes(c.Proj, tagIs("highway", "traffic_signals")))
	c.Stats.PartialFeatures = c.partialFeatures()
	return c, nil
}

// centreProjection centres the projection on the middle of the nodes'
// bounding box.
func centreProjection(raw *rawOSM) Projection {
	minLon, minLat := math.Inf(1), math.Inf(1)
	maxLon, maxLat := math.Inf(-1), math.Inf(-1)
	for _, ll := range raw.lonLat {
		minLon, maxLon = math.Min(minLon, ll[0]), math.Max(maxLon, ll[0])
		minLat, maxLat = math.Min(minLat, ll[1]), math.Max(maxLat, ll[1])
	}
	return NewProjection((minLon+maxLon)/2, (minLat+maxLat)/2)
}

// cutRelations counts relations with a member missing from the file.
func (raw *rawOSM) cutRelations() int {
	n := 0
	for _, r := range raw.rels {
		for _, m := range r.Members {
			var ok bool
			switch m.Type {
			case "node":
				_, ok = raw.nodeIdx[m.Ref]
			case "way":
				_, ok = raw.wayIdx[m.Ref]
			default:
				_, ok = raw.relIdx[m.Ref]
			}
			if !ok {
				n++
				break
			}
		}
	}
	return n
}

// partialFeatures counts facilities with incomplete geometry.
func (c *City) partialFeatures() int {
	n := 0
	count := func(f Feature) {
		if f.Partial {
			n++
		}
	}
	for _, p := range c.CarParks {
		count(p.Feature)
	}
	for _, p := range c.Chargers {
		count(p.Feature)
	}
	for _, b := range c.Buildings {
		count(b.Feature)
	}
	for _, fs := range [][]Facility{c.WasteBaskets, c.Recycling, c.Substations, c.WaterTowers, c.WaterWorks} {
		for _, f := range fs {
			count(f.Feature)
		}
	}
	return n
}
