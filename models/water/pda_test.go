package water

import (
	"math"
	"testing"
)

// TestPressureDrivenDemand: with a required pressure above what the
// network delivers, each junction's delivered demand follows Wagner's
// relation d = D ((p - Pmin)/(Preq - Pmin))^Pexp (EPANET 2.2 manual, 3.1).
func TestPressureDrivenDemand(t *testing.T) {
	const inp = `[JUNCTIONS]
J1 0 100
J2 0 100
[RESERVOIRS]
R 60
[PIPES]
P1 R J1 1000 6 100
P2 J1 J2 1000 6 100
[OPTIONS]
Units GPM
Demand Model PDA
Minimum Pressure 0
Required Pressure 40
Pressure Exponent 0.5
`
	net, sim := solveINP(t, inp)
	for _, id := range []string{"J1", "J2"} {
		j, _ := net.NodeIndex(id)
		p, d := sim.NodePressure(j), sim.NodeDemand(j)
		want := 100 * math.Sqrt(math.Max(0, math.Min(1, p/40)))
		if math.Abs(d-want) > 0.5 || d >= 100 {
			t.Errorf("%s: pressure %.3f psi, demand %.3f GPM, Wagner gives %.3f", id, p, d, want)
		}
	}
}
