package scenarios

import (
	"bytes"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"citytwin/engine"
	"citytwin/models/water/synth"
)

const noFacilities = "../models/water/synth/testdata/no_facilities.osm"

// initInto runs Init on the extract into a new folder.
func initInto(t *testing.T, osm string) (*InitResult, string) {
	t.Helper()
	res, err := Init(InitOptions{OSM: osm, Name: "town", Out: filepath.Join(t.TempDir(), "town.yaml")})
	if err != nil {
		t.Fatal(err)
	}
	text, err := os.ReadFile(res.Scenario)
	if err != nil {
		t.Fatal(err)
	}
	return res, string(text)
}

// TestInitWritesEveryAssumption: every parameter of the water synthesis is
// a key of the scenario with a comment, and the scenario loads and builds.
func TestInitWritesEveryAssumption(t *testing.T) {
	t.Parallel()
	res, text := initInto(t, noFacilities)
	typ := reflect.TypeFor[synth.Params]()
	for i := 0; i < typ.NumField(); i++ {
		key := typ.Field(i).Tag.Get("yaml") + ":"
		line := ""
		for _, l := range strings.Split(text, "\n") {
			if strings.HasPrefix(strings.TrimSpace(l), key) {
				line = l
			}
		}
		if line == "" || !strings.Contains(line, "#") && !strings.HasSuffix(line, ":") {
			t.Errorf("water assumption %s: line %q, want the key with a comment", key, line)
		}
	}
	for _, key := range []string{"trips_per_home_m2:", "home_work_share:", "kwh_per_m2:", "power_factor:", "ev_share:", "prefill:"} {
		if !strings.Contains(text, key) {
			t.Errorf("no %s in the scenario", key)
		}
	}
	sc, err := Load(res.Scenario)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := Build(sc); err != nil {
		t.Fatalf("the generated scenario does not build: %v", err)
	}
	if len(res.Gaps) < 4 {
		t.Errorf("gaps %q: want water works, substations, car parks, bins named", res.Gaps)
	}
}

