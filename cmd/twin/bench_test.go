package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"citytwin/bench/suite"
	"citytwin/models/city"
)

// TestBenchQuickReport runs `twin bench --quick` and checks the report has
// every section, a table and a non-empty PNG per scaling curve, and the
// anchors quoted beside our figures.
func TestBenchQuickReport(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "report.md")
	if code := execute([]string{"bench", "--quick", "--out", out, "--work", filepath.Join(dir, "work"), "--root", "../.."}); code != 0 {
		t.Fatalf("twin bench --quick: exit code %d", code)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	rep := string(data)
	for _, s := range suite.Sections {
		if !strings.Contains(rep, "\n## "+s+"\n") {
			t.Errorf("report lacks section %q", s)
		}
	}
	for _, want := range []string{"SimPy events/s", "EPANET 2.3.5", "sumo", "best-known", "≤ 10 min", "≤ 8 GiB"} {
		if !strings.Contains(rep, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	for _, curve := range []string{"city", "traffic", "vehicles", "grid", "water", "engine"} {
		png := filepath.Join(dir, "report-"+curve+".png")
		if st, err := os.Stat(png); err != nil || st.Size() < 1000 {
			t.Errorf("curve %s: PNG missing or empty (%v)", curve, err)
		}
		if !strings.Contains(rep, "](report-"+curve+".png)") {
			t.Errorf("curve %s: PNG not linked", curve)
		}
	}
	// The traffic curve's rows: three sizes, every trip driven.
	sec := rep[strings.Index(rep, "### Traffic day against size"):]
	rows := 0
	for _, l := range strings.Split(sec, "\n")[4:] {
		if !strings.HasPrefix(l, "| ") {
			break
		}
		rows++
		if cells := strings.Split(l, "|"); len(cells) < 5 || strings.TrimSpace(cells[4]) == "0" {
			t.Errorf("traffic row %q: no vehicle on the road", l)
		}
	}
	if rows != 3 {
		t.Errorf("traffic curve has %d rows, want 3", rows)
	}
}

// TestSynthCommand generates a small city and loads it.
func TestSynthCommand(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "s.osm")
	stdout, stderr, code := twin(t, nil, "synth", "--edges", "600", "--layout", "organic", "--seed", "3", "--out", path)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var st struct {
		Edges int `json:"directed_edges"`
	}
	if err := json.Unmarshal([]byte(stdout), &st); err != nil {
		t.Fatal(err)
	}
	c, err := city.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if c.Roads.NumEdges() != st.Edges || st.Edges < 540 || st.Edges > 660 {
		t.Errorf("edges: loaded %d, printed %d, asked 600", c.Roads.NumEdges(), st.Edges)
	}
	if _, _, code := twin(t, nil, "synth", "--edges", "600", "--layout", "spiral", "--out", path); code != 2 {
		t.Errorf("--layout spiral: exit %d, want 2", code)
	}
}
