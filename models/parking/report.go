package parking

import (
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/paulmach/orb"

	"citytwin/engine"
	"citytwin/engine/record"
)

// ErrFacility is returned by what-if and sensor methods for a facility
// index out of range.
var ErrFacility = errors.New("parking: no such facility")

var (
	_ engine.Model    = (*Model)(nil)
	_ engine.Reporter = (*Model)(nil)
	_ engine.Stater   = (*Model)(nil)
)

// Facilities returns the facilities (read-only view).
func (m *Model) Facilities() []Facility { return m.st.Facilities }

// Stats returns the running totals.
func (m *Model) Stats() Stats { return m.st.Stats }

// Occupancy is what a facility's counting sensor reports: occupied bays
// and capacity.
func (m *Model) Occupancy(f int) (occupied, capacity int, err error) {
	if f < 0 || f >= len(m.st.Facilities) {
		return 0, 0, ErrFacility
	}
	return int(m.st.Occupied[f]), m.st.Facilities[f].Capacity, nil
}

// BayStatus appends to dst, per bay of facility f, whether it is
// occupied (as in-ground bay sensors report).
func (m *Model) BayStatus(f int, dst []bool) ([]bool, error) {
	if f < 0 || f >= len(m.st.Facilities) {
		return dst, ErrFacility
	}
	for _, v := range m.st.Bays[f] {
		dst = append(dst, v != 0)
	}
	return dst, nil
}

// SetCapacity sets facility f's bays to n (adding or removing bays; a
// removed bay that is occupied keeps its car until it leaves, then is
// gone).
func (m *Model) SetCapacity(f, n int) error {
	if f < 0 || f >= len(m.st.Facilities) || n < 0 {
		return ErrFacility
	}
	for len(m.st.Bays[f]) < n {
		m.st.Bays[f] = append(m.st.Bays[f], 0)
	}
	m.st.Facilities[f].Capacity = n
	m.st.Facilities[f].Chargers = min(m.st.Facilities[f].Chargers, n)
	return nil
}

// Close closes (or reopens) facility f: no new car parks there.
func (m *Model) Close(f int, closed bool) error {
	if f < 0 || f >= len(m.st.Facilities) {
		return ErrFacility
	}
	m.st.Facilities[f].Closed = closed
	return nil
}

// SetGuidance changes the guidance policy from now on.
func (m *Model) SetGuidance(g Guidance) { m.cfg.Guidance = g }

// AddChargers turns n more bays of facility f into charging bays of kw.
func (m *Model) AddChargers(f, n int, kw float64) error {
	if f < 0 || f >= len(m.st.Facilities) || n < 0 || !(kw > 0) {
		return ErrFacility
	}
	fc := &m.st.Facilities[f]
	fc.Chargers = min(fc.Chargers+n, fc.Capacity)
	fc.ChargerKW = kw
	return nil
}

// SetPrice sets facility f's price per hour.
func (m *Model) SetPrice(f int, perH float64) error {
	if f < 0 || f >= len(m.st.Facilities) || perH < 0 {
		return ErrFacility
	}
	m.st.Facilities[f].PricePerH = perH
	return nil
}

// KPIs of the run.
func (m *Model) KPIs() []engine.KPI {
	st := m.st.Stats
	per := func(v float64, n int64) float64 {
		if n == 0 {
			return 0
		}
		return v / float64(n)
	}
	hist := slices.Clone(st.SearchHist)
	slices.Sort(hist)
	p95 := 0.0
	if len(hist) > 0 {
		p95 = hist[min(len(hist)-1, int(0.95*float64(len(hist))))]
	}
	ended := st.Parked + st.TurnedAway
	return []engine.KPI{
		{Name: "arrivals", Value: float64(st.Arrivals)},
		{Name: "parked", Value: float64(st.Parked)},
		{Name: "turned_away", Value: float64(st.TurnedAway)},
		{Name: "occupancy_mean", Unit: "1", Value: per(st.OccSum, st.OccSamples)},
		{Name: "occupancy_peak", Unit: "1", Value: st.OccPeak},
		{Name: "search_time_mean", Unit: "s", Value: per(st.SearchS, st.Parked)},
		{Name: "search_time_p95", Unit: "s", Value: p95},
		{Name: "cruising_distance_mean", Unit: "m", Value: per(st.CruiseM, st.Parked)},
		{Name: "cruising_distance_total", Unit: "km", Value: st.CruiseM / 1000},
		{Name: "share_parked_elsewhere", Unit: "1", Value: per(float64(st.Elsewhere), ended)},
		{Name: "walking_distance_mean", Unit: "m", Value: per(st.WalkM, st.Parked)},
		{Name: "charging_sessions", Value: float64(st.Sessions)},
		{Name: "charging_energy", Unit: "kWh", Value: st.ChargedKWh + m.chargingInProgressKWh()},
	}
}

