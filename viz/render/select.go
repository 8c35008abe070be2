package render

import (
	"citytwin/viz"
	"fmt"
	"math"
	"strings"

	"github.com/paulmach/orb"
)

// Selection is the entity the user clicked: an entity of a set, or a
// vehicle.
type Selection struct {
	Set     int   // index into viz.Run.Sets; -1 for a vehicle
	Index   int   // entity index in the set
	Vehicle int64 // vehicle number when Set is -1
	VehID   string
}

// pickRadiusPx is how far from an entity a click still selects it, px.
const pickRadiusPx = 8

// Pick returns the entity nearest screen point (x, y) within the pick
// radius among the layers on, preferring vehicles and points over lines
// and lines over polygons; nil when there is none. O(entities).
func (v *View) Pick(x, y float64) *Selection {
	if v.On[viz.LayerTraffic] {
		best, bd := -1, pickRadiusPx*pickRadiusPx*1.0
		for i, veh := range v.Scene.vehicles {
			sx, sy := v.Cam.ToScreen(veh.P)
			if d := (sx-x)*(sx-x) + (sy-y)*(sy-y); d <= bd {
				best, bd = i, d
			}
		}
		if best >= 0 {
			veh := v.Scene.vehicles[best]
			return &Selection{Set: -1, Vehicle: veh.Veh, VehID: veh.ID}
		}
	}
	for _, shape := range []viz.Shape{viz.ShapePoint, viz.ShapeLine, viz.ShapePolygon} {
		if s := v.pickShape(shape, x, y); s != nil {
			return s
		}
	}
	return nil
}

func (v *View) pickShape(shape viz.Shape, x, y float64) *Selection {
	var best *Selection
	bd := float64(pickRadiusPx)
	for k, set := range v.Scene.Run.Sets {
		if !v.On[set.Layer] || set.Shape != shape || set.Layer == viz.LayerBuildings {
			continue
		}
		for i := 0; i < set.Len(); i++ {
			d := v.screenDistance(set, i, x, y)
			if d <= bd {
				best, bd = &Selection{Set: k, Index: i}, d
			}
		}
	}
	return best
}

// screenDistance is the distance in px from (x, y) to entity i; 0 inside
// a polygon.
func (v *View) screenDistance(set *viz.Entities, i int, x, y float64) float64 {
	switch set.Shape {
	case viz.ShapePoint:
		sx, sy := v.Cam.ToScreen(set.Points[i])
		return math.Hypot(sx-x, sy-y)
	case viz.ShapeLine:
		d := math.Inf(1)
		pts := set.Lines[i]
		for j := 1; j < len(pts); j++ {
			ax, ay := v.Cam.ToScreen(pts[j-1])
			bx, by := v.Cam.ToScreen(pts[j])
			d = math.Min(d, segmentDistance(x, y, ax, ay, bx, by))
		}
		return d
	}
	if polygonContains(set.Polys[i], v.Cam.ToWorld(x, y)) {
		return 0
	}
	return math.Inf(1)
}

// segmentDistance is the distance from (px, py) to segment a-b.
func segmentDistance(px, py, ax, ay, bx, by float64) float64 {
	dx, dy := bx-ax, by-ay
	l2 := dx*dx + dy*dy
	t := 0.0
	if l2 > 0 {
		t = math.Max(0, math.Min(1, ((px-ax)*dx+(py-ay)*dy)/l2))
	}
	return math.Hypot(px-ax-t*dx, py-ay-t*dy)
}

// polygonContains is the even-odd point-in-polygon test over all rings.
func polygonContains(poly orb.Polygon, p orb.Point) bool {
	in := false
	for _, ring := range poly {
		for i, j := 0, len(ring)-1; i < len(ring); j, i = i, i+1 {
			a, b := ring[i], ring[j]
			if (a[1] > p[1]) != (b[1] > p[1]) && p[0] < (b[0]-a[0])*(p[1]-a[1])/(b[1]-a[1])+a[0] {
				in = !in
			}
		}
	}
	return in
}

// Info is the selection's text (what it is and its values at time t) and
// the history of its colouring metric for the chart (times, values, name).
func (v *View) Info(s *Selection) (text string, times, hist []float64, metric string) {
	if s.Set < 0 {
		vs := v.Scene.Run.Vehicles
		speed := math.NaN()
		for _, veh := range v.Scene.vehicles {
			if veh.Veh == s.Vehicle {
				speed = veh.Speed * 3.6
			}
		}
		text = fmt.Sprintf("vehicle %d (trip %s)\nspeed %s km/h", s.Vehicle, s.VehID, viz.FormatValue(speed))
		return text, vs.Times, vs.History(s.Vehicle), "speed km/h"
	}
	set := v.Scene.Run.Sets[s.Set]
	var b strings.Builder
	b.WriteString(set.Describe(s.Index))
	for _, m := range set.Metrics {
		fmt.Fprintf(&b, "\n%s %s %s", m.Name, viz.FormatValue(m.At(s.Index, v.T)), m.Unit)
	}
	if m := set.Colouring(); m != nil {
		return b.String(), m.Times, m.History(s.Index), strings.TrimSpace(m.Name + " " + m.Unit)
	}
	return b.String(), nil, nil, ""
}
