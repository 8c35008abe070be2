package parking

import (
	"testing"

	"citytwin/engine"
	"citytwin/engine/feed"
	"citytwin/engine/feed/replay"
)

// TestAssimilateOccupancy replays a car park's counts into a running
// model with background arrivals and departures: right after each reading
// the facility's occupancy equals it, whichever way the model had drifted.
func TestAssimilateOccupancy(t *testing.T) {
	c := small(t)
	m, err := New(c, SupplyFromCity(c, SupplyOptions{EstimateResidential: true}), Config{Background: 3000, Prefill: 0.3}, nil)
	if err != nil {
		t.Fatal(err)
	}
	f := -1
	for i, fc := range m.Facilities() {
		if fc.Kind == CarPark && fc.Capacity >= 10 {
			f = i
			break
		}
	}
	if f < 0 {
		t.Fatal("no car park in the small city")
	}
	ent := feed.Entity{Model: "parking", ID: m.Facilities()[f].Name, Index: int32(f)}
	obs := func(min int, qty string, v float64) feed.Observation {
		return feed.Observation{Sensor: "garage", Entity: ent, Quantity: qty, Unit: "count", Value: v, Time: engine.Time(min) * engine.Minute}
	}
	rec := &replay.Recording{Name: "test", Obs: []feed.Observation{
		obs(1, feed.QtyCapacity, 40), obs(1, feed.QtyOccupancy, 12),
		obs(10, feed.QtyOccupancy, 35), obs(20, feed.QtyOccupancy, 3),
		obs(30, feed.QtyOccupancy, 0), obs(40, feed.QtyOccupancy, 55), obs(50, feed.QtyOccupancy, 20),
	}}
	sim := engine.New(7)
	sim.Add(m)
	r := feed.NewReplay("feed", rec, nil)
	checked := 0
	r.SetDeliver(func(s *engine.Sim, id engine.ModelID, o *feed.Observation) error {
		if err := feed.Deliver(s, id, o); err != nil {
			return err
		}
		occ, capacity, _ := m.Occupancy(f)
		switch o.Quantity {
		case feed.QtyOccupancy:
			checked++
			if float64(occ) != o.Value {
				t.Errorf("%v: occupancy %d after reading %v", o.Time, occ, o.Value)
			}
			if occ > capacity {
				t.Errorf("%v: occupancy %d above capacity %d", o.Time, occ, capacity)
			}
		case feed.QtyCapacity:
			if float64(capacity) != o.Value {
				t.Errorf("capacity %d after reading %v", capacity, o.Value)
			}
		}
		return nil
	})
	sim.Add(r)
	if err := sim.Init(); err != nil {
		t.Fatal(err)
	}
	if err := sim.RunUntil(engine.Hour); err != nil {
		t.Fatal(err)
	}
	if checked != 6 {
		t.Errorf("%d occupancy readings checked, want 6", checked)
	}
	if _, capacity, _ := m.Occupancy(f); capacity != 55 {
		t.Errorf("capacity %d, want 55 (raised by the reading above 40)", capacity)
	}
}

// TestAssimilateLateAndBadEntity: a late reading changes nothing; a
// reading of an unknown facility is an error naming the sensor.
func TestAssimilateLateAndBadEntity(t *testing.T) {
	c := small(t)
	m, err := New(c, SupplyFromCity(c, SupplyOptions{}), Config{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	sim := engine.New(1)
	sim.Add(m)
	if err := sim.Init(); err != nil {
		t.Fatal(err)
	}
	o := feed.Observation{Sensor: "s1", Entity: feed.Entity{Model: "parking", Index: 0}, Quantity: feed.QtyOccupancy, Value: 3, Quality: feed.QLate}
	if err := m.Assimilate(sim, &o); err != nil {
		t.Fatal(err)
	}
	if occ, _, _ := m.Occupancy(0); occ != 0 {
		t.Errorf("late reading applied: occupancy %d", occ)
	}
	o.Quality, o.Entity.Index = 0, int32(len(m.Facilities()))
	if err := m.Assimilate(sim, &o); err == nil {
		t.Error("no error for a facility out of range")
	}
	if got := m.FacilityByName(m.Facilities()[0].Name); got < 0 {
		t.Errorf("FacilityByName(%q) = %d", m.Facilities()[0].Name, got)
	}
}
