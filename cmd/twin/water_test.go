package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestWaterSimulateNoFixedHead: a network without a tank or reservoir (the
// first 300 bytes of Net1.inp) is invalid input (exit 2) named with its
// file, not a solver failure (exit 1).
func TestWaterSimulateNoFixedHead(t *testing.T) {
	t.Parallel()
	net1, err := os.ReadFile("../../models/water/testdata/Net1.inp")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	trunc := filepath.Join(dir, "trunc.inp")
	os.WriteFile(trunc, net1[:300], 0o644)
	_, stderr, code := twin(t, nil, "water", "simulate", trunc, "--out", filepath.Join(dir, "out"))
	if code != 2 {
		t.Fatalf("exit %d, want 2; stderr %q", code, stderr)
	}
	if want := trunc + ": the network has no tank or reservoir"; !strings.Contains(stderr, want) {
		t.Errorf("stderr %q does not say %q", stderr, want)
	}
}
