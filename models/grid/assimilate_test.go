package grid

import (
	"math"
	"testing"
)

// TestAssimilateMeter: on case33bw (bus 25 carries 420 kW) with an 11 kW
// charger, a meter reading of 600 kW makes the bus load 600 kW, and the
// power flow then agrees with a direct solve of the case with that load;
// readings below the extra load or far above the profile are bounded.
func TestAssimilateMeter(t *testing.T) {
	c := loadCase(t, "case33bw")
	g, err := NewGrid(c, NewtonRaphson, EN50160, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := g.SetExtraLoad(25, 0.011, 0); err != nil {
		t.Fatal(err)
	}
	mod, scale, err := g.AssimilateMeter(25, 600)
	if err != nil || math.Abs(mod-431) > 1e-9 || math.Abs(scale-(0.6-0.011)/0.42) > 1e-12 {
		t.Fatalf("AssimilateMeter = %v kW, scale %v, %v; want 431 kW before, scale %v", mod, scale, err, (0.6-0.011)/0.42)
	}
	if got, _ := g.BusLoadMW(25); math.Abs(got-0.6) > 1e-12 {
		t.Errorf("bus load %v MW after the reading, want 0.6", got)
	}
	if err := g.Step(1); err != nil {
		t.Fatal(err)
	}
	ref := c.Clone()
	ref.Buses[24].Pd = 0.6
	ref.Buses[24].Qd *= (0.6 - 0.011) / 0.42
	res, err := SolveAC(ref, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range res.Vm {
		if math.Abs(res.Vm[i]-g.Vm[i]) > 1e-8 {
			t.Errorf("bus %d: %.9f, direct solve %.9f", i+1, g.Vm[i], res.Vm[i])
		}
	}
	for _, c := range []struct{ kW, scale float64 }{{5, 0}, {1e5, MaxMeterScale}} {
		if _, s, _ := g.AssimilateMeter(25, c.kW); s != c.scale {
			t.Errorf("reading %v kW: scale %v, want %v", c.kW, s, c.scale)
		}
	}
	if _, _, err := g.AssimilateMeter(99, 1); err == nil || g.HasBus(99) || !g.HasBus(25) {
		t.Error("bus 99 accepted")
	}
	if _, _, err := g.AssimilateMeter(25, math.NaN()); err == nil {
		t.Error("NaN accepted")
	}
}
