package city

import (
	"math"

	"github.com/paulmach/orb"
)

// WGS84 ellipsoid (NIMA TR8350.2).
const (
	wgs84A  = 6378137.0
	wgs84E2 = 6.69437999014e-3 // first eccentricity squared
)

// Projection is a local metric projection about a centre (lon0, lat0): x
// metres east, y metres north of the centre.
//
// It is a sinusoidal-type projection on the WGS84 ellipsoid:
//
//	y = M(lat0) * (lat - lat0)
//	x = N(lat) * cos(lat) * (lon - lon0)
//
// with M and N the meridional and prime-vertical radii of curvature
// (Snyder 1987, "Map Projections: A Working Manual", USGS PP 1395, eq. 4-18,
// 4-20). East-west lengths are exact (x uses the parallel's own radius),
// north-south lengths are exact on the central meridian, and areas are
// preserved to first order. The error is a shear of the meridians of about
// sin(lat0)*(lon-lon0): at 55.7 deg N and 2 km from the central meridian a
// segment running diagonally is off by at most ~2.3e-4 of its length
// (0.23 m per km), a north-south one by ~1e-7; the variation of M with
// latitude adds ~3e-6 of y within 2 km of the centre. This is well below the
// accuracy of OSM geometry itself (metres).
type Projection struct {
	Lon0, Lat0 float64 // centre, degrees
	m0         float64 // meridional radius of curvature at Lat0, m
}

// NewProjection returns the projection centred on (lon0, lat0) in degrees.
func NewProjection(lon0, lat0 float64) Projection {
	s := math.Sin(lat0 * math.Pi / 180)
	w := 1 - wgs84E2*s*s
	m0 := wgs84A * (1 - wgs84E2) / (w * math.Sqrt(w))
	return Projection{Lon0: lon0, Lat0: lat0, m0: m0}
}

// parallelRadius is N(lat)*cos(lat), the radius of the parallel at lat
// (radians), in metres.
func parallelRadius(lat float64) float64 {
	s := math.Sin(lat)
	return wgs84A * math.Cos(lat) / math.Sqrt(1-wgs84E2*s*s)
}

// ToXY projects a lon/lat point (degrees) to local metres.
func (p Projection) ToXY(ll orb.Point) orb.Point {
	lat := ll[1] * math.Pi / 180
	dlon := (ll[0] - p.Lon0) * math.Pi / 180
	return orb.Point{parallelRadius(lat) * dlon, p.m0 * (ll[1] - p.Lat0) * math.Pi / 180}
}

// ToLonLat is the inverse of ToXY: local metres to lon/lat degrees.
func (p Projection) ToLonLat(xy orb.Point) orb.Point {
	latDeg := p.Lat0 + xy[1]/p.m0*180/math.Pi
	r := parallelRadius(latDeg * math.Pi / 180)
	if r == 0 {
		return orb.Point{p.Lon0, latDeg}
	}
	return orb.Point{p.Lon0 + xy[0]/r*180/math.Pi, latDeg}
}
