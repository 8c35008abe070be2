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
