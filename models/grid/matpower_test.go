package grid

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sharedCaseDir is where the full set of MATPOWER cases lives, relative to
// this package, outside the repository; tests using it skip when absent.
const sharedCaseDir = "../../../shared/data/grid/matpower"

func TestReadCaseAllShared(t *testing.T) {
	want := map[string][3]int{ // buses, gens, branches
		"case9": {9, 3, 9}, "case14": {14, 5, 20}, "case30": {30, 6, 41}, "case33bw": {33, 1, 37},
		"case69": {69, 1, 68}, "case118": {118, 54, 186}, "case300": {300, 69, 411},
		"case2383wp": {2383, 327, 2896}, "case_ACTIVSg2000": {2000, 544, 3206},
	}
	files, _ := filepath.Glob(filepath.Join(sharedCaseDir, "*.m"))
	if len(files) == 0 {
		t.Skip("shared MATPOWER cases not present")
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".m")
		t.Run(name, func(t *testing.T) {
			c, err := ReadCaseFile(f)
			if err != nil {
				t.Fatal(err)
			}
			got := [3]int{len(c.Buses), len(c.Gens), len(c.Branches)}
			if w, ok := want[name]; ok && got != w {
				t.Errorf("buses, gens, branches = %v, want %v", got, w)
			}
		})
	}
}

func TestReadCase33bwConversions(t *testing.T) {
	c, err := ReadCaseFile("testdata/case33bw.m")
	if err != nil {
		t.Fatal(err)
	}
	if c.BaseMVA != 10 {
		t.Errorf("baseMVA = %g", c.BaseMVA)
	}
	// Bus 2 load 100 kW, 60 kVAr is converted to MW.
	if b := c.Buses[1]; b.Pd != 0.1 || b.Qd != 0.06 {
		t.Errorf("bus 2 load = %g MW %g MVAr, want 0.1, 0.06", b.Pd, b.Qd)
	}
	// Branch 1: r = 0.0922 ohm on Zbase = 12.66^2/10 ohm.
	zbase := 12.66e3 * 12.66e3 / 10e6
	if br := c.Branches[0]; math.Abs(br.R-0.0922/zbase) > 1e-15 || math.Abs(br.X-0.0470/zbase) > 1e-15 {
		t.Errorf("branch 1 r, x = %g, %g pu, want %g, %g", br.R, br.X, 0.0922/zbase, 0.0470/zbase)
	}
	if c.Branches[32].InService {
		t.Errorf("tie branch 33 in service")
	}
}

