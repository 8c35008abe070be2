package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"citytwin/engine/record"
)

const defaultScenario = "../../scenarios/osterbro.yaml"

// sameOutputs fails unless the two run folders hold the same files with
// the same bytes, the manifest aside, and the same digest and event count.
func sameOutputs(t *testing.T, a, b string) {
	t.Helper()
	ma, err := record.ReadManifest(a)
	if err != nil {
		t.Fatal(err)
	}
	mb, err := record.ReadManifest(b)
	if err != nil {
		t.Fatal(err)
	}
	if ma.EventDigest != mb.EventDigest || ma.Events != mb.Events {
		t.Fatalf("digest %s (%d events) vs %s (%d events)", ma.EventDigest, ma.Events, mb.EventDigest, mb.Events)
	}
	if len(ma.Files) == 0 || len(ma.Files) != len(mb.Files) {
		t.Fatalf("files: %d vs %d", len(ma.Files), len(mb.Files))
	}
	for _, f := range ma.Files {
		x, err := os.ReadFile(filepath.Join(a, f.Name))
		if err != nil {
			t.Fatal(err)
		}
		y, err := os.ReadFile(filepath.Join(b, f.Name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(x, y) {
			t.Errorf("%s differs between the runs", f.Name)
		}
	}
	// The manifests differ in wall time only.
	wall := regexp.MustCompile(`"wall_time_s": [0-9.e+-]+`)
	x, _ := os.ReadFile(filepath.Join(a, "manifest.json"))
	y, _ := os.ReadFile(filepath.Join(b, "manifest.json"))
	x = bytes.ReplaceAll(wall.ReplaceAll(x, nil), []byte(a), nil)
	y = bytes.ReplaceAll(wall.ReplaceAll(y, nil), []byte(b), nil)
	if !bytes.Equal(x, y) {
		t.Errorf("manifests differ beyond wall time:\n%s\n%s", x, y)
	}
}

// TestDefaultScenarioIsDeterministic runs the default scenario in four
// processes: twice with one seed, once with GOMAXPROCS=1 and once with
// GOMAXPROCS=2; all must agree to the byte. Another seed must not.
func TestDefaultScenarioIsDeterministic(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	run := func(name string, env []string, extra ...string) string {
		out := filepath.Join(dir, name)
		args := append([]string{"run", defaultScenario, "--until", "1h", "--out", out, "--format", "csv"}, extra...)
		if _, stderr, code := twin(t, env, args...); code != 0 {
			t.Fatalf("%s: exit %d: %s", name, code, stderr)
		}
		return out
	}
	a := run("a", nil)
	b := run("b", nil)
	one := run("procs1", []string{"GOMAXPROCS=1"})
	two := run("procs2", []string{"GOMAXPROCS=2"})
	sameOutputs(t, a, b)
	sameOutputs(t, a, one)
	sameOutputs(t, one, two)

	other := run("seed2", nil, "--seed", "2")
	ma, _ := record.ReadManifest(a)
	mo, _ := record.ReadManifest(other)
	if ma.EventDigest == mo.EventDigest {
		t.Fatalf("seeds 1 and 2 gave the same digest %s", ma.EventDigest)
	}
	if ma.Events < 1000 {
		t.Fatalf("only %d events in an hour of the default scenario", ma.Events)
	}
}

// TestCheckpointRestoreInNewProcess: a run stopped with a checkpoint at
// half time and resumed in another process ends with the digest and the
// tables of a straight run.
func TestCheckpointRestoreInNewProcess(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ scenario, half string }{
		{defaultScenario, "1h"},           // traffic saves no state yet: restored by replay
		{"testdata/gridwater.yaml", "3h"}, // with an outage and a burst under way
	} {
		checkpointRestore(t, c.scenario, c.half)
	}
}

func checkpointRestore(t *testing.T, scenario, halfTime string) {
	dir := t.TempDir()
	straight := filepath.Join(dir, "straight")
	half := filepath.Join(dir, "half")
	resumed := filepath.Join(dir, "resumed")
	ckpt := filepath.Join(dir, "half.ckpt")
	for _, args := range [][]string{
		{"run", scenario, "--out", straight, "--format", "csv"},
		{"run", scenario, "--out", half, "--format", "csv", "--until", halfTime, "--checkpoint", ckpt},
		{"run", scenario, "--out", resumed, "--format", "csv", "--restore", ckpt},
	} {
		if _, stderr, code := twin(t, nil, args...); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
	}
	ms, _ := record.ReadManifest(straight)
	mh, _ := record.ReadManifest(half)
	if mh.EventDigest == ms.EventDigest || mh.Events >= ms.Events {
		t.Fatalf("the half run is not half: %d of %d events", mh.Events, ms.Events)
	}
	mr, _ := record.ReadManifest(resumed)
	if !mr.Restored {
		t.Fatal("manifest does not say restored")
	}
	if mr.EventDigest != ms.EventDigest || mr.Events != ms.Events {
		t.Fatalf("resumed digest %s (%d events), straight %s (%d)", mr.EventDigest, mr.Events, ms.EventDigest, ms.Events)
	}
	for _, f := range ms.Files {
		x, _ := os.ReadFile(filepath.Join(straight, f.Name))
		y, err := os.ReadFile(filepath.Join(resumed, f.Name))
		if err != nil || !bytes.Equal(x, y) {
			t.Errorf("%s differs between the straight and the resumed run", f.Name)
		}
	}
	// A checkpoint from another seed is refused with exit code 2.
	if _, stderr, code := twin(t, nil, "run", scenario, "--seed", "9", "--out", filepath.Join(dir, "x"), "--restore", ckpt); code != 2 {
		t.Fatalf("restore with another seed: exit %d: %s", code, stderr)
	}
}
