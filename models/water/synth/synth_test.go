package synth

import (
	"math"
	"strings"
	"testing"

	"citytwin/models/city"
	"citytwin/models/water"
)

const osmDir = "../../../scenarios/data/osm/"

func load(t *testing.T, path string) *city.City {
	t.Helper()
	c, err := city.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// dayPressures runs the written .inp over a day with our GGA solver and
// returns the junction pressures (m) at the peak hour and over the day.
func dayPressures(t *testing.T, inp []byte, peakHour int) (peakMin, peakMax, dayMin, dayMax float64) {
	t.Helper()
	net, err := water.ParseBytes(inp)
	if err != nil {
		t.Fatalf("the written .inp does not read back: %v", err)
	}
	sim, err := water.NewSimulator(net, water.DefaultSimOptions())
	if err != nil {
		t.Fatal(err)
	}
	peakMin, dayMin, peakMax, dayMax = math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	sim.Init()
	for !sim.Done() {
		if err := sim.Solve(); err != nil {
			t.Fatalf("t=%d: %v", sim.Time(), err)
		}
		for i := 0; i < net.NJuncs; i++ {
			p := sim.NodePressure(i)
			dayMin, dayMax = math.Min(dayMin, p), math.Max(dayMax, p)
			if sim.Time() == int64(peakHour)*3600 {
				peakMin, peakMax = math.Min(peakMin, p), math.Max(peakMax, p)
			}
		}
		sim.Advance()
	}
	return peakMin, peakMax, dayMin, dayMax
}

// TestPressureBand is the acceptance test: on real extracts the written
// network, solved by our GGA over a day, keeps every junction between 20
// and 60 m at the peak hour.
func TestPressureBand(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, path string
		source     SourceKind
		long       bool
	}{
		{"trianglen", osmDir + "copenhagen_osterbro_trianglen_1km2.osm", FromSynthetic, false},
		{"no facilities", "testdata/no_facilities.osm", FromSynthetic, false},
		{"lyngby", osmDir + "kongens_lyngby.osm.xml.gz", FromWaterWorks, true},
		{"osterbro", osmDir + "copenhagen_osterbro.osm.pbf", FromSynthetic, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if tc.long && testing.Short() {
				t.Skip("larger extract: not in -short")
			}
			p := DefaultParams()
			r, err := Synthesize(load(t, tc.path), p)
			if err != nil {
				t.Fatal(err)
			}
			if r.Source.Kind != tc.source {
				t.Errorf("source %v, want %v", r.Source.Kind, tc.source)
			}
			lo, hi, dayLo, dayHi := dayPressures(t, r.INP, r.PeakHour)
			if lo < p.MinPressureM || hi > p.MaxPressureM {
				t.Errorf("peak-hour pressures %.2f..%.2f m, want within %g..%g", lo, hi, p.MinPressureM, p.MaxPressureM)
			}
			if dayLo < p.MinPressureM || dayHi > p.MaxPressureM {
				t.Errorf("pressures over the day %.2f..%.2f m, want within %g..%g", dayLo, dayHi, p.MinPressureM, p.MaxPressureM)
			}
			t.Logf("%d junctions, %d links, %.1f km, %.0f residents, mean %.1f l/s, peak %.1f l/s; pressure at peak %.1f..%.1f m, day %.1f..%.1f m",
				r.Net.NJuncs, len(r.Net.Links), r.PipeKm, r.Residents, r.MeanDemandLps, r.PeakDemandLps, lo, hi, dayLo, dayHi)
		})
	}
}

// TestDemandFromBuildings recomputes the demand from the buildings by hand:
// the network's base demands must sum to it.
func TestDemandFromBuildings(t *testing.T) {
	t.Parallel()
	c := load(t, "testdata/no_facilities.osm")
	p := DefaultParams()
	var want float64 // l/s
	for _, b := range c.Buildings {
		switch b.Use {
		case "residential":
			want += b.FloorAreaM2 / 52 * 105 * 1.08 / 86400
		case "commercial", "public":
			want += b.FloorAreaM2 * 3 * 1.08 / 86400
		}
	}
	r, err := Synthesize(c, p)
	if err != nil {
		t.Fatal(err)
	}
	var got float64
	for _, n := range r.Net.Nodes[:r.Net.NJuncs] {
		got += n.Demands[0].Base * r.Net.Options.Units.FlowFactor
	}
	if want <= 0 || math.Abs(got-want) > 1e-9*want {
		t.Fatalf("base demand %v l/s, buildings give %v", got, want)
	}
	if len(r.Gaps) != 1 || !strings.Contains(r.Gaps[0], "no water works or water tower") {
		t.Errorf("gaps %q: want the synthetic source named", r.Gaps)
	}
}

// TestMergeAndConnect: no two junctions closer than MergeM, one connected
// network, every road node within reach.
func TestMergeAndConnect(t *testing.T) {
	t.Parallel()
	c := load(t, osmDir+"copenhagen_osterbro_trianglen_1km2.osm")
	m := streetMains(c.Roads, 30)
	m.largestPart()
	for a := range m.xy {
		for b := a + 1; b < len(m.xy); b++ {
			if d := dist(m.xy[a], m.xy[b]); d < 30 {
				t.Fatalf("junctions %d and %d are %.1f m apart", a, b, d)
			}
		}
	}
	part := components(len(m.xy), m.pipes)
	for j, c := range part {
		if c != part[0] {
			t.Fatalf("junction %d is not connected to junction 0", j)
		}
	}
	loops := len(m.pipes) - len(m.xy) + 1
	if loops < len(m.xy)/10 {
		t.Errorf("%d independent loops for %d junctions: the street grid's loops are lost", loops, len(m.xy))
	}
}

