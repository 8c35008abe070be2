package traffic

import "testing"

// BenchmarkRun simulates 400 random trips departing within 20 minutes on
// the Trianglen extract (1 km²), routing included, and reports vehicle
// updates per second of run time.
func BenchmarkRun(b *testing.B) {
	c, net, trips := trianglenTrips(b, 400, 1200, 1, 1)
	router := NewCityRouter(c)
	b.ReportAllocs()
	var updates int64
	for b.Loop() {
		tr, _ := New(net, router, DefaultConfig(), 1)
		for _, x := range trips {
			tr.AddTrip(x)
		}
		tr.RunToEnd(5000)
		updates += tr.VehicleUpdates()
	}
	b.ReportMetric(float64(updates)/b.Elapsed().Seconds(), "updates/s")
}

// BenchmarkIDMAccel is the cost of one car-following evaluation.
func BenchmarkIDMAccel(b *testing.B) {
	p := DefaultIDM()
	v, s := 10.0, 0.0
	b.ReportAllocs()
	for b.Loop() {
		s += p.Accel(v, 13.89, 25, 1)
	}
	_ = s
}
