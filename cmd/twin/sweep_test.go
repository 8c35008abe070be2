package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"testing"
	"time"
)

// TestSweepIsIndependentOfJobsShardsAndKills: 20 runs (2 demand levels x 10
// seeds) merged give the same bytes with --jobs 1, --jobs 2, as 4 shards
// merged, and after a kill -9 midway and a restart that redoes only the
// unfinished runs (a sweep folder as a kill leaves it, built from the
// complete one so that it is always midway, and a real kill -9).
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

	// Killed midway, then resumed: a folder that holds some finished runs
	// and one run interrupted while writing (outputs truncated, a
	// temporary file left, no manifest), built deterministically from the
	// complete sweep, so the midway case is checked on every machine.
	midway := filepath.Join(dir, "midway")
	half := interruptedSweep(t, one, midway, 7)
	resume(t, sweep, midway, 7, want)
	if !bytes.Equal(readBytes(t, filepath.Join(midway, "runs", half, "trips.csv")), readBytes(t, filepath.Join(one, "runs", half, "trips.csv"))) {
		t.Errorf("the interrupted run %s was not redone", half)
	}

	// A real kill -9 once some runs have finished: however far the sweep
	// got, resuming redoes exactly the unfinished runs.
	killed := filepath.Join(dir, "killed")
	before := killSweepAfter(t, killed, 3)
	resume(t, sweep, killed, before, want)
}

// resume runs the sweep again in out, which holds before finished runs,
// and checks that it redid only the others and merged want.
func resume(t *testing.T, sweep func(string, ...string) string, out string, before int, want []byte) {
	t.Helper()
	stdout := sweep(out)
	m := regexp.MustCompile(`(\d+) ran, (\d+) already finished`).FindStringSubmatch(stdout)
	if m == nil {
		t.Fatalf("sweep said %q", stdout)
	}
	ran, skipped := atoi(m[1]), atoi(m[2])
	if skipped != before || ran+skipped != 20 {
		t.Fatalf("%s: resumed with %d finished: ran %d, skipped %d", filepath.Base(out), before, ran, skipped)
	}
	if b := readBytes(t, filepath.Join(out, "merged.csv")); !bytes.Equal(b, want) {
		t.Errorf("%s: a killed and resumed sweep merged differently", filepath.Base(out))
	}
}

// interruptedSweep fills out with the first n finished runs of the
// complete sweep folder and the next run as a kill -9 leaves it, and
// returns that run's id.
func interruptedSweep(t *testing.T, complete, out string, n int) string {
	t.Helper()
	ids, err := filepath.Glob(filepath.Join(complete, "runs", "*"))
	if err != nil || len(ids) != 20 {
		t.Fatalf("%s: %d runs, %v", complete, len(ids), err)
	}
	sort.Strings(ids)
	for _, id := range ids[:n] {
		copyDir(t, id, filepath.Join(out, "runs", filepath.Base(id)))
	}
	half := filepath.Join(out, "runs", filepath.Base(ids[n]))
	copyDir(t, ids[n], half)
	trips := filepath.Join(half, "trips.csv")
	b := readBytes(t, trips)
	for _, err := range []error{
		os.Remove(filepath.Join(half, "manifest.json")),
		os.WriteFile(trips, b[:len(b)/2], 0o644),
		os.WriteFile(filepath.Join(half, ".edge_series.csv.tmp-1234"), []byte("edge,t"), 0o600),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	if got := finished(out); got != n {
		t.Fatalf("%d finished runs in %s, want %d", got, out, n)
	}
	return filepath.Base(ids[n])
}

// killSweepAfter starts the sweep into out, kills it with SIGKILL once at
// least n runs have finished (or lets it end, on a fast machine) and
// returns how many runs had finished.
func killSweepAfter(t *testing.T, out string, n int) int {
	t.Helper()
	cmd := exec.Command(os.Args[0], "sweep", "testdata/sweep.yaml", "--seeds", "1..10", "--set", "traffic.demand.random_trips=60,120", "--out", out)
	cmd.Env = append(os.Environ(), "TWIN_AS_MAIN=1", "CI=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	deadline := time.After(5 * time.Minute)
	for finished(out) < n {
		select {
		case err := <-exited:
			if got := finished(out); got < n {
				t.Fatalf("the sweep ended with %d runs finished: %v: %s", got, err, stderr.String())
			}
			return finished(out)
		case <-deadline:
			cmd.Process.Kill()
			<-exited
			t.Fatalf("only %d runs finished after 5m", finished(out))
		case <-time.After(10 * time.Millisecond):
		}
	}
	cmd.Process.Kill()
	<-exited
	return finished(out)
}

func copyDir(t *testing.T, from, to string) {
	t.Helper()
	if err := os.CopyFS(to, os.DirFS(from)); err != nil {
		t.Fatal(err)
	}
}

func readBytes(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func finished(sweepDir string) int {
	m, _ := filepath.Glob(filepath.Join(sweepDir, "runs", "*", "manifest.json"))
	return len(m)
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}