// TestWaterRunsWrittenINP: the .inp init writes, run through inp: with
// coordinates: lonlat, is placed where the synthesis put it (not fitted
// over the city), and has the synthesized network's demand.
func TestWaterRunsWrittenINP(t *testing.T) {
	t.Parallel()
	res, _ := initInto(t, noFacilities)
	doc := "name: w\ncity:\n  osm: " + filepath.Join(mustAbs(t, "."), noFacilities) +
		"\nstart: 2024-05-14T07:00:00\ntimezone: Europe/Copenhagen\nduration: 1h\nmodels:\n  water:\n    inp: " +
		filepath.Base(res.WaterINP) + "\n    coordinates: lonlat\n"
	path := filepath.Join(filepath.Dir(res.Scenario), "w.yaml")
	sc, err := Parse(path, []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	_, models, err := Build(sc)
	if err != nil {
		t.Fatal(err)
	}
	wm := models[0].(*waterModel)
	for i, n := range wm.net.Nodes {
		if ll := wm.lonlat[i]; ll[0] != n.X || ll[1] != n.Y {
			t.Fatalf("node %s placed at %v, its coordinates are %v %v", n.ID, ll, n.X, n.Y)
		}
	}
	if wm.lonlat[0][0] < 12.49 || wm.lonlat[0][0] > 12.52 || wm.lonlat[0][1] < 55.69 || wm.lonlat[0][1] > 55.71 {
		t.Errorf("junction 1 at %v: not in the town", wm.lonlat[0])
	}
	if _, err := Parse(path, []byte(strings.Replace(doc, "lonlat", "mercator", 1))); err != nil {
		t.Fatal(err)
	} else if sc2, _ := Parse(path, []byte(strings.Replace(doc, "lonlat", "mercator", 1))); sc2 != nil {
		if _, _, err := Build(sc2); err == nil || !strings.Contains(err.Error(), "coordinates") {
			t.Errorf("coordinates: mercator: want an error naming the key, got %v", err)
		}
	}
}

// TestWaterSynthesizeKeys: the synthesize keys act. Doubling the litres
// per person doubles the residential demand.
func TestWaterSynthesizeKeys(t *testing.T) {
	t.Parallel()
	demand := func(extra string) float64 {
		doc := "name: w\ncity:\n  osm: " + filepath.Join(mustAbs(t, "."), noFacilities) + "\nstart: 2024-05-14T07:00:00\ntimezone: Europe/Copenhagen\nduration: 1h\n" +
			"models:\n  water:\n    synthesize:\n      litres_per_m2_day: {commercial: 0, public: 0, industrial: 0, other: 0}\n" + extra
		sc, err := Parse("testdata/w.yaml", []byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		_, models, err := Build(sc)
		if err != nil {
			t.Fatal(err)
		}
		net := models[0].(*waterModel).net
		var sum float64
		for _, n := range net.Nodes[:net.NJuncs] {
			sum += n.Demands[0].Base
		}
		return sum
	}
	base, doubled := demand(""), demand("      litres_per_person_day: 210\n")
	if base <= 0 || math.Abs(doubled/base-2) > 1e-9 {
		t.Fatalf("demand %v with 105 l, %v with 210 l: want twice", base, doubled)
	}
}

func TestInitBadOptions(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for name, opt := range map[string]InitOptions{
		"no such file": {OSM: filepath.Join(dir, "none.osm"), Out: filepath.Join(dir, "a.yaml")},
		"bad zone":     {OSM: noFacilities, Out: filepath.Join(dir, "b.yaml"), TimeZone: "Nowhere/Else"},
		"bad duration": {OSM: noFacilities, Out: filepath.Join(dir, "c.yaml"), Duration: "soon"},
	} {
		if _, err := Init(opt); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "b.yaml")); err == nil {
		t.Errorf("an invalid scenario was written")
	}
}

func TestReadCounts(t *testing.T) {
	t.Parallel()
	got, err := readCounts(strings.NewReader("day,hour,count\n1,7,100\n2,7,50\n1,8,30.5\n"), "c.csv")
	if err != nil {
		t.Fatal(err)
	}
	if got[7] != 150 || got[8] != 30.5 || got[0] != 0 {
		t.Fatalf("counts %v", got)
	}
	for name, in := range map[string]string{
		"no header":   "",
		"no columns":  "h,c\n1,2\n",
		"bad hour":    "hour,count\n24,1\n",
		"bad count":   "hour,count\n1,-3\n",
		"short line":  "hour,x,count\n1\n",
		"not numbers": "hour,count\nseven,1\n",
	} {
		if _, err := readCounts(strings.NewReader(in), "c.csv"); err == nil || !strings.Contains(err.Error(), "c.csv") {
			t.Errorf("%s: want an error naming the file, got %v", name, err)
		}
	}
}

// FuzzReadCounts: recorded counts are outside input; no input panics.
func FuzzReadCounts(f *testing.F) {
	for _, s := range []string{"hour,count\n7,100\n", "day,hour,count\n1,7,1e3\n", "hour,count\n\"7\",NaN\n", "count,hour\n1,2,3\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		counts, err := readCounts(bytes.NewReader(b), "f.csv")
		if err != nil {
			return
		}
		for h, c := range counts {
			if c < 0 || math.IsNaN(c) {
				t.Fatalf("hour %d: count %v", h, c)
			}
		}
	})
}