func TestReadCaseErrors(t *testing.T) {
	base := "mpc.version = '2';\nmpc.baseMVA = 100;\nmpc.bus = [\n\t1 3 0 0 0 0 1 1 0 345 1 1.1 0.9;\n\t2 1 10 5 0 0 1 1 0 345 1 1.1 0.9;\n];\n"
	gen := "mpc.gen = [\n\t1 0 0 300 -300 1 100 1 250 10;\n];\n"
	branch := "mpc.branch = [\n\t1 2 0.01 0.1 0 0 0 0 0 0 1;\n];\n"
	tests := []struct {
		name, src, want string
	}{
		{"bad number", base + "mpc.gen = [ 1 0x2 ];\n", "line 7"},
		{"unknown bus", base + gen + "mpc.branch = [\n\t1 9 0.01 0.1 0 0 0 0 0 0 1;\n];\n", "line 11: mpc.branch row 1: branch to unknown bus 9"},
		{"bad type", strings.Replace(base, "2 1 10", "2 7 10", 1) + gen + branch, "line 5: mpc.bus row 2: bus type 7"},
		{"few columns", base + "mpc.gen = [\n 1 0 0;\n];\n", "line 8: mpc.gen row 1: mpc.gen has 3 columns"},
		{"ragged", base + "mpc.gen = [\n 1 0 0;\n 1 2;\n];\n", "line 9"},
		{"unterminated", base + "mpc.branch = [\n 1 2 0.01", "unterminated ["},
		{"no base", "mpc.bus = [];\n", "baseMVA"},
		{"version 1", "mpc.version = '1';\nmpc.baseMVA = 100;\n", "version 2"},
		{"duplicate bus", strings.Replace(base, "\t2 1 10", "\t1 1 10", 1), "line 5: mpc.bus row 2: bus 1 already defined"},
		{"undefined name", base + "x = y + 1;\n", "line 7: undefined name \"y\""},
		{"zero impedance", base + gen + "mpc.branch = [\n\t1 2 0 0 0 0 0 0 0 0 1;\n];\n", "zero impedance"},
		// A file cut short: the missing matrices are named.
		{"no gen, no branch", base, "mpc.gen and mpc.branch: missing"},
		{"no branch", base + gen, "mpc.branch: missing"},
		{"no gen", base + branch, "mpc.gen: missing"},
		// Islands and isolated buses are caught when the case is read.
		{"no reference", base + "mpc.gen = [\n\t1 0 0 300 -300 1 100 0 250 10;\n];\n" + branch, "no reference bus"},
		{"isolated bus", base + gen + "mpc.branch = [\n\t1 2 0.01 0.1 0 0 0 0 0 0 0;\n];\n",
			"bus 2 is isolated: no in-service branch joins it to the reference bus 1"},
		{"isolated unloaded bus", strings.Replace(base, "];", "\t3 1 0 0 0 0 1 1 0 345 1 1.1 0.9;\n];", 1) + gen + branch,
			"bus 3 is isolated"},
		{"island", strings.Replace(base, "];", "\t3 1 5 1 0 0 1 1 0 345 1 1.1 0.9;\n\t4 2 5 1 0 0 1 1 0 345 1 1.1 0.9;\n];", 1) +
			"mpc.gen = [\n\t1 0 0 300 -300 1 100 1 250 10;\n\t4 5 0 300 -300 1 100 1 250 10;\n];\n" +
			"mpc.branch = [\n\t1 2 0.01 0.1 0 0 0 0 0 0 1;\n\t3 4 0.01 0.1 0 0 0 0 0 0 1;\n];\n",
			"buses 3, 4 form an island that no in-service branch joins to the reference bus 1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadCase(strings.NewReader(tc.src), "x.m")
			if err == nil {
				t.Fatal("no error")
			}
			if !errors.Is(err, ErrCase) || !strings.HasPrefix(err.Error(), "x.m: ") || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q, want x.m: ... %q wrapping ErrCase", err, tc.want)
			}
		})
	}
}

// TestReadCaseIsolatedTypeNone: a bus of type 4 (NONE) is left out, as in
// MATPOWER's ext2int, and is no island.
func TestReadCaseIsolatedTypeNone(t *testing.T) {
	src := "mpc.baseMVA = 100;\nmpc.bus = [\n\t1 3 0 0 0 0 1 1 0 345 1 1.1 0.9;\n\t2 1 10 5 0 0 1 1 0 345 1 1.1 0.9;\n\t3 4 0 0 0 0 1 1 0 345 1 1.1 0.9;\n];\n" +
		"mpc.gen = [\n\t1 0 0 300 -300 1 100 1 250 10;\n];\nmpc.branch = [\n\t1 2 0.01 0.1 0 0 0 0 0 0 1;\n];\n"
	if _, err := ReadCase(strings.NewReader(src), "x.m"); err != nil {
		t.Fatal(err)
	}
}

// TestReadCaseFileNamesFile: errors name the file as given, not the case,
// and the matrices a file cut short lacks (here case9.m cut before its
// generator data).
func TestReadCaseFileNamesFile(t *testing.T) {
	b, err := os.ReadFile("testdata/case9.m")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "t1200.m")
	cut := strings.Index(string(b), "%% generator data")
	if err := os.WriteFile(path, b[:cut], 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = ReadCaseFile(path)
	want := path + ": grid: invalid case: mpc.gen and mpc.branch: missing"
	if !errors.Is(err, ErrCase) || !strings.HasPrefix(err.Error(), want) {
		t.Fatalf("error %v, want %q...", err, want)
	}
}

