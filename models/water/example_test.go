package water_test

import (
	"fmt"

	"citytwin/models/water"
)

// Run EPANET's example network 1 for a day and print the level of its tank
// at noon and the pump's power then.
func ExampleSimulator_Run() {
	net, err := water.Load("testdata/Net1.inp")
	if err != nil {
		fmt.Println(err)
		return
	}
	sim, err := water.NewSimulator(net, water.DefaultSimOptions())
	if err != nil {
		fmt.Println(err)
		return
	}
	tank, _ := net.NodeIndex("2")
	pump, _ := net.LinkIndex("9")
	err = sim.Run(func(t int64) error {
		if t == 12*3600 {
			fmt.Printf("t=%dh tank head %.2f ft, pump %.1f kW\n", t/3600, sim.NodeHead(tank), sim.PumpPowerKW(pump))
		}
		return nil
	})
	if err != nil {
		fmt.Println(err)
	}
	// Output:
	// t=12h tank head 988.57 ft, pump 96.7 kW
}
