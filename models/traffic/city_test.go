package traffic

import (
	"bytes"
	"math/rand/v2"
	"runtime"
	"testing"

	"citytwin/models/city"
)

const trianglen = "../../scenarios/data/osm/copenhagen_osterbro_trianglen_1km2.osm"

// runCity simulates n random trips departing within durS on the city.
func runCity(t *testing.T, c *city.City, n int, durS float64, seed uint64) *Traffic {
	t.Helper()
	net, err := FromCity(c)
	if err != nil {
		t.Fatal(err)
	}
	ll := RandomTrips(net, n, durS, 300, c.Roads.InSCC, rand.New(rand.NewPCG(seed, 1)))
	trips, err := SnapTrips(ll, SnapCity(c))
	if err != nil {
		t.Fatal(err)
	}
	tr, err := New(net, NewCityRouter(c), DefaultConfig(), seed)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range trips {
		if _, err := tr.AddTrip(x); err != nil {
			t.Fatal(err)
		}
	}
	tr.RunToEnd(durS + 4*3600)
	return tr
}

func TestTrianglenAllArrive(t *testing.T) {
	c, err := city.Load(trianglen)
	if err != nil {
		t.Fatal(err)
	}
	tr := runCity(t, c, 400, 1200, 5)
	s := tr.Summarize()
	if s.Arrived != 400 || s.Stuck != 0 || s.NoRoute != 0 {
		t.Fatalf("arrived %d of 400, stuck %d, no route %d, teleports %d", s.Arrived, s.Stuck, s.NoRoute, s.Teleports)
	}
	// an urban 50 km/h grid with signals: mean speed well below the limit
	if s.MeanSpeedMps < 3 || s.MeanSpeedMps > 12 {
		t.Errorf("mean speed %.2f m/s", s.MeanSpeedMps)
	}
	if s.VehicleUpdates == 0 || s.CO2Kg <= 0 {
		t.Errorf("updates %d, CO2 %g kg", s.VehicleUpdates, s.CO2Kg)
	}
	checkLanes(t, tr)
}

// TestGOMAXPROCSDeterminism runs the same trips with one and with all
// cores: the trips table must be byte-identical.
func TestGOMAXPROCSDeterminism(t *testing.T) {
	c, err := city.Load(trianglen)
	if err != nil {
		t.Fatal(err)
	}
	prev := runtime.GOMAXPROCS(1)
	one := tripsCSV(t, runCity(t, c, 200, 600, 9))
	runtime.GOMAXPROCS(max(2, prev))
	many := tripsCSV(t, runCity(t, c, 200, 600, 9))
	runtime.GOMAXPROCS(prev)
	if !bytes.Equal(one, many) {
		t.Fatal("GOMAXPROCS changed the trips table")
	}
}

func TestBuildingDemand(t *testing.T) {
	c, err := city.Load(trianglen)
	if err != nil {
		t.Fatal(err)
	}
	d := DefaultBuildingDemand()
	rng := rand.New(rand.NewPCG(1, 1))
	day := d.Trips(c, 0, 86400, 1, rng)
	peak := d.Trips(c, 7*3600, 9*3600, 1, rand.New(rand.NewPCG(1, 2)))
	night := d.Trips(c, 2*3600, 4*3600, 1, rand.New(rand.NewPCG(1, 3)))
	var area float64
	for _, b := range c.Buildings {
		if b.Use == "residential" && b.Edge != city.NoEdge && b.FloorAreaM2 > 0 {
			area += b.FloorAreaM2
		}
	}
	want := d.TripsPerHomeM2 * area
	if n := float64(len(day)); n < 0.95*want || n > 1.05*want {
		t.Errorf("%d trips a day, want about %.0f", len(day), want)
	}
	if len(peak) < 20*len(night) {
		t.Errorf("peak 7-9 h: %d trips, night 2-4 h: %d", len(peak), len(night))
	}
	for k := 1; k < len(peak); k++ {
		if peak[k].DepartS < peak[k-1].DepartS || peak[k].DepartS < 7*3600 || peak[k].DepartS >= 9*3600 {
			t.Fatalf("trip %d departs at %g", k, peak[k].DepartS)
		}
	}
}
