package traffic

import (
	"math"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"citytwin/models/city"
	"citytwin/models/city/synth"
)

// TestGravityDemand draws a day of trips on a synthetic city some 6 km
// across with and without distance decay: with DecayM = 500 m the mean
// straight-line trip must be near the 2·DecayM of the exponential
// deterrence on an unbounded plane (the city is far larger than 500 m),
// without it near the mean distance between two random points of the city
// (over 2 km); the number of trips does not change.
func TestGravityDemand(t *testing.T) {
	m, _, err := synth.Generate(synth.Options{Seed: 5, Layout: synth.Grid, TargetEdges: 12000})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "g.osm.gz")
	if err := synth.WriteFile(path, m); err != nil {
		t.Fatal(err)
	}
	c, err := city.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	meanKm := func(ts []TripLL) float64 {
		s := 0.0
		for _, x := range ts {
			cl := math.Cos(x.FromLat * math.Pi / 180)
			s += math.Hypot((x.ToLon-x.FromLon)*cl, x.ToLat-x.FromLat) * metresPerDegree
		}
		return s / float64(len(ts)) / 1000
	}
	d := DefaultBuildingDemand()
	uniform := d.Trips(c, 0, 86400, 0.2, rand.New(rand.NewPCG(1, 1)))
	d.DecayM = 500
	grav := d.Trips(c, 0, 86400, 0.2, rand.New(rand.NewPCG(1, 1)))
	if len(uniform) == 0 || math.Abs(float64(len(grav)-len(uniform))) > 0.05*float64(len(uniform)) {
		t.Fatalf("%d trips with decay, %d without", len(grav), len(uniform))
	}
	u, g := meanKm(uniform), meanKm(grav)
	t.Logf("%d trips: mean straight-line trip %.2f km uniform, %.2f km with DecayM 500 m", len(grav), u, g)
	if u < 2 {
		t.Errorf("uniform mean trip %.2f km: want over 2 km on this city", u)
	}
	if g < 0.8 || g > 1.15 {
		t.Errorf("gravity mean trip %.2f km: want about 2 x 0.5 km", g)
	}
	// before noon most trips leave a home for a workplace: the origins
	// are homes; after noon they come back: the destinations are homes
	isHome := map[[2]float64]bool{}
	for _, b := range c.Buildings {
		if b.Use == "residential" {
			isHome[[2]float64{b.LonLat[0], b.LonLat[1]}] = true
		}
	}
	var amFromHome, am, pmToHome, pm int
	for _, x := range grav {
		if x.DepartS < 12*3600 {
			am++
			if isHome[[2]float64{x.FromLon, x.FromLat}] {
				amFromHome++
			}
		} else {
			pm++
			if isHome[[2]float64{x.ToLon, x.ToLat}] {
				pmToHome++
			}
		}
	}
	if amFromHome != am || pmToHome != pm {
		t.Errorf("morning trips from a home %d of %d, afternoon trips to a home %d of %d", amFromHome, am, pmToHome, pm)
	}
}
