package feed

import (
	"citytwin/engine"
)

// Entity names the twin entity an observation belongs to: the model that
// owns it (its engine name, e.g. "parking") and the entity's id inside
// that model (e.g. a garage code). Index is the model's own dense index
// for the entity when the mapping resolved it, else -1.
type Entity struct {
	Model string
	ID    string
	Index int32
}

// Quality is a set of flags on an observation. Zero means a plain,
// unchecked reading that passed nothing and failed nothing.
type Quality uint32

// Quality flags. The Q*Fail flags are set by the Checker on quarantined
// observations; the others describe provenance.
const (
	QAbsoluteTime Quality = 1 << iota // UnixMicro holds the absolute UTC time
	QEstimated                        // value derived, not measured (e.g. session energy spread over time)
	QSigned                           // payload carried a valid HMAC signature
	QCleaned                          // a cleaning rule of the mapping changed the value (e.g. clipped)
	QLate                             // older than the newest applied reading of its sensor
	QLowBattery                       // the device reported a low battery
)

// Observation is one reading of one quantity by one sensor. It is a plain
// value: strings in it are interned by the decoder (see Interner), so
// copying or queueing an Observation allocates nothing.
type Observation struct {
	Sensor    string      // sensor or device id as the source names it
	Entity    Entity      // twin entity the reading belongs to
	Quantity  string      // what is measured: one of the Q* quantity names
	Unit      string      // unit of Value (SenML / UCUM style: "m3/h", "%", "kW", "count")
	Value     float64     // the reading in Unit
	Time      engine.Time // observation time relative to the scenario start
	UnixMicro int64       // absolute observation time, µs since 1970 UTC, when QAbsoluteTime is set
	Quality   Quality
	Received  int64 // wall-clock ns when the live path received it (latency stamps only; 0 in replays)
}

// Quantity names used across the project. Sources may use others; the
// Checker's limits are keyed by these names.
const (
	QtyOccupancy    = "occupancy"     // parked vehicles, count
	QtyCapacity     = "capacity"      // spaces, count
	QtyVehicleCount = "vehicle_count" // vehicles in the interval, count
	QtySpeed        = "speed"         // mean speed, km/h
	QtyTravelTime   = "travel_time"   // mean travel time, s
	QtyFill         = "fill"          // bin fill level, %
	QtyEnergy       = "energy"        // energy delivered, kWh
	QtyPower        = "power"         // active power, kW
	QtyFlow         = "flow"          // volume flow, m3/h
	QtyPressure     = "pressure"      // pressure, m (head) or kPa as Unit says
	QtyBattery      = "battery"       // device battery, %
	QtyIntensity    = "intensity"     // vehicles per hour, veh/h
	QtyStatus       = "status"        // free (0) / occupied (1) of a single bay
)

// Key identifies a reading for idempotence: the same sensor, quantity and
// observation time is the same reading, however often it arrives.
type Key struct {
	Sensor   string
	Quantity string
	Time     engine.Time
}

// Key returns o's idempotence key.
func (o *Observation) Key() Key { return Key{Sensor: o.Sensor, Quantity: o.Quantity, Time: o.Time} }

// Interner returns one shared copy of each distinct string, so decoders
// produce observations whose strings do not each hold their own bytes.
// It is not safe for concurrent use.
type Interner struct{ m map[string]string }

// Intern returns the canonical copy of b as a string. Looking up an
// existing string does not allocate.
func (in *Interner) Intern(b []byte) string {
	if s, ok := in.m[string(b)]; ok {
		return s
	}
	if in.m == nil {
		in.m = map[string]string{}
	}
	s := string(b)
	in.m[s] = s
	return s
}

// String is Intern for a string.
func (in *Interner) String(s string) string {
	if c, ok := in.m[s]; ok {
		return c
	}
	if in.m == nil {
		in.m = map[string]string{}
	}
	in.m[s] = s
	return s
}

// Epoch converts between absolute UTC (µs since 1970) and scenario time.
type Epoch int64

// Time is the scenario time of an absolute time in µs since 1970 UTC.
func (e Epoch) Time(unixMicro int64) engine.Time { return engine.Time(unixMicro - int64(e)) }

// Unix is the absolute time in µs since 1970 UTC of scenario time t.
func (e Epoch) Unix(t engine.Time) int64 { return int64(e) + int64(t) }

// Registry maps sensor ids to the twin entities they observe (from the
// scenario). A Registry is read-only once built and then safe for
// concurrent use.
type Registry map[string]Entity

// Resolve sets o.Entity from the registry and reports whether the sensor
// is known.
func (r Registry) Resolve(o *Observation) bool {
	e, ok := r[o.Sensor]
	if ok {
		o.Entity = e
	}
	return ok
}
