package viz

import (
	"math"

	"github.com/paulmach/orb"
)

// earthRadiusM is the sphere radius of Web Mercator (EPSG:3857), m.
const earthRadiusM = 6378137.0

// mercator projects lon/lat (degrees) to Web Mercator (EPSG:3857) metres,
// x east and y north, as the OSM tile servers do.
func mercator(p orb.Point) orb.Point {
	lat := math.Max(-85.05112878, math.Min(85.05112878, p[1]))
	x := earthRadiusM * p[0] * math.Pi / 180
	y := earthRadiusM * math.Log(math.Tan(math.Pi/4+lat*math.Pi/360))
	return orb.Point{x, y}
}

// GroundScale is the ground distance of one Web Mercator metre at
// mercator northing y (cos of the latitude), dimensionless.
func GroundScale(y float64) float64 {
	lat := 2*math.Atan(math.Exp(y/earthRadiusM)) - math.Pi/2
	return math.Cos(lat)
}

// Camera maps Web Mercator metres to screen pixels: the centre of the
// screen shows Center, and one mercator metre is Scale pixels.
type Camera struct {
	Center orb.Point
	Scale  float64 // px per mercator metre
	W, H   int     // screen size, px
}

// ToScreen maps a mercator point to screen pixels (y down).
func (c *Camera) ToScreen(p orb.Point) (float64, float64) {
	return (p[0]-c.Center[0])*c.Scale + float64(c.W)/2, (c.Center[1]-p[1])*c.Scale + float64(c.H)/2
}

// ToWorld maps screen pixels back to mercator metres.
func (c *Camera) ToWorld(x, y float64) orb.Point {
	return orb.Point{(x-float64(c.W)/2)/c.Scale + c.Center[0], c.Center[1] - (y-float64(c.H)/2)/c.Scale}
}

// Fit centres the camera on b (mercator) with a margin of 5 % on each side.
func (c *Camera) Fit(b orb.Bound) {
	c.Center = b.Center()
	w, h := b.Max[0]-b.Min[0], b.Max[1]-b.Min[1]
	if w <= 0 || h <= 0 || c.W <= 0 || c.H <= 0 {
		c.Scale = 1
		return
	}
	c.Scale = 0.9 * math.Min(float64(c.W)/w, float64(c.H)/h)
}

// ZoomAt multiplies the scale by f keeping the world point under screen
// pixel (x, y) in place.
func (c *Camera) ZoomAt(x, y, f float64) {
	before := c.ToWorld(x, y)
	c.Scale = math.Max(1e-4, math.Min(1e3, c.Scale*f))
	after := c.ToWorld(x, y)
	c.Center[0] += before[0] - after[0]
	c.Center[1] += before[1] - after[1]
}

// Pan moves the view by (dx, dy) screen pixels.
func (c *Camera) Pan(dx, dy float64) {
	c.Center[0] -= dx / c.Scale
	c.Center[1] += dy / c.Scale
}
