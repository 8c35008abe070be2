package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"
)

// TestSweepIsIndependentOfJobsShardsAndKills: 20 runs (2 demand levels x 10
// seeds) merged give the same bytes with --jobs 1, --jobs 2, as 4 shards
// merged, and after a kill -9 midway and a restart that redoes only the
// unfinished runs.
func TestSweepIsIndependentOfJobsShardsAndKills(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	sweep := func(out string, extra ...string) string {
		args := append([]string{"sweep", "testdata/sweep.yaml", "--seeds", "1..10", "--set", "traffic.demand.random_trips=60,120", "--out", out}, extra...)
		stdout, stderr, code := twin(t, nil, args...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
		return stdout
	}
	merged := func(d string) []byte {
		b, err := os.ReadFile(filepath.Join(d, "merged.csv"))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	one := filepath.Join(dir, "jobs1")
	sweep(one, "--jobs", "1")
	want := merged(one)
	if n := bytes.Count(want, []byte("\n")); n < 10 || !bytes.Contains(want, []byte("random_trips=120,traffic,arrived")) {
		t.Fatalf("merged.csv:\n%s", want)
	}
	two := filepath.Join(dir, "jobs2")
	sweep(two, "--jobs", "2")
	if !bytes.Equal(merged(two), want) {
		t.Error("--jobs 2 merged differently from --jobs 1")
	}
	var shards []string
	for k := 1; k <= 4; k++ {
		s := filepath.Join(dir, "shard"+strconv.Itoa(k))
		sweep(s, "--shard", strconv.Itoa(k)+"/4")
		shards = append(shards, s)
	}
	all := filepath.Join(dir, "shards")
	if _, stderr, code := twin(t, nil, append([]string{"merge", "--out", all}, shards...)...); code != 0 {
		t.Fatalf("merge: %s", stderr)
	}
	if !bytes.Equal(merged(all), want) {
		t.Error("4 shards merged differently from one sweep")
	}

	// kill -9 midway, then resume.
	killed := filepath.Join(dir, "killed")
	cmd := exec.Command(os.Args[0], "sweep", "testdata/sweep.yaml", "--seeds", "1..10", "--set", "traffic.demand.random_trips=60,120", "--out", killed)
	cmd.Env = append(os.Environ(), "TWIN_AS_MAIN=1", "CI=1")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(2 * time.Minute)
	for finished(killed) < 3 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	cmd.Process.Kill()
	cmd.Wait()
	before := finished(killed)
	if before < 3 || before >= 20 {
		t.Skipf("could not catch the sweep midway (%d runs finished)", before)
	}
	out := sweep(killed)
	m := regexp.MustCompile(`(\d+) ran, (\d+) already finished`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("sweep said %q", out)
	}
	ran, skipped := atoi(m[1]), atoi(m[2])
	if skipped != before || ran+skipped != 20 {
		t.Fatalf("after a kill with %d finished: ran %d, skipped %d", before, ran, skipped)
	}
	if !bytes.Equal(merged(killed), want) {
		t.Error("a killed and resumed sweep merged differently")
	}
}

func finished(sweepDir string) int {
	m, _ := filepath.Glob(filepath.Join(sweepDir, "runs", "*", "manifest.json"))
	return len(m)
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}
