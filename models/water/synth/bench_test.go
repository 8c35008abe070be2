package synth

import (
	"testing"

	"citytwin/models/city"
)

// BenchmarkSynthesize measures the synthesis (street mains, demand, sizing
// with the hydraulic solver, .inp text) on the Trianglen and Osterbro
// extracts, the city already loaded.
func BenchmarkSynthesize(b *testing.B) {
	for _, f := range []string{"copenhagen_osterbro_trianglen_1km2.osm", "copenhagen_osterbro.osm.pbf"} {
		c, err := city.Load(osmDir + f)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(f, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Synthesize(c, DefaultParams()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