// chargingInProgressKWh is nothing: energy is booked when charging ends;
// sessions still running at the end are not counted (documented).
func (m *Model) chargingInProgressKWh() float64 { return 0 }

// Tables: the facilities (with geometry), the occupancy series and, when
// kept, the parking events.
func (m *Model) Tables() []*record.Table {
	fac := record.NewTable("parking_facilities")
	n := len(m.st.Facilities)
	ids, caps, chargers := make([]int64, n), make([]int64, n), make([]int64, n)
	kinds, names := make([]string, n), make([]string, n)
	kw, price := make([]float64, n), make([]float64, n)
	tagged, closed := make([]bool, n), make([]bool, n)
	geoms := make([]orb.Geometry, n)
	for i, f := range m.st.Facilities {
		ids[i], caps[i], chargers[i] = int64(i), int64(f.Capacity), int64(f.Chargers)
		kinds[i], names[i], kw[i], price[i] = f.Kind.String(), f.Name, f.ChargerKW, f.PricePerH
		tagged[i], closed[i], geoms[i] = f.Tagged, f.Closed, f.LonLat
	}
	fac.Int("facility", "", ids)
	fac.Str("kind", kinds)
	fac.Str("name", names)
	fac.Int("capacity", "spaces", caps)
	fac.BoolCol("capacity_tagged", tagged)
	fac.Int("chargers", "", chargers)
	fac.Float("charger_power", "kW", kw)
	fac.Float("price", "per h", price)
	fac.BoolCol("closed", closed)
	fac.Geom("geometry", geoms)

	ser := m.st.Series
	occ := record.NewTable("parking_occupancy")
	occ.Int("time_s", "s", ser.TimeS)
	occ.Int("facility", "", widen(ser.Facility))
	occ.Int("occupied", "spaces", widen(ser.Occupied))
	occ.Int("charging_power", "kW", widen(ser.Charging))
	out := []*record.Table{fac, occ}
	if m.cfg.EventsTable {
		e := m.st.Events
		ev := record.NewTable("parking_events")
		ev.Float("time_s", "s", e.TimeS)
		ev.Int("vehicle", "", widen(e.Vehicle))
		ev.Str("event", e.Kind)
		ev.Int("facility", "", widen(e.Facility))
		ev.Float("search_time", "s", e.SearchS)
		ev.Float("cruising_distance", "m", e.CruiseM)
		ev.Float("walking_distance", "m", e.WalkM)
		ev.Float("charged_energy", "kWh", e.Energy)
		out = append(out, ev)
	}
	return out
}

func widen(v []int32) []int64 {
	out := make([]int64, len(v))
	for i, x := range v {
		out[i] = int64(x)
	}
	return out
}

// SaveState writes the model's state (gob).
func (m *Model) SaveState(w io.Writer) error {
	return gob.NewEncoder(w).Encode(savedState{State: m.st, Guidance: m.cfg.Guidance})
}

// LoadState restores what SaveState wrote.
func (m *Model) LoadState(r io.Reader) error {
	var sv savedState
	if err := gob.NewDecoder(r).Decode(&sv); err != nil {
		return fmt.Errorf("parking: load state: %w", err)
	}
	if len(sv.State.Facilities) != len(m.st.Facilities) {
		return fmt.Errorf("parking: load state: %d facilities, this run has %d", len(sv.State.Facilities), len(m.st.Facilities))
	}
	m.st = sv.State
	m.cfg.Guidance = sv.Guidance
	return nil
}

// savedState is the checkpoint: the state and the what-if settings kept
// in the config.
type savedState struct {
	State    State
	Guidance Guidance
}
