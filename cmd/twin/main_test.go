package main

import (
	"github.com/spf13/cobra"

	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestMain lets the test binary stand in for twin: run with TWIN_AS_MAIN=1
// it executes the CLI, so tests can start twin as a separate process.
func TestMain(m *testing.M) {
	if os.Getenv("TWIN_AS_MAIN") == "1" {
		os.Exit(execute(os.Args[1:]))
	}
	os.Exit(m.Run())
}

// twin runs the CLI in a new process and returns its stdout, stderr and
// exit code.
func twin(t *testing.T, env []string, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(append(os.Environ(), "TWIN_AS_MAIN=1", "CI=1"), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), errb.String(), code
}

func TestExitCodes(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("name: x\ncity:\n  osm: nowhere.osm\nstart: 2024-01-01T00:00:00\ntimezone: UTC\nduration: 1h\nwheels: 4\n"), 0o644)
	noCity := filepath.Join(dir, "nocity.yaml")
	os.WriteFile(noCity, []byte("name: x\ncity:\n  osm: nowhere.osm\nstart: 2024-01-01T00:00:00\ntimezone: UTC\nduration: 1h\n"), 0o644)
	garbage := filepath.Join(dir, "garbage.osm")
	os.WriteFile(garbage, []byte("<osm><node id=\"1\" lat=\"x"), 0o644)
	cases := []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"version", []string{"version"}, 0, ""},
		{"unknown command", []string{"fly"}, 2, "unknown command"},
		{"missing argument", []string{"run"}, 2, "accepts 1 arg"},
		{"unknown flag", []string{"run", bad, "--colour"}, 2, "unknown flag"},
		{"no such scenario", []string{"run", filepath.Join(dir, "none.yaml")}, 2, "none.yaml"},
		{"unknown key", []string{"validate", bad}, 2, "bad.yaml:7:1"},
		{"missing city", []string{"validate", noCity}, 2, "nowhere.osm"},
		{"bad until", []string{"run", noCity, "--until", "later"}, 2, "--until"},
		{"negative until", []string{"run", noCity, "--until", "-1h"}, 2, "--until -1h"},
		{"until past the end", []string{"run", noCity, "--until", "3h"}, 2, "within the scenario's duration"},
		{"missing required flag", []string{"synth"}, 2, `"out" not set`},
		{"empty policy", []string{"waste", "experiment", "--scenario", noCity, "--policies", "fixed,"}, 2, "an empty policy name"},
		{"policy twice", []string{"waste", "experiment", "--scenario", noCity, "--policies", "fixed,fixed"}, 2, "fixed given twice"},
		{"no jobs", []string{"sweep", noCity, "--jobs", "0", "--out", dir}, 2, "--jobs 0"},
		{"merge no sweep", []string{"merge", filepath.Join(dir, "nope"), "--out", filepath.Join(dir, "merged")}, 2, "nope: no such file or directory"},
		{"merge no runs", []string{"merge", dir, "--out", filepath.Join(dir, "merged")}, 2, "no finished runs to merge in " + dir},
		{"live unknown scheme", []string{"live", noCity, "--broker", "foo://x:1", "--out", filepath.Join(dir, "live")}, 2, `scheme "foo"`},
		{"live broker without host", []string{"live", noCity, "--broker", "tcp://", "--out", filepath.Join(dir, "live")}, 2, "want a URL like tcp://host:1883"},
		// host:port is tcp://host:port: the flags pass, the missing city fails
		{"live broker host:port", []string{"live", noCity, "--broker", "localhost:1", "--out", filepath.Join(dir, "live")}, 2, "nowhere.osm"},
		{"live bad format", []string{"live", noCity, "--format", "xml", "--out", filepath.Join(dir, "live")}, 2, "--format"},
		{"sweep bad value", []string{"sweep", "../../scenarios/osterbro.yaml", "--seeds", "1..2", "--set", "traffic.step=abc", "--out", filepath.Join(dir, "sweep")}, 2, "with --set models.traffic.step=abc"},
		{"garbage osm", []string{"import", "osm", garbage, "--out", dir}, 2, "garbage.osm"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			_, stderr, code := twin(t, nil, c.args...)
			if code != c.code {
				t.Fatalf("exit %d, want %d; stderr %q", code, c.code, stderr)
			}
			if !strings.Contains(stderr, c.msg) {
				t.Fatalf("stderr %q does not name %q", stderr, c.msg)
			}
			if strings.Contains(stderr, "panic") || strings.Contains(stderr, "goroutine") {
				t.Fatalf("panicked: %s", stderr)
			}
		})
	}
}

func TestHelpHasExamples(t *testing.T) {
	t.Parallel()
	for _, cmd := range newRootCmd().Commands() {
		if cmd.Name() == "help" || cmd.Name() == "completion" || cmd.HasSubCommands() {
			continue
		}
		if cmd.Example == "" {
			t.Errorf("twin %s --help shows no example", cmd.Name())
		}
	}
}

// TestHelpExamplesNameShippedFiles: every repository path an example of
// --help names (models/..., scenarios/..., bench/...) as an input exists,
// so that the examples run as written from a clone.
func TestHelpExamplesNameShippedFiles(t *testing.T) {
	t.Parallel()
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		fields := strings.Fields(c.Example)
		written := map[string]bool{}
		for i, f := range fields {
			if i > 0 {
				switch fields[i-1] {
				case "--out", "--checkpoint":
					written[f] = true
				case "--name": // twin init writes scenarios/NAME.yaml
					written["scenarios/"+f+".yaml"] = true
				}
			}
			if written[f] || strings.HasSuffix(f, ":") {
				continue // written by the example, or prose
			}
			for _, dir := range []string{"models/", "scenarios/", "bench/"} {
				if strings.HasPrefix(f, dir) {
					if _, err := os.Stat(filepath.Join("..", "..", f)); err != nil {
						t.Errorf("twin %s --help: example names %s: %v", c.CommandPath(), f, err)
					}
				}
			}
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(newRootCmd())
}
