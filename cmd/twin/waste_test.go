package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestWasteExperiment runs a week of the three policies on the Trianglen
// street bins and reads the table back: threshold drives less and empties
// fuller bins than the fixed schedule.
func TestWasteExperiment(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	osm, _ := filepath.Abs(trianglenOSM)
	sc := filepath.Join(dir, "w.yaml")
	os.WriteFile(sc, []byte("name: w\ncity:\n  osm: "+osm+"\nstart: 2024-05-14T07:00:00\ntimezone: Europe/Copenhagen\n"+
		"duration: 1h\nseed: 2\nmodels:\n  waste:\n    households: false\n    fleet_size: 2\n"), 0o644)
	table := filepath.Join(dir, "table.md")
	if code := execute([]string{"waste", "experiment", "--scenario", sc, "--weeks", "1", "--out", table}); code != 0 {
		t.Fatalf("exit code %d", code)
	}
	b, err := os.ReadFile(table)
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string][]float64{}
	for _, l := range strings.Split(string(b), "\n") {
		f := strings.Split(l, "|")
		if len(f) < 12 || strings.TrimSpace(f[1]) == "policy" || strings.HasPrefix(strings.TrimSpace(f[2]), "-") {
			continue
		}
		var v []float64
		for _, x := range f[2:12] {
			n, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
			if err != nil {
				t.Fatalf("%q: %v", l, err)
			}
			v = append(v, n)
		}
		rows[strings.TrimSpace(f[1])] = v
	}
	if len(rows) != 3 {
		t.Fatalf("table:\n%s", b)
	}
	if rows["threshold"][0] >= rows["fixed"][0] || rows["threshold"][6] <= rows["fixed"][6] {
		t.Errorf("threshold should drive less and empty fuller bins:\n%s", b)
	}
	for _, bad := range [][]string{{"--weeks", "0"}, {"--policies", "psychic"}, {"--scenario", filepath.Join(dir, "nope.yaml")}} {
		args := append([]string{"waste", "experiment", "--scenario", sc}, bad...)
		if code := execute(args); code != 2 {
			t.Errorf("%v: exit code %d, want 2", bad, code)
		}
	}
}

// TestWasteCheckpointRestore: three days of the waste model alone, stopped
// mid-route on the second morning and resumed in another process, end
// with the digest and tables of a straight run, at GOMAXPROCS 1 and 2.
func TestWasteCheckpointRestore(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	osm, _ := filepath.Abs(trianglenOSM)
	sc := filepath.Join(dir, "w.yaml")
	os.WriteFile(sc, []byte("name: w\ncity:\n  osm: "+osm+"\nstart: 2024-05-14T06:00:00\ntimezone: Europe/Copenhagen\n"+
		"duration: 3d\nseed: 4\nmodels:\n  waste:\n    policy: predictive\n    households: false\n    fleet_size: 2\n"+
		"    sensor_coverage: 0.6\n    shift_start: \"06:00\"\n"), 0o644)
	checkpointRestore(t, sc, "1d20m")
	run := func(name string, env []string) string {
		out := filepath.Join(dir, name)
		if _, stderr, code := twin(t, env, "run", sc, "--out", out, "--format", "csv"); code != 0 {
			t.Fatalf("%s: exit %d: %s", name, code, stderr)
		}
		return out
	}
	sameOutputs(t, run("procs1", []string{"GOMAXPROCS=1"}), run("procs2", []string{"GOMAXPROCS=2"}))
}
