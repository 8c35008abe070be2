package water

import (
	"math"
	"strings"
	"testing"
)

// pumpNet: reservoir (0 ft) -> pump -> J -> pipe -> reservoir (head 100 ft).
func pumpNet(t *testing.T, pumpLine, curves string) (*Network, *Simulator) {
	t.Helper()
	inp := `[JUNCTIONS]
J 0 0
[RESERVOIRS]
S 0
T 100
[PUMPS]
` + pumpLine + `
[PIPES]
P J T 1000 12 100
[CURVES]
` + curves + `
[OPTIONS]
Units GPM
Accuracy 0.00001
`
	net, sim := solveINP(t, inp)
	return net, sim
}

// TestPumpCurves: the head gain at the solved flow lies on the pump curve
// (1-point and 3-point power functions, multi-point piecewise linear, speed
// scaling by the affinity laws) or equals power/flow for a power pump.
func TestPumpCurves(t *testing.T) {
	oneP := func(q float64) float64 { // EPANET's 1-point curve: h = 4/3 H1 (1 - (q/2Q1)^2)
		h0 := 1.33334 * 150
		c := math.Log((h0-0)/(h0-150)) / math.Log(2)
		return h0 - (h0-150)*math.Pow(q/1000, c)
	}
	cases := []struct {
		name, pump, curves string
		gain               func(q float64) float64
	}{
		{"1-point", "PU S J HEAD c", "c 1000 150", oneP},
		{"3-point", "PU S J HEAD c", "c 0 200\nc 1000 150\nc 2000 50", func(q float64) float64 {
			c := math.Log(150.0/50) / math.Log(2)
			return 200 - 50*math.Pow(q/1000, c)
		}},
		{"multi-point", "PU S J HEAD c", "c 0 200\nc 500 190\nc 1000 160\nc 1500 120\nc 2500 0", func(q float64) float64 {
			return interp([]float64{0, 500, 1000, 1500, 2500}, []float64{200, 190, 160, 120, 0}, q)
		}},
		{"speed 0.8", "PU S J HEAD c SPEED 0.8", "c 0 200\nc 1000 150\nc 2000 50", func(q float64) float64 {
			c := math.Log(150.0/50) / math.Log(2)
			s := 0.8
			return s*s*200 - 50*math.Pow(s, 2-c)*math.Pow(q/1000, c)
		}},
		{"power 50 hp", "PU S J POWER 50", "", func(q float64) float64 {
			return 8.814 * 50 / (q / gpmPerCFS)
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, sim := pumpNet(t, c.pump, c.curves)
			q := sim.LinkFlow(0)
			gain := -sim.LinkHeadloss(0)
			if want := c.gain(q); q <= 0 || math.Abs(gain-want) > 1e-3*want {
				t.Errorf("flow %.3f GPM: head gain %.4f ft, curve gives %.4f", q, gain, want)
			}
			// power = γ Q H / η with the global efficiency of 75 %
			if kw, want := sim.PumpPowerKW(0), q/gpmPerCFS*gain/8.814/0.75*kwPerHP; math.Abs(kw-want) > 1e-9*want {
				t.Errorf("power %.4f kW, want %.4f", kw, want)
			}
		})
	}
}

// TestPowerPumpCoeffs: a constant-power pump's linearization (EPANET
// 2.2/2.3 pumpcoeff): gain 8.814 P/q with gradient 8.814 P/q²; a gradient
// above CBIG (flow near 0) makes it a closed link, one below CSMALL (flow
// beyond any real pump) an open valve, both with Y = q.
func TestPowerPumpCoeffs(t *testing.T) {
	_, sim := pumpNet(t, "PU S J POWER 50", "")
	r := 8.814 * 50 // ft·cfs
	cases := []struct {
		name string
		q    float64 // cfs
		p, y float64
	}{
		{"working", 2, 4 / r, -2},
		{"stagnant", 1e-9, 1 / cBig, 1e-9},
		{"no flow", 0, 1 / cBig, 0},
		{"beyond the curve", 1e5, 1 / cSmall, 1e5},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sim.flow[0] = c.q
			sim.pumpCoeff(0)
			if math.Abs(sim.p[0]-c.p) > 1e-12*c.p || math.Abs(sim.y[0]-c.y) > 1e-12*math.Abs(c.y) {
				t.Errorf("q=%g cfs: P %g Y %g, want %g %g", c.q, sim.p[0], sim.y[0], c.p, c.y)
			}
		})
	}
}

// TestTankVolumeCurve: a tank with a volume curve fills by the curve.
func TestTankVolumeCurve(t *testing.T) {
	inp := `[JUNCTIONS]
J 0 0
[RESERVOIRS]
R 100
[TANKS]
T 0 5 0 20 0 0 vc
[PIPES]
P R J 100 12 100
P2 J T 1000 3 100
[CURVES]
vc 0 0
vc 10 1000
vc 20 5000
[TIMES]
Duration 0:10
Hydraulic Timestep 0:10
[OPTIONS]
Units GPM
`
	net, err := Parse(strings.NewReader(inp))
	if err != nil {
		t.Fatal(err)
	}
	sim, err := NewSimulator(net, DefaultSimOptions())
	if err != nil {
		t.Fatal(err)
	}
	tk, _ := net.NodeIndex("T")
	ti := net.Nodes[tk].Tank
	sim.Init()
	if v := sim.tankV[ti]; math.Abs(v-500) > 1e-9 {
		t.Fatalf("initial volume %v ft³, want 500 (level 5 on the curve)", v)
	}
	if err := sim.Solve(); err != nil {
		t.Fatal(err)
	}
	inflow := sim.NodeDemand(tk) / gpmPerCFS
	sim.Advance()
	v := 500 + inflow*600
	lvl := v / 100 // on the first segment of the curve
	if v > 1000 {
		lvl = 10 + (v-1000)/400
	}
	if got := sim.NodeHead(tk); math.Abs(got-lvl) > 1e-6 {
		t.Errorf("level after 10 min %.6f ft, want %.6f (volume %.1f ft³)", got, lvl, v)
	}
}
