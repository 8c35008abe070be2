// Package device simulates sensor hardware attached to twin entities:
// induction loops, parking bay sensors, ultrasonic bin sensors, smart
// meters and pressure loggers, with measurement noise, drift, a sampling
// interval, dropouts and a draining battery. A Fleet renders their
// readings as the payloads real devices send (SenML or NGSI-LD) for a
// publisher, so the live path runs end to end without hardware. Every draw
// comes from the seeded generator passed in: the same seed gives the same
// messages.
package device

import (
	"math"
	"math/rand/v2"

	"citytwin/engine"
	"citytwin/engine/feed"
	"citytwin/engine/feed/codec"
)

// Kind is a type of device.
type Kind string

// Device kinds.
const (
	InductionLoop  Kind = "induction_loop"  // vehicles per interval
	ParkingBay     Kind = "parking_bay"     // bay free (0) / occupied (1)
	BinUltrasonic  Kind = "bin_ultrasonic"  // fill level, %
	SmartMeter     Kind = "smart_meter"     // active power, kW
	PressureLogger Kind = "pressure_logger" // pressure head, m
)

// Spec configures one device.
type Spec struct {
	ID       string
	Kind     Kind
	Entity   feed.Entity
	Interval engine.Time // sampling interval
	Noise    float64     // standard deviation of the measurement noise, in the quantity's unit
	DriftDay float64     // sensor drift per day, in the unit (added to every reading)
	Dropout  float64     // probability that a reading is lost (radio), 0..1
	Battery  float64     // initial battery, %; 0 means 100
	DrainPct float64     // battery used per message, %; the device stops at 0
	Format   string      // "senml" (default) or "ngsi-ld"
	Base     float64     // level of the true signal (veh per interval, kW, m, fill %/day...)
	// Truth, if set, gives the true value at t (e.g. from the twin's
	// state); otherwise a daily profile around Base is used.
	Truth func(t engine.Time) float64
}

// Device is one simulated sensor.
type Device struct {
	Spec
	rng     *rand.Rand
	next    engine.Time
	battery float64
	state   float64 // bay occupancy or bin fill between readings
	Sent    int     // messages produced
	Lost    int     // readings lost to dropout
}

// New returns a device drawing from rng, first reading at first.
func New(spec Spec, rng *rand.Rand, first engine.Time) *Device {
	if spec.Interval <= 0 {
		spec.Interval = engine.Minute
	}
	b := spec.Battery
	if b == 0 {
		b = 100
	}
	return &Device{Spec: spec, rng: rng, next: first, battery: b}
}

// Quantity is what the device reports and its unit.
func (d *Device) Quantity() (string, string) {
	switch d.Kind {
	case InductionLoop:
		return feed.QtyVehicleCount, "count"
	case ParkingBay:
		return feed.QtyStatus, "1"
	case BinUltrasonic:
		return feed.QtyFill, "%"
	case SmartMeter:
		return feed.QtyPower, "kW"
	default:
		return feed.QtyPressure, "m"
	}
}

// daily is a smooth day profile, 0.5..1.5, peaking at 13:00.
func daily(t engine.Time) float64 {
	h := math.Mod(t.Seconds()/3600, 24)
	return 1 + 0.5*math.Cos(2*math.Pi*(h-13)/24)
}

// truth is the true value at t.
func (d *Device) truth(t engine.Time) float64 {
	if d.Truth != nil {
		return d.Truth(t)
	}
	dt := d.Interval.Seconds()
	switch d.Kind {
	case InductionLoop:
		return math.Round(d.Base * daily(t) * (1 + 0.2*d.rng.NormFloat64()))
	case ParkingBay:
		if d.rng.Float64() < 0.1*daily(t)*dt/600 {
			d.state = 1 - d.state
		}
		return d.state
	case BinUltrasonic:
		d.state += d.Base * dt / 86400 * daily(t)
		if d.state >= 100 {
			d.state = 0 // emptied
		}
		return d.state
	case SmartMeter:
		return d.Base * daily(t)
	default:
		return d.Base - 5*(daily(t)-1)
	}
}

// Reading advances the device to its next sampling time and returns the
// measured value; ok is false when the reading is lost or the battery is
// empty. Discrete quantities (counts, status) are not given noise.
func (d *Device) Reading() (t engine.Time, v float64, ok bool) {
	t = d.next
	d.next += d.Interval
	v = d.truth(t)
	if d.Kind != ParkingBay && d.Kind != InductionLoop {
		v += d.Noise*d.rng.NormFloat64() + d.DriftDay*t.Seconds()/86400
		if d.Kind == BinUltrasonic {
			v = max(v, 0) // the distance sensor cannot see below the bin's floor
		}
	}
	if d.battery <= 0 {
		return t, v, false
	}
	if d.Dropout > 0 && d.rng.Float64() < d.Dropout {
		d.Lost++
		return t, v, false
	}
	d.battery -= d.DrainPct
	d.Sent++
	return t, v, true
}

// Next is the time of the next reading.
func (d *Device) Next() engine.Time { return d.next }

// Battery is the remaining battery, %.
func (d *Device) Battery() float64 { return max(d.battery, 0) }

// Topic is where the device publishes: city/<id>/<format>.
func (d *Device) Topic() string {
	f := d.Format
	if f == "" {
		f = "senml"
	}
	return "city/" + d.ID + "/" + f
}

// Payload appends the message for value v observed at unixMicro.
func (d *Device) Payload(b []byte, unixMicro int64, v float64) []byte {
	qty, unit := d.Quantity()
	if d.Format != "ngsi-ld" {
		return codec.AppendSenML(b, d.ID+":", unixMicro, codec.SenMLRecord{Name: qty, Unit: unit, Value: v},
			codec.SenMLRecord{Name: feed.QtyBattery, Unit: "%EL", Value: math.Round(d.Battery()*10) / 10})
	}
	switch d.Kind {
	case ParkingBay:
		s := "free"
		if v >= 0.5 {
			s = "occupied"
		}
		return codec.AppendNGSILD(b, d.ID, "ParkingSpot", unixMicro, codec.NGSIAttr{Name: "status", Text: s})
	case BinUltrasonic:
		return codec.AppendNGSILD(b, d.ID, "WasteContainer", unixMicro, codec.NGSIAttr{Name: "fillingLevel", Value: v / 100})
	case InductionLoop:
		return codec.AppendNGSILD(b, d.ID, "TrafficFlowObserved", unixMicro, codec.NGSIAttr{Name: "intensity", Value: v})
	}
	return codec.AppendNGSILD(b, d.ID, "Device", unixMicro, codec.NGSIAttr{Name: "value", Value: v},
		codec.NGSIAttr{Name: "batteryLevel", Value: d.Battery() / 100})
}
