package viz

import (
	"math"
	"math/rand/v2"

	"github.com/paulmach/orb"
)

// SyntheticVehicles makes n vehicles driving along the run's road edges
// for the frame-time benchmark: each starts on a random edge at a random
// point and drives along it at 5-14 m/s, wrapping at the end; snapshots
// every 5 s over the run (at least 10 min). Deterministic in seed.
func SyntheticVehicles(r *Run, n int, seed uint64) *Vehicles {
	roads := r.Set(LayerRoads)
	if roads == nil || roads.Len() == 0 || n <= 0 {
		return &Vehicles{start: []int{0}}
	}
	rng := rand.New(rand.NewPCG(seed, 1))
	type car struct {
		edge         int
		offset, vMps float64
	}
	cars := make([]car, n)
	for i := range cars {
		cars[i] = car{edge: rng.IntN(roads.Len()), offset: rng.Float64(), vMps: 5 + 9*rng.Float64()}
	}
	dur := math.Max(600, r.Duration)
	var rows []vehicleRow
	for t := 0.0; t <= dur; t += 5 {
		for i, c := range cars {
			line := roads.Lines[c.edge]
			l := pathLength(line)
			d := math.Mod(c.offset*l+c.vMps*t, math.Max(l, 1))
			rows = append(rows, vehicleRow{t: t, veh: int64(i), p: alongPath(line, d), speed: c.vMps})
		}
	}
	return newVehicles(rows)
}

func pathLength(ps []orb.Point) float64 {
	l := 0.0
	for i := 1; i < len(ps); i++ {
		l += math.Hypot(ps[i][0]-ps[i-1][0], ps[i][1]-ps[i-1][1])
	}
	return l
}

// alongPath is the point at distance d along the polyline.
func alongPath(ps []orb.Point, d float64) orb.Point {
	for i := 1; i < len(ps); i++ {
		seg := math.Hypot(ps[i][0]-ps[i-1][0], ps[i][1]-ps[i-1][1])
		if d <= seg && seg > 0 {
			f := d / seg
			return orb.Point{ps[i-1][0] + f*(ps[i][0]-ps[i-1][0]), ps[i-1][1] + f*(ps[i][1]-ps[i-1][1])}
		}
		d -= seg
	}
	return ps[len(ps)-1]
}
