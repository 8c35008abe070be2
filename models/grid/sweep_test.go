package grid

import (
	"errors"
	"math"
	"testing"
)

func TestSweepCase33bw(t *testing.T) {
	c := loadCase(t, "case33bw")
	net, err := NewNetwork(c)
	if err != nil {
		t.Fatal(err)
	}
	res, err := net.SolveSweep(Options{FlatStart: true})
	if err != nil {
		t.Fatal(err)
	}
	checkAgainstRef(t, "case33bw", res)
	p, _ := res.Losses()
	vmin, bus, _, _ := res.VoltageExtremes()
	if math.Abs(p*1000-202.68) > 0.005 || math.Abs(vmin-0.91309) > 5e-6 || bus != 18 {
		t.Errorf("losses %.3f kW, Vmin %.6f at bus %d; want 202.68 kW, 0.91309 at 18", p*1000, vmin, bus)
	}
	t.Logf("%d sweeps", res.Iterations)
}

// TestSweepAgreesWithNewton solves radial feeders both ways, including one
// with reversed branches, line charging and an off-nominal transformer.
func TestSweepAgreesWithNewton(t *testing.T) {
	c := loadCase(t, "case69")
	mod := c.Clone()
	mod.Branches[3].From, mod.Branches[3].To = mod.Branches[3].To, mod.Branches[3].From
	mod.Branches[5].B = 0.002
	mod.Branches[7].Ratio, mod.Branches[7].Angle = 0.98, 2
	mod.Branches[10].From, mod.Branches[10].To = mod.Branches[10].To, mod.Branches[10].From
	mod.Branches[10].Ratio, mod.Branches[10].Angle, mod.Branches[10].B = 1.03, -1.5, 0.001
	mod.Buses[20].Gs, mod.Buses[20].Bs = 0.05, 0.2
	for _, tc := range []struct {
		name string
		c    *Case
	}{{"case69", c}, {"modified", mod}} {
		t.Run(tc.name, func(t *testing.T) {
			net, err := NewNetwork(tc.c)
			if err != nil {
				t.Fatal(err)
			}
			nr, err := net.SolveAC(Options{})
			if err != nil {
				t.Fatal(err)
			}
			sw, err := net.SolveSweep(Options{})
			if err != nil {
				t.Fatal(err)
			}
			for i := range nr.Vm {
				if math.Abs(nr.Vm[i]-sw.Vm[i]) > 1e-7 || math.Abs(nr.Va[i]-sw.Va[i]) > 1e-5 {
					t.Errorf("bus %d: NR %.9f∠%.7f, sweep %.9f∠%.7f", tc.c.Buses[i].ID, nr.Vm[i], nr.Va[i], sw.Vm[i], sw.Va[i])
				}
			}
		})
	}
}

func TestSweepRejectsMeshed(t *testing.T) {
	c := loadCase(t, "case33bw")
	c.Branches[32].InService = true // close a tie switch
	net, err := NewNetwork(c)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := net.SolveSweep(Options{}); !errors.Is(err, ErrNotRadial) {
		t.Errorf("meshed feeder: err = %v, want ErrNotRadial", err)
	}
	net, err = NewNetwork(loadCase(t, "case9"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := net.SolveSweep(Options{}); !errors.Is(err, ErrNotRadial) {
		t.Errorf("case9: err = %v, want ErrNotRadial", err)
	}
}
