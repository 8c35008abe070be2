package traffic

import (
	"bytes"
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
// batch, with re-routing changing the weights mid-run) with routes
// computed in parallel batches on 1 and 4 procs and one at a time: the
// trips tables must be identical.
func TestBatchedRoutesMatchOneAtATime(t *testing.T) {
	c, net, trips := trianglenTrips(t, 2500, 1800, 3, 1)
	run := func(router Router, procs int) []byte {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		cfg := DefaultConfig()
		cfg.ParallelRoutes = true
		cfg.RerouteS = 600
		tr, err := New(net, router, cfg, 3)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range trips {
			if _, err := tr.AddTrip(x); err != nil {
				t.Fatal(err)
			}
		}
		tr.RunToEnd(1800 + 3600)
		var buf bytes.Buffer
		if err := record.WriteCSV(&buf, tr.TripsTable()); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	alone := run(oneAtATime{NewCityRouter(c)}, 1)
	for _, procs := range []int{1, 4} {
		if got := run(NewCityRouter(c), procs); !bytes.Equal(got, alone) {
			t.Errorf("GOMAXPROCS=%d: batched routes give a different trips table", procs)
		}
	}
	if _, ok := any(NewCityRouter(c)).(Forker); !ok {
		t.Error("CityRouter is not a Forker")
	}
}
