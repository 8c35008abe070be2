package traffic

import (
	"bytes"
	"math/rand/v2"
	"runtime"
	"testing"

	"citytwin/engine/record"
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

func TestTablesWrite(t *testing.T) {
	c, err := city.Load(trianglen)
	if err != nil {
		t.Fatal(err)
	}
	net, _ := FromCity(c)
	cfg := DefaultConfig()
	cfg.PositionsS = 10
	cfg.EdgeIntervalS = 60
	tr, _ := New(net, NewCityRouter(c), cfg, 1)
	ll := RandomTrips(net, 50, 300, 300, c.Roads.InSCC, rand.New(rand.NewPCG(2, 2)))
	trips, _ := SnapTrips(ll, SnapCity(c))
	for _, x := range trips {
		tr.AddTrip(x)
	}
	tr.AddLoop("l0", trips[0].From, 1, 60)
	tr.Run(200) // some vehicles still on the road
	dir := t.TempDir()
	m := NewModel(tr)
	for _, tb := range m.Tables() {
		n, err := tb.Rows()
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 && tb.Name != "loops" {
			t.Errorf("table %s is empty", tb.Name)
		}
		for _, f := range []record.Format{record.FormatCSV, record.FormatParquet} {
			if _, err := record.WriteTable(dir, tb, f); err != nil {
				t.Fatalf("%s as %s: %v", tb.Name, f, err)
			}
		}
	}
	// positions are in lon/lat inside the extract
	p := tr.PositionsTable()
	lon, lat := p.Columns[6].Floats, p.Columns[7].Floats
	for k := range lon {
		if lon[k] < 12.56 || lon[k] > 12.60 || lat[k] < 55.69 || lat[k] > 55.72 {
			t.Fatalf("position %d at %g, %g", k, lon[k], lat[k])
		}
	}
	if s := tr.Summarize(); s.Running+s.WaitingToEnter == 0 || s.Stuck != s.Running+s.WaitingToEnter {
		t.Errorf("unfinished vehicles not counted as stuck: %+v", s)
	}
	if len(m.KPIs()) < 8 {
		t.Error("few KPIs")
	}
}
