package traffic

import (
	"bytes"
	"math/rand/v2"
	"testing"

	"citytwin/engine/record"
	"citytwin/models/city"
)

// TestStateContinuesExactly: a model saved in the middle of a busy run
// (with re-routing, a closure and a loop) and loaded into a fresh model
// built from the same inputs ends with byte-identical tables.
func TestStateContinuesExactly(t *testing.T) {
	t.Parallel()
	c, err := city.Load(trianglen)
	if err != nil {
		t.Fatal(err)
	}
	build := func() *Traffic {
		net, err := FromCity(c)
		if err != nil {
			t.Fatal(err)
		}
		ll := RandomTrips(net, 300, 900, 300, c.Roads.InSCC, rand.New(rand.NewPCG(4, 1)))
		trips, err := SnapTrips(ll, SnapCity(c))
		if err != nil {
			t.Fatal(err)
		}
		cfg := DefaultConfig()
		cfg.RerouteS, cfg.PositionsS = 120, 30
		tr, err := New(net, NewCityRouter(c), cfg, 9)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range trips {
			if _, err := tr.AddTrip(x); err != nil {
				t.Fatal(err)
			}
		}
		tr.AddLoop("l0", trips[0].From, 1, 60)
		tr.Schedule(WhatIf{Kind: CloseEdge, Edge: trips[1].To, AtS: 200, UntilS: 700})
		return tr
	}
	straight, half := build(), build()
	for i := 0; i < 900; i++ {
		straight.Step()
		half.Step()
	}
	var buf bytes.Buffer
	if err := half.SaveState(&buf); err != nil {
		t.Fatal(err)
	}
	resumed := build()
	if err := resumed.LoadState(&buf); err != nil {
		t.Fatal(err)
	}
	straight.RunToEnd(5 * 3600)
	resumed.RunToEnd(5 * 3600)
	for _, pair := range [][2]*record.Table{{straight.TripsTable(), resumed.TripsTable()}, {straight.EdgesTable(), resumed.EdgesTable()},
		{straight.LoopsTable(), resumed.LoopsTable()}, {straight.PositionsTable(), resumed.PositionsTable()}} {
		var a, b bytes.Buffer
		if err := record.WriteCSV(&a, pair[0]); err != nil {
			t.Fatal(err)
		}
		if err := record.WriteCSV(&b, pair[1]); err != nil {
			t.Fatal(err)
		}
		if a.Len() < 100 || !bytes.Equal(a.Bytes(), b.Bytes()) {
			t.Errorf("table %s differs after restore (%d vs %d bytes)", pair[0].Name, a.Len(), b.Len())
		}
	}
}
