package traffic

import (
	"bytes"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func TestReadTrips(t *testing.T) {
	good := "id,depart_s,from_lon,from_lat,to_lon,to_lat\n" +
		"a,0,12.57,55.70,12.58,55.71\n" +
		"b,12.5,12.571,55.701,12.581,55.711\n"
	trips, err := ReadTrips(strings.NewReader(good), "t.csv")
	if err != nil || len(trips) != 2 || trips[1].DepartS != 12.5 || trips[1].ToLat != 55.711 {
		t.Fatalf("got %+v, %v", trips, err)
	}
	var buf bytes.Buffer
	if err := WriteTrips(&buf, trips); err != nil {
		t.Fatal(err)
	}
	again, err := ReadTrips(&buf, "again")
	if err != nil || len(again) != 2 || again[1] != trips[1] {
		t.Fatalf("round trip: %+v, %v", again, err)
	}
	bad := []struct{ name, in, want string }{
		{"missing column", "id,depart_s,from_lon\n", "line 1: missing column \"from_lat\""},
		{"not a number", "id,depart_s,from_lon,from_lat,to_lon,to_lat\na,x,1,2,3,4\n", "line 2: field depart_s"},
		{"negative time", "id,depart_s,from_lon,from_lat,to_lon,to_lat\na,0,1,2,3,4\nb,-1,1,2,3,4\n", "line 3: field depart_s"},
		{"latitude", "id,depart_s,from_lon,from_lat,to_lon,to_lat\na,0,1,95,3,4\n", "line 2: field from_lat"},
		{"duplicate", "id,depart_s,from_lon,from_lat,to_lon,to_lat\na,0,1,2,3,4\na,0,1,2,3,4\n", "line 3: id \"a\" already on line 2"},
		{"short row", "id,depart_s,from_lon,from_lat,to_lon,to_lat\na,0,1\n", "line 2: field from_lat: missing"},
		{"empty", "", "line 1"},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			_, err := ReadTrips(strings.NewReader(c.in), "bad.csv")
			if err == nil || !errors.Is(err, ErrInput) || !strings.Contains(err.Error(), "bad.csv: "+c.want) {
				t.Errorf("error %v, want one containing %q", err, c.want)
			}
		})
	}
}

func FuzzReadTrips(f *testing.F) {
	f.Add([]byte("id,depart_s,from_lon,from_lat,to_lon,to_lat\na,0,12.57,55.70,12.58,55.71\n"))
	f.Add([]byte("id,depart_s,from_lon,from_lat,to_lon,to_lat\n\"a,b\",1e3,NaN,1,2,3\n"))
	f.Add([]byte("\ufeffto_lat,to_lon,from_lat,from_lon,depart_s,id,extra\n1,2,3,4,5,x,y\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		trips, err := ReadTrips(bytes.NewReader(b), "fuzz.csv")
		if err != nil {
			if !errors.Is(err, ErrInput) {
				t.Fatalf("error does not wrap ErrInput: %v", err)
			}
			return
		}
		lon := func(x float64) bool { return x >= -180 && x <= 180 }
		lat := func(y float64) bool { return y >= -90 && y <= 90 }
		for _, tr := range trips {
			if tr.ID == "" || !(tr.DepartS >= 0) || math.IsInf(tr.DepartS, 0) ||
				!lon(tr.FromLon) || !lat(tr.FromLat) || !lon(tr.ToLon) || !lat(tr.ToLat) {
				t.Fatalf("accepted a bad trip %+v", tr)
			}
		}
	})
}

func TestRandomTripsAndScale(t *testing.T) {
	net := crossNet(t, 1000, false, 4, 4)
	a := RandomTrips(net, 50, 3600, 500, nil, rand.New(rand.NewPCG(1, 2)))
	b := RandomTrips(net, 50, 3600, 500, nil, rand.New(rand.NewPCG(1, 2)))
	if len(a) != 50 || a[10] != b[10] {
		t.Fatalf("same seed gave different trips: %+v vs %+v", a[10], b[10])
	}
	for k := 1; k < len(a); k++ {
		if a[k].DepartS < a[k-1].DepartS || a[k].DepartS >= 3600 {
			t.Fatalf("departures out of order or range at %d", k)
		}
	}
	trips := []Trip{{ID: "x", DepartS: 100}, {ID: "y", DepartS: 200}}
	rng := rand.New(rand.NewPCG(3, 4))
	if got := ScaleDemand(trips, 3, 60, rng); len(got) != 6 || got[1].ID != "x#1" {
		t.Errorf("scale 3: %+v", got)
	}
	if got := ScaleDemand(trips, 0, 60, rng); len(got) != 0 {
		t.Errorf("scale 0: %d trips", len(got))
	}
}

func TestDrawTripsChecksArguments(t *testing.T) {
	t.Parallel()
	net := crossNet(t, 1000, false, 4, 4)
	bad := []struct {
		name                string
		n                   int
		durationS, minDistM float64
		want                error
	}{
		{"negative count", -5, 3600, 500, ErrDemand},
		{"count above the cap", MaxRandomTrips + 1, 3600, 500, ErrDemand},
		{"negative window", 10, -10, 500, ErrDemand},
		{"NaN window", 10, math.NaN(), 500, ErrDemand},
		{"infinite window", 10, math.Inf(1), 500, ErrDemand},
		{"negative distance", 10, 3600, -1, ErrDemand},
		{"NaN distance", 10, 3600, math.NaN(), ErrDemand},
		{"unreachable distance", 10, 3600, 1e9, ErrMinDist},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			trips, err := DrawTrips(net, c.n, c.durationS, c.minDistM, nil, rand.New(rand.NewPCG(1, 2)))
			if !errors.Is(err, c.want) || trips != nil {
				t.Errorf("got %d trips, error %v; want none and %v", len(trips), err, c.want)
			}
		})
	}
	if got := RandomTrips(net, -5, 3600, 500, nil, rand.New(rand.NewPCG(1, 2))); len(got) != 0 {
		t.Errorf("RandomTrips with a negative count: %d trips", len(got))
	}
}

// TestDrawTripsMatchesRandomTrips: for valid arguments the checked draw
// gives RandomTrips' trips, and every trip keeps the least distance.
func TestDrawTripsMatchesRandomTrips(t *testing.T) {
	t.Parallel()
	net := crossNet(t, 1000, false, 4, 4)
	const seed = 7
	want := RandomTrips(net, 200, 3600, 800, nil, rand.New(rand.NewPCG(seed, 2)))
	got, err := DrawTrips(net, 200, 3600, 800, nil, rand.New(rand.NewPCG(seed, 2)))
	if err != nil || !slices.Equal(got, want) {
		t.Fatalf("seed %d: DrawTrips differs from RandomTrips (error %v)", seed, err)
	}
	for _, tr := range got {
		if tr.DepartS < 0 || tr.DepartS > 3600 {
			t.Errorf("seed %d: trip %s departs at %g", seed, tr.ID, tr.DepartS)
		}
		// crossNet has no LonLat: the coordinates are planar metres
		if d := math.Hypot(tr.ToLon-tr.FromLon, tr.ToLat-tr.FromLat); d < 800-1e-6 {
			t.Errorf("seed %d: trip %s spans %g m, under 800", seed, tr.ID, d)
		}
	}
}
