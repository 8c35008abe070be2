// Package water is an EPANET-compatible water distribution network model:
// an .inp reader, the Global Gradient Algorithm hydraulic solver (Todini and
// Pilati 1988) with EPANET 2.2's convergence and status rules, extended
// period simulation, and water quality (age, chemical, source trace) by the
// Lagrangian segment method.
//
// The model follows L. Rossman et al., "EPANET 2.2 User Manual"
// (EPA/600/R-20/133, 2020) and the algorithms it describes. It was written
// from the manual and the published algorithms; results are checked against
// EPANET 2.3.5's own output (../shared/data/water/ref): heads within 0.01,
// flows within 0.1 %, identical link status, quality within 1 %.
//
// # Units
//
// Internal values use EPANET's internal units: feet, cubic feet per second,
// seconds (concentrations as mass per ft³, as EPANET). The reader converts
// from the network's own units, and every getter of Simulator converts
// back, so reported numbers are in the units EPANET reports them in (GPM,
// psi, ft for a GPM network; LPS, m, m for an LPS one; see Units).
//
// # Use
//
//	net, err := water.Load("Net1.inp")         // *InputError naming file, line and section
//	sim, err := water.NewSimulator(net, water.DefaultSimOptions())
//	sim.Init()                                  // time 0: initial levels, status, flows
//	for !sim.Done() {
//		err := sim.Solve()                      // hydraulics (and controls) at sim.Time()
//		... read sim.NodePressure(i), sim.LinkFlow(k), sim.PumpPowerKW(k) ...
//		sim.Advance()                           // next event time; tanks and quality move on
//	}
//
// A coupled run drives it with AdvanceTo(t), which stops exactly at t, and
// applies what-if changes between steps: SetDemandMultiplier, SetEmitter (a
// burst or leak at a junction), SetLinkOpen (a closure, a pump outage).
// State lives in plain arrays indexed like Network.Nodes and Network.Links;
// a step allocates nothing. A Simulator is not safe for concurrent use; a
// Network may be shared by several simulators.
package water
