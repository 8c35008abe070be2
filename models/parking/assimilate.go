package parking

import (
	"fmt"
	"math"
	"strings"

	"citytwin/engine"
	"citytwin/engine/feed"
)

var _ feed.Assimilator = (*Model)(nil)

// sensorVehicle marks a searcher that a counting sensor put in a bay: a
// car the sensor saw that the model had not simulated (resident, long
// stay, arrival from outside the district).
const sensorVehicle = -2

// FacilityByName returns the index of the facility called name (case
// folded; car parks before on-street strips), or -1.
func (m *Model) FacilityByName(name string) int {
	found := -1
	for i, f := range m.st.Facilities {
		if !strings.EqualFold(f.Name, name) {
			continue
		}
		if f.Kind == CarPark {
			return i
		}
		if found < 0 {
			found = i
		}
	}
	return found
}

// Assimilate implements feed.Assimilator for car-park counting sensors
// (o.Entity.Index is the facility index):
//
//   - QtyCapacity (spaces) sets the facility's capacity: the operator's
//     count of bays is authoritative over the OSM tag or estimate;
//   - QtyOccupancy (cars) makes the facility's occupancy equal the reading
//     at once: missing cars are parked in free bays as sensor vehicles
//     (not counted as arrivals), each leaving after a dwell drawn from the
//     purpose mix of the hour (stream "parking/assimilate"); surplus
//     simulated cars leave, highest bay first (counted as departures).
//
// Late readings (o.Quality&feed.QLate) change nothing. A reading above
// the capacity raises the capacity to it (the Checker has already
// quarantined readings beyond its tolerance). Cost O(capacity) per reading.
func (m *Model) Assimilate(s *engine.Sim, o *feed.Observation) error {
	if o.Quality&feed.QLate != 0 {
		return nil
	}
	f := int(o.Entity.Index)
	if f < 0 || f >= len(m.st.Facilities) {
		return fmt.Errorf("parking: sensor %q: %w (entity %q)", o.Sensor, ErrFacility, o.Entity.ID)
	}
	switch o.Quantity {
	case feed.QtyCapacity:
		if n := int(math.Round(o.Value)); n > 0 && n != m.st.Facilities[f].Capacity {
			return m.SetCapacity(f, n)
		}
	case feed.QtyOccupancy:
		m.setOccupancy(s, f, int(math.Round(o.Value)))
	}
	return nil
}

// setOccupancy parks or removes cars at facility f until n are parked.
func (m *Model) setOccupancy(s *engine.Sim, f, n int) {
	n = max(n, 0)
	if n > m.st.Facilities[f].Capacity {
		_ = m.SetCapacity(f, n) // f is in range
	}
	for int(m.st.Occupied[f]) < n {
		b := m.freeAnyBay(f)
		if b < 0 {
			return
		}
		m.parkSensorVehicle(s, f, b)
	}
	for b := len(m.st.Bays[f]) - 1; b >= 0 && int(m.st.Occupied[f]) > n; b-- {
		if idx := m.st.Bays[f][b]; idx != 0 {
			m.depart(s, idx-1)
		}
	}
}

// freeAnyBay is the first free bay of f within its capacity, or -1.
func (m *Model) freeAnyBay(f int) int {
	bays := m.st.Bays[f][:min(m.st.Facilities[f].Capacity, len(m.st.Bays[f]))]
	for b, v := range bays {
		if v == 0 {
			return b
		}
	}
	return -1
}

// parkSensorVehicle puts a sensor vehicle in bay b of facility f with a
// dwell drawn for the hour, and schedules its departure.
func (m *Model) parkSensorVehicle(s *engine.Sim, f, b int) {
	rng := s.Stream("parking/assimilate")
	fc := &m.st.Facilities[f]
	p := drawPurpose(rng, m.hourOf(s.Now()))
	sr := Searcher{Vehicle: sensorVehicle, Facility: int32(f), Bay: int32(b), Purpose: p,
		DestEdge: int32(fc.Edge), Dest: fc.XY, ArriveUS: int64(s.Now()), ParkedUS: int64(s.Now()), Edge: int32(fc.Edge)}
	sr.DwellS = purposeDwell[p].Draw(rng) * 3600
	idx := int32(len(m.st.Searchers))
	m.st.Searchers = append(m.st.Searchers, sr)
	m.st.Bays[f][b] = idx + 1
	m.st.Occupied[f]++
	s.At(m.id, s.Now()+engine.Seconds(max(sr.DwellS, 1)), engine.PhaseModel, kindDepart, idx, 0, 0)
}
