package grid

import (
	"math"
	"testing"
)

func TestDCAgainstMatpower(t *testing.T) {
	for _, name := range refCases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			res, err := SolveDC(loadCase(t, name))
			if err != nil {
				t.Fatal(err)
			}
			bus := readRef(t, name+"_dc_bus.csv")
			for i := range bus.rows {
				if d := math.Abs(res.Va[i] - bus.get(i, "Va_deg")); d > 1e-6 {
					t.Errorf("bus %d: Va %.9f, ref %.9f", res.Case.Buses[i].ID, res.Va[i], bus.get(i, "Va_deg"))
				}
			}
			br := readRef(t, name+"_dc_branch.csv")
			for k := range br.rows {
				if d := math.Abs(res.Pf[k] - br.get(k, "Pf_MW")); d > 1e-4 {
					t.Errorf("branch %d: Pf %.8f, ref %.8f", k+1, res.Pf[k], br.get(k, "Pf_MW"))
				}
			}
		})
	}
}

// TestPhaseShifterACvsDC checks the sign conventions of phase shifters in
// both formulations: on a lossless case9 with a 10° shifter, AC and DC
// flows agree to a few MW, and a positive shift (a delay at the from end,
// MATPOWER's convention) lowers the from-to flow by tens of MW.
func TestPhaseShifterACvsDC(t *testing.T) {
	c := loadCase(t, "case9")
	for k := range c.Branches {
		c.Branches[k].R, c.Branches[k].B = 0, 0
	}
	base, err := SolveDC(c)
	if err != nil {
		t.Fatal(err)
	}
	c.Branches[2].Angle = 10 // branch 5-6
	dc, err := SolveDC(c)
	if err != nil {
		t.Fatal(err)
	}
	ac, err := SolveAC(c, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if d := dc.Pf[2] - base.Pf[2]; d > -20 {
		t.Errorf("shifter changed the DC flow on 5-6 by %.2f MW, want a large decrease", d)
	}
	for k := range c.Branches {
		if math.Abs(ac.Pf[k]-dc.Pf[k]) > 5 {
			t.Errorf("branch %d: AC %.2f MW, DC %.2f MW", k+1, ac.Pf[k], dc.Pf[k])
		}
	}
}
