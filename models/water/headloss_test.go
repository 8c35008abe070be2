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
