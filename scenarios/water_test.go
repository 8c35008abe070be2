package scenarios

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestWaterNetworkWithoutFixedHead: a scenario whose .inp has no tank or
// reservoir fails to build (twin validate, exit 2), naming the key and the
// file, instead of failing the run at the first hydraulic solve.
func TestWaterNetworkWithoutFixedHead(t *testing.T) {
	t.Parallel()
	net1, err := os.ReadFile("../models/water/testdata/Net1.inp")
	if err != nil {
		t.Fatal(err)
	}
	inp := filepath.Join(t.TempDir(), "trunc.inp")
	if err := os.WriteFile(inp, net1[:300], 0o644); err != nil {
		t.Fatal(err)
	}
	sc, err := Parse("w.yaml", []byte(minimal+"models:\n  water:\n    inp: "+inp+"\n"))
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = Build(sc)
	if !errors.Is(err, ErrInvalid) {
		t.Fatalf("err = %v, want an invalid scenario", err)
	}
	for _, want := range []string{"models.water.inp", inp + ": the network has no tank or reservoir"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %q", err, want)
		}
	}
}
