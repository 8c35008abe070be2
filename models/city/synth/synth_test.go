package synth

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"citytwin/models/city"
)

// loadGenerated generates o, writes it to a temporary .osm.gz and loads it
// with city.Load, as the pipeline would a real extract.
func loadGenerated(t *testing.T, o Options) (*city.City, Stats) {
	t.Helper()
	m, st, err := Generate(o)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "synth.osm.gz")
	if err := WriteFile(path, m); err != nil {
		t.Fatal(err)
	}
	c, err := city.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return c, st
}

func TestGeneratedCityLoads(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		opt  Options
	}{
		{"grid-2k", Options{Seed: 1, Layout: Grid, TargetEdges: 2000}},
		{"organic-2k", Options{Seed: 2, Layout: Organic, TargetEdges: 2000}},
		{"organic-5k", Options{Seed: 3, Layout: Organic, TargetEdges: 5000}},
		{"grid-area", Options{Seed: 4, Layout: Grid, AreaKm2: 1}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, st := loadGenerated(t, tc.opt)
			s := c.Summary()
			if s.Edges != st.DirectedEdges {
				t.Errorf("city.Load built %d edges, the plan has %d", s.Edges, st.DirectedEdges)
			}
			if n := tc.opt.TargetEdges; n > 0 && (s.Edges < n*9/10 || s.Edges > n*11/10) {
				t.Errorf("edges = %d, asked %d ±10 %%", s.Edges, n)
			}
			if a := tc.opt.AreaKm2; a > 0 && (st.AreaKm2 < 0.8*a || st.AreaKm2 > 1.2*a) {
				t.Errorf("area = %g km², asked %g", st.AreaKm2, a)
			}
			if s.LargestSCCShare < 0.999 {
				t.Errorf("largest SCC holds %.4f of the road length, want ~1", s.LargestSCCShare)
			}
			if s.SignalNodes != st.Signals || st.Signals == 0 {
				t.Errorf("signal nodes = %d, generated %d", s.SignalNodes, st.Signals)
			}
			want := map[string][2]int{
				"buildings": {s.Buildings, st.Buildings}, "car parks": {s.CarParks, st.CarParks},
				"chargers": {s.ChargingStations, st.Chargers}, "waste baskets": {s.WasteBaskets, st.WasteBaskets},
				"recycling": {s.Recycling, st.Recycling}, "substations": {s.Substations, st.Substations},
				"water works": {s.WaterWorks, 1}, "water towers": {s.WaterTowers, 1},
			}
			for name, got := range want {
				if got[0] != got[1] || got[0] == 0 {
					t.Errorf("%s: city has %d, generated %d", name, got[0], got[1])
				}
			}
			checkRoutes(t, c, tc.opt.Seed)
			checkUses(t, c)
		})
	}
}

// checkRoutes asks for routes between 50 random pairs of SCC edges.
func checkRoutes(t *testing.T, c *city.City, seed uint64) {
	t.Helper()
	g := c.Roads
	var scc []city.EdgeID
	for e, in := range g.InSCC {
		if in {
			scc = append(scc, city.EdgeID(e))
		}
	}
	r := city.NewRouter(g)
	rng := rand.New(rand.NewPCG(seed, 99))
	for k := 0; k < 50; k++ {
		a, b := scc[rng.IntN(len(scc))], scc[rng.IntN(len(scc))]
		if _, _, ok := r.Route(a, b, nil); !ok {
			t.Fatalf("no route from edge %d to %d (seed %d)", a, b, seed)
		}
	}
}

