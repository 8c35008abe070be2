package city_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"sync"
	"testing"

	"citytwin/engine/cputime"
	"citytwin/models/city"
	"citytwin/models/city/synth"

	"github.com/paulmach/orb"
)

// synthCity generates a synthetic city (organic layout) of about edges
// directed road edges, writes it as OSM and loads it like an extract.
func synthCity(tb testing.TB, edges int, seed uint64) *city.City {
	tb.Helper()
	m, _, err := synth.Generate(synth.Options{Seed: seed, Layout: synth.Organic, TargetEdges: edges})
	if err != nil {
		tb.Fatal(err)
	}
	path := filepath.Join(tb.TempDir(), "synth.osm.gz")
	if err := synth.WriteFile(path, m); err != nil {
		tb.Fatal(err)
	}
	c, err := city.Load(path)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// Route from the contraction hierarchy: the same optimal cost as A*, in a
// fraction of the time once the hierarchy is built (on the first
// UseHierarchy of the graph; clones share it).
func ExampleRouter_UseHierarchy() {
	c, err := city.Load("../../scenarios/data/osm/copenhagen_osterbro.osm.pbf")
	if err != nil {
		fmt.Println(err)
		return
	}
	from, _, _, _ := c.SnapLonLat(orb.Point{12.5770, 55.7040}) // Trianglen
	to, _, _, _ := c.SnapLonLat(orb.Point{12.5890, 55.7080})   // near Østerport
	astar := city.NewRouter(c.Roads)
	ch := astar.Clone()
	ch.UseHierarchy(true)
	_, costA, _ := astar.Route(from, to, nil)
	path, costCH, ok := ch.Route(from, to, nil)
	fmt.Println(ok, path[0] == from, path[len(path)-1] == to, math.Abs(costCH-costA) <= 1e-9*costA)
	// Output: true true true true
}

// TestHierarchySynth: on a small synthetic city, hierarchy routes agree
// with A* and Dijkstra (see CheckHierarchyRoutes).
func TestHierarchySynth(t *testing.T) {
	c := synthCity(t, 2500, 2)
	city.CheckHierarchyRoutes(t, c.Roads, 3000, 22)
}

var (
	benchMu     sync.Mutex
	benchCities = map[string]*city.City{}
)

// benchCity loads Osterbro or generates the 50k-edge synthetic city of
// issue 10 (twin synth --edges 50000 --layout organic --seed 1) once per
// test binary.
func benchCity(b *testing.B, name string) *city.City {
	benchMu.Lock()
	defer benchMu.Unlock()
	if c, ok := benchCities[name]; ok {
		return c
	}
	var c *city.City
	switch name {
	case "osterbro":
		var err error
		if c, err = city.Load("../../scenarios/data/osm/copenhagen_osterbro.osm.xml.gz"); err != nil {
			b.Fatal(err)
		}
	case "synth50k":
		if testing.Short() {
			b.Skip("the 50k-edge city takes a while to generate and build")
		}
		c = synthCity(b, 50000, 1)
	}
	benchCities[name] = c
	return c
}

var benchNames = []string{"osterbro", "synth50k"}

// BenchmarkHierarchyBuild: contracting the whole turn-expanded graph.
func BenchmarkHierarchyBuild(b *testing.B) {
	for _, name := range benchNames {
		b.Run(name, func(b *testing.B) {
			g := benchCity(b, name).Roads
			b.ReportAllocs()
			b.ResetTimer()
			cpu0 := cputime.Process()
			var arcs, sc, bytes int
			for i := 0; i < b.N; i++ {
				arcs, sc, bytes = city.BuildHierarchyStats(g)
			}
			b.ReportMetric((cputime.Process()-cpu0).Seconds()/float64(b.N), "cpu-s/op")
			b.ReportMetric(float64(sc)/float64(g.NumEdges()), "shortcuts/edge")
			b.ReportMetric(float64(arcs)/float64(g.NumEdges()), "arcs/edge")
			b.ReportMetric(float64(bytes)/(1<<20), "MiB")
		})
	}
}

// BenchmarkRouteHierarchy and BenchmarkRouteALT route the same random
// pairs of edges of the largest SCC, one query per op.
func BenchmarkRouteHierarchy(b *testing.B) { benchRoutes(b, true) }

// BenchmarkRouteALT is the A* baseline of BenchmarkRouteHierarchy.
func BenchmarkRouteALT(b *testing.B) { benchRoutes(b, false) }

func benchRoutes(b *testing.B, useCH bool) {
	for _, name := range benchNames {
		b.Run(name, func(b *testing.B) {
			g := benchCity(b, name).Roads
			r := city.NewRouter(g)
			r.UseHierarchy(useCH)
			var scc []city.EdgeID
			for e, in := range g.InSCC {
				if in {
					scc = append(scc, city.EdgeID(e))
				}
			}
			rng := rand.New(rand.NewPCG(7, 8))
			pairs := make([][2]city.EdgeID, 4096)
			for i := range pairs {
				pairs[i] = [2]city.EdgeID{scc[rng.IntN(len(scc))], scc[rng.IntN(len(scc))]}
			}
			path := make([]city.EdgeID, 0, 1024)
			for _, p := range pairs[:512] { // warm up: grow the heap and path buffers
				path, _, _ = r.Route(p[0], p[1], path[:0])
			}
			b.ReportAllocs()
			b.ResetTimer()
			cpu0 := cputime.Process()
			settled := 0
			for i := 0; i < b.N; i++ {
				p := pairs[i%len(pairs)]
				var ok bool
				if path, _, ok = r.Route(p[0], p[1], path[:0]); !ok {
					b.Fatal("no route")
				}
				settled += r.LastSettled()
			}
			b.ReportMetric(float64(settled)/float64(b.N), "settled/op")
			b.ReportMetric(float64((cputime.Process()-cpu0).Microseconds())/float64(b.N), "cpu-µs/op")
		})
	}
}
