package scenarios

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGridCaseWithIsolatedBus: a scenario whose MATPOWER case has a bus no
// branch reaches fails to build (twin validate, exit 2), naming the key,
// the file and the bus.
func TestGridCaseWithIsolatedBus(t *testing.T) {
	t.Parallel()
	case9, err := os.ReadFile("../models/grid/testdata/case9.m")
	if err != nil {
		t.Fatal(err)
	}
	row := "\t9\t1\t125\t50\t0\t0\t1\t1\t0\t345\t1\t1.1\t0.9;\n"
	src := strings.Replace(string(case9), row, row+"\t10\t1\t90\t30\t0\t0\t1\t1\t0\t345\t1\t1.1\t0.9;\n", 1)
	if src == string(case9) {
		t.Fatal("case9.m: bus 9's row not found")
	}
	path := filepath.Join(t.TempDir(), "g_island.m")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	doc := minimal + "models:\n  grid:\n    profiles: ../scenarios/data/grid/selp_series.csv\n    case: " + path + "\n"
	sc, err := Parse("g.yaml", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = Build(sc)
	if !errors.Is(err, ErrInvalid) {
		t.Fatalf("err = %v, want an invalid scenario", err)
	}
	for _, want := range []string{"models.grid.case", path + ": ", "bus 10 is isolated"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %q", err, want)
		}
	}
}
