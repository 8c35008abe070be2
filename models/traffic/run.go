package traffic

import (
	"math"

	"citytwin/models/city"

	"github.com/paulmach/orb"
)

// SnapCity is a Snapper on the city's road graph (nearest edge of the
// largest strongly connected component).
func SnapCity(c *city.City) Snapper {
	return func(lon, lat float64) (int32, float64, bool) {
		e, off, _, ok := c.SnapLonLat(orb.Point{lon, lat})
		return int32(e), off, ok
	}
}

// RunToEnd steps the model until every vehicle has arrived (or found no
// route), but at most until maxS (s). It returns the time reached.
func (t *Traffic) RunToEnd(maxS float64) float64 {
	for t.nowS < maxS {
		t.Step()
		if t.nextDue >= len(t.due) && len(t.waitList) == 0 && t.allDone() {
			break
		}
	}
	return t.nowS
}

// allDone reports whether no vehicle is pending, waiting or running; it
// is checked once a second of simulated time.
func (t *Traffic) allDone() bool {
	k := int64(math.Max(1, math.Round(1/t.cfg.StepS)))
	if t.step%k != 0 {
		return false
	}
	return t.Done()
}

// LastDepartureS is the latest planned departure of all trips, s.
func (t *Traffic) LastDepartureS() float64 {
	last := 0.0
	for _, d := range t.v.plannedS {
		last = math.Max(last, d)
	}
	return last
}
