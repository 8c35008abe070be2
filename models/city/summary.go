package city

// Summary is the headline numbers of an imported city, as printed by
// `twin import osm`. Counts of tagged features count every OSM element
// (node, way or relation) with the tag, as `osmium tags-count` does.
type Summary struct {
	Name                 string      `json:"name"`
	Nodes                int         `json:"nodes"`                   // road graph nodes
	Edges                int         `json:"edges"`                   // directed road edges
	DrivableKm           float64     `json:"drivable_km"`             // total length of directed car edges, km (a two-way street counts twice)
	LargestSCCShare      float64     `json:"largest_scc_share"`       // share of DrivableKm in the largest SCC (edge-based, turn rules respected)
	LargestSCCShareNodes float64     `json:"largest_scc_share_nodes"` // the same on the plain node graph (all turns allowed)
	TrafficSignals       int         `json:"traffic_signals"`         // elements with highway=traffic_signals
	SignalNodes          int         `json:"signal_nodes"`            // road graph nodes with a signal
	TurnRestrictions     int         `json:"turn_restrictions"`       // restriction relations applied to the graph
	CarParks             int         `json:"car_parks"`               // amenity=parking
	CarParksWithCapacity int         `json:"car_parks_with_capacity"` // ... with a capacity tag
	CarParkSpaces        int         `json:"car_park_spaces"`         // tagged or estimated
	OnStreetStrips       int         `json:"on_street_strips"`
	OnStreetSpaces       int         `json:"on_street_spaces"`
	ChargingStations     int         `json:"charging_stations"` // amenity=charging_station
	ChargingPoints       int         `json:"charging_points"`   // sum of capacities
	WasteBaskets         int         `json:"waste_baskets"`     // amenity=waste_basket
	Recycling            int         `json:"recycling"`         // amenity=recycling
	Buildings            int         `json:"buildings"`         // building=* except building=no
	BuildingFloorAreaKm2 float64     `json:"building_floor_area_km2"`
	Substations          int         `json:"substations"` // power=substation
	WaterTowers          int         `json:"water_towers"`
	WaterWorks           int         `json:"water_works"`
	Stats                ImportStats `json:"import"`
}

// Summary computes the summary.
func (c *City) Summary() Summary {
	g := c.Roads
	s := Summary{Name: c.Name, Nodes: g.NumNodes(), Edges: g.NumEdges(), Stats: c.Stats,
		TrafficSignals: c.taggedSignals, TurnRestrictions: c.Stats.RestrictionsApplied,
		CarParks: len(c.CarParks), ChargingStations: len(c.Chargers), WasteBaskets: len(c.WasteBaskets),
		Recycling: len(c.Recycling), Buildings: len(c.Buildings), Substations: len(c.Substations),
		WaterTowers: len(c.WaterTowers), WaterWorks: len(c.WaterWorks), OnStreetStrips: len(c.OnStreet)}
	var total, inSCC float64
	for e, l := range g.LengthM {
		total += l
		if g.InSCC[e] {
			inSCC += l
		}
	}
	s.DrivableKm = total / 1000
	if total > 0 {
		s.LargestSCCShare = inSCC / total
		s.LargestSCCShareNodes = nodeSCCLength(g) / total
	}
	for _, sig := range g.Signal {
		if sig {
			s.SignalNodes++
		}
	}
	for _, p := range c.CarParks {
		s.CarParkSpaces += p.Capacity
		if p.CapacityTagged {
			s.CarParksWithCapacity++
		}
	}
	for _, p := range c.OnStreet {
		s.OnStreetSpaces += p.Spaces
	}
	for _, ch := range c.Chargers {
		s.ChargingPoints += ch.Capacity
	}
	for _, b := range c.Buildings {
		s.BuildingFloorAreaKm2 += b.FloorAreaM2 / 1e6
	}
	return s
}

// nodeSCCLength is the length of the edges of the largest strongly
// connected component of the node graph (every turn allowed), m.
func nodeSCCLength(g *RoadGraph) float64 {
	comp := tarjan(g.NumEdges(), func(e EdgeID) []EdgeID { return g.Out(g.To[e]) })
	sum := make(map[int32]float64)
	var best float64
	for e, c := range comp {
		sum[c] += g.LengthM[e]
		best = max(best, sum[c])
	}
	return best
}
