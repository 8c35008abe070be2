// Package waste is the waste-collection model of citytwin: bins that fill
// by stochastic deposits, ultrasonic fill sensors that report them with
// noise and dropouts, collection policies that pick the bins to empty each
// day, and refuse trucks that drive the picked bins on the road graph in
// routes planned as capacitated vehicle routing problems (package cvrp,
// hybrid genetic search after Vidal 2022).
//
// Bins come from the city (OSM waste baskets, recycling containers and an
// estimate of household containers per residential building, see
// BinsFromCity) or from a CSV register (ReadBins). Their fill is a compound
// Poisson process with a time-of-day profile per kind (see Process), whose
// litter-bin rates are fitted to the Edinburgh 2016 sensor data so that the
// city's own collection times, replayed on simulated bins, give the
// observed fill at emptying (see Replay and the calibration test).
//
// The policies follow the three families compared by Wouda et al. (2024),
// "A sensor-driven waste collection planning approach", and earlier
// Ramos et al. (2018): a fixed schedule (every bin every N days), a
// threshold on the sensed fill, and a forecast of when the bin overflows.
// Policies see only sensor readings; a bin without a sensor is seen only
// when a truck empties it and stays on the fixed schedule under every
// policy.
//
// When the scenario runs traffic, trucks are vehicles in it: each leg of a
// route is injected with engine.MsgInjectVehicle and the truck moves on when
// engine.MsgVehicleArrived comes back; otherwise legs take the road graph's
// free-flow times.
package waste
