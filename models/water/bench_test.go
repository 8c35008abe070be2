package water

import (
	"citytwin/engine/cputime"
	"os"
	"testing"
)

// benchNets are the networks of the bench report (bench/water.md), with
// EPANET 2.3.5's CPU time per hydraulic step on this machine class, µs.
var benchNets = []struct {
	name, path string
	epanetUS   float64
}{
	{"Net1", "epanet-examples/Net1.inp", 16},
	{"Net3", "epanet-examples/Net3.inp", 70},
	{"c-town", "benchmarks/c-town.inp", 103},
	{"d-town", "benchmarks/d-town.inp", 144},
	{"L-Town", "benchmarks/L-TOWN.inp", 225},
}

// BenchmarkHydraulicStep runs each network's full extended period
// simulation (hydraulics only) and reports the time per hydraulic step
// (one Solve and one Advance), as EPANET's runH/nextH pair.
func BenchmarkHydraulicStep(b *testing.B) {
	for _, bn := range benchNets {
		b.Run(bn.name, func(b *testing.B) {
			net, err := Load(sharedDir + "/" + bn.path)
			if err != nil {
				b.Skip(err)
			}
			so := DefaultSimOptions()
			so.Quality = false
			sim, err := NewSimulator(net, so)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			steps, iters := 0, 0
			start := cputime.Process()
			for i := 0; i < b.N; i++ {
				sim.Init()
				for {
					if err := sim.Solve(); err != nil {
						b.Fatal(err)
					}
					steps++
					iters += sim.Iterations
					if sim.Advance() == 0 {
						break
					}
				}
			}
			b.ReportMetric(float64((cputime.Process()-start).Microseconds())/float64(steps), "cpu-µs/step")
			b.ReportMetric(float64(iters)/float64(steps), "iters/step")
			b.ReportMetric(float64(steps)/float64(b.N), "steps/run")
			b.ReportMetric(bn.epanetUS, "epanet-µs/step")
		})
	}
}

// BenchmarkParse reads L-Town's .inp (785 nodes, 909 links, 5631 lines).
func BenchmarkParse(b *testing.B) {
	data, err := os.ReadFile(sharedDir + "/benchmarks/L-TOWN.inp")
	if err != nil {
		b.Skip(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for i := 0; i < b.N; i++ {
		if _, err := ParseBytes(data); err != nil {
			b.Fatal(err)
		}
	}
}
