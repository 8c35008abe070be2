package parking

import (
	"math"

	"github.com/paulmach/orb"

	"citytwin/models/city"
)

// FacilityKind is what a facility is.
type FacilityKind uint8

// The facility kinds.
const (
	CarPark   FacilityKind = iota + 1 // off-street car park (amenity=parking)
	OnStreet                          // tagged on-street strip (parking:lane / parking:<side>)
	Estimated                         // estimated kerb parking along a residential street
	Charger                           // EV charging station; its bays are for charging EVs only
)

func (k FacilityKind) String() string {
	switch k {
	case CarPark:
		return "car_park"
	case OnStreet:
		return "on_street"
	case Estimated:
		return "estimated_on_street"
	case Charger:
		return "charger"
	}
	return "unknown"
}

// Facility is a place to park: a car park, an on-street strip or a
// charging station. Bays [0, Chargers) have a charging point of
// ChargerKW.
type Facility struct {
	Name      string
	Kind      FacilityKind
	XY        orb.Point // local metres
	LonLat    orb.Point
	Edge      city.EdgeID // road edge it is reached from
	Capacity  int         // bays
	Chargers  int         // charging bays among them
	ChargerKW float64     // power of each charging point, kW
	PricePerH float64     // price per hour (currency of the scenario)
	Closed    bool
	Tagged    bool // capacity from an OSM tag, not estimated
}

// Supply assumptions, documented here and in bench/parking.md.
const (
	// nodeCarParkSpaces: an amenity=parking node without a capacity tag
	// is taken as a small surface lot of 10 spaces (an assumption).
	nodeCarParkSpaces = 10
	// kerbUsableShare is the share of a residential street's kerb that
	// can hold parked cars: Danish traffic law (Færdselsloven § 29) bans
	// parking within 10 m of a junction and at crossings, and driveways,
	// bus stops and hydrants take more; we assume half the kerb.
	kerbUsableShare = 0.5
	// parallelBayM is the kerb length of a parallel bay, m (as
	// models/city: 5.75 m).
	parallelBayM = 5.75
)

// SupplyOptions choose what the city contributes.
type SupplyOptions struct {
	// EstimateResidential adds kerb parking on both sides of residential
	// streets whose way has no tagged on-street parking.
	EstimateResidential bool
	// IncludePrivate keeps car parks tagged access=private|no.
	IncludePrivate bool
}

// SupplyFromCity lists the city's parking facilities: car parks with
// their capacity (tagged, or estimated from the footprint by
// models/city at 25 m² per space and level; a node without a tag counts
// nodeCarParkSpaces), tagged on-street strips, estimated residential
// kerb parking, and charging stations for cars. Facilities not reachable
// on the road graph are left out.
func SupplyFromCity(c *city.City, opt SupplyOptions) []Facility {
	var out []Facility
	for _, p := range c.CarParks {
		if p.Edge == city.NoEdge || (!opt.IncludePrivate && (p.Access == "private" || p.Access == "no")) {
			continue
		}
		capacity := p.Capacity
		if capacity == 0 {
			capacity = nodeCarParkSpaces
		}
		out = append(out, Facility{Name: p.Name, Kind: CarPark, XY: p.XY, LonLat: p.LonLat, Edge: p.Edge,
			Capacity: capacity, Tagged: p.CapacityTagged})
	}
	tagged := map[int64]bool{}
	for _, s := range c.OnStreet {
		tagged[s.WayOSM] = true
		if s.Edge == city.NoEdge || s.Spaces <= 0 {
			continue
		}
		mid := midpoint(s.GeomXY)
		out = append(out, Facility{Kind: OnStreet, XY: mid, LonLat: c.Proj.ToLonLat(mid), Edge: s.Edge,
			Capacity: s.Spaces, Tagged: s.SpacesTagged})
	}
	if opt.EstimateResidential {
		out = append(out, residentialKerb(c, tagged)...)
	}
	for _, ch := range c.Chargers {
		if ch.Edge == city.NoEdge || !ch.Motorcar {
			continue
		}
		out = append(out, Facility{Name: ch.Name, Kind: Charger, XY: ch.XY, LonLat: ch.LonLat, Edge: ch.Edge,
			Capacity: ch.Capacity, Chargers: ch.Capacity, ChargerKW: ch.PowerKW, Tagged: true})
	}
	return out
}

// residentialKerb estimates kerb parking on both sides of every
// residential street edge (one of the two directions of a two-way
// street) whose way has no tagged parking: kerbUsableShare of the length
// in parallel bays per side.
func residentialKerb(c *city.City, tagged map[int64]bool) []Facility {
	g := c.Roads
	var out []Facility
	for e := 0; e < g.NumEdges(); e++ {
		if g.Class[e] != city.ClassResidential || !g.InSCC[e] || tagged[g.WayOSM[e]] {
			continue
		}
		if r := g.Reverse[e]; r != city.NoEdge && int(r) < e {
			continue
		}
		spaces := 2 * int(math.Floor(g.LengthM[e]*kerbUsableShare/parallelBayM))
		if spaces <= 0 {
			continue
		}
		mid := midpoint(g.Geom[e])
		out = append(out, Facility{Name: g.Name[e], Kind: Estimated, XY: mid, LonLat: c.Proj.ToLonLat(mid),
			Edge: city.EdgeID(e), Capacity: spaces})
	}
	return out
}

// midpoint is the point halfway along a polyline.
func midpoint(pts []orb.Point) orb.Point {
	if len(pts) == 0 {
		return orb.Point{}
	}
	var total float64
	for i := 1; i < len(pts); i++ {
		total += math.Hypot(pts[i][0]-pts[i-1][0], pts[i][1]-pts[i-1][1])
	}
	d := total / 2
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
