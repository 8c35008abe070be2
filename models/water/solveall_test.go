package water

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// sharedWarnings are the EPANET warning codes each shared network may raise
// over its whole run (1 system unbalanced, 3 pump cannot deliver head,
// 4 valve cannot deliver, 6 negative pressures); a network not listed must
// run without a warning.
var sharedWarnings = map[string][]int{
	// Walski et al.'s under-sized design benchmark: EPANET 2.3.5's own t = 0
	// solution has negative pressures too (heads of -4e8 ft, warning 6;
	// shared/data/water/ref/README.md, bench/water.md). We warn from t = 0
	// on, every hydraulic step (1,000 warnings, the cap).
	"Anytown.inp": {6},
	// Exeter's expansion benchmark, a snapshot (duration 0): EPANET 2.3.5
	// reports negative pressures at t = 0 too (ref/README.md).
	"EXN.inp": {6},
	// Negative pressures in 29 hydraulic steps (first at 20 h), the growing
	// warning list noted in bench/water.md. EPANET's warnings over this EPS
	// are not recorded in the repository (the RESULTS.md that ref/README.md
	// names is absent), so this is our behaviour, not checked against EPANET.
	"d-town.inp": {6},
	// UNBALANCED STOP: the hydraulics do not balance at 27 h, so the run
	// stops there with warning 1 (28 of 49 report periods), as EPANET
	// stops on an unbalanced step under STOP. No EPANET run of this network
	// is recorded in the repository to confirm the hour.
	"BWSN_Network_2.inp": {1},
}

// TestSolveAllShared runs every shared network over its whole duration:
// each must finish without a panic, converged or with the EPANET warnings
// of sharedWarnings.
func TestSolveAllShared(t *testing.T) {
	if testing.Short() {
		t.Skip("long: runs every shared network")
	}
	for _, f := range sharedFiles(t) {
		if strings.Contains(f, "exnet_original") {
			continue // rejected by the reader, as by EPANET
		}
		t.Run(filepath.Base(f), func(t *testing.T) {
			net, err := Load(f)
			if err != nil {
				t.Fatal(err)
			}
			so := DefaultSimOptions()
			o := net.Options
			if o.Quality != QualNone && o.Duration/o.QualStep*int64(len(net.Nodes)) > 2e7 {
				// PacificCity asks for 1 s quality steps over 2 days on 8,724
				// nodes; its quality is left out to keep the test short.
				so.Quality = false
			}
			sim, err := NewSimulator(net, so)
			if err != nil {
				t.Fatal(err)
			}
			steps := 0
			err = sim.Run(func(int64) error { steps++; return nil })
			if err != nil {
				t.Fatal(err)
			}
			codes := map[int]int{}
			for _, w := range sim.Warnings {
				codes[w.Code]++
			}
			t.Logf("%d nodes, %d links, %d report periods, warnings %v", len(net.Nodes), len(net.Links), steps, codes)
			var got []int
			for c := range codes {
				got = append(got, c)
			}
			slices.Sort(got)
			if want := sharedWarnings[filepath.Base(f)]; !slices.Equal(got, want) {
				t.Errorf("warning codes %v, want %v", got, want)
			}
		})
	}
}
