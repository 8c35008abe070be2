package feed

import (
	"cmp"
	"encoding/gob"
	"fmt"
	"io"
	"slices"

	"citytwin/engine"
)

// savedSensor is the exported form of one sensor's memory.
type savedSensor struct {
	Sensor, Quantity string
	Last             engine.Time
	LastValue        float64
	Same             int
	Seen             []engine.Time
	Any              bool
}

type savedChecker struct {
	Sensors  []savedSensor
	Capacity []savedCapacity
	Counts   [4]uint64
	Reasons  []uint64
}

type savedCapacity struct {
	Entity string
	Value  float64
}

// SaveState writes the Checker's memory (per-sensor history, capacities
// and counts) in a deterministic order, so that a restored replay judges
// the following observations exactly as the uninterrupted run.
func (c *Checker) SaveState(w io.Writer) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	var s savedChecker
	for k, st := range c.state {
		s.Sensors = append(s.Sensors, savedSensor{Sensor: k.sensor, Quantity: k.quantity, Last: st.last,
			LastValue: st.lastValue, Same: st.same, Seen: st.seen, Any: st.any})
	}
	slices.SortFunc(s.Sensors, func(a, b savedSensor) int {
		return cmp.Or(cmp.Compare(a.Sensor, b.Sensor), cmp.Compare(a.Quantity, b.Quantity))
	})
	for e, v := range c.Capacity {
		s.Capacity = append(s.Capacity, savedCapacity{e, v})
	}
	slices.SortFunc(s.Capacity, func(a, b savedCapacity) int { return cmp.Compare(a.Entity, b.Entity) })
	s.Counts, s.Reasons = c.counts, c.reason[:]
	if err := gob.NewEncoder(w).Encode(&s); err != nil {
		return fmt.Errorf("feed: checker state: %w", err)
	}
	return nil
}

// LoadState restores what SaveState wrote.
func (c *Checker) LoadState(r io.Reader) error {
	var s savedChecker
	if err := gob.NewDecoder(r).Decode(&s); err != nil {
		return fmt.Errorf("feed: checker state: %w", err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.state = make(map[stateKey]*sensorState, len(s.Sensors))
	for _, x := range s.Sensors {
		c.state[stateKey{x.Sensor, x.Quantity}] = &sensorState{last: x.Last, lastValue: x.LastValue, same: x.Same, seen: x.Seen, any: x.Any}
	}
	c.Capacity = make(map[string]float64, len(s.Capacity))
	for _, x := range s.Capacity {
		c.Capacity[x.Entity] = x.Value
	}
	c.counts = s.Counts
	copy(c.reason[:], s.Reasons)
	return nil
}
