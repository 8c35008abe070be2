package grid

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
)

func TestNewtonNonConvergence(t *testing.T) {
	c := loadCase(t, "case9")
	for i := range c.Buses {
		c.Buses[i].Pd *= 8
		c.Buses[i].Qd *= 8
	}
	res, err := SolveAC(c, Options{})
	if !errors.Is(err, ErrNotConverged) {
		t.Fatalf("err = %v, want ErrNotConverged", err)
	}
	if !strings.Contains(err.Error(), "worst mismatch") || !strings.Contains(err.Error(), "at bus") {
		t.Errorf("error %q does not name the worst mismatch and bus", err)
	}
	if res == nil || res.Converged {
		t.Errorf("result %v: want the last iterate, not converged", res)
	}
}

// TestQLimits checks the invariants of enforced reactive limits: every
// generator ends within its limits, and the power flow still balances.
func TestQLimits(t *testing.T) {
	for _, name := range []string{"case14", "case30", "case118"} {
		t.Run(name, func(t *testing.T) {
			c := loadCase(t, name)
			free, err := SolveAC(c, Options{})
			if err != nil {
				t.Fatal(err)
			}
			res, err := SolveAC(c, Options{EnforceQLimits: true})
			if err != nil {
				t.Fatal(err)
			}
			violated := 0
			for k, g := range c.Gens {
				if !g.InService {
					continue
				}
				if free.Qg[k] > g.Qmax+1e-6 || free.Qg[k] < g.Qmin-1e-6 {
					violated++
				}
				if res.Qg[k] > g.Qmax+1e-6 || res.Qg[k] < g.Qmin-1e-6 {
					t.Errorf("gen %d at bus %d: Qg %.4f outside [%g, %g]", k+1, g.Bus, res.Qg[k], g.Qmin, g.Qmax)
				}
			}
			// Generation = load + losses (+ shunts) in active power.
			pg, pd, gs := 0.0, 0.0, 0.0
			for k := range c.Gens {
				pg += res.Pg[k]
			}
			for i, b := range c.Buses {
				pd += b.Pd
				gs += b.Gs * res.Vm[i] * res.Vm[i]
			}
			loss, _ := res.Losses()
			if math.Abs(pg-pd-gs-loss) > 1e-6 {
				t.Errorf("P balance: gen %.6f, load %.6f + shunt %.6f + loss %.6f", pg, pd, gs, loss)
			}
			t.Logf("%d generators violated their limits without enforcement", violated)
		})
	}
}

// ExampleSolveAC solves Baran and Wu's 33-bus feeder.
func ExampleSolveAC() {
	c, err := ReadCaseFile("testdata/case33bw.m")
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := SolveAC(c, Options{FlatStart: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	p, _ := res.Losses()
	vmin, bus, _, _ := res.VoltageExtremes()
	fmt.Printf("%d iterations, losses %.2f kW, Vmin %.5f pu at bus %d\n", res.Iterations, p*1000, vmin, bus)
	// Output: 3 iterations, losses 202.68 kW, Vmin 0.91309 pu at bus 18
}
