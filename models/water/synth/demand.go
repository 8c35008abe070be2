package synth

import (
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/quadtree"

	"citytwin/models/city"
)

// indexedPoint is a junction in the quadtree.
type indexedPoint struct {
	p orb.Point
	j int
}

func (ip indexedPoint) Point() orb.Point { return ip.p }

// nearestJunction finds junctions nearest to points (orb's quadtree).
type nearestJunction struct{ qt *quadtree.Quadtree }

func newNearest(xy []orb.Point) nearestJunction {
	b := orb.MultiPoint(xy).Bound().Pad(1)
	qt := quadtree.New(b)
	for j, p := range xy {
		_ = qt.Add(indexedPoint{p, j}) // inside the bound by construction
	}
	return nearestJunction{qt}
}

func (n nearestJunction) find(p orb.Point) int {
	return n.qt.Find(p).(indexedPoint).j
}

// Demand is what the buildings draw, per junction and in total.
type demandResult struct {
	lps       []float64 // mean demand per junction, l/s (losses included)
	residents float64
	totalLps  float64
	centre    orb.Point // demand-weighted centre, local metres
}

// buildingDemand is each building's mean demand in l/s, losses included,
// and its residents.
func buildingDemand(b city.Building, p Params) (lps, residents float64) {
	var litresDay float64
	if b.Use == "residential" {
		residents = b.FloorAreaM2 / p.M2PerResident
		litresDay = residents * p.LitresPerPersonDay
	} else {
		litresDay = b.FloorAreaM2 * p.LitresPerM2Day[b.Use]
	}
	return litresDay * (1 + p.LossShare) / 86400, residents
}

// demands gives every building's demand to its nearest junction.
func demands(c *city.City, xy []orb.Point, p Params) demandResult {
	near := newNearest(xy)
	d := demandResult{lps: make([]float64, len(xy))}
	var cx, cy float64
	for _, b := range c.Buildings {
		q, r := buildingDemand(b, p)
		if q <= 0 {
			continue
		}
		d.lps[near.find(b.XY)] += q
		d.residents += r
		d.totalLps += q
		cx, cy = cx+q*b.XY[0], cy+q*b.XY[1]
	}
	if d.totalLps > 0 {
		d.centre = orb.Point{cx / d.totalLps, cy / d.totalLps}
	} else {
		d.centre = orb.MultiPoint(xy).Bound().Center()
	}
	return d
}
