package traffic

import (
	"bytes"
	"math"
	"runtime"
	"testing"

	"citytwin/engine/record"
)

// oneAtATime hides CityRouter's Fork, so every departure is routed alone.
type oneAtATime struct{ r *CityRouter }

func (o oneAtATime) Route(from, to int32, dst []int32) ([]int32, bool) {
	return o.r.Route(from, to, dst)
}
func (o oneAtATime) SetWeights(costS []float64) { o.r.SetWeights(costS) }

// TestBatchedRoutesMatchOneAtATime runs the same trips (more than one
// batch, trips added mid-run, a checkpoint restored into a new model,
// with and without re-routing changing the weights) with routes computed
// in batches, the next one in the background, on 1 and 4 procs and one
// at a time: the trips tables must be identical, and without re-routing
// background batches must have been used.
func TestBatchedRoutesMatchOneAtATime(t *testing.T) {
	c, net, trips := trianglenTrips(t, 5000, 1800, 3, 1)
	late := trips[len(trips)-600:] // added mid-run: the due list is re-sorted under a batch routed ahead
	trips = trips[:len(trips)-600]
	run := func(router Router, procs int, rerouteS float64) ([]byte, int) {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		cfg := DefaultConfig()
		cfg.ParallelRoutes = true
		cfg.RerouteS = rerouteS
		tr, err := New(net, router, cfg, 3)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range trips {
			if _, err := tr.AddTrip(x); err != nil {
				t.Fatal(err)
			}
		}
		tr.RunToEnd(600)
		for _, x := range late {
			x.DepartS = math.Max(x.DepartS, 600)
			if _, err := tr.AddTrip(x); err != nil {
				t.Fatal(err)
			}
		}
		tr.RunToEnd(900)
		// a checkpoint and restore into a new model drops what was routed ahead
		var st bytes.Buffer
		if err := tr.SaveState(&st); err != nil {
			t.Fatal(err)
		}
		adopted := tr.batch.adopted
		tr, err = New(net, router, cfg, 3)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range trips {
			tr.AddTrip(x)
		}
		for _, x := range late {
			x.DepartS = math.Max(x.DepartS, 600)
			tr.AddTrip(x)
		}
		if err := tr.LoadState(&st); err != nil {
			t.Fatal(err)
		}
		tr.RunToEnd(1800 + 3600)
		adopted += tr.batch.adopted
		var buf bytes.Buffer
		if err := record.WriteCSV(&buf, tr.TripsTable()); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes(), adopted
	}
	for _, rerouteS := range []float64{0, 600} {
		alone, _ := run(oneAtATime{NewCityRouter(c)}, 1, rerouteS)
		for _, procs := range []int{1, 4} {
			got, adopted := run(NewCityRouter(c), procs, rerouteS)
			if !bytes.Equal(got, alone) {
				t.Errorf("reroute %v s, GOMAXPROCS=%d: batched routes give a different trips table", rerouteS, procs)
			}
			if rerouteS == 0 && adopted < 3 {
				t.Errorf("GOMAXPROCS=%d: %d batches routed in the background were used: the test does not exercise them", procs, adopted)
			}
		}
	}
	if _, ok := any(NewCityRouter(c)).(Forker); !ok {
		t.Error("CityRouter is not a Forker")
	}
}
