package water

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sharedDir is the project's read-only data folder, relative to this package.
const sharedDir = "../../../shared/data/water"

func sharedFiles(t testing.TB) []string {
	files, _ := filepath.Glob(filepath.Join(sharedDir, "*", "*.inp"))
	if len(files) == 0 {
		t.Skip("shared data not present")
	}
	return files
}

func TestParseShared(t *testing.T) {
	for _, f := range sharedFiles(t) {
		t.Run(filepath.Base(f), func(t *testing.T) {
			net, err := Load(f)
			if strings.Contains(f, "exnet_original") {
				// EPANET 2.3.5 rejects it too: "Start ClockTime 20 PM" (error 213).
				var ie *InputError
				if !errors.As(err, &ie) || ie.Line == 0 || ie.Section != "TIMES" {
					t.Fatalf("want a [TIMES] error with a line, got %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(net.Nodes) == 0 || len(net.Links) == 0 {
				t.Fatalf("empty network")
			}
		})
	}
}

func TestParseNet1(t *testing.T) {
	net, err := Load("testdata/Net1.inp")
	if err != nil {
		t.Fatal(err)
	}
	if got := len(net.Nodes); got != 11 {
		t.Errorf("nodes = %d, want 11", got)
	}
	if got := len(net.Links); got != 13 {
		t.Errorf("links = %d, want 13", got)
	}
	if net.NJuncs != 9 || len(net.Tanks) != 2 || len(net.Pumps) != 1 || len(net.Controls) != 2 {
		t.Errorf("juncs %d tanks %d pumps %d controls %d", net.NJuncs, len(net.Tanks), len(net.Pumps), len(net.Controls))
	}
	o := net.Options
	if o.Units.Flow != "GPM" || o.Duration != 24*3600 || o.PatternStep != 7200 || o.QualStep != 300 {
		t.Errorf("options %+v", o)
	}
	j, _ := net.NodeIndex("11")
	if d := net.Nodes[j].Demands[0]; d.Pattern != 1 || d.Base*gpmPerCFS != 150 {
		t.Errorf("demand at 11 = %+v", d)
	}
}

func TestParseErrors(t *testing.T) {
	cases := []struct {
		name, inp, want string
	}{
		{"bad number", "[JUNCTIONS]\n J1 abc\n", "line 2: [JUNCTIONS]"},
		{"unknown node", "[JUNCTIONS]\nJ1 0\n[PIPES]\nP1 J1 J2 100 10 100\n", "line 4: [PIPES]: undefined node"},
		{"unknown section", "[FOO]\n", "line 1"},
		{"duplicate", "[JUNCTIONS]\nJ1 0\nJ1 0\n", "line 3: [JUNCTIONS]: duplicate"},
		{"bad time", "[JUNCTIONS]\nJ1 0\n[TIMES]\nDURATION x\n", "line 4: [TIMES]"},
		{"empty", "", "no nodes"},
		// EPANET 2.2's input checks (errors 223, 224, 233) and junctions cut
		// off from every fixed head, which EPANET meets at the first solve.
		{"no junctions", "[RESERVOIRS]\nR 10\n", "no junctions (EPANET error 223"},
		{"no fixed head", "[JUNCTIONS]\nJ1 0\nJ2 0 5\n[PIPES]\nP1 J1 J2 100 10 100\n", "the network has no tank or reservoir (no fixed head"},
		{"unlinked junction", "[JUNCTIONS]\nJ1 0\nJ2 0\n[RESERVOIRS]\nR 10\n[PIPES]\nP1 R J1 100 10 100\n",
			`junction "J2" is not connected to any link (EPANET error 233)`},
		{"island", "[JUNCTIONS]\nJ1 0\nJ2 0\nJ3 0\n[RESERVOIRS]\nR 10\n[PIPES]\nP1 R J1 100 10 100\nP2 J2 J3 100 10 100\n",
			`junctions "J2", "J3" are not connected to any tank, reservoir or emitter through links`},
		{"many unlinked", "[JUNCTIONS]\n" + unlinkedJunctions(12) + "[RESERVOIRS]\nR 10\n[PIPES]\nP R A0 1 1 100\n",
			`junctions "A1", "A2", "A3", "A4", "A5", "A6", "A7", "A8", "A9", "A10" and 1 more are not connected to any link`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseBytes([]byte(c.inp))
			if err == nil || !strings.Contains(err.Error(), c.want) || !errors.Is(err, ErrInput) {
				t.Fatalf("err = %v, want it to contain %q", err, c.want)
			}
		})
	}
}

// TestIslandsThatSolve: a group of junctions cut off from every tank and
// reservoir is accepted when an emitter or a pressure-driven demand puts a
// term on its diagonal, and solves.
func TestIslandsThatSolve(t *testing.T) {
	island := "[JUNCTIONS]\nJ1 0\nJ2 0 5\nJ3 0\n[RESERVOIRS]\nR 10\n[PIPES]\nP1 R J1 100 10 100\nP2 J2 J3 100 10 100\n"
	for name, inp := range map[string]string{
		"emitter":         island + "[EMITTERS]\nJ3 0.5\n",
		"pressure-driven": island + "[OPTIONS]\nDEMAND MODEL PDA\n",
	} {
		t.Run(name, func(t *testing.T) {
			net, err := ParseBytes([]byte(inp))
			if err != nil {
				t.Fatal(err)
			}
			sim, err := NewSimulator(net, SimOptions{Duration: 0})
			if err != nil {
				t.Fatal(err)
			}
			if err := sim.Run(func(int64) error { return nil }); err != nil {
				t.Fatalf("solve: %v", err)
			}
			for i := range net.Nodes {
				if h := sim.NodeHead(i); math.IsNaN(h) || math.IsInf(h, 0) {
					t.Fatalf("node %s head %v", net.Nodes[i].ID, h)
				}
			}
		})
	}
}

// unlinkedJunctions lists junctions A0 ... A(n-1) for [JUNCTIONS].
func unlinkedJunctions(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "A%d 0\n", i)
	}
	return b.String()
}

