package scenarios

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

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
