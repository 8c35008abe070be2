package waste

import (
	"testing"

	"citytwin/engine"
	"citytwin/models/city"
)

// BenchmarkOsterbroWeek runs a week of the Østerbro bins (baskets,
// recycling banks and household containers, about 1,050 points) under each
// policy, the model alone: fill ticks, sensors, seven daily route plans and
// the trucks' legs.
func BenchmarkOsterbroWeek(b *testing.B) {
	c, err := city.Load("../../scenarios/data/osm/copenhagen_osterbro.osm.pbf")
	if err != nil {
		b.Fatal(err)
	}
	bins := BinsFromCity(c, BinOptions{Baskets: true, Households: true, Recycling: true})
	for _, p := range []Policy{Fixed, Threshold, Predictive} {
		b.Run(p.String(), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := RunAlone(c, bins, Config{Policy: p, Sensor: Sensor{Coverage: 1, Dropout: 0.05}, DayOffsetS: 7 * 3600}, 1, 7*engine.Day); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkTick is one hour of fill and sensor readings for the Trianglen
// street bins.
func BenchmarkTick(b *testing.B) {
	m, err := New(testCity(b), streetBins(b), Config{Sensor: Sensor{Coverage: 1}})
	if err != nil {
		b.Fatal(err)
	}
	s := engine.New(1)
	s.Add(m)
	if err := s.Init(); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		m.tick(s)
	}
}