// TestSizingLoop starts from pipes sized for 3 m/s: the first peak solve
// falls below 20 m and the loop must enlarge pipes until it does not.
func TestSizingLoop(t *testing.T) {
	t.Parallel()
	c := load(t, osmDir+"copenhagen_osterbro_trianglen_1km2.osm")
	p := DefaultParams()
	p.DesignVelocity, p.MinDiameterMM = 3, 100
	p.Diameters = append([]float64{50, 63, 80}, p.Diameters...)
	p.MinDiameterMM = 50
	r, err := Synthesize(c, p)
	if err != nil {
		t.Fatal(err)
	}
	if r.SizingRounds < 2 {
		t.Errorf("sized in %d round: the test does not exercise the loop", r.SizingRounds)
	}
	lo, hi, _, _ := dayPressures(t, r.INP, r.PeakHour)
	if lo < 20 || hi > 60 {
		t.Errorf("peak-hour pressures %.2f..%.2f m", lo, hi)
	}
}

func TestStandardDiameter(t *testing.T) {
	t.Parallel()
	p := DefaultParams()
	for _, tc := range []struct{ lps, mm float64 }{
		{0, 100}, {7.8, 100}, {7.9, 125}, {10, 125}, {100, 400}, {1e6, 1200},
	} {
		if got := p.standardDiameter(tc.lps); got != tc.mm {
			t.Errorf("%g l/s: %g mm, want %g", tc.lps, got, tc.mm)
		}
	}
}

func TestBadParams(t *testing.T) {
	t.Parallel()
	c := load(t, "testdata/no_facilities.osm")
	for name, mut := range map[string]func(*Params){
		"merge":    func(p *Params) { p.MergeM = 0 },
		"pattern":  func(p *Params) { p.Pattern = p.Pattern[:5] },
		"area":     func(p *Params) { p.M2PerResident = 0 },
		"pressure": func(p *Params) { p.MinPressureM = 70 },
	} {
		p := DefaultParams()
		mut(&p)
		if _, err := Synthesize(c, p); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// TestTowerSource: Kongens Lyngby without its water works is fed by gravity
// from its nearest water tower, and still holds 20..60 m.
func TestTowerSource(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("larger extract: not in -short")
	}
	c := load(t, osmDir+"kongens_lyngby.osm.xml.gz")
	if len(c.WaterTowers) == 0 {
		t.Fatal("the extract has no water tower")
	}
	c.WaterWorks = nil
	r, err := Synthesize(c, DefaultParams())
	if err != nil {
		t.Fatal(err)
	}
	if r.Source.Kind != FromWaterTower || len(r.Net.Pumps) != 0 {
		t.Fatalf("source %v with %d pumps, want a water tower by gravity", r.Source.Kind, len(r.Net.Pumps))
	}
	lo, hi, dayLo, dayHi := dayPressures(t, r.INP, r.PeakHour)
	if lo < 20 || hi > 60 || dayLo < 20 || dayHi > 60 {
		t.Errorf("pressures at peak %.2f..%.2f m, over the day %.2f..%.2f m", lo, hi, dayLo, dayHi)
	}
}

// TestTaggedSourcesShort covers the tagged sources on the small extract: a
// water works (reservoir and pump at the nearest junction) wins over a
// tower (gravity), and a tower over the synthetic source.
func TestTaggedSourcesShort(t *testing.T) {
	t.Parallel()
	base := load(t, "testdata/no_facilities.osm")
	corner := base.Roads.NodeXY[0]
	works := city.Facility{Feature: city.Feature{OSMID: 7, Name: "works", XY: corner}, Kind: "water_works"}
	tower := city.Facility{Feature: city.Feature{OSMID: 8, Name: "tower", XY: corner}, Kind: "water_tower"}
	for _, tc := range []struct {
		name         string
		works, tower []city.Facility
		want         SourceKind
		pumps        int
	}{
		{"works and tower", []city.Facility{works}, []city.Facility{tower}, FromWaterWorks, 1},
		{"tower", nil, []city.Facility{tower}, FromWaterTower, 0},
	} {
		c := *base
		c.WaterWorks, c.WaterTowers = tc.works, tc.tower
		r, err := Synthesize(&c, DefaultParams())
		if err != nil {
			t.Fatal(err)
		}
		if r.Source.Kind != tc.want || len(r.Net.Pumps) != tc.pumps || len(r.Gaps) != 0 {
			t.Errorf("%s: source %v, %d pumps, gaps %q", tc.name, r.Source.Kind, len(r.Net.Pumps), r.Gaps)
		}
		if d := dist(r.Source.XY, corner); d != 0 {
			t.Errorf("%s: source %.1f m from the facility", tc.name, d)
		}
		lo, hi, dayLo, dayHi := dayPressures(t, r.INP, r.PeakHour)
		if lo < 20 || hi > 60 || dayLo < 20 || dayHi > 60 {
			t.Errorf("%s: pressures at peak %.2f..%.2f m, day %.2f..%.2f m", tc.name, lo, hi, dayLo, dayHi)
		}
	}
}
