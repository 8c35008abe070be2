package city

import (
	"citytwin/engine/cputime"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
)

// BenchmarkLoad imports whole extracts (read, graph, facilities, index).
func BenchmarkLoad(b *testing.B) {
	for _, f := range []struct{ name, path string }{
		{"osterbro_xml_gz", osterbroXML}, {"osterbro_pbf", osterbroPBF}, {"lyngby_xml_gz", lyngbyXML},
	} {
		b.Run(f.name, func(b *testing.B) {
			b.ReportAllocs()
			cpu0 := cputime.Process()
			for i := 0; i < b.N; i++ {
				if _, err := Load(f.path); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64((cputime.Process()-cpu0).Milliseconds())/float64(b.N), "cpu-ms/op")
		})
	}
}

// BenchmarkRoute: shortest-time routes between random pairs of edges of
// the largest SCC of Osterbro (one query per op).
func BenchmarkRoute(b *testing.B) {
	for _, f := range []struct{ name, path string }{{"osterbro", osterbroXML}, {"lyngby", lyngbyXML}} {
		b.Run(f.name, func(b *testing.B) {
			c := load(b, f.path)
			r := NewRouter(c.Roads)
			scc := sccEdges(c.Roads)
			rng := rand.New(rand.NewPCG(7, 8))
			pairs := make([][2]EdgeID, 4096)
			for i := range pairs {
				pairs[i] = [2]EdgeID{scc[rng.IntN(len(scc))], scc[rng.IntN(len(scc))]}
			}
			path := make([]EdgeID, 0, 1024)
			r.Route(pairs[0][0], pairs[0][1], path)
			for _, p := range pairs { // warm up: grow the heap and path buffers
				path, _, _ = r.Route(p[0], p[1], path[:0])
			}
			b.ReportAllocs()
			b.ResetTimer()
			cpu0 := cputime.Process()
			pops := 0
			for i := 0; i < b.N; i++ {
				p := pairs[i%len(pairs)]
				var ok bool
				if path, _, ok = r.Route(p[0], p[1], path[:0]); !ok {
					b.Fatal("no route")
				}
				pops += r.statPops
			}
			b.ReportMetric(float64(pops)/float64(b.N), "settled/op")
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "routes/s")
			b.ReportMetric(float64(b.N)/(cputime.Process()-cpu0).Seconds(), "routes/cpu-s")
		})
	}
}

// BenchmarkSnapEdge: nearest SCC edge to random points over Osterbro.
func BenchmarkSnapEdge(b *testing.B) {
	c := load(b, osterbroXML)
	rng := rand.New(rand.NewPCG(9, 10))
	pts := make([]orb.Point, 4096)
	for i := range pts {
		n := c.Roads.NodeXY[rng.IntN(c.Roads.NumNodes())]
		pts[i] = orb.Point{n[0] + rng.NormFloat64()*100, n[1] + rng.NormFloat64()*100}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, _, _, ok := c.SnapEdge(pts[i%len(pts)]); !ok {
			b.Fatal("no edge")
		}
	}
}