// checkUses asks for every building use, and homes and workplaces snapped
// to the roads, as the demand model needs.
func checkUses(t *testing.T, c *city.City) {
	t.Helper()
	uses := map[string]int{}
	for _, b := range c.Buildings {
		if b.Edge == city.NoEdge || b.FloorAreaM2 <= 0 || !b.LevelsTagged {
			t.Fatalf("building %d: edge %d, floor area %g, levels tagged %v", b.OSMID, b.Edge, b.FloorAreaM2, b.LevelsTagged)
		}
		uses[b.Use]++
	}
	for _, u := range []string{"residential", "commercial", "industrial", "public"} {
		if uses[u] == 0 {
			t.Errorf("no %s building among %d", u, len(c.Buildings))
		}
	}
	if uses["residential"] < len(c.Buildings)/2 {
		t.Errorf("residential %d of %d buildings, want most", uses["residential"], len(c.Buildings))
	}
}

func TestGenerateDeterministic(t *testing.T) {
	t.Parallel()
	encode := func(seed uint64) []byte {
		m, _, err := Generate(Options{Seed: seed, Layout: Organic, TargetEdges: 800})
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := Write(&buf, m); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	a, b, c := encode(7), encode(7), encode(8)
	if !bytes.Equal(a, b) {
		t.Error("the same seed gave different files")
	}
	if bytes.Equal(a, c) {
		t.Error("seeds 7 and 8 gave the same file")
	}
}

func TestSizeIsNearTarget(t *testing.T) {
	t.Parallel()
	for _, n := range []int{300, 1000, 10_000, 50_000} {
		for _, l := range []Layout{Grid, Organic} {
			o := Defaults(Options{Seed: 1, Layout: l, TargetEdges: n})
			got := sizePlan(o).directedEdges()
			if d := float64(got-n) / float64(n); d < -0.05 || d > 0.05 {
				t.Errorf("%v %d: plan has %d edges (%+.1f %%)", l, n, got, 100*d)
			}
		}
	}
}

func TestBadOptions(t *testing.T) {
	t.Parallel()
	cases := map[string]Options{
		"no size":        {},
		"negative edges": {TargetEdges: -1},
		"tiny block":     {TargetEdges: 100, BlockM: 5},
		"one-way > 1":    {TargetEdges: 100, OneWayShare: 2},
		"jitter":         {TargetEdges: 100, Layout: Organic, Jitter: 0.9},
		"lot too wide":   {TargetEdges: 100, LotM: 500},
		"centre":         {TargetEdges: 100, Lat0: 89},
	}
	for name, o := range cases {
		if _, _, err := Generate(o); !errors.Is(err, ErrOptions) {
			t.Errorf("%s: err = %v, want ErrOptions", name, err)
		}
	}
	if _, err := ParseLayout("spiral"); !errors.Is(err, ErrOptions) {
		t.Errorf("ParseLayout(spiral): err = %v", err)
	}
}

// TestPrimaryEvery: by default every second arterial line is primary (two
// lanes each way); PrimaryEvery 1 makes them all primary and leaves no
// secondary way.
func TestPrimaryEvery(t *testing.T) {
	t.Parallel()
	count := func(o Options) map[string]int {
		m, _, err := Generate(o)
		if err != nil {
			t.Fatal(err)
		}
		n := map[string]int{}
		for _, w := range m.Ways {
			if h := w.Tags.Find("highway"); h != "" {
				n[h]++
			}
		}
		return n
	}
	def := count(Options{Seed: 1, Layout: Grid, TargetEdges: 3000})
	all := count(Options{Seed: 1, Layout: Grid, TargetEdges: 3000, PrimaryEvery: 1})
	if def["primary"] == 0 || def["secondary"] == 0 {
		t.Errorf("default city: %d primary and %d secondary ways, want both", def["primary"], def["secondary"])
	}
	if all["secondary"] != 0 || all["primary"] <= def["primary"] {
		t.Errorf("PrimaryEvery 1: %d primary and %d secondary ways (default %d primary)", all["primary"], all["secondary"], def["primary"])
	}
	if _, _, err := Generate(Options{Seed: 1, TargetEdges: 3000, PrimaryEvery: -1}); !errors.Is(err, ErrOptions) {
		t.Errorf("PrimaryEvery -1: err %v, want ErrOptions", err)
	}
}
