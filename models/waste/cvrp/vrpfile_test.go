package cvrp

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// tinyHeader is a 4-node instance header; the full matrix it encodes in
// every EDGE_WEIGHT_FORMAT below is
//
//	0 1 2 3
//	1 0 4 5
//	2 4 0 6
//	3 5 6 0
const tinyHeader = "NAME : tiny\nTYPE : CVRP\nDIMENSION : 4\nCAPACITY : 10\nEDGE_WEIGHT_TYPE : EXPLICIT\n"
const tinyTail = "DEMAND_SECTION\n1 0\n2 3\n3 4\n4 5\nDEPOT_SECTION\n1\n-1\nEOF\n"

var tinyMatrix = []float64{0, 1, 2, 3, 1, 0, 4, 5, 2, 4, 0, 6, 3, 5, 6, 0}

func TestReadWeightFormats(t *testing.T) {
	t.Parallel()
	cases := []struct{ format, weights string }{
		{"FULL_MATRIX", "0 1 2 3\n1 0 4 5\n2 4 0 6\n3 5 6 0"},
		{"UPPER_ROW", "1 2 3\n4 5\n6"},
		{"LOWER_ROW", "1\n2 4\n3 5 6"},
		{"UPPER_DIAG_ROW", "0 1 2 3\n0 4 5\n0 6\n0"},
		{"LOWER_DIAG_ROW", "0\n1 0\n2 4 0\n3 5 6 0"},
		{"UPPER_COL", "1\n2 4\n3 5 6"},
		{"LOWER_COL", "1 2 3\n4 5\n6"},
		{"UPPER_DIAG_COL", "0\n1 0\n2 4 0\n3 5 6 0"},
		{"LOWER_DIAG_COL", "0 1 2 3\n0 4 5\n0 6\n0"},
		{"UPPER_ROW", "1 2 3 4 5 6"}, // any line layout
		{"LOWER_ROW", "1 2 4 3 5 6\nDISPLAY_DATA_SECTION\n1 0 0\n2 1 0\n3 0 1\n4 1 1"},
	}
	for _, c := range cases {
		t.Run(c.format, func(t *testing.T) {
			t.Parallel()
			text := tinyHeader + "EDGE_WEIGHT_FORMAT : " + c.format + "\nEDGE_WEIGHT_SECTION\n" + c.weights + "\n" + tinyTail
			f, err := Read(strings.NewReader(text), "tiny.vrp")
			if err != nil {
				t.Fatal(err)
			}
			in, err := f.Instance(RoundAuto)
			if err != nil {
				t.Fatal(err)
			}
			for i, want := range tinyMatrix {
				if in.Dist[i] != want {
					t.Fatalf("Dist[%d][%d] = %g, want %g", i/4, i%4, in.Dist[i], want)
				}
			}
		})
	}
}

func TestReadAsymmetricAndDepot(t *testing.T) {
	t.Parallel()
	// Depot is node 3; customers keep file order: 1, 2, 4 -> solver 1, 2, 3.
	text := "NAME : asym\r\nTYPE : ACVRP\r\nDIMENSION : 4\r\nCAPACITY : 10\r\nVEHICLES : 2\r\n" +
		"EDGE_WEIGHT_TYPE : EXPLICIT\r\nEDGE_WEIGHT_FORMAT : FULL_MATRIX\r\nEDGE_WEIGHT_SECTION\r\n" +
		"0\t1\t2\t3\r\n10\t0\t4\t5\r\n20\t40\t0\t6\r\n30\t50\t60\t0\r\n" +
		"DEMAND_SECTION\r\n1 1\r\n2 2\r\n3 0\r\n4 4\r\nDEPOT_SECTION\r\n3\r\n-1\r\nEOF\r\n"
	f, err := Read(strings.NewReader(text), "asym.vrp")
	if err != nil {
		t.Fatal(err)
	}
	in, err := f.Instance(RoundAuto)
	if err != nil {
		t.Fatal(err)
	}
	if in.N != 3 || in.Vehicles != 2 {
		t.Fatalf("N=%d Vehicles=%d, want 3 and 2", in.N, in.Vehicles)
	}
	wantDemand := []float64{0, 1, 2, 4}
	for i, q := range wantDemand {
		if in.Demand[i] != q {
			t.Errorf("Demand[%d] = %g, want %g", i, in.Demand[i], q)
		}
	}
	// file nodes: solver 0 = file 3, 1 = file 1, 2 = file 2, 3 = file 4.
	checks := []struct {
		i, j int
		want float64
	}{{0, 1, 20}, {1, 0, 2}, {1, 2, 1}, {2, 1, 10}, {3, 0, 60}, {0, 3, 6}, {2, 3, 5}, {3, 2, 50}}
	for _, c := range checks {
		if got := in.D(c.i, c.j); got != c.want {
			t.Errorf("D(%d,%d) = %g, want %g", c.i, c.j, got, c.want)
		}
	}
}

func TestCoordDistances(t *testing.T) {
	t.Parallel()
	a, b := [2]float64{0, 0}, [2]float64{3, 4.2}
	cases := []struct {
		kind  string
		round Rounding
		want  float64
	}{
		{"EUC_2D", RoundAuto, 5},  // sqrt(9+17.64)=5.16 -> 5
		{"CEIL_2D", RoundAuto, 6}, // ceil
		{"EUC_2D", RoundNone, 5.1614},
		{"ATT", RoundAuto, 2}, // sqrt(26.64/10)=1.632 -> nint 2
	}
	for _, c := range cases {
		got := coordDistance(c.kind, a, b, c.round)
		if diff := got - c.want; diff > 1e-4 || diff < -1e-4 {
			t.Errorf("%s %v: %g, want %g", c.kind, c.round, got, c.want)
		}
	}
	// GEO, TSPLIB's ulysses-like example: two points 1 degree of latitude apart
	// on the equator are 111 km apart (truncated + 1).
	if got := geoDistance([2]float64{0, 0}, [2]float64{1, 0}, RoundAuto); got != 112 {
		t.Errorf("GEO 1 degree = %g, want 112", got)
	}
}

