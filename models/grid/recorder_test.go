package grid

import (
	"bytes"
	"math"
	"testing"
)

func TestRecorder(t *testing.T) {
	c := loadCase(t, "case33bw")
	g, err := NewGrid(c, NewtonRaphson, EN50160, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var r Recorder
	for step, scale := range []float64{0.5, 1} {
		g.ScaleAllLoads(scale)
		if err := g.Step(0.25); err != nil {
			t.Fatal(err)
		}
		r.Record(g, int64(step)*900)
	}
	tabs := r.Tables()
	rows := []int{2 * 33, 2 * 32, 2}
	for i, tab := range tabs {
		n, err := tab.Rows()
		if err != nil || n != rows[i] {
			t.Errorf("%s: %d rows (%v), want %d", tab.Name, n, err, rows[i])
		}
	}
	sys := tabs[2].Columns
	if sys[0].Ints[1] != 900 || math.Abs(sys[1].Floats[1]-3.715) > 1e-12 || math.Abs(sys[2].Floats[1]-0.202677) > 1e-6 || math.Abs(sys[3].Floats[1]-0.913090) > 1e-6 {
		t.Errorf("system row 2: t %d, load %g, loss %g, vmin %g", sys[0].Ints[1], sys[1].Floats[1], sys[2].Floats[1], sys[3].Floats[1])
	}
	if names := tabs[0].Name + " " + tabs[1].Name + " " + tabs[2].Name; names != "grid_bus_series grid_branch_series grid_series" {
		t.Errorf("tables %s", names)
	}
	var buf bytes.Buffer
	if err := r.SaveState(&buf); err != nil {
		t.Fatal(err)
	}
	var back Recorder
	if err := back.LoadState(&buf); err != nil || back.PeakLoadMW() != r.PeakLoadMW() || back.PeakLoadMW() < 3.7 {
		t.Errorf("recorder state round trip: peak %g vs %g (%v)", back.PeakLoadMW(), r.PeakLoadMW(), err)
	}
	br := tabs[1].Columns
	if br[1].Ints[32] != 1 || math.Abs(br[3].Floats[32]-3.91767707) > 1e-6 { // row 33: second step, branch 1
		t.Errorf("branch row 33: idx %d, pf %g", br[1].Ints[32], br[3].Floats[32])
	}
}
