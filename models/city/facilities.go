package city

import "github.com/paulmach/orb"

// CarPark is an off-street car park (amenity=parking).
type CarPark struct{ Feature }

// OnStreetParking is a tagged on-street parking strip.
type OnStreetParking struct{}

// Charger is an EV charging station.
type Charger struct{ Feature }

// Facility is a point-like facility.
type Facility struct{ Feature }

// Building is a building footprint.
type Building struct{ Feature }

// Feature is what every facility has: its OSM identity and position.
type Feature struct {
	OSMType string    // node, way or relation
	OSMID   int64     //
	Name    string    //
	XY      orb.Point // centroid, local metres
	LonLat  orb.Point // centroid, degrees
}

func (c *City) buildFacilities(raw *rawOSM) {}
