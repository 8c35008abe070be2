package water

import (
	"math"
	"strings"
	"testing"
)

func net1Sim(t *testing.T) (*Network, *Simulator) {
	t.Helper()
	net, err := Load("testdata/Net1.inp")
	if err != nil {
		t.Fatal(err)
	}
	sim, err := NewSimulator(net, DefaultSimOptions())
	if err != nil {
		t.Fatal(err)
	}
	sim.Init()
	return net, sim
}

// solveINP parses a network from .inp text and solves its first
// hydraulic step.
func solveINP(t *testing.T, inp string) (*Network, *Simulator) {
	t.Helper()
	net, err := Parse(strings.NewReader(inp))
	if err != nil {
		t.Fatal(err)
	}
	sim, err := NewSimulator(net, DefaultSimOptions())
	if err != nil {
		t.Fatal(err)
	}
	sim.Init()
	if err := sim.Solve(); err != nil {
		t.Fatal(err)
	}
	return net, sim
}

// TestWhatIfBurst: an emitter at a junction draws flow, lowers pressure,
// and the network still balances (reservoir + tank supply = demand + leak).
func TestWhatIfBurst(t *testing.T) {
	net, sim := net1Sim(t)
	j, _ := net.NodeIndex("22")
	if err := sim.Solve(); err != nil {
		t.Fatal(err)
	}
	p0 := sim.NodePressure(j)
	if err := sim.SetEmitter(j, 50); err != nil {
		t.Fatal(err)
	}
	if err := sim.Solve(); err != nil {
		t.Fatal(err)
	}
	leak := sim.EmitterFlow(j)
	p1 := sim.NodePressure(j)
	if leak <= 0 || p1 >= p0 {
		t.Fatalf("leak %v GPM, pressure %v -> %v psi", leak, p0, p1)
	}
	// emitter law: q = C p^0.5
	if want := 50 * math.Sqrt(p1); math.Abs(leak-want) > 1e-3*want {
		t.Errorf("leak %v GPM, emitter law gives %v", leak, want)
	}
	var supply, demand float64
	for i := range net.Nodes {
		if net.Nodes[i].Type == Junction {
			demand += sim.NodeDemand(i)
		} else {
			supply -= sim.NodeDemand(i)
		}
	}
	if math.Abs(supply-demand) > 1e-3*demand {
		t.Errorf("supply %v GPM, demand with leak %v GPM", supply, demand)
	}
}

// TestWhatIfClosureAndOutage: closing a pipe stops its flow; a pump outage
// stops the pump and its power.
func TestWhatIfClosureAndOutage(t *testing.T) {
	net, sim := net1Sim(t)
	p, _ := net.LinkIndex("9")
	if err := sim.Solve(); err != nil {
		t.Fatal(err)
	}
	if kw := sim.PumpPowerKW(p); kw <= 0 {
		t.Fatalf("pump power %v kW", kw)
	}
	k, _ := net.LinkIndex("111")
	if err := sim.SetLinkOpen(k, false); err != nil {
		t.Fatal(err)
	}
	if err := sim.SetLinkOpen(p, false); err != nil {
		t.Fatal(err)
	}
	if err := sim.Solve(); err != nil {
		t.Fatal(err)
	}
	if sim.LinkFlow(k) != 0 || sim.LinkOpen(k) || sim.PumpPowerKW(p) != 0 || sim.LinkFlow(p) != 0 {
		t.Errorf("closed pipe flow %v, pump flow %v power %v", sim.LinkFlow(k), sim.LinkFlow(p), sim.PumpPowerKW(p))
	}
	if sim.SetLinkOpen(-1, true) == nil {
		t.Error("bad link index accepted")
	}
}

// TestWhatIfDemandMultiplier: doubling demands doubles junction demands.
func TestWhatIfDemandMultiplier(t *testing.T) {
	net, sim := net1Sim(t)
	j, _ := net.NodeIndex("11")
	if err := sim.Solve(); err != nil {
		t.Fatal(err)
	}
	d0 := sim.NodeDemand(j)
	if err := sim.SetDemandMultiplier(2); err != nil {
		t.Fatal(err)
	}
	if err := sim.Solve(); err != nil {
		t.Fatal(err)
	}
	if d1 := sim.NodeDemand(j); math.Abs(d1-2*d0) > 1e-9 {
		t.Errorf("demand %v, want %v", d1, 2*d0)
	}
	if sim.SetDemandMultiplier(math.NaN()) == nil || sim.SetEmitter(-1, 1) == nil {
		t.Error("bad arguments accepted")
	}
}

// TestAdvanceTo stops exactly at a requested time between hydraulic steps.
func TestAdvanceTo(t *testing.T) {
	_, sim := net1Sim(t)
	if err := sim.AdvanceTo(5400); err != nil {
		t.Fatal(err)
	}
	if sim.Time() != 5400 {
		t.Fatalf("time %d, want 5400", sim.Time())
	}
	for !sim.Done() {
		if _, err := sim.Step(); err != nil {
			t.Fatal(err)
		}
	}
}

// TestStepAllocs: a hydraulic step allocates nothing.
func TestStepAllocs(t *testing.T) {
	_, sim := net1Sim(t)
	sim.Step()
	allocs := testing.AllocsPerRun(20, func() {
		if sim.Done() {
			sim.Init()
		}
		sim.Step()
	})
	if allocs > 0 {
		t.Errorf("%v allocations per step", allocs)
	}
}
