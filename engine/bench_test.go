package engine

import (
	"fmt"
	"testing"
)

// BenchmarkHold is the classic hold model (Vaucher and Duval 1975): pop the
// first event, schedule one at now + an exponential delay, with n events
// pending. ns/op is the cost of one event.
func BenchmarkHold(b *testing.B) {
	for _, n := range []int{1_000, 100_000, 1_000_000} {
		b.Run(fmt.Sprintf("pending=%d", n), func(b *testing.B) {
			s, _ := newHold(1, n, false)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				ev := s.queue.pop()
				if err := s.dispatch(ev); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			if s.Pending() != n {
				b.Fatalf("pending %d, want %d", s.Pending(), n)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
		})
	}
}
