package grid

import (
	"bytes"
	"math"
	"testing"

	"citytwin/engine/record"
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
	if err := back.LoadState(&buf); err != nil {
		t.Fatalf("recorder state round trip: %v", err)
	}
	if back.PeakLoadMW() != r.PeakLoadMW() || back.PeakLoadMW() < 3.7 {
		t.Errorf("recorder state round trip: peak %g vs %g", back.PeakLoadMW(), r.PeakLoadMW())
	}
	sameTables(t, back.Tables(), tabs)
	br := tabs[1].Columns
	if br[1].Ints[32] != 1 || math.Abs(br[3].Floats[32]-3.91767707) > 1e-6 { // row 33: second step, branch 1
		t.Errorf("branch row 33: idx %d, pf %g", br[1].Ints[32], br[3].Floats[32])
	}
}

// sameTables fails t unless got and want hold the same tables, columns
// (name, unit, type) and every cell, in order.
func sameTables(t *testing.T, got, want []*record.Table) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d tables, want %d", len(got), len(want))
	}
	for i, w := range want {
		g := got[i]
		if g.Name != w.Name || len(g.Columns) != len(w.Columns) {
			t.Errorf("table %d: %s with %d columns, want %s with %d", i, g.Name, len(g.Columns), w.Name, len(w.Columns))
			continue
		}
		for j, wc := range w.Columns {
			gc := g.Columns[j]
			if gc.Name != wc.Name || gc.Unit != wc.Unit || gc.Type != wc.Type || gc.Len() != wc.Len() {
				t.Errorf("%s column %d: %s [%s] type %d, %d rows; want %s [%s] type %d, %d rows",
					w.Name, j, gc.Name, gc.Unit, gc.Type, gc.Len(), wc.Name, wc.Unit, wc.Type, wc.Len())
				continue
			}
			if wc.Type != record.Int64 && wc.Type != record.Float64 {
				t.Errorf("%s.%s: column type %d not compared", w.Name, wc.Name, wc.Type)
				continue
			}
			for row := 0; row < wc.Len(); row++ {
				if gv, wv := cell(gc, row), cell(wc, row); gv != wv {
					t.Errorf("%s.%s row %d: %v, want %v", w.Name, wc.Name, row, gv, wv)
					break
				}
			}
		}
	}
}

// cell is one value of an Int64 or Float64 column (the only types the
// recorder writes), comparable with ==.
func cell(c *record.Column, row int) any {
	if c.Type == record.Int64 {
		return c.Ints[row]
	}
	return c.Floats[row]
}
