package feed

import (
	"fmt"
	"math"
	"slices"
	"sync"

	"citytwin/engine"
)

// Verdict is what the Checker decided about one observation.
type Verdict uint8

// Verdicts. Every observation that reaches a Checker gets exactly one, so
// received = applied + late + duplicate + quarantined, always.
const (
	Applied     Verdict = iota // new and plausible: goes to state
	Late                       // new and plausible but older than the sensor's newest: history only
	Duplicate                  // same (sensor, quantity, time) as one seen before: ignored
	Quarantined                // implausible, unsigned or badly signed: set aside, never applied
)

func (v Verdict) String() string {
	return [...]string{"applied", "late", "duplicate", "quarantined"}[v]
}

// Reason says why an observation was quarantined.
type Reason uint8

// Quarantine reasons.
const (
	ReasonNone          Reason = iota
	ReasonNaN                  // value is NaN or infinite
	ReasonRange                // outside [Min, Max] of its quantity
	ReasonRate                 // changed faster than MaxRatePerS since the sensor's last reading
	ReasonStuck                // the same value StuckN times in a row
	ReasonOverCapacity         // occupancy above the entity's capacity (times CapacityTolerance)
	ReasonSignature            // HMAC signature missing or wrong for a keyed device
	ReasonDecode               // payload could not be decoded (counted by the receiver)
	ReasonUnknownSensor        // sensor not in the registry (counted by the receiver)
	numReasons
)

var reasonNames = [...]string{"none", "nan", "range", "rate_of_change", "stuck", "over_capacity", "signature", "decode", "unknown_sensor"}

func (r Reason) String() string {
	if int(r) < len(reasonNames) {
		return reasonNames[r]
	}
	return "unknown"
}

// Limits are the plausibility rules of one quantity. Zero fields are off.
type Limits struct {
	Min, Max    float64 // inclusive range; both zero = no range check
	MaxRatePerS float64 // largest plausible |dValue/dt| per second; 0 = off
	StuckN      int     // quarantine the StuckN-th identical consecutive value; 0 = off
}

// Counts are the Checker's tallies, exported into the run manifest.
type Counts struct {
	Received    uint64            `json:"received"`
	Applied     uint64            `json:"applied"`
	Late        uint64            `json:"late"`
	Duplicate   uint64            `json:"duplicate"`
	Quarantined uint64            `json:"quarantined"`
	ByReason    map[string]uint64 `json:"quarantined_by_reason,omitempty"`
	Examples    []string          `json:"quarantined_examples,omitempty"`
}

// sensorState is what the Checker remembers of one (sensor, quantity).
type sensorState struct {
	last      engine.Time // newest applied time
	lastValue float64
	same      int           // consecutive readings equal to lastValue
	seen      []engine.Time // recent applied/late times, sorted, for duplicate detection
	any       bool
}

type stateKey struct{ sensor, quantity string }

// Checker decides, for each observation, whether it is applied, late,
// duplicate or quarantined, following Limits per quantity and capacities
// per entity. Duplicates are recognised among the last Window times of
// each (sensor, quantity). It is safe for concurrent use.
type Checker struct {
	mu sync.Mutex
	// Limits per quantity name.
	Limits map[string]Limits
	// Capacity per entity id: occupancy above Capacity*CapacityTolerance
	// is quarantined. An applied QtyCapacity observation sets it.
	Capacity          map[string]float64
	CapacityTolerance float64 // default 1
	Window            int     // duplicate-detection window per sensor; default 64

	state  map[stateKey]*sensorState
	counts [4]uint64
	reason [numReasons]uint64
	// examples are the first quarantined observations, for the report.
	examples []string
}

// DefaultLimits are plausibility ranges for the project's quantities,
// wide enough for every real feed in shared/data.
func DefaultLimits() map[string]Limits {
	return map[string]Limits{
		QtyOccupancy:    {Min: 0, Max: 1e5},
		QtyVehicleCount: {Min: 0, Max: 1e4},
		QtySpeed:        {Min: 0, Max: 250},
		QtyTravelTime:   {Min: 0, Max: 86400},
		QtyFill:         {Min: 0, Max: 150},
		QtyEnergy:       {Min: 0, Max: 1e4},
		QtyPower:        {Min: -1e5, Max: 1e5},
		QtyFlow:         {Min: -1e5, Max: 1e5},
		QtyPressure:     {Min: -50, Max: 1e4},
		QtyBattery:      {Min: 0, Max: 100},
		QtyStatus:       {Min: 0, Max: 1},
	}
}

