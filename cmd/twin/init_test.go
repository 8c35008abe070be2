package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"citytwin/engine/record"
)

const osmDir = "../../scenarios/data/osm/"

// initAndRun runs twin init on the extract into a new folder, then twin
// run on what it wrote, and returns init's stdout and the run's manifest.
func initAndRun(t *testing.T, osm string, until string) (string, *record.Manifest) {
	t.Helper()
	dir := t.TempDir()
	scen := filepath.Join(dir, "city.yaml")
	out, errOut, code := twin(t, nil, "init", "--osm", osm, "--out", scen, "--name", "city")
	if code != 0 {
		t.Fatalf("twin init: exit %d\n%s%s", code, out, errOut)
	}
	args := []string{"run", scen, "--out", filepath.Join(dir, "results")}
	if until != "" {
		args = append(args, "--until", until)
	}
	runOut, errOut, code := twin(t, nil, args...)
	if code != 0 {
		t.Fatalf("twin run of the generated scenario: exit %d\n%s%s\nscenario:\n%s", code, runOut, errOut, readFile(t, scen))
	}
	var m record.Manifest
	if err := json.Unmarshal([]byte(readFile(t, filepath.Join(dir, "results", "manifest.json"))), &m); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "city-water.inp")); err != nil {
		t.Errorf("no EPANET file beside the scenario: %v", err)
	}
	return out, &m
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func kpi(t *testing.T, m *record.Manifest, model, name string) float64 {
	t.Helper()
	for _, k := range m.KPIs[model] {
		if k.Name == name {
			return k.Value
		}
	}
	t.Fatalf("no KPI %s.%s in %v", model, name, m.KPIs[model])
	return 0
}

// checkRun: all five models ran, the water network held 20..60
// m and the grid ±10 % over the run.
func checkRun(t *testing.T, m *record.Manifest) {
	t.Helper()
	for _, name := range []string{"traffic", "parking", "waste", "grid", "water"} {
		if !slices.Contains(m.Models, name) {
			t.Errorf("model %s did not run (models %v)", name, m.Models)
		}
	}
	if p := kpi(t, m, "water", "min_junction_pressure"); p < 20 || p > 60 {
		t.Errorf("water: lowest junction pressure %.2f m, want 20..60", p)
	}
	if v := kpi(t, m, "grid", "min_voltage"); v < 0.9 || v > 1.1 {
		t.Errorf("grid: lowest voltage %.4f pu, want within ±10 %%", v)
	}
	if f := kpi(t, m, "grid", "failed_steps"); f != 0 {
		t.Errorf("grid: %v power flows failed", f)
	}
	if n := kpi(t, m, "parking", "arrivals"); n <= 0 {
		t.Errorf("parking: no arrivals")
	}
}

// TestInitTrianglen is the acceptance run on the 1 km² extract: twin init,
// then twin run with no edit.
func TestInitTrianglen(t *testing.T) {
	t.Parallel()
	out, m := initAndRun(t, osmDir+"copenhagen_osterbro_trianglen_1km2.osm", "")
	checkRun(t, m)
	if !strings.Contains(out, "gap: water: no water works or water tower tagged") {
		t.Errorf("the missing water works are not named:\n%s", out)
	}
}

// TestInitNoFacilities: an extract without substations, water works, car
// parks, chargers or bins still gives a runnable scenario, and init names
// each gap.
func TestInitNoFacilities(t *testing.T) {
	t.Parallel()
	out, m := initAndRun(t, "../../models/water/synth/testdata/no_facilities.osm", "")
	checkRun(t, m)
	for _, gap := range []string{"no water works or water tower tagged", "no primary substation tagged",
		"no secondary substation", "no car parks tagged", "no charging stations tagged", "no waste baskets or recycling points"} {
		if !strings.Contains(out, gap) {
			t.Errorf("gap %q not named in:\n%s", gap, out)
		}
	}
}

// TestInitLargerCities runs the acceptance on Kongens Lyngby and Osterbro
// (the first hour of the scenario, to keep the test short).
func TestInitLargerCities(t *testing.T) {
	if testing.Short() {
		t.Skip("larger extracts: not in -short")
	}
	t.Parallel()
	for _, f := range []string{"kongens_lyngby.osm.xml.gz", "copenhagen_osterbro.osm.pbf"} {
		t.Run(f, func(t *testing.T) {
			t.Parallel()
			_, m := initAndRun(t, osmDir+f, "1h")
			checkRun(t, m)
		})
	}
}

func TestInitBadInput(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.osm")
	if err := os.WriteFile(garbage, []byte(`<osm><node id="1" lat="x`), 0o644); err != nil {
		t.Fatal(err)
	}
	existing := filepath.Join(dir, "mine.yaml")
	if err := os.WriteFile(existing, []byte("name: edited by hand\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	trianglen := osmDir + "copenhagen_osterbro_trianglen_1km2.osm"
	for name, args := range map[string][]string{
		"no --osm":         {"init"},
		"existing out":     {"init", "--osm", trianglen, "--out", existing},
		"missing profiles": {"init", "--osm", trianglen, "--out", filepath.Join(dir, "d.yaml"), "--profiles", filepath.Join(dir, "none.csv")},
		"negative length":  {"init", "--osm", trianglen, "--out", filepath.Join(dir, "e.yaml"), "--duration", "-1h"},
		"bad start":        {"init", "--osm", trianglen, "--out", filepath.Join(dir, "e.yaml"), "--start", "yesterday"},
		"missing file":     {"init", "--osm", filepath.Join(dir, "nowhere.osm"), "--out", filepath.Join(dir, "a.yaml")},
		"garbage":          {"init", "--osm", garbage, "--out", filepath.Join(dir, "b.yaml")},
		"bad time zone":    {"init", "--osm", osmDir + "copenhagen_osterbro_trianglen_1km2.osm", "--out", filepath.Join(dir, "c.yaml"), "--timezone", "Mars/Olympus"},
		"extra arg":        {"init", "x", "--osm", garbage},
	} {
		if out, errOut, code := twin(t, nil, args...); code != 2 {
			t.Errorf("%s: exit %d, want 2\n%s%s", name, code, out, errOut)
		}
	}
	for _, f := range []string{"c.yaml", "d.yaml", "e.yaml"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
			t.Errorf("an invalid scenario was written: %s", f)
		}
	}
	if b, err := os.ReadFile(existing); err != nil || string(b) != "name: edited by hand\n" {
		t.Errorf("an existing scenario was replaced: %q, %v", b, err)
	}
}