func TestReadCaseSyntax(t *testing.T) {
	src := `function mpc = t
mpc.version = '2';
mpc.baseMVA = 1e2;  % comment
mpc.bus = [ 1, 3, 0, 0, 0, 0, 1, 1.0, 0, 345, 1, 1.1, 0.9
	2 1 1.5E+1 -5 0 0 1 1 0 345 1 1.1 0.9; % second row
	3 1 10 ...
	  5 0 0 1 1 0 345 1 1.1 0.9;
];
mpc.gen = [1 0 0 Inf -Inf 1.02 100 1 250 10];
mpc.branch = [1 2 .01 0.1 0 0 0 0 0.98 -3 1; 2 3 0.01 0.1 0 0 0 0 0 0 0; 1 3 0.01 0.1 0 0 0 0 0 0 1];
mpc.gencost = [2 0 0 3 0.1 2 3];
mpc.bus_name = { 'a'; 'b'; 'c' };
X = 2^-1 * (3 - 1);
mpc.bus(2, 4) = mpc.bus(2, 4) * X;
`
	c, err := ReadCase(strings.NewReader(src), "t.m")
	if err != nil {
		t.Fatal(err)
	}
	if c.BaseMVA != 100 || len(c.Buses) != 3 || len(c.Gens) != 1 || len(c.Branches) != 3 {
		t.Fatalf("case %+v", c)
	}
	if b := c.Buses[1]; b.Pd != 15 || b.Qd != -5 {
		t.Errorf("bus 2 Pd, Qd = %g, %g, want 15, -5", b.Pd, b.Qd)
	}
	if b := c.Buses[2]; b.Qd != 5 || b.Vmin != 0.9 {
		t.Errorf("continued row parsed as %+v", b)
	}
	if g := c.Gens[0]; !math.IsInf(g.Qmax, 1) || !math.IsInf(g.Qmin, -1) || g.Vg != 1.02 {
		t.Errorf("gen %+v", g)
	}
	if br := c.Branches[0]; br.Ratio != 0.98 || br.Angle != -3 || !br.InService || c.Branches[1].InService {
		t.Errorf("branches %+v", c.Branches)
	}
}

func FuzzReadCase(f *testing.F) {
	for _, name := range []string{"case9.m", "case14.m", "case33bw.m"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	f.Fuzz(func(t *testing.T, src string) {
		c, err := ReadCase(strings.NewReader(src), "fuzz.m")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.m: ") {
				t.Errorf("error without file name: %v", err)
			}
			return
		}
		// A case that reads must be safe to solve, whatever the outcome.
		if len(c.Buses) > 200 {
			return
		}
		net, err := NewNetwork(c)
		if err != nil {
			return
		}
		// A solution it calls converged has a finite voltage at every bus.
		check := func(method string, r *Result, err error) {
			if err != nil || r == nil || !r.Converged {
				return
			}
			if len(r.Vm) != len(c.Buses) || len(r.Va) != len(c.Buses) {
				t.Fatalf("%s: %d magnitudes, %d angles for %d buses", method, len(r.Vm), len(r.Va), len(c.Buses))
			}
			for i := range r.Vm {
				if math.IsNaN(r.Vm[i]) || math.IsInf(r.Vm[i], 0) || math.IsNaN(r.Va[i]) || math.IsInf(r.Va[i], 0) {
					t.Fatalf("%s converged with bus %d at %v pu, %v deg", method, i, r.Vm[i], r.Va[i])
				}
			}
		}
		r, err := net.SolveAC(Options{MaxIter: 5})
		check("nr", r, err)
		r, err = net.SolveAC(Options{MaxIter: 3, EnforceQLimits: true})
		check("nr with Q limits", r, err)
		r, err = net.SolveSweep(Options{MaxIter: 1})
		check("sweep", r, err)
		r, err = net.SolveDC()
		check("dc", r, err)
	})
}
