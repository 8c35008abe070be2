package grid

import (
	"os"
	"path/filepath"
	"testing"
)

// TestAllCasesConverge solves every MATPOWER case in testdata and, when
// present, in the shared data folder, from the case voltages and from a
// flat start. The shared cases run in -short too (case2383wp and
// ACTIVSg2000 take about 1.3 s together); only their absence (a checkout
// without ../shared, as in CI) leaves them out.
func TestAllCasesConverge(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.m")
	shared, _ := filepath.Glob(filepath.Join(sharedCaseDir, "*.m"))
	if len(shared) == 0 {
		t.Log("shared MATPOWER cases not present; testing the copies only")
	}
	for _, f := range shared {
		if _, err := os.Stat(filepath.Join("testdata", filepath.Base(f))); err != nil {
			files = append(files, f)
		}
	}
	for _, f := range files {
		for _, flat := range []bool{false, true} {
			t.Run(filepath.Base(f), func(t *testing.T) {
				c, err := ReadCaseFile(f)
				if err != nil {
					t.Fatal(err)
				}
				res, err := SolveAC(c, Options{FlatStart: flat})
				if err != nil {
					t.Fatal(err)
				}
				if !res.Converged {
					t.Fatalf("flat=%v: not converged after %d iterations", flat, res.Iterations)
				}
				p, q := res.Losses()
				vmin, bmin, vmax, bmax := res.VoltageExtremes()
				t.Logf("flat=%v: %d iterations, losses %.4f MW %.4f MVAr, Vmin %.5f at %d, Vmax %.5f at %d",
					flat, res.Iterations, p, q, vmin, bmin, vmax, bmax)
			})
		}
	}
}
