package grid

import (
	"math"
	"os"
	"strings"
	"testing"
	"time"
)

func readTestProfile(t testing.TB) *Profile {
	t.Helper()
	f, err := os.Open("testdata/profiles/load_profile_1.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p, err := ReadColumnProfile(f, "load_profile_1.txt", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestReadColumnProfile(t *testing.T) {
	p := readTestProfile(t)
	if len(p.Values) != 1440 {
		t.Fatalf("%d values, want 1440", len(p.Values))
	}
	energy := 0.0
	for _, v := range p.Values {
		energy += v / 60
	}
	// SOURCES.md: min 0.036 kW, peak 2.77 kW, 10.2 kWh/day.
	if math.Abs(p.Max()-2.77) > 0.01 || math.Abs(energy-10.2) > 0.05 {
		t.Errorf("peak %.3f kW, energy %.2f kWh", p.Max(), energy)
	}
	q := p.Resample(15*time.Minute, 96*2)
	if len(q.Values) != 192 || q.Values[0] != q.Values[96] {
		t.Errorf("resampled profile does not repeat daily")
	}
	mean := 0.0
	for _, v := range q.Values[:96] {
		mean += v / 4
	}
	if math.Abs(mean-energy) > 1e-9 {
		t.Errorf("15-min energy %.6f kWh, 1-min %.6f", mean, energy)
	}
	if _, err := ReadColumnProfile(strings.NewReader("1\n2\nx\n"), "bad.txt", time.Minute); err == nil {
		t.Error("bad value accepted")
	}
}

func TestBDEWYear(t *testing.T) {
	f, err := os.Open("testdata/profiles/selp_series.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b, err := ReadBDEW(f, "selp_series.csv")
	if err != nil {
		t.Fatal(err)
	}
	p, err := b.Year("g0", 2023)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Values) != 365*96 {
		t.Fatalf("%d values", len(p.Values))
	}
	// 2023-01-01 is a Sunday in winter: G0 winter weekday 7 first value.
	if p.Values[0] != b.days[1][bdewWinter][6][0] {
		t.Errorf("1 Jan 00:00 = %g", p.Values[0])
	}
	// demandlib's table is normalised to 1,000 kWh a year: quarter-hour
	// powers in kW.
	sum := 0.0
	for _, v := range p.Values {
		sum += v / 4
	}
	if math.Abs(sum-1000) > 30 {
		t.Errorf("g0 2023: %.1f kWh a year, want about 1000", sum)
	}
	h0, err := b.Year("h0", 2024)
	if err != nil {
		t.Fatal(err)
	}
	if len(h0.Values) != 366*96 {
		t.Errorf("leap year: %d values", len(h0.Values))
	}
	if _, err := b.Year("x9", 2023); err == nil {
		t.Error("unknown profile accepted")
	}
}

// TestGridTimeSeries runs one day of case33bw with a household profile and
// checks the step results against independent power flows.
func TestGridTimeSeries(t *testing.T) {
	c := loadCase(t, "case33bw")
	prof := readTestProfile(t).Resample(15*time.Minute, 96)
	peak := prof.Max()
	for _, m := range []Method{NewtonRaphson, BackwardForwardSweep} {
		g, err := NewGrid(c, m, EN50160, Options{})
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range prof.Values {
			g.ScaleAllLoads(1.3 * v / peak) // 30 % load growth pushes the feeder end below 0.9 pu
			if err := g.Step(0.25); err != nil {
				t.Fatalf("step %d: %v", k, err)
			}
		}
		// The peak step alone equals the plain power flow of the case.
		g.ScaleAllLoads(1)
		if err := g.Step(0); err != nil {
			t.Fatal(err)
		}
		if math.Abs(g.LossMW-0.202677) > 1e-6 || math.Abs(g.Vm[17]-0.913090) > 1e-6 {
			t.Errorf("method %d: peak losses %.6f MW, V18 %.6f", m, g.LossMW, g.Vm[17])
		}
		k := g.KPI
		if k.Steps != 97 || k.Failed != 0 || math.Abs(k.Hours-24) > 1e-12 || k.VminPU > 0.9 {
			t.Errorf("KPIs %+v", k)
		}
		served := 0.0
		for _, v := range prof.Values {
			served += 3.715 * 1.3 * v / peak * 0.25
		}
		if math.Abs(k.ServedMWh-served) > 1e-9 {
			t.Errorf("served %.6f MWh, want %.6f", k.ServedMWh, served)
		}
		if k.VminBus != 18 || k.ViolationHours <= 0 || k.VoltageHours[17] <= 0 || k.VoltageHours[0] != 0 {
			t.Errorf("violations: Vmin bus %d, %.2f h, bus 18 %.2f h", k.VminBus, k.ViolationHours, k.VoltageHours[17])
		}
	}
}

func TestGridOutageAndExtraLoad(t *testing.T) {
	c := loadCase(t, "case33bw")
	g, err := NewGrid(c, NewtonRaphson, EN50160, Options{})
	if err != nil {
		t.Fatal(err)
	}
	// Open branch 18-33's neighbour 32-33 (row 32) and close tie 18-33 (row 36):
	// bus 33 is then fed from bus 18.
	if err := g.SetBranchInService(31, false); err != nil {
		t.Fatal(err)
	}
	if err := g.SetBranchInService(35, true); err != nil {
		t.Fatal(err)
	}
	if err := g.SetExtraLoad(25, 0.011, 0); err != nil { // an 11 kW charger at bus 25
		t.Fatal(err)
	}
	if err := g.Step(1); err != nil {
		t.Fatal(err)
	}
	mod := c.Clone()
	mod.Branches[31].InService, mod.Branches[35].InService = false, true
	mod.Buses[24].Pd += 0.011
	ref, err := SolveAC(mod, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range ref.Vm {
		if math.Abs(ref.Vm[i]-g.Vm[i]) > 1e-8 {
			t.Errorf("bus %d: %.9f, direct solve %.9f", i+1, g.Vm[i], ref.Vm[i])
		}
	}
	if err := g.SetExtraLoad(99, 1, 0); err == nil {
		t.Error("unknown bus accepted")
	}
	if err := g.SetBranchInService(37, true); err == nil {
		t.Error("branch 38 accepted")
	}
}

// TestGridLoadingViolations rates the first branch of case9 below its flow.
func TestGridLoadingViolations(t *testing.T) {
	c := loadCase(t, "case9")
	c.Branches[0].RateA = 50 // flow is about 76 MVA
	c.Branches[3].Ratio = 1.02
	c.Branches[3].RateA = 60 // a transformer carrying about 86 MVA
	g, err := NewGrid(c, NewtonRaphson, EN50160, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := g.Step(2); err != nil {
		t.Fatal(err)
	}
	k := g.KPI
	if k.PeakLoadingBranch != 1 || k.PeakLoading < 1.5 || k.PeakLoading > 1.6 || k.OverloadHours[0] != 2 || k.ViolationHours != 2 {
		t.Errorf("peak loading %.3f on branch %d, overload %.1f h, violation %.1f h", k.PeakLoading, k.PeakLoadingBranch, k.OverloadHours[0], k.ViolationHours)
	}
	if k.LineOverloadHours != 2 || k.TrafoOverloadHours != 2 || k.OverloadHours[3] != 2 || k.OverloadHours[1] != 0 {
		t.Errorf("line %.1f h, transformer %.1f h, branch 4 %.1f h", k.LineOverloadHours, k.TrafoOverloadHours, k.OverloadHours[3])
	}
}
