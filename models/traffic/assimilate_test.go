package traffic

import (
	"testing"

	"citytwin/engine"
	"citytwin/engine/feed"
	"citytwin/engine/feed/replay"
)

// TestAssimilateCounts feeds a loop's counts into a model on a straight
// road: the first reading starts the interval, a reading 30 above the
// model's count adds 30 vehicles on the observed edge, which the loop
// then counts in the next interval; parking never sees them.
func TestAssimilateCounts(t *testing.T) {
	net := lineNet(t, 3, 200, 13.89, 1)
	tr, err := New(net, newTestRouter(net), DefaultConfig(), 1)
	if err != nil {
		t.Fatal(err)
	}
	for k := 0; k < 10; k++ {
		tr.AddTrip(Trip{ID: "c", DepartS: float64(k) * 20, From: 0, To: 2, ToPosM: 150})
	}
	m := NewModel(tr)
	if m.AddFeedLoop("loop-1", 1) < 0 || m.AddFeedLoop("bad", 99) != -1 {
		t.Fatal("AddFeedLoop")
	}
	sim := engine.New(7)
	sim.Add(m)
	parking := &sink{name: "parking"}
	sim.Add(parking)
	ent := feed.Entity{Model: "traffic", ID: "edge:1", Index: 1}
	obs := func(min float64, qty string, v float64) feed.Observation {
		return feed.Observation{Sensor: "loop-1", Entity: ent, Quantity: qty, Value: v, Time: engine.Seconds(min * 60)}
	}
	rec := &replay.Recording{Obs: []feed.Observation{
		obs(0, feed.QtyVehicleCount, 0),
		obs(5, feed.QtyVehicleCount, 40), // the model counted the 10 trips: 30 missing
		obs(12, feed.QtyIntensity, 120),  // 120 veh/h over 7 min = 14; the model counts 30: a surplus, not corrected
		obs(13, feed.QtySpeed, 50),       // not assimilated
		obs(20, feed.QtyVehicleCount, 0), // nothing more
	}}
	sim.Add(feed.NewReplay("feed", rec, nil))
	if err := sim.Init(); err != nil {
		t.Fatal(err)
	}
	if err := sim.RunUntil(engine.Seconds(25 * 60)); err != nil {
		t.Fatal(err)
	}
	tb := tr.LoopsTable()
	rows, _ := tb.Rows()
	counts := tb.Columns[4].Ints
	want := []int64{0, 10, 30, 0}
	if rows != len(want) {
		t.Fatalf("%d loop rows, want %d", rows, len(want))
	}
	for i, w := range want {
		if counts[i] != w {
			t.Errorf("interval %d: model counted %d, want %d (all %v)", i, counts[i], w, counts)
		}
	}
	if len(parking.arrivals) != 10 {
		t.Errorf("parking got %d arrivals, want the 10 trips only", len(parking.arrivals))
	}
	if got := tr.Summarize().Trips; got != 40 {
		t.Errorf("%d trips, want 40", got)
	}
}
