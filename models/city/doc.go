// Package city imports a city from OpenStreetMap: the car road graph (a
// directed, turn-restricted graph split at intersections), the facilities
// the other models need (car parks, on-street parking, EV chargers, waste
// baskets, recycling points, buildings, substations, water works), a local
// metric projection, a spatial index for snapping positions to roads, and a
// shortest-time router.
//
// Everything is held as plain struct-of-arrays with dense int32 ids, in a
// local metric CRS (metres, x east, y north) centred on the extract; lon/lat
// are kept for output. Import is deterministic: elements are sorted by OSM
// id before use, so the XML and PBF copies of one extract give identical
// graphs whatever the order of the file.
//
// Tag interpretation follows the OSM wiki (Key:highway, Key:oneway,
// Key:maxspeed, Relation:restriction, Key:parking, Tag:amenity=parking,
// Tag:amenity=charging_station) and, for which roads cars may use, SUMO's
// netconvert type map osmNetconvert.typ.xml, so that our network can be
// compared with the one netconvert builds from the same file.
package city
