package synth_test

import (
	"fmt"

	"citytwin/models/city"
	"citytwin/models/water"
	"citytwin/models/water/synth"
)

// Synthesize a network for a town with no water facilities tagged and
// write it as EPANET .inp.
func ExampleSynthesize() {
	c, err := city.Load("testdata/no_facilities.osm")
	if err != nil {
		fmt.Println(err)
		return
	}
	r, err := synth.Synthesize(c, synth.DefaultParams())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d junctions, %d links, %d pump; source %v\n", r.Net.NJuncs, len(r.Net.Links), len(r.Net.Pumps), r.Source.Kind)
	fmt.Printf("peak %.2f l/s at %02d h, pressure %.0f..%.0f m\n", r.PeakDemandLps, r.PeakHour, r.MinPressureM, r.MaxPressureM)
	// r.INP is the EPANET file (os.WriteFile it); r.Net the same network,
	// ready to simulate.
	sim, err := water.NewSimulator(r.Net, water.DefaultSimOptions())
	if err != nil {
		fmt.Println(err)
		return
	}
	sim.Init()
	if err := sim.Solve(); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("at midnight: junction %s at %.1f m\n", r.Net.Nodes[0].ID, sim.NodePressure(0))
	// Output:
	// 25 junctions, 41 links, 1 pump; source synthetic
	// peak 1.83 l/s at 07 h, pressure 42..42 m
	// at midnight: junction J1 at 54.9 m
}
