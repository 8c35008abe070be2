// Package feed is how sensor data enters the twin: one Observation type,
// the integrity checks every observation passes before it may touch state,
// a bounded queue between network goroutines and the simulation goroutine,
// an engine.Model that delivers observations at engine.PhaseFeed, and an
// append-only audit log of operator actions.
//
// Three kinds of feed produce Observations: recorded replays (package
// feed/replay: CSV and JSONL with a declarative column mapping), live MQTT
// (package feed/mqtt: paho client, embedded mochi broker) with payload
// codecs (package feed/codec: SenML, NGSI-LD, The Things Stack uplinks),
// and virtual hardware (package feed/device: simulated sensors that
// publish to a broker exactly as real ones would).
//
// Observations flow one way:
//
//	source -> Checker (plausibility, signature, dedupe) -> Queue -> Model -> owning model's Assimilate
//
// What each model does with its observations (scenarios/feeds.go routes
// them; the scenario's feeds: section maps sensors to entities):
//
//   - parking (parking.Model.Assimilate): capacity and occupancy readings
//     make the car park hold exactly the observed cars at once;
//   - traffic (traffic.Model.Assimilate): vehicle counts on an edge add the
//     vehicles the model lacks against its own count there;
//   - grid (grid.Grid.AssimilateMeter): a bus meter's kW sets the bus's
//     load scale so the next power flow sees the reading;
//   - water (water.FlowAssimilation): a flow at a link scales the
//     network's demand within bounds, or raises a leak alarm when the
//     excess is more than demand can explain; pressures are compared only.
//
// Nothing in this package reads the wall clock except the live Queue's
// latency stamps, which never reach model state.
package feed
