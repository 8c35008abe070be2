package water

import (
	"math"
	"testing"
)

// valveNet: reservoir R (head 200 ft) -> pipe -> A -> valve -> B -> pipe ->
// C (demand 1500 GPM), which a second reservoir R2 (head 150 ft) also feeds.
// A PRV/FCV/PSV/PBV/TCV must hold its setting.
func valveNet(t *testing.T, valve string) (*Network, *Simulator) {
	t.Helper()
	inp := `[JUNCTIONS]
A 0 0
B 0 0
C 0 1500
[RESERVOIRS]
R 200
R2 150
[PIPES]
P1 R A 1000 12 100
P2 B C 1000 12 100
P3 R2 C 5000 12 100
[VALVES]
` + valve + `
[OPTIONS]
Units GPM
`
	net, sim := solveINP(t, inp)
	return net, sim
}

func TestValvesHoldSettings(t *testing.T) {
	cases := []struct {
		name, line string
		check      func(net *Network, s *Simulator) (got, want float64)
	}{
		{"PRV downstream pressure", "V A B 12 PRV 55", func(net *Network, s *Simulator) (float64, float64) {
			b, _ := net.NodeIndex("B")
			return s.NodePressure(b), 55
		}},
		{"PSV upstream pressure", "V A B 12 PSV 80", func(net *Network, s *Simulator) (float64, float64) {
			a, _ := net.NodeIndex("A")
			return s.NodePressure(a), 80
		}},
		{"FCV flow", "V A B 12 FCV 300", func(net *Network, s *Simulator) (float64, float64) {
			return s.LinkFlow(3), 300
		}},
		{"PBV pressure drop", "V A B 12 PBV 20", func(net *Network, s *Simulator) (float64, float64) {
			return s.LinkHeadloss(3) * psiPerFt, 20
		}},
		{"TCV loss coefficient", "V A B 12 TCV 10", func(net *Network, s *Simulator) (float64, float64) {
			q := s.LinkFlow(3) / gpmPerCFS
			return s.LinkHeadloss(3), 0.02517 * 10 * q * q // d = 1 ft
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			net, sim := valveNet(t, c.line)
			got, want := c.check(net, sim)
			if math.Abs(got-want) > 1e-3*math.Max(1, want) {
				t.Errorf("got %.5f, want %.5f (valve status %d)", got, want, sim.LinkStatus(3))
			}
		})
	}
}

// TestValveLowFlow: an open valve with a minor loss coefficient km has head
// loss km q|q| with gradient 2 km |q|; below the gradient RQtol it is linear
// with gradient RQtol/2 (EPANET 2.2/2.3 valvecoeff).
func TestValveLowFlow(t *testing.T) {
	net, sim := valveNet(t, "V A B 12 TCV 10")
	k, _ := net.LinkIndex("V")
	const km = 3.0
	rqtol := sim.rqtol
	cases := []struct {
		name string
		q    float64 // cfs
		p, y float64 // 1/hgrad and hloss/hgrad
	}{
		{"stagnant", 1e-12, 2 / rqtol, 1e-12},
		{"negative stagnant", -1e-12, 2 / rqtol, -1e-12},
		{"flowing", 2, 1 / (2 * km * 2), 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sim.flow[k] = c.q
			sim.valveCoeff(k, km)
			if math.Abs(sim.p[k]-c.p) > 1e-12*c.p || math.Abs(sim.y[k]-c.y) > 1e-12*math.Abs(c.y) {
				t.Errorf("q=%g: p %g y %g, want %g %g", c.q, sim.p[k], sim.y[k], c.p, c.y)
			}
		})
	}
}

// TestPSVFeedsDeadEnd: a junction supplied only through a PSV whose
// upstream pressure (87 psi) exceeds its setting (50 psi). The valve must
// end fully open with the demand delivered and no warning. While the PSV
// is active its downstream row keeps a 1/CBIG coupling (EPANET's psvcoeff,
// "preserve connectivity"); without it that row was empty, the pivot
// failed and the valve was forced to XPRESSURE with warning 4.
func TestPSVFeedsDeadEnd(t *testing.T) {
	net, sim := solveINP(t, `[JUNCTIONS]
A 0 0
B 0 100
[RESERVOIRS]
R 200
[PIPES]
P1 R A 1000 12 100
[VALVES]
V A B 12 PSV 50
[OPTIONS]
Units GPM
`)
	k, _ := net.LinkIndex("V")
	if st := sim.LinkStatus(k); st != Open {
		t.Errorf("PSV status %v, want open (%v)", st, Open)
	}
	if len(sim.Warnings) > 0 {
		t.Errorf("warnings %v, want none", sim.Warnings)
	}
	if q := sim.LinkFlow(k); math.Abs(q-100) > 0.01 {
		t.Errorf("PSV flow %.4f GPM, want the 100 GPM demand of B", q)
	}
}

// gpvNet: valveNet with a GPV whose head-loss curve has the given points.
func gpvNet(t *testing.T, curve string) (*Network, *Simulator) {
	t.Helper()
	return valveNet(t, "V A B 12 GPV c\n[CURVES]\n"+curve)
}

// TestGPVFollowsCurve: a GPV's head loss at the solved flow lies on its
// head-loss curve, a rising one and a flat one.
func TestGPVFollowsCurve(t *testing.T) {
	cases := []struct {
		name, curve string
		loss        func(q float64) float64 // ft for GPM
	}{
		{"rising", "c 0 0\nc 1000 5\nc 2000 20", func(q float64) float64 {
			return interp([]float64{0, 1000, 2000}, []float64{0, 5, 20}, q)
		}},
		{"flat", "c 0 5\nc 3000 5", func(float64) float64 { return 5 }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			net, sim := gpvNet(t, c.curve)
			k, _ := net.LinkIndex("V")
			q, hl := sim.LinkFlow(k), sim.LinkHeadloss(k)
			if q <= 0 {
				t.Fatalf("GPV flow %.4f GPM, want positive (R feeds C)", q)
			}
			if want := c.loss(q); math.Abs(hl-want) > 1e-3 {
				t.Errorf("head loss %.5f ft at %.2f GPM, curve gives %.5f", hl, q, want)
			}
		})
	}
}

// TestGPVFlatSegment: on a flat segment of the curve (slope 0) the slope of
// the linearization is EPANET's TINY, 1e-6: P = 1e6, Y = h0/1e-6 + |q|.
func TestGPVFlatSegment(t *testing.T) {
	net, sim := gpvNet(t, "c 0 5\nc 3000 5")
	k, _ := net.LinkIndex("V")
	for _, q := range []float64{0.5, -0.5, 1e-9} { // cfs
		sim.flow[k] = q
		sim.gpvCoeff(k)
		aq := math.Max(math.Abs(q), 1e-6)
		y := math.Copysign(5/1e-6+aq, q)
		if sim.p[k] != 1e6 || math.Abs(sim.y[k]-y) > 1e-9*math.Abs(y) {
			t.Errorf("q=%g cfs: P %g Y %g, want 1e6 %g", q, sim.p[k], sim.y[k], y)
		}
	}
}
