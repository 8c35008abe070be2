package scenarios

import (
	"path/filepath"
	"testing"
)

// TestCompareSigns: the bundled kinds of change move their KPIs the
// expected way against the baseline, and a rerun gives the same numbers.
func TestCompareSigns(t *testing.T) {
	t.Parallel()
	base := mustAbs(t, "osterbro.yaml")
	dir := writeFiles(t, map[string]string{
		"base.yaml":     "extends: " + base + "\nname: base\nduration: 1h\n",
		"close.yaml":    "extends: base.yaml\nname: close\nchanges:\n  - kind: close_street\n    street: Østerbrogade\n    at: \"07:10\"\n",
		"growth.yaml":   "extends: base.yaml\nname: growth\nchanges:\n  - kind: load_growth\n    factor: 1.4\n",
		"burst.yaml":    "extends: base.yaml\nname: burst\nchanges:\n  - kind: pipe_burst\n    node: \"101\"\n    coefficient: 200\n    at: \"+0s\"\n",
		"ev.yaml":       "extends: base.yaml\nname: ev\nchanges:\n  - kind: ev_share\n    share: 0.5\n  - kind: heat_pump_share\n    share: 0.5\n",
		"pv.yaml":       "extends: base.yaml\nname: pv\nchanges:\n  - kind: pv_share\n    share: 0.5\n",
		"chargers.yaml": "extends: base.yaml\nname: chargers\nchanges:\n  - kind: add_chargers\n    car_park: \"*\"\n    count: 6\n    kw: 50\n",
	})
	load := func(name string) *Scenario {
		sc, err := Load(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return sc
	}
	b := load("base.yaml")
	cases := []struct {
		variant, model, kpi string
		sign                float64
	}{
		{"close.yaml", "traffic", "mean_travel_time", +1},
		{"growth.yaml", "grid", "peak_loading", +1},
		{"growth.yaml", "grid", "losses", +1},
		{"burst.yaml", "water", "leak_outflow", +1},
		{"ev.yaml", "grid", "energy_served", +1},
		{"pv.yaml", "grid", "energy_served", -1},
		{"chargers.yaml", "parking", "charging_energy", +1},
		{"chargers.yaml", "grid", "peak_load", +1},
	}
	results := map[string]*Comparison{}
	for _, c := range cases {
		cmp, ok := results[c.variant]
		if !ok {
			var err error
			cmp, err = Compare(b, load(c.variant), CompareOptions{Out: filepath.Join(dir, "out", c.variant)})
			if err != nil {
				t.Fatal(err)
			}
			results[c.variant] = cmp
		}
		k, ok := cmp.Find(c.model, c.kpi)
		if !ok {
			t.Fatalf("%s: no KPI %s/%s", c.variant, c.model, c.kpi)
		}
		if k.Diff*c.sign <= 0 {
			t.Errorf("%s: %s/%s moved %+g (%g -> %g), want sign %+g", c.variant, c.model, c.kpi, k.Diff, k.Base, k.Variant, c.sign)
		}
	}
	again, err := Compare(b, load("close.yaml"), CompareOptions{Out: filepath.Join(dir, "again")})
	if err != nil {
		t.Fatal(err)
	}
	for i, k := range results["close.yaml"].KPIs {
		if again.KPIs[i] != k && !(k.CILow != k.CILow) { // NaN CIs compare unequal
			t.Errorf("rerun differs: %+v vs %+v", again.KPIs[i], k)
		}
	}
	if _, err := results["close.yaml"].WriteReport(filepath.Join(dir, "report")); err != nil {
		t.Fatal(err)
	}
}
