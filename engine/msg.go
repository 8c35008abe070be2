package engine

// Message kinds shared between models. A model that sends one of these
// and a model that handles it agree on the meaning of Target, Arg and Val
// given here. Kinds a model uses only for itself start at 1000 + 100*k in
// its own package.
const (
	// MsgVehicleArrived: a vehicle reached its destination. Target is the
	// vehicle, Arg the destination edge, Val the trip's travel time in s.
	MsgVehicleArrived Kind = 1 + iota
	// MsgVehicleDeparted: a parked vehicle leaves. Target is the vehicle,
	// Arg the origin edge.
	MsgVehicleDeparted
	// MsgInjectVehicle: put a vehicle on the road. Target is the sender's
	// own vehicle id, Arg packs origin edge<<32 | destination edge.
	MsgInjectVehicle
	// MsgChargerPower: an EV charger's draw changed. Target is the
	// charger, Arg the road node (city.NodeID) it stands at, or -1 when
	// Target is the index of the charger in the city's Chargers; Val the
	// power in kW. The grid connects it to the nearest secondary substation.
	MsgChargerPower
	// MsgPumpPower: a water pump's draw changed. Target is the pump, Arg
	// the road node it stands at, Val its power in kW.
	MsgPumpPower
	// MsgBinLevel: a bin's fill level crossed a threshold or was observed.
	// Target is the bin, Val the fill fraction 0..1.
	MsgBinLevel
	// MsgLoad: an electrical load at a place changed. Target is the
	// sender's load id, Arg the road node it stands at, Val the power in kW.
	MsgLoad
)
