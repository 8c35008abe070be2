package scenarios

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"citytwin/engine"
	"citytwin/engine/record"
)

// TestRunFolderAndEnd: a run into a folder holding an earlier run in
// another format leaves only its own tables and manifest; a run resumed
// from a checkpoint taken after its end, or asked for an unknown format,
// is refused as invalid input.
func TestRunFolderAndEnd(t *testing.T) {
	sc, err := Load(smallFeedScenario(t, garagesFeed))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cp := filepath.Join(t.TempDir(), "cp")
	if _, err := Run(sc, RunOptions{Out: dir, Format: "arrow", Until: time.Hour, Checkpoint: cp}); err != nil {
		t.Fatal(err)
	}
	if _, err := Run(sc, RunOptions{Out: t.TempDir(), Restore: cp, Until: 30 * time.Minute}); !errors.Is(err, ErrInvalid) {
		t.Errorf("restored at 1 h to end at 30 min: %v, want ErrInvalid", err)
	}
	// The same models, another scenario: its checkpoint is not this run's.
	data, err := os.ReadFile(sc.Path)
	if err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(t.TempDir(), "other.yaml")
	if err := os.WriteFile(other, []byte(strings.Replace(string(data), "seed: 3", "seed: 4", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	osc, err := Load(other)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Run(osc, RunOptions{Out: t.TempDir(), Restore: cp}); !errors.Is(err, engine.ErrCheckpoint) || !strings.Contains(err.Error(), "another scenario") {
		t.Errorf("restored into another scenario: %v, want ErrCheckpoint", err)
	}
	if _, err := Run(sc, RunOptions{Out: t.TempDir(), Format: "xml", Until: time.Minute}); !errors.Is(err, ErrInvalid) {
		t.Errorf("format xml: %v, want ErrInvalid", err)
	}
	res, err := Run(sc, RunOptions{Out: dir, Format: "csv", Until: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	want := []string{"manifest.json"}
	for _, f := range res.Manifest.Files {
		want = append(want, f.Name)
		if !strings.HasSuffix(f.Name, ".csv") {
			t.Errorf("manifest lists %s", f.Name)
		}
	}
	slices.Sort(want)
	if !slices.Equal(names, want) {
		t.Errorf("folder holds %v, want %v", names, want)
	}
	if _, err := record.ReadManifest(dir); err != nil {
		t.Error(err)
	}
}

// TestModelValueErrors: a step, interval or fleet given as zero or less is
// refused at its key, not replaced by the default.
func TestModelValueErrors(t *testing.T) {
	osm, err := filepath.Abs("data/osm/copenhagen_osterbro_trianglen_1km2.osm")
	if err != nil {
		t.Fatal(err)
	}
	head := strings.Replace(minimal, "../scenarios/data/osm/copenhagen_osterbro_trianglen_1km2.osm", osm, 1) + "models:\n"
	for _, c := range []struct{ name, models, want string }{
		{"negative step", "  traffic: {step: -0.5s, demand: {random_trips: 10}}\n", `s.yaml:9:19: duration "-0.5s": must not be negative`},
		{"zero step", "  traffic: {step: 0s, demand: {random_trips: 10}}\n", "models.traffic.step: want a positive duration"},
		{"zero window", "  traffic: {demand: {random_trips: 10, depart_within: 0s}}\n", "models.traffic.demand.depart_within: want a positive duration"},
		{"negative trips", "  traffic: {demand: {random_trips: -20}}\n", "models.traffic.demand: random_trips and buildings must not be negative"},
		{"zero sample", "  parking: {sample: 0s}\n", "models.parking.sample: want a positive duration"},
		{"no trucks", "  waste: {fleet_size: 0}\n", "models.waste.fleet_size: want at least one truck"},
		{"zero shift", "  waste: {shift: 0h}\n", "models.waste.shift: want a positive duration"},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "s.yaml")
			if err := os.WriteFile(path, []byte(head+c.models), 0o644); err != nil {
				t.Fatal(err)
			}
			sc, err := Load(path)
			if err == nil {
				_, _, err = Build(sc)
			}
			if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one containing %q", err, c.want)
			}
		})
	}
}

// TestCheckReadsFeeds: Check, what twin validate runs, refuses a replay
// feed whose file is missing or whose header lacks a mapped column, as Run
// would, where Build alone does not read feeds.
func TestCheckReadsFeeds(t *testing.T) {
	dir := t.TempDir()
	wrong := filepath.Join(dir, "wrong.csv")
	if err := os.WriteFile(wrong, []byte("foo,bar\n1,2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]struct{ file, want string }{
		"missing file": {filepath.Join(dir, "none.csv"), "none.csv: no such file"},
		"wrong header": {wrong, `header lacks "updatetime"`},
	} {
		t.Run(name, func(t *testing.T) {
			sc, err := Load(smallFeedScenario(t, strings.Replace(garagesFeed, "DATA/aarhus_parking.csv", c.file, 1)))
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := Build(sc); err != nil {
				t.Fatalf("Build: %v", err)
			}
			if _, _, err := Check(sc); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("Check: %v, want ErrInvalid containing %q", err, c.want)
			}
		})
	}
}
