package traffic

import (
	"bytes"
	"runtime"
	"slices"
	"testing"

	"citytwin/engine/record"
)

// TestParallelLaneChanges runs the same busy hour on the 1 km² Osterbro
// extract with the lane changes on one core and, in small chunks, on 1, 2
// and 4 procs: the trips and edge tables and a checkpoint taken mid-run
// must be identical, every trip
// must end, every occupied lane must stay marked in the bitset the step
// visits, and vehicles must have changed lanes.
func TestParallelLaneChanges(t *testing.T) {
	c, net, trips := trianglenTrips(t, 3000, 1800, 5, 2)
	defer func(c int32, m int64) { chunkLanes, parallelMinRunning = c, m }(chunkLanes, parallelMinRunning)
	run := func(procs int, minRunning int64) ([]byte, int64) {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		parallelMinRunning = minRunning
		tr, err := New(net, NewCityRouter(c), DefaultConfig(), 5)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range trips {
			if _, err := tr.AddTrip(x); err != nil {
				t.Fatal(err)
			}
		}
		var st bytes.Buffer
		for tr.Now() < 1800+3600 && !(tr.Now() > 1800 && tr.Done()) {
			tr.Step()
			if tr.Now() == 900 {
				// the checkpoint holds the arrival times the workers found
				if err := tr.SaveState(&st); err != nil {
					t.Fatal(err)
				}
			}
			for l, s := range tr.lanes {
				if len(s) > 0 && tr.active[l>>6]&(1<<(uint(l)&63)) == 0 {
					t.Fatalf("GOMAXPROCS=%d, %.1f s: lane %d holds %d vehicles but is not marked occupied", procs, tr.Now(), l, len(s))
				}
			}
		}
		if s := tr.Summarize(); s.Arrived+s.NoRoute != len(trips) {
			t.Fatalf("GOMAXPROCS=%d: %d of %d trips arrived", procs, s.Arrived, len(trips))
		}
		buf := &st // the tables follow the checkpoint
		if err := record.WriteCSV(buf, tr.TripsTable()); err != nil {
			t.Fatal(err)
		}
		if err := record.WriteCSV(buf, tr.EdgesTable()); err != nil {
			t.Fatal(err)
		}
		var changes int64
		for _, n := range tr.lc.changes {
			changes += n
		}
		return buf.Bytes(), changes
	}
	chunkLanes = 8
	one, changes := run(1, 1<<62)
	if changes < 100 {
		t.Fatalf("%d lane changes: the test does not exercise them", changes)
	}
	if n := len(laneChunks(net)); n < 20 {
		t.Fatalf("%d chunks: the test does not split the lanes", n)
	}
	for _, procs := range []int{1, 2, 4} {
		got, ch := run(procs, 0)
		if ch != changes {
			t.Errorf("GOMAXPROCS=%d: %d lane changes, one core made %d", procs, ch, changes)
		}
		if !bytes.Equal(got, one) {
			t.Errorf("GOMAXPROCS=%d: parallel lane changes give different tables", procs)
		}
	}
}

// TestETAEdgesOrder: the edges with an arrival time go into checkpoints
// in edge order, however the workers found them, so that the checkpoint's
// bytes do not depend on how the chunks fell.
func TestETAEdgesOrder(t *testing.T) {
	var tr Traffic
	tr.lc.etaSet = [][]int32{{40, 7}, {}, {12, 3}}
	if got, want := tr.etaEdges(), []int32{3, 7, 12, 40}; !slices.Equal(got, want) {
		t.Fatalf("etaEdges = %v, want %v", got, want)
	}
}
