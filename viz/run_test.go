package viz

import (
	"math"
	"testing"

	"github.com/paulmach/orb"
)

func TestMercator(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		lonlat orb.Point
		want   orb.Point
	}{
		{"origin", orb.Point{0, 0}, orb.Point{0, 0}},
		{"antimeridian", orb.Point{180, 0}, orb.Point{20037508.342789244, 0}},
		// EPSG:3857 northing of 55.7° N: R·ln(tan(π/4 + φ/2)), computed apart in Python
		{"copenhagen", orb.Point{12.5, 55.7}, orb.Point{1391493.6349159197, 7498924.477653491}},
	}
	for _, c := range cases {
		got := mercator(c.lonlat)
		if math.Abs(got[0]-c.want[0]) > 1e-6 || math.Abs(got[1]-c.want[1]) > 0.5 {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
	if g := GroundScale(mercator(orb.Point{0, 60})[1]); math.Abs(g-0.5) > 1e-12 {
		t.Errorf("ground scale at 60°: %v, want 0.5", g)
	}
}

func TestCamera(t *testing.T) {
	t.Parallel()
	c := Camera{W: 800, H: 600}
	c.Fit(orb.Bound{Min: orb.Point{0, 0}, Max: orb.Point{1000, 500}})
	if math.Abs(c.Scale-0.72) > 1e-12 {
		t.Fatalf("scale %v", c.Scale)
	}
	x, y := c.ToScreen(orb.Point{500, 250})
	if x != 400 || y != 300 {
		t.Fatalf("centre at %v,%v", x, y)
	}
	w := c.ToWorld(100, 50)
	c.ZoomAt(100, 50, 2)
	if x, y := c.ToScreen(w); math.Abs(x-100) > 1e-9 || math.Abs(y-50) > 1e-9 {
		t.Fatalf("zoom moved the point under the pointer to %v,%v", x, y)
	}
}

// TestLoad checks the bundled run against what its tables hold.
func TestLoad(t *testing.T) {
	t.Parallel()
	r, err := Load(testRun)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"road edge": 496, "grid branch": 67, "grid bus": 68, "water link": 119, "water node": 97, "charger": 34, "bin": 39}
	for _, s := range r.Sets {
		if n, ok := want[s.Kind]; ok && s.Len() != n {
			t.Errorf("%s: %d entities, want %d", s.Kind, s.Len(), n)
		}
	}
	for _, s := range r.Sets {
		if s.Kind == "parking facility" {
			occ := s.Metrics[0]
			if s.Len() == 0 || occ.Name != "occupancy" || occ.Max > 1 || occ.Max < 0.3 {
				t.Errorf("parking facilities %d, occupancy %v..%v", s.Len(), occ.Min, occ.Max)
			}
		}
	}
	roads := r.Set(LayerRoads)
	if len(roads.Metrics) != 4 || roads.Metrics[0].Name != "speed" {
		t.Fatalf("road metrics %v", roads.Metrics)
	}
	// edge_series' first row: edge 0 in [0, 300) at 13.487643139937541 m/s
	if v := roads.Metrics[0].At(0, 299); math.Abs(v-13.487643139937541*3.6) > 1e-4 {
		t.Errorf("edge 0 speed %v km/h", v)
	}
	if at, err := r.Offset("08:00"); err != nil || at != 600 {
		t.Errorf("08:00 is %v s after the start (%v), want 600", at, err)
	}
	if r.Clock(600) != "08:00:00" {
		t.Errorf("clock %s", r.Clock(600))
	}
	if n := r.Vehicles.MaxCount(); n < 10 {
		t.Errorf("at most %d vehicles at once", n)
	}
	if r.Duration != 1800 {
		t.Errorf("duration %v", r.Duration)
	}
}

func TestSeriesHoldsUntilNextSample(t *testing.T) {
	t.Parallel()
	s := newSeries("x", "", 2, []float64{0, 0, 300, 300}, []int{0, 1, 0, -1}, []float64{1, 2, 3, 9}, 1, false)
	cases := []struct {
		e    int
		t    float64
		want float64
	}{{0, -1, math.NaN()}, {0, 0, 1}, {1, 299, 2}, {0, 300, 3}, {1, 300, math.NaN()}, {0, 1e9, 3}}
	for _, c := range cases {
		got := s.At(c.e, c.t)
		if got != c.want && !(math.IsNaN(got) && math.IsNaN(c.want)) {
			t.Errorf("entity %d at %v: %v, want %v", c.e, c.t, got, c.want)
		}
	}
	if s.Min != 1 || s.Max != 3 {
		t.Errorf("range %v..%v", s.Min, s.Max)
	}
}

func TestVehiclesInterpolate(t *testing.T) {
	t.Parallel()
	v := newVehicles([]vehicleRow{
		{t: 10, veh: 2, p: orb.Point{0, 0}, speed: 10},
		{t: 0, veh: 1, p: orb.Point{0, 0}},
		{t: 0, veh: 2, p: orb.Point{100, 0}},
		{t: 10, veh: 1, p: orb.Point{10, 20}},
		{t: 0, veh: 3, p: orb.Point{5, 5}}, // gone at 10 s
	})
	got := v.At(2.5, nil)
	if len(got) != 3 {
		t.Fatalf("%d vehicles", len(got))
	}
	want := []orb.Point{{2.5, 5}, {75, 0}, {5, 5}}
	for i, w := range want {
		if got[i].P != w {
			t.Errorf("vehicle %d at %v, want %v", got[i].Veh, got[i].P, w)
		}
	}
	if got[1].Speed != 2.5 {
		t.Errorf("speed %v", got[1].Speed)
	}
	if n := len(v.At(-1, nil)); n != 0 {
		t.Errorf("%d vehicles before the first snapshot", n)
	}
	if n := len(v.At(50, nil)); n != 2 {
		t.Errorf("%d vehicles after the last snapshot, want 2", n)
	}
}

func TestParseOptions(t *testing.T) {
	t.Parallel()
	o, err := ParseOptions("roads, traffic", "800x600")
	if err != nil || len(o.Layers) != 2 || o.W != 800 || o.H != 600 {
		t.Fatalf("%+v %v", o, err)
	}
	for _, bad := range [][2]string{{"roads,cars", "800x600"}, {"all", "800"}, {"all", "10x10"}} {
		if _, err := ParseOptions(bad[0], bad[1]); err == nil {
			t.Errorf("%q %q accepted", bad[0], bad[1])
		}
	}
}

func TestSyntheticVehicles(t *testing.T) {
	t.Parallel()
	r, err := Load(testRun)
	if err != nil {
		t.Fatal(err)
	}
	v := SyntheticVehicles(r, 500, 1)
	if n := v.MaxCount(); n != 500 {
		t.Fatalf("%d vehicles", n)
	}
	if a, b := v.At(17, nil), SyntheticVehicles(r, 500, 1).At(17, nil); a[99] != b[99] {
		t.Fatal("not deterministic")
	}
}
