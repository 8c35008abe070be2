package scenarios

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"citytwin/engine"
	"citytwin/models/waste"
)

const wasteSection = `  waste:
    policy: fixed
    households: false
    fleet_size: 2
    shift_start: "06:00"
`

const wasteTrafficScenario = minimal + `models:
  traffic:
    demand:
      random_trips: 150
      depart_within: 20m
      min_distance_m: 200
` + wasteSection

// TestWasteCoupledWithTraffic: trucks drive their legs as vehicles of the
// traffic model (no leg times out), and a run saved and loaded half-way
// continues exactly like the original.
func TestWasteCoupledWithTraffic(t *testing.T) {
	t.Parallel()
	run := func(checkpointAt engine.Time) (map[string]float64, string) {
		sim, models := buildSim(t, "w.yaml", wasteTrafficScenario)
		w := models[len(models)-1].(wasteModel)
		if checkpointAt > 0 {
			if err := sim.RunUntil(checkpointAt); err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := w.SaveState(&buf); err != nil {
				t.Fatal(err)
			}
			if err := w.LoadState(bytes.NewReader(buf.Bytes())); err != nil {
				t.Fatal(err)
			}
			if err := w.LoadState(strings.NewReader("not gob")); err == nil {
				t.Fatal("garbage state loaded")
			}
		}
		if err := sim.RunUntil(2 * engine.Hour); err != nil {
			t.Fatal(err)
		}
		kpi := map[string]float64{}
		for _, k := range w.KPIs() {
			kpi[k.Name] = k.Value
		}
		for _, k := range models[0].(engine.Reporter).KPIs() {
			kpi["traffic_"+k.Name] = k.Value
		}
		return kpi, sim.Digest()
	}
	a, da := run(0)
	b, db := run(40 * engine.Minute)
	t.Logf("%v", a)
	if a["collections"] < 10 || a["km_driven"] <= 0 {
		t.Fatalf("the trucks did not collect: %v", a)
	}
	if a["leg_timeouts"] != 0 {
		t.Errorf("%v legs timed out in traffic", a["leg_timeouts"])
	}
	if a["traffic_trips"] <= 150 {
		t.Errorf("traffic has %v trips: the trucks' legs are not in it", a["traffic_trips"])
	}
	if da != db || a["km_driven"] != b["km_driven"] || a["collections"] != b["collections"] {
		t.Fatalf("save/load changed the run: %v %v", a, b)
	}
}

// TestWasteCompareThreshold: switching a week of collection from the fixed
// schedule to the sensor threshold lowers km driven and raises the fill at
// emptying (issue 9), the same numbers on a rerun.
func TestWasteCompareThreshold(t *testing.T) {
	t.Parallel()
	osm := mustAbs(t, "data/osm/copenhagen_osterbro_trianglen_1km2.osm")
	base := strings.Replace(minimal, "../scenarios/data/osm/copenhagen_osterbro_trianglen_1km2.osm", osm, 1)
	base = strings.Replace(base, "duration: 2h", "duration: 7d", 1) + "models:\n" + wasteSection
	dir := writeFiles(t, map[string]string{
		"base.yaml":      base,
		"threshold.yaml": "extends: base.yaml\nname: threshold\nchanges:\n  - kind: collection_policy\n    policy: threshold\n    threshold: 0.75\n",
	})
	load := func(name string) *Scenario {
		sc, err := Load(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return sc
	}
	cmp, err := Compare(load("base.yaml"), load("threshold.yaml"), CompareOptions{Out: filepath.Join(dir, "out")})
	if err != nil {
		t.Fatal(err)
	}
	km, ok := cmp.Find("waste", "km_driven")
	fill, ok2 := cmp.Find("waste", "mean_fill_at_emptying")
	if !ok || !ok2 {
		t.Fatalf("no waste KPIs in %+v", cmp.KPIs)
	}
	t.Logf("km %v -> %v, fill %v -> %v", km.Base, km.Variant, fill.Base, fill.Variant)
	if km.Diff >= 0 || fill.Diff <= 0 {
		t.Errorf("threshold: km driven %+g (want lower), fill at emptying %+g (want higher)", km.Diff, fill.Diff)
	}
	again, err := Compare(load("base.yaml"), load("threshold.yaml"), CompareOptions{Out: filepath.Join(dir, "again")})
	if err != nil {
		t.Fatal(err)
	}
	if k, _ := again.Find("waste", "km_driven"); k != km && k.Diff != km.Diff {
		t.Errorf("rerun differs: %+v vs %+v", k, km)
	}
}

func TestWasteBadSection(t *testing.T) {
	t.Parallel()
	dir := writeFiles(t, map[string]string{"bins.csv": "id,lon,lat,volume_l,kind\nb1,12.578,55.703,100,basket\nb2,12.578,95,100,basket\n",
		"good.csv": "id,lon,lat,volume_l,kind\nb1,12.578,55.703,100,basket\n"})
	cases := []struct{ name, section, want string }{
		{"policy", "    policy: psychic\n", "models.waste.policy"},
		{"threshold", "    threshold: 70\n", "models.waste.threshold"},
		{"depot", "    depot: [12.5]\n", "models.waste.depot"},
		{"shift start", "    shift_start: \"25:00\"\n", "models.waste.shift_start"},
		{"every days", "    every_days: {glass: 3}\n", "models.waste.every_days"},
		{"unknown key", "    trucks: 3\n", "trucks"},
		{"register line", "    bins: " + filepath.Join(dir, "bins.csv") + "\n", "bins.csv:3:3: lat"},
		{"register missing", "    bins: " + filepath.Join(dir, "nope.csv") + "\n", "models.waste.bins"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sc, err := Parse("w.yaml", []byte(minimal+"models:\n  waste:\n"+c.section))
			if err == nil {
				_, _, err = Build(sc)
			}
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want one naming %q", err, c.want)
			}
		})
	}
	sc, err := Parse("w.yaml", []byte(minimal+"models:\n  waste:\n    bins: "+filepath.Join(dir, "good.csv")+"\n"))
	if err != nil {
		t.Fatal(err)
	}
	_, models, err := Build(sc)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(models[0].(wasteModel).Bins()); n != 1 {
		t.Errorf("register gave %d bins, want 1", n)
	}
}

// TestWasteBundledVariants: the bundled waste variants load on the default
// scenario and switch its policy.
func TestWasteBundledVariants(t *testing.T) {
	t.Parallel()
	cases := []struct {
		file      string
		policy    waste.Policy
		threshold float64
		coverage  float64
	}{
		{"osterbro.yaml", waste.Fixed, 0, 1},
		{"osterbro-waste-threshold.yaml", waste.Threshold, 0.8, 1},
		{"osterbro-waste-predictive.yaml", waste.Predictive, 0, 0.5},
	}
	for _, c := range cases {
		sc, err := Load(c.file)
		if err != nil {
			t.Fatal(err)
		}
		node, ok := sc.Models["waste"]
		if !ok {
			t.Fatalf("%s: no models.waste", c.file)
		}
		_, cfg, err := wasteSetup(&Env{Scenario: sc, Start: sc.StartTime}, "models.waste", node, false)
		if err != nil {
			t.Fatal(err)
		}
		if cfg.Policy != c.policy || cfg.Threshold != c.threshold || cfg.Sensor.Coverage != c.coverage {
			t.Errorf("%s: policy %v threshold %v coverage %v; want %v %v %v", c.file, cfg.Policy, cfg.Threshold,
				cfg.Sensor.Coverage, c.policy, c.threshold, c.coverage)
		}
	}
}
