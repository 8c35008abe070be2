package water

import (
	"fmt"
	"math"
	"testing"
)

// onePipe solves a reservoir feeding 1 cfs through one 1000 ft, 12 in pipe
// with the given formula and roughness, and returns the head loss, ft.
func onePipe(t *testing.T, formula string, rough float64) float64 {
	t.Helper()
	inp := fmt.Sprintf(`[JUNCTIONS]
J 0 1
[RESERVOIRS]
R 100
[PIPES]
P R J 1000 12 %g
[OPTIONS]
Units CFS
Headloss %s
Accuracy 0.00001
`, rough, formula)
	_, sim := solveINP(t, inp)
	return sim.LinkHeadloss(0)
}

// TestHeadlossFormulas checks the three friction formulas against their
// textbook forms (EPANET 2.2 User Manual, Table 3.1).
func TestHeadlossFormulas(t *testing.T) {
	const (
		q = 1.0    // cfs
		d = 1.0    // ft
		l = 1000.0 // ft
		g = 32.2
	)
	a := math.Pi * d * d / 4
	v := q / a
	t.Run("Hazen-Williams", func(t *testing.T) {
		want := 4.727 * math.Pow(130, -1.852) * math.Pow(d, -4.871) * l * math.Pow(q, 1.852)
		if got := onePipe(t, "H-W", 130); math.Abs(got-want) > 1e-4*want {
			t.Errorf("head loss %.6f ft, want %.6f", got, want)
		}
	})
	t.Run("Darcy-Weisbach", func(t *testing.T) {
		e := 0.5e-3 // ft (0.5 millifeet)
		re := v * d / 1.1e-5
		x := math.Log10(e/(3.7*d) + 5.74/math.Pow(re, 0.9))
		f := 0.25 / (x * x) // Swamee and Jain (1976)
		want := f * l / d * v * v / (2 * g)
		if got := onePipe(t, "D-W", 0.5); math.Abs(got-want) > 1e-4*want {
			t.Errorf("head loss %.6f ft, want %.6f (Re %.0f, f %.5f)", got, want, re, f)
		}
	})
	t.Run("Chezy-Manning", func(t *testing.T) {
		n := 0.012
		s := math.Pow(n*v/(1.49*math.Pow(d/4, 2.0/3.0)), 2)
		want := s * l
		if got := onePipe(t, "C-M", n); math.Abs(got-want) > 2e-3*want {
			t.Errorf("head loss %.6f ft, want %.6f", got, want)
		}
	})
}

// TestEmitterLowFlow: below the gradient RQtol an emitter's head loss is
// linear with gradient RQtol/Qexp (EPANET 2.2/2.3 emitterheadloss), above
// it the power law h = ke q^Qexp with gradient Qexp ke q^(Qexp-1).
func TestEmitterLowFlow(t *testing.T) {
	_, sim := solveINP(t, `[JUNCTIONS]
J 0 0
[RESERVOIRS]
R 100
[PIPES]
P R J 1000 12 100
[EMITTERS]
J 10
[OPTIONS]
Units CFS
`)
	ke, qexp, rqtol := sim.ke[0], sim.qexp, sim.rqtol
	cases := []struct {
		name         string
		q            float64 // cfs
		hgrad, hloss float64
	}{
		{"stagnant", 1e-30, rqtol / qexp, rqtol / qexp * 1e-30},
		{"negative stagnant", -1e-30, rqtol / qexp, -rqtol / qexp * 1e-30},
		{"flowing", 0.5, qexp * ke * math.Pow(0.5, qexp-1), ke * math.Pow(0.5, qexp)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sim.emitterFlow[0] = c.q
			hloss, hgrad := sim.emitterHeadloss(0)
			if math.Abs(hgrad-c.hgrad) > 1e-12*c.hgrad || math.Abs(hloss-c.hloss) > 1e-12*math.Abs(c.hloss) {
				t.Errorf("q=%g: hloss %g hgrad %g, want %g %g", c.q, hloss, hgrad, c.hloss, c.hgrad)
			}
		})
	}
}
