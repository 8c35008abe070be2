package viz

import (
	"math"
	"os"
	"path/filepath"
	"testing"
)

func TestBinHistory(t *testing.T) {
	t.Parallel()
	const g = 0.01 // %/s
	cases := []struct {
		name    string
		endFill float64
		emptied []emptying
		at      float64
		want    float64
	}{
		{"end fill at the end", 50, nil, 1800, 50},
		{"mean rate back from the end", 50, nil, 800, 40},
		{"floored at empty", 5, nil, 0, 0},
		{"emptied now", 30, []emptying{{600, 80}}, 600, 0},
		{"before the only emptying", 30, []emptying{{600, 80}}, 300, 77},
		{"after the last emptying: to the end fill", 30, []emptying{{600, 80}}, 1200, 15},
		{"between two emptyings", 30, []emptying{{600, 80}, {1200, 60}}, 900, 30},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := binHistory{end: 1800, endFill: c.endFill, growth: g, emptied: c.emptied}
			if got := b.at(c.at); math.Abs(got-c.want) > 1e-9 {
				t.Errorf("fill at %g s = %g %%, want %g", c.at, got, c.want)
			}
		})
	}
}

// TestLoadWasteModel: with the waste model's tables a run's waste layer is
// its bins coloured by fill (emptied at the collection time) and its
// truck routes lit while driven; the OSM baskets are left out.
func TestLoadWasteModel(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	files := map[string]string{
		"manifest.json": `{"name": "w", "sim_start": "2024-05-14T07:50:00+02:00", "sim_end": "2024-05-14T08:20:00+02:00",
			"timezone": "Europe/Copenhagen", "models": ["waste"]}`,
		"waste_bins.csv": "bin,id,kind,volume,containers,rate,sensor,fill_at_end,edge,geometry\n" +
			"0,b0,basket,100,1,864,true,50,1,POINT(12.58 55.70)\n" +
			"1,b1,household,660,1,5702.4,true,20,2,POINT(12.59 55.71)\n",
		"waste_collections.csv": "time,bin,truck,fill,sensed_fill,volume\n600,1,0,80,79,528\n",
		"waste_routes.csv": "day,truck,stops,finished,start,end,distance,drive_time,service_time,load,geometry\n" +
			"0,0,1,true,300,900,1.2,300,60,528,\"LINESTRING(12.58 55.70,12.59 55.71)\"\n",
		"waste_baskets.csv": "osm_type,osm_id,name,kind,geometry\nnode,1,,waste_basket,POINT(12.58 55.70)\n",
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	r := mustLoad(t, dir)
	var bins, routes *Entities
	for _, s := range r.Sets {
		switch {
		case s.Layer == LayerWaste && s.Kind == "bin":
			bins = s
		case s.Layer == LayerWaste && s.Kind == "truck route":
			routes = s
		case s.Layer == LayerWaste:
			t.Errorf("waste layer has a %s set besides the model's bins and routes", s.Kind)
		}
	}
	if bins == nil || routes == nil || bins.Len() != 2 || routes.Len() != 1 {
		t.Fatalf("bins %v, routes %v: want 2 bins and 1 route", bins, routes)
	}
	fill := bins.Colouring()
	// bin 0: 864 l/d in 100 l is 0.01 %/s, 50 % at the end (1800 s)
	for _, c := range []struct{ bin, at, want float64 }{{0, 1800, 50}, {0, 900, 41}, {1, 600, 0}, {1, 300, 77}, {1, 1200, 10}} {
		if got := fill.At(int(c.bin), c.at); math.Abs(got-c.want) > 1e-3 {
			t.Errorf("bin %g at %g s: fill %g %%, want %g", c.bin, c.at, got, c.want)
		}
	}
	on := routes.Colouring()
	for _, c := range []struct{ at, want float64 }{{100, math.NaN()}, {300, 1}, {899, 1}, {900, 0}} {
		if got := on.At(0, c.at); got != c.want && !(math.IsNaN(got) && math.IsNaN(c.want)) {
			t.Errorf("route on road at %g s: %g, want %g", c.at, got, c.want)
		}
	}
}