// TestGridCase: a MATPOWER case replaces the synthesized grid (case33bw, a
// 12.66 kV radial feeder of 33 buses), its loads following the profiles.
func TestGridCase(t *testing.T) {
	t.Parallel()
	doc := minimal + "models:\n  grid:\n    profiles: ../scenarios/data/grid/selp_series.csv\n    case: ../models/grid/testdata/case33bw.m\n"
	sc, err := Parse("g.yaml", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	res, err := Run(sc, RunOptions{Out: t.TempDir(), Format: "csv"})
	if err != nil {
		t.Fatal(err)
	}
	k := map[string]float64{}
	for _, r := range res.Manifest.KPIs["grid"] {
		k[r.Name] = r.Value
	}
	t.Logf("grid KPIs on case33bw: %v", k)
	if k["buses"] != 33 || k["failed_steps"] != 0 || k["energy_served"] <= 0 {
		t.Fatalf("grid KPIs %v: want the case's 33 buses solved at every step", k)
	}
	// case33bw's own peak (3.715 MW) gives 0.904 pu; a May morning is well below it.
	if k["min_voltage"] < 0.9 || k["peak_load"] > 3.8 {
		t.Errorf("min voltage %v pu, peak load %v MW", k["min_voltage"], k["peak_load"])
	}
	bad := strings.Replace(doc, "case33bw.m", "nowhere.m", 1)
	if sc, err := Parse("g.yaml", []byte(bad)); err == nil {
		if _, _, err := Build(sc); err == nil || !strings.Contains(err.Error(), "grid.case") {
			t.Errorf("a missing case: want an error naming models.grid.case, got %v", err)
		}
	}
}

// TestTrafficCounts: recorded counts shape the building demand's
// departures, and with counts_are_trips set the day's number of trips.
func TestTrafficCounts(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var csv strings.Builder
	csv.WriteString("hour,count\n")
	for h := 0; h < 24; h++ {
		n := 0
		if h == 8 {
			n = 300
		}
		if h == 17 {
			n = 100
		}
		csv.WriteString(strconv.Itoa(h) + "," + strconv.Itoa(n) + "\n")
	}
	if err := os.WriteFile(filepath.Join(dir, "counts.csv"), []byte(csv.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	doc := "name: c\ncity:\n  osm: " + filepath.Join(mustAbs(t, "."), "data/osm/copenhagen_osterbro_trianglen_1km2.osm") +
		"\nstart: 2024-05-14T00:00:00\ntimezone: Europe/Copenhagen\nduration: 24h\nmodels:\n  traffic:\n    demand:\n      buildings: 1\n      counts: counts.csv\n      counts_are_trips: true\n"
	sc, err := Parse(filepath.Join(dir, "c.yaml"), []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	env, models, err := Build(sc)
	if err != nil {
		t.Fatal(err)
	}
	bd := models[0].(*trafficModel).bd
	trips := bd.Trips(env.City, 0, 86400, 1, rand.New(rand.NewPCG(1, 2)))
	if n := len(trips); n < 390 || n > 410 {
		t.Errorf("%d trips over the day, the counts total 400", n)
	}
	for _, tr := range trips {
		if h := int(tr.DepartS / 3600); h != 8 && h != 17 {
			t.Fatalf("trip departs at %.0f s (hour %d): the counts have trips at 8 and 17 h only", tr.DepartS, h)
		}
	}
}

// TestDemandDecayKey: demand.decay_m reaches the building demand, and a
// negative distance is refused naming the key.
func TestDemandDecayKey(t *testing.T) {
	dir := t.TempDir()
	doc := func(v string) []byte {
		return []byte("name: c\ncity:\n  osm: " + filepath.Join(mustAbs(t, "."), "data/osm/copenhagen_osterbro_trianglen_1km2.osm") +
			"\nstart: 2024-05-14T00:00:00\ntimezone: Europe/Copenhagen\nduration: 1h\nmodels:\n  traffic:\n    demand:\n      buildings: 1\n      decay_m: " + v + "\n")
	}
	sc, err := Parse(filepath.Join(dir, "c.yaml"), doc("750"))
	if err != nil {
		t.Fatal(err)
	}
	_, models, err := Build(sc)
	if err != nil {
		t.Fatal(err)
	}
	if got := models[0].(*trafficModel).bd.DecayM; got != 750 {
		t.Errorf("DecayM = %v, want 750", got)
	}
	sc, err = Parse(filepath.Join(dir, "c.yaml"), doc("-5"))
	if err == nil {
		_, _, err = Build(sc)
	}
	if err == nil || !strings.Contains(err.Error(), "decay_m") {
		t.Errorf("decay_m: -5 gave %v, want an error naming decay_m", err)
	}
}

// TestRoutingKey: routing: hierarchy gives the same trips as A* on a small
// city up to route ties (every trip arrives, the same total distance
// within 1 %), and an unknown value is refused naming the key.
func TestRoutingKey(t *testing.T) {
	dir := t.TempDir()
	doc := func(v string) []byte {
		return []byte("name: c\ncity:\n  osm: " + filepath.Join(mustAbs(t, "."), "data/osm/copenhagen_osterbro_trianglen_1km2.osm") +
			"\nstart: 2024-05-14T07:00:00\ntimezone: Europe/Copenhagen\nduration: 1h\nmodels:\n  traffic:\n    routing: " + v +
			"\n    demand: {random_trips: 60, depart_within: 20m}\n")
	}
	sum := func(v string) (arrived int, km float64) {
		sim, models := buildSim(t, filepath.Join(dir, "c.yaml"), string(doc(v)))
		if err := sim.RunUntil(2 * engine.Hour); err != nil {
			t.Fatal(err)
		}
		sm := models[0].(*trafficModel).T.Summarize()
		return sm.Arrived, sm.VehicleKm
	}
	na, ka := sum("astar")
	nh, kh := sum("hierarchy")
	if na == 0 || nh != na || math.Abs(kh-ka) > 0.01*ka {
		t.Errorf("A*: %d trips arrived, %.3f km; hierarchy: %d, %.3f km", na, ka, nh, kh)
	}
	sc, err := Parse(filepath.Join(dir, "c.yaml"), doc("dijkstra"))
	if err == nil {
		_, _, err = Build(sc)
	}
	if err == nil || !strings.Contains(err.Error(), "routing") {
		t.Errorf("routing: dijkstra gave %v, want an error naming routing", err)
	}
}