// NewChecker returns a Checker with the given limits (nil = DefaultLimits).
func NewChecker(limits map[string]Limits) *Checker {
	if limits == nil {
		limits = DefaultLimits()
	}
	return &Checker{Limits: limits, Capacity: map[string]float64{}, state: map[stateKey]*sensorState{}}
}

// Check judges o and records the verdict in the counts. A quarantined
// observation leaves the sensor's state unchanged.
func (c *Checker) Check(o *Observation) (Verdict, Reason) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, r := c.check(o)
	c.counts[v]++
	if v == Quarantined {
		c.reason[r]++
		if len(c.examples) < 20 {
			c.examples = append(c.examples, fmt.Sprintf("%s %s %s=%g %s at %v", r, o.Sensor, o.Quantity, o.Value, o.Unit, o.Time))
		}
	}
	return v, r
}

// Reject counts an observation or payload quarantined before it reached
// Check (undecodable, bad signature, unknown sensor).
func (c *Checker) Reject(r Reason) {
	c.mu.Lock()
	c.counts[Quarantined]++
	c.reason[r]++
	c.mu.Unlock()
}

func (c *Checker) check(o *Observation) (Verdict, Reason) {
	k := stateKey{o.Sensor, o.Quantity}
	st := c.state[k]
	if st == nil {
		st = &sensorState{}
		c.state[k] = st
	}
	if st.has(o.Time) {
		return Duplicate, ReasonNone
	}
	if r := c.plausible(o, st); r != ReasonNone {
		return Quarantined, r
	}
	st.remember(o.Time, c.window())
	if st.any && o.Time < st.last {
		o.Quality |= QLate
		return Late, ReasonNone
	}
	if st.any && o.Value == st.lastValue {
		st.same++
	} else {
		st.same = 1
	}
	st.any, st.last, st.lastValue = true, o.Time, o.Value
	if o.Quantity == QtyCapacity {
		c.Capacity[o.Entity.ID] = o.Value // later occupancy is checked against it
	}
	return Applied, ReasonNone
}

func (c *Checker) window() int {
	if c.Window > 0 {
		return c.Window
	}
	return 64
}

// plausible returns the first rule o breaks, or ReasonNone.
func (c *Checker) plausible(o *Observation, st *sensorState) Reason {
	v := o.Value
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return ReasonNaN
	}
	lim, ok := c.Limits[o.Quantity]
	if ok && (lim.Min != 0 || lim.Max != 0) && (v < lim.Min || v > lim.Max) {
		return ReasonRange
	}
	if o.Quantity == QtyOccupancy {
		if cp, ok := c.Capacity[o.Entity.ID]; ok {
			tol := c.CapacityTolerance
			if tol <= 0 {
				tol = 1
			}
			if v > cp*tol {
				return ReasonOverCapacity
			}
		}
	}
	if !ok || !st.any || o.Time <= st.last {
		return ReasonNone
	}
	if lim.MaxRatePerS > 0 {
		dt := (o.Time - st.last).Seconds()
		if math.Abs(v-st.lastValue) > lim.MaxRatePerS*dt {
			return ReasonRate
		}
	}
	if lim.StuckN > 1 && v == st.lastValue && st.same+1 >= lim.StuckN {
		return ReasonStuck
	}
	return ReasonNone
}

func (st *sensorState) has(t engine.Time) bool {
	_, found := slices.BinarySearch(st.seen, t)
	return found
}

// remember adds t to the sorted window of seen times, dropping the oldest
// beyond n.
func (st *sensorState) remember(t engine.Time, n int) {
	i, _ := slices.BinarySearch(st.seen, t)
	st.seen = slices.Insert(st.seen, i, t)
	if len(st.seen) > n {
		st.seen = slices.Delete(st.seen, 0, len(st.seen)-n)
	}
}

// Counts returns a snapshot of the tallies.
func (c *Checker) Counts() Counts {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := Counts{Applied: c.counts[Applied], Late: c.counts[Late], Duplicate: c.counts[Duplicate],
		Quarantined: c.counts[Quarantined], ByReason: map[string]uint64{}}
	out.Examples = append([]string(nil), c.examples...)
	out.Received = out.Applied + out.Late + out.Duplicate + out.Quarantined
	for r := ReasonNone + 1; r < numReasons; r++ {
		if c.reason[r] > 0 {
			out.ByReason[r.String()] = c.reason[r]
		}
	}
	return out
}