// TestLoadNamesFileWithoutFixedHead: the first 300 bytes of Net1.inp hold
// two junctions and nothing else. Loading them is an input error naming the
// file, not a solver failure later.
func TestLoadNamesFileWithoutFixedHead(t *testing.T) {
	b, err := os.ReadFile("testdata/Net1.inp")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "trunc.inp")
	if err := os.WriteFile(path, b[:300], 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = Load(path)
	want := path + ": the network has no tank or reservoir (no fixed head"
	if !errors.Is(err, ErrInput) || !strings.HasPrefix(err.Error(), want) {
		t.Fatalf("err = %v, want %q... wrapping ErrInput", err, want)
	}
}

func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*.inp")
	for _, s := range seeds {
		b, err := os.ReadFile(s)
		if err == nil && len(b) < 64<<10 {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		net, err := ParseBytes(b)
		if err != nil {
			if !errors.Is(err, ErrInput) {
				t.Fatalf("error not wrapping ErrInput: %v", err)
			}
			return
		}
		if len(net.Nodes) == 0 {
			t.Fatal("nil error and no nodes")
		}
		// Whatever parses must also simulate without a panic: a few steps of
		// small networks, with bounded iterations.
		if len(net.Nodes) > 60 {
			return
		}
		net.Options.Trials = min(net.Options.Trials, 50)
		net.Options.ExtraIter = min(net.Options.ExtraIter, 5)
		so := DefaultSimOptions()
		so.Duration = min(net.Options.Duration, 4*3600)
		sim, err := NewSimulator(net, so)
		if err != nil {
			return
		}
		sim.Init()
		for i := 0; i < 20 && !sim.Done(); i++ {
			if _, err := sim.Step(); err != nil {
				return
			}
		}
	})
}
