package traffic

import (
	"math"
	"math/rand/v2"
	"slices"
	"strconv"

	"citytwin/models/city"
)

// BuildingDemand generates car trips between the city's homes and
// workplaces over a day.
//
// The daily number of trips is TripsPerHomeM2 times the residential floor
// area. The default, 0.02 car trips per m² per day (about two per 100 m²
// dwelling), is our assumption of the order of magnitude of car trips per
// household in Danish cities; replace it with survey data where known.
// Departures follow Profile, the share of the day's trips starting in each
// hour (our assumed weekday shape with a morning peak at 7-9 h and an
// afternoon peak at 15-17 h). Before noon a trip goes from a home to a
// workplace with probability HomeWorkShare, after noon the other way;
// the remaining trips go between two homes (visits, shopping by car).
// Origins and destinations are drawn with probability proportional to
// floor area: residential buildings for homes; commercial, industrial and
// public ones for workplaces.
//
// With DecayM > 0 the destination of a trip is drawn by an
// origin-constrained gravity model with exponential deterrence (the form
// most used in trip distribution; Ortúzar and Willumsen, Modelling
// Transport, ch. 5): given the origin, a building of floor area A at
// straight-line distance d is chosen with probability proportional to
// A·exp(-d/DecayM). In a city much larger than DecayM the straight-line
// trip length then averages about 2·DecayM; DecayM = 0 (the default)
// draws destinations by floor area alone, wherever they are, which
// suits a district but sends every trip of a large city across it.
type BuildingDemand struct {
	TripsPerHomeM2 float64
	Profile        [24]float64
	HomeWorkShare  float64
	DecayM         float64
}

// DefaultBuildingDemand returns the documented defaults.
func DefaultBuildingDemand() BuildingDemand {
	return BuildingDemand{
		TripsPerHomeM2: 0.02,
		Profile: [24]float64{
			0.3, 0.2, 0.1, 0.1, 0.3, 1.0, 3.5, 8.0, 8.5, 5.0, 4.5, 5.0,
			5.5, 5.5, 6.0, 8.0, 8.5, 7.5, 5.5, 4.0, 3.0, 2.5, 1.5, 0.7},
		HomeWorkShare: 0.7,
	}
}

// Trips draws the trips departing in [fromS, toS) seconds after midnight,
// scaled by factor (1 = the full demand). The draws come from rng; the
// trips are sorted by departure. It returns nil when the city has no
// residential building.
func (d BuildingDemand) Trips(c *city.City, fromS, toS, factor float64, rng *rand.Rand) []TripLL {
	var homes, work []city.Building
	var homeArea float64
	for _, b := range c.Buildings {
		if b.Edge == city.NoEdge || !(b.FloorAreaM2 > 0) {
			continue
		}
		switch b.Use {
		case "residential":
			homes = append(homes, b)
			homeArea += b.FloorAreaM2
		case "commercial", "industrial", "public":
			work = append(work, b)
		}
	}
	if len(homes) == 0 {
		return nil
	}
	if len(work) == 0 {
		work = homes
	}
	pickHome, pickWork := weighted(homes), weighted(work)
	total := 0.0
	for _, w := range d.Profile {
		total += w
	}
	var out []TripLL
	for h := 0; h < 24 && total > 0; h++ {
		lo, hi := math.Max(fromS, float64(h)*3600), math.Min(toS, float64(h+1)*3600)
		if hi <= lo {
			continue
		}
		mean := factor * d.TripsPerHomeM2 * homeArea * d.Profile[h] / total * (hi - lo) / 3600
		n := int(mean)
		if rng.Float64() < mean-float64(n) {
			n++
		}
		for k := 0; k < n; k++ {
			var a, b city.Building
			if d.DecayM > 0 {
				a, b = d.gravityPair(homes, work, pickHome, pickWork, h, rng)
			} else {
				a, b = homes[pickHome(rng)], homes[pickHome(rng)]
				if rng.Float64() < d.HomeWorkShare {
					if h < 12 {
						b = work[pickWork(rng)]
					} else {
						a = work[pickWork(rng)]
					}
				}
			}
			out = append(out, TripLL{DepartS: math.Round((lo+rng.Float64()*(hi-lo))*10) / 10,
				FromLon: a.LonLat[0], FromLat: a.LonLat[1], ToLon: b.LonLat[0], ToLat: b.LonLat[1]})
		}
	}
	slices.SortStableFunc(out, func(x, y TripLL) int {
		switch {
		case x.DepartS < y.DepartS:
			return -1
		case x.DepartS > y.DepartS:
			return 1
		}
		return 0
	})
	for k := range out {
		out[k].ID = "b" + strconv.Itoa(k)
	}
	return out
}

// maxGravityDraws bounds the rejection sampling of a gravity destination;
// after it the last candidate is taken (with DecayM above a few hundred
// metres in any real city this never happens).
const maxGravityDraws = 10000

// gravityPair draws one trip's ends under the gravity model: the home is
// drawn by floor area, the other end by floor area times exp(-d/DecayM)
// from it, by rejection (a candidate drawn by floor area is accepted with
// probability exp(-d/DecayM)). Before noon a home->work trip goes from
// the home, after noon the work->home trip comes back to it.
func (d BuildingDemand) gravityPair(homes, work []city.Building, pickHome, pickWork func(*rand.Rand) int,
	hour int, rng *rand.Rand) (a, b city.Building) {
	home := homes[pickHome(rng)]
	toWork := rng.Float64() < d.HomeWorkShare
	pick, set := pickHome, homes
	if toWork {
		pick, set = pickWork, work
	}
	cosLat := math.Cos(home.LonLat[1] * math.Pi / 180)
	var other city.Building
	for try := 0; try < maxGravityDraws; try++ {
		other = set[pick(rng)]
		dx := (other.LonLat[0] - home.LonLat[0]) * cosLat * metresPerDegree
		dy := (other.LonLat[1] - home.LonLat[1]) * metresPerDegree
		if rng.Float64() < math.Exp(-math.Hypot(dx, dy)/d.DecayM) {
			break
		}
	}
	if toWork && hour >= 12 {
		return other, home
	}
	return home, other
}

// metresPerDegree is the length of a degree of latitude (and of longitude
// at the equator) on the mean Earth sphere, m.
const metresPerDegree = 6371008.8 * math.Pi / 180

// weighted returns a sampler of building indexes proportional to floor area.
func weighted(bs []city.Building) func(*rand.Rand) int {
	cum := make([]float64, len(bs))
	s := 0.0
	for k, b := range bs {
		s += b.FloorAreaM2
		cum[k] = s
	}
	return func(r *rand.Rand) int { return searchFloat(cum, r.Float64()*s) }
}