func TestReadErrors(t *testing.T) {
	t.Parallel()
	cases := []struct{ name, text, want string }{
		{"bad capacity", "NAME : x\nDIMENSION : 3\nCAPACITY : -1\n", "line 3: CAPACITY"},
		{"unknown keyword", "NAME : x\nFOO : 1\n", "line 2: FOO"},
		{"bad coord", "DIMENSION : 3\nNODE_COORD_SECTION\n1 2\n", "line 3: NODE_COORD_SECTION"},
		{"node out of range", "DIMENSION : 3\nDEMAND_SECTION\n4 1\n", "line 3: DEMAND_SECTION: node id 4"},
		{"too many weights", tinyHeader + "EDGE_WEIGHT_FORMAT : UPPER_ROW\nEDGE_WEIGHT_SECTION\n1 2 3 4 5 6 7\n", "line 8: EDGE_WEIGHT_SECTION"},
		{"few weights", tinyHeader + "EDGE_WEIGHT_FORMAT : UPPER_ROW\nEDGE_WEIGHT_SECTION\n1 2 3\n" + tinyTail, "EDGE_WEIGHT_SECTION: 3 weights"},
		{"missing demand", "DIMENSION : 2\nCAPACITY : 5\nEDGE_WEIGHT_TYPE : EUC_2D\nNODE_COORD_SECTION\n1 0 0\n2 1 1\n", "DEMAND_SECTION: missing"},
		{"cut after DEPOT_SECTION", "DIMENSION : 2\nCAPACITY : 5\nEDGE_WEIGHT_TYPE : EUC_2D\nNODE_COORD_SECTION\n1 0 0\n2 1 1\nDEMAND_SECTION\n1 0\n2 1\nDEPOT_SECTION\n", "DEPOT_SECTION: no depot before the end"},
		{"two depots", "DIMENSION : 3\nDEPOT_SECTION\n1\n2\n", "line 4: DEPOT_SECTION: more than one depot"},
		{"type", "TYPE : TSP\n", "line 1: TYPE"},
		{"section first", "NODE_COORD_SECTION\n", "line 1: NODE_COORD_SECTION: section before DIMENSION"},
		{"format", "DIMENSION : 3\nEDGE_WEIGHT_FORMAT : FUNCTION\n", "line 2: EDGE_WEIGHT_FORMAT"},
		{"demand over capacity", "DIMENSION : 2\nCAPACITY : 5\nEDGE_WEIGHT_TYPE : EUC_2D\nNODE_COORD_SECTION\n1 0 0\n2 1 1\nDEMAND_SECTION\n1 0\n2 6\nEOF\n", "exceeds capacity"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			f, err := Read(strings.NewReader(c.text), "bad.vrp")
			if err != nil && !strings.HasPrefix(err.Error(), "vrp: bad.vrp: ") {
				t.Errorf("error %v does not name the file", err)
			}
			if err == nil {
				_, err = f.Instance(RoundAuto)
			}
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one containing %q", err, c.want)
			}
		})
	}
}

func TestReadFiles(t *testing.T) {
	t.Parallel()
	cases := []struct {
		file             string
		n                int
		capacity, maxDur float64
		service          float64
		fleet            int
	}{
		{"A-n32-k5.vrp", 31, 100, 0, 0, 5},
		{"CMT6.vrp", 50, 160, 200, 10, 0},
		{"X-n101-k25.vrp", 100, 206, 0, 0, 0},
	}
	for _, c := range cases {
		f, err := ReadFile(filepath.Join("testdata", c.file))
		if err != nil {
			t.Fatal(err)
		}
		in, err := f.Instance(RoundAuto)
		if err != nil {
			t.Fatal(err)
		}
		if in.N != c.n || in.Capacity != c.capacity || in.MaxRouteDuration != c.maxDur || in.service(1) != c.service || f.AutoFleet() != c.fleet {
			t.Errorf("%s: N=%d Q=%g L=%g s=%g fleet=%d", c.file, in.N, in.Capacity, in.MaxRouteDuration, in.service(1), f.AutoFleet())
		}
	}
}

func FuzzRead(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*.vrp")
	for _, s := range seeds {
		b, err := os.ReadFile(s)
		if err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(tinyHeader + "EDGE_WEIGHT_FORMAT : LOWER_DIAG_ROW\nEDGE_WEIGHT_SECTION\n0\n1 0\n2 4 0\n3 5 6 0\n" + tinyTail))
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Read(strings.NewReader(string(data)), "fuzz.vrp")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "vrp: fuzz.vrp") {
				t.Fatalf("error without file name: %v", err)
			}
			return
		}
		if file.Dimension > 300 {
			return
		}
		in, err := file.Instance(RoundAuto)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("Instance: %v", err)
			}
			return
		}
		if in.N > 12 {
			return
		}
		sol, err := Solve(in, Options{Seed: 1, MaxIterations: 5, Params: &Params{Granular: 5, Mu: 4, Lambda: 4, Elite: 1, Close: 2, TargetFeasible: 0.2, IterationsNoImprovement: 100, PenaltyInterval: 10, RepairProbability: 0.5, InitialPopulation: 4}})
		if err != nil && !errors.Is(err, ErrNoFeasible) {
			t.Fatalf("Solve: %v", err)
		}
		if err == nil {
			if cerr := in.CheckSolution(sol); cerr != nil {
				t.Fatalf("solution: %v", cerr)
			}
		}
	})
}
