package water

import (
	"errors"
	"math"
	"testing"
)

func TestFlowToM3H(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		v    float64
		unit string
		want float64
	}{
		{10, "m3/h", 10}, {1, "L/s", 3.6}, {1, "m3/s", 3600}, {100, "L/min", 6}, {448.831, "gpm", 101.94},
	} {
		got, err := FlowToM3H(c.v, c.unit)
		if err != nil || math.Abs(got-c.want) > 1e-9 {
			t.Errorf("FlowToM3H(%v, %q) = %v, %v; want %v", c.v, c.unit, got, err, c.want)
		}
	}
	if _, err := FlowToM3H(1, "furlongs"); !errors.Is(err, ErrUnit) {
		t.Errorf("unknown unit: %v", err)
	}
}

// TestFlowAssimilation: on Net1 at its first solve, a reading 10 % above
// the model's flow in its busiest pipe scales demand by 1.1 (and the next
// solve draws 10 % more at every junction); a reading three times the
// model's is a leak alarm that leaves demand alone; a reading 30 % below
// moves the multiplier by at most the step bound.
func TestFlowAssimilation(t *testing.T) {
	t.Parallel()
	net, err := Load("testdata/Net1.inp")
	if err != nil {
		t.Fatal(err)
	}
	s, _ := NewSimulator(net, DefaultSimOptions())
	s.Init()
	if err := s.Solve(); err != nil {
		t.Fatal(err)
	}
	k := -1
	for j := range net.Links {
		if net.PumpOf(j) < 0 && (k < 0 || math.Abs(s.LinkFlowM3H(j)) > math.Abs(s.LinkFlowM3H(k))) {
			k = j
		}
	}
	mod := s.LinkFlowM3H(k)
	if mod < 50 {
		t.Fatalf("busiest pipe %s carries %v m3/h", net.Links[k].ID, mod)
	}
	node := 0
	for node < net.NJuncs && s.NodeDemand(node) <= 0 {
		node++
	}
	demand0 := s.NodeDemand(node)
	if demand0 <= 0 {
		t.Fatal("no junction with demand")
	}
	fa := DefaultFlowAssimilation()
	out, err := fa.Apply(s, k, 1.1*mod)
	if err != nil || out.Alarm || math.Abs(out.Multiplier-1.1) > 1e-12 || math.Abs(out.ExcessM3H-0.1*mod) > 1e-9 {
		t.Fatalf("+10 %%: %+v, %v", out, err)
	}
	if err := s.Solve(); err != nil {
		t.Fatal(err)
	}
	if got := s.NodeDemand(node); math.Abs(got-1.1*demand0) > 1e-9*demand0 {
		t.Errorf("junction demand %v after the reading, want 1.1 x %v", got, demand0)
	}
	mod = s.LinkFlowM3H(k)
	out, _ = fa.Apply(s, k, 3*mod)
	if !out.Alarm || s.DemandMultiplier() != 1.1 {
		t.Errorf("x3: %+v, multiplier %v: want an alarm and no change", out, s.DemandMultiplier())
	}
	out, _ = fa.Apply(s, k, 0.7*mod)
	if out.Alarm || math.Abs(out.Multiplier-1.1/1.25) > 1e-12 {
		t.Errorf("-30 %%: %+v, want the multiplier 1.1/1.25", out)
	}
	if _, err := fa.Apply(s, len(net.Links), 1); err == nil {
		t.Error("no error for a link out of range")
	}
}
