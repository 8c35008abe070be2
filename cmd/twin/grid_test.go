package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGridPowerflowBadCase: a case with an isolated bus or cut short is
// invalid input (exit 2), and the message names the file and what is wrong.
func TestGridPowerflowBadCase(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	case9, err := os.ReadFile("../../models/grid/testdata/case9.m")
	if err != nil {
		t.Fatal(err)
	}
	island := filepath.Join(dir, "g_island.m")
	row := "\t9\t1\t125\t50\t0\t0\t1\t1\t0\t345\t1\t1.1\t0.9;\n"
	withBus10 := strings.Replace(string(case9), row, row+"\t10\t1\t90\t30\t0\t0\t1\t1\t0\t345\t1\t1.1\t0.9;\n", 1)
	if withBus10 == string(case9) {
		t.Fatal("case9.m: bus 9's row not found")
	}
	os.WriteFile(island, []byte(withBus10), 0o644)
	cut := filepath.Join(dir, "t1200.m")
	os.WriteFile(cut, case9[:strings.Index(string(case9), "%% generator data")], 0o644)
	for _, c := range []struct {
		name, file string
		want       []string
	}{
		{"isolated bus", island, []string{island + ": ", "bus 10 is isolated"}},
		{"cut short", cut, []string{cut + ": ", "mpc.gen and mpc.branch: missing"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			_, stderr, code := twin(t, nil, "grid", "powerflow", c.file, "--out", filepath.Join(dir, "out-"+c.name))
			if code != 2 {
				t.Fatalf("exit %d, want 2; stderr %q", code, stderr)
			}
			for _, w := range c.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr %q does not name %q", stderr, w)
				}
			}
		})
	}
}
