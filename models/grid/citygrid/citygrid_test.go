package citygrid

import (
	"testing"

	"citytwin/models/city"
	"citytwin/models/grid"
)

func load(t *testing.T, name string) *city.City {
	t.Helper()
	c, err := city.Load("../../../scenarios/data/osm/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestSynthesizedGridsHoldVoltageAtPeak: the synthesized grid of each
// shipped city is radial, serves every building, and at its design peak
// load converges with every voltage inside EN 50160's ±10 % band, by
// Newton-Raphson and by the backward/forward sweep alike.
func TestSynthesizedGridsHoldVoltageAtPeak(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"copenhagen_osterbro.osm.pbf", "kongens_lyngby.osm.xml.gz", "copenhagen_osterbro_trianglen_1km2.osm"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c := load(t, name)
			res, err := Synthesize(c, Params{})
			if err != nil {
				t.Fatal(err)
			}
			cs := res.Case
			if len(cs.Branches) != len(cs.Buses)-1 {
				t.Fatalf("%d buses, %d branches: not a tree", len(cs.Buses), len(cs.Branches))
			}
			served := 0
			for _, n := range res.BuildingsServed {
				served += n
			}
			withFloor := 0
			for _, b := range c.Buildings {
				if b.FloorAreaM2 > 0 {
					withFloor++
				}
			}
			if served != withFloor {
				t.Fatalf("served %d of %d buildings", served, withFloor)
			}
			for _, m := range []grid.Method{grid.NewtonRaphson, grid.BackwardForwardSweep} {
				g, err := grid.NewGrid(cs, m, grid.EN50160, grid.Options{})
				if err != nil {
					t.Fatal(err)
				}
				if err := g.Step(1); err != nil {
					t.Fatalf("method %d: %v", m, err)
				}
				lo, hi := 2.0, 0.0
				for _, v := range g.Vm {
					lo, hi = min(lo, v), max(hi, v)
				}
				if g.KPI.PeakLoading > 1 {
					t.Errorf("method %d: a branch is loaded to %.2f of its rating at the design peak", m, g.KPI.PeakLoading)
				}
				if lo < 0.9 || hi > 1.1 {
					t.Errorf("method %d: voltages %.4f..%.4f pu outside ±10 %%", m, lo, hi)
				}
				t.Logf("%s method %d: %d buses, %d secondaries, %d primaries (synthetic %v), %.1f km cable, load %.2f MW, V %.4f..%.4f, peak loading %.2f",
					name, m, len(cs.Buses), res.Secondaries, res.Primaries, res.SyntheticPrimary, res.CableKm, g.LoadMW, lo, hi, g.KPI.PeakLoading)
			}
		})
	}
}
