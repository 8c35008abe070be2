// Package traffic is the microscopic road traffic model of citytwin:
// vehicles drive on the lanes of the city's directed road edges, follow
// each other with the Intelligent Driver Model, change lanes with MOBIL,
// yield at junctions by road class, stop at fixed-time or actuated traffic
// signals and queue back across junctions when the next road is full.
//
// The model is time-stepped. Traffic.Step(dt) advances every vehicle by
// one step and can be called on its own (tests, the standalone CLI); the
// engine adapter (Model) calls it from a periodic tick in PhaseModel.
//
// # Models and parameters
//
// Car following: the Intelligent Driver Model (IDM), M. Treiber,
// A. Hennecke, D. Helbing, "Congested traffic states in empirical
// observations and microscopic simulations", Phys. Rev. E 62, 1805 (2000).
// Defaults: desired speed v0 = the edge speed limit times a per-vehicle
// speed factor (normal, mean 1, sd 0.1, clipped to [0.8, 1.2], as SUMO's
// default speedFactor), time headway T = 1.2 s, minimum gap s0 = 2 m,
// maximum acceleration a = 1.5 m/s², comfortable deceleration b = 2 m/s²,
// exponent δ = 4, vehicle length 5 m.
//
// Lane changing: MOBIL, A. Kesting, M. Treiber, D. Helbing, "General
// lane-changing model MOBIL for car-following models", Transportation
// Research Record 1999 (2007) 86-94, with politeness p = 0.2, threshold
// Δa_th = 0.1 m/s², safe deceleration b_safe = 4 m/s², plus a mandatory
// change towards the lanes that lead into the vehicle's next turn.
//
// Junctions: an unsignalised junction gives way by road class (motorway
// highest, service road lowest). Between equal classes it follows the
// choice netconvert makes for SUMO: where every approach is slower than
// 49 km/h the junction is right-before-left (as the Danish rule for
// unmarked junctions); otherwise the straightest pair of approaches of the
// highest class is the main road and the others give way. A yielding
// vehicle stops at the stop line unless every conflicting vehicle that
// approaches faster than 1 m/s reaches the junction at least the critical
// gap (3 s) after it, or passes at least 1 s before it. Turning speed is
// limited as in SUMO's netconvert (junctions.limit-turn-speed, lateral
// acceleration 5.5 m/s² on the turn radius). Junction nodes and signals
// joined by edges of at most 25 m form one intersection (netconvert's
// --junctions.join and --tls.join do the same), with one signal
// controller and no stop inside it. Vehicles do not block each other
// inside a junction (no internal lanes): conflicts are resolved at the
// stop line only.
//
// Signals: a fixed-time plan per signalised node, default cycle 90 s split
// equally among the approach groups (edges entering from roughly opposite
// directions share a group), 3 s amber and 2 s all-red after each green;
// the actuated option extends a green in 1 s steps while a vehicle is
// within 30 m of the stop line on a green approach (min green 5 s, max
// green 45 s, after Webster/HCM actuated control practice).
//
// Signals drawn by OSM on a node with fewer than three legs move to the
// junction within 30 m; farther ones (pedestrian crossings) are dropped,
// as pedestrians are not modelled.
//
// Gridlock: a vehicle that has stood still (v < 0.1 m/s) for the teleport
// time (300 s, SUMO's time-to-teleport) at the head of its lane is moved
// forward along its route to the next edge with room and counted as
// teleported; no vehicle is ever removed without being counted.
//
// # Demand, outputs, coupling
//
// Trips come from a CSV file (ReadTrips: id,depart_s,from_lon,from_lat,
// to_lon,to_lat, snapped to the nearest edges with SnapTrips), from
// RandomTrips (uniform over road length, seeded) or from the city's
// buildings (BuildingDemand, homes to workplaces with an hourly profile).
// Routes come from the city's router at departure; Config.RerouteS
// re-routes running vehicles on current travel times. What-ifs (Schedule):
// close an edge or a lane for a time, change a speed limit or a signal
// plan; ScaleDemand scales a trip list.
//
// Outputs are record tables: trips (TripsTable), per-edge time series
// (EdgesTable), induction loops (AddLoop, LoopsTable) and vehicle
// positions (PositionsTable); Summarize gives the KPIs, with CO2 from an
// average-speed curve (CO2GramsPerKm). In the engine, Model hands arriving
// vehicles to the parking model (engine.MsgVehicleArrived) and takes
// vehicles injected by other models (engine.MsgInjectVehicle).
//
// Determinism: the model's only random draws (the speed factors) come
// from the seed given to New, and the work it spreads over the cores
// gives what one core would: routes (Config.ParallelRoutes) are computed
// in batches, the next one in the background while the step goes on, and
// put together in departure order; lane changes and junction arrival
// times, which touch the lanes of one edge at a time, run over chunks of
// whole edges (parallel.go). Car following and movement stay sequential.
// So the same seed gives byte-identical tables whatever GOMAXPROCS.
package traffic
