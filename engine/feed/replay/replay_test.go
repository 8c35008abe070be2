package replay

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/goccy/go-yaml"

	"citytwin/engine"
	"citytwin/engine/feed"
)

// loadMappings reads testdata/feeds.yaml as a scenario's feeds: section.
func loadMappings(t *testing.T) map[string]Mapping {
	t.Helper()
	b, err := os.ReadFile("testdata/feeds.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var ms []Mapping
	if err := yaml.UnmarshalWithOptions(b, &ms, yaml.Strict()); err != nil {
		t.Fatal(err)
	}
	out := map[string]Mapping{}
	for _, m := range ms {
		out[m.Name] = m
	}
	return out
}

func load(t *testing.T, name string) *Recording {
	t.Helper()
	m, ok := loadMappings(t)[name]
	if !ok {
		t.Fatalf("no mapping %s", name)
	}
	rec, err := Load(m, "testdata", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

func utc(s string) int64 {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t.UnixMicro()
}

// Reference values below were computed from the sample files with
// Python's csv and zoneinfo modules, independently of this package.
func TestRealFeeds(t *testing.T) {
	tests := []struct {
		name       string
		obs        int
		first      string // UTC of the earliest observation
		sumQty     string
		sum        float64
		bad        map[string]int
		sensors    int
		lastSensor string
	}{
		{name: "aarhus-parking", obs: 1600, first: "2014-05-22T07:09:04.145Z", sumQty: "capacity", sum: 100 * (65 + 512 + 1240 + 953 + 130 + 400 + 210 + 700), sensors: 8},
		{name: "aarhus-traffic", obs: 900, first: "2014-08-01T06:10:00Z", sumQty: "vehicle_count", sum: 837, sensors: 1},
		{name: "edinburgh-bins", obs: 600, first: "2016-08-08T03:13:09Z", sumQty: "fill", sum: 0.8 * 21968, sensors: 216},
		{name: "dundee-ev", obs: 271, sumQty: "energy", sum: 2602.454, bad: map[string]int{BadNoTime: 29}},
		{name: "ltown-scada", obs: 1728, first: "2018-01-01T00:00:00Z", sumQty: "flow", sum: 44585.56 + 11281.53, sensors: 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := load(t, tc.name)
			if len(rec.Obs) != tc.obs {
				t.Fatalf("observations = %d, want %d (bad %v)", len(rec.Obs), tc.obs, rec.Bad)
			}
			if tc.first != "" && rec.Obs[0].UnixMicro != utc(tc.first) {
				t.Errorf("first at %v, want %s", time.UnixMicro(rec.Obs[0].UnixMicro).UTC(), tc.first)
			}
			if rec.Obs[0].Time != 0 {
				t.Errorf("first scenario time %v, want 0", rec.Obs[0].Time)
			}
			sum, sensors := 0.0, map[string]bool{}
			for i, o := range rec.Obs {
				if i > 0 && o.Time < rec.Obs[i-1].Time {
					t.Fatalf("observation %d out of time order", i)
				}
				if o.Quantity == tc.sumQty {
					sum += o.Value
				}
				sensors[o.Sensor] = true
			}
			if tc.name == "ltown-scada" {
				sum -= sumOf(rec, "p235")
			}
			if d := sum - tc.sum; d > 1e-6*max(1, tc.sum) || d < -1e-6*max(1, tc.sum) {
				t.Errorf("sum of %s = %.6f, want %.6f", tc.sumQty, sum, tc.sum)
			}
			if tc.sensors > 0 && len(sensors) != tc.sensors {
				t.Errorf("%d sensors, want %d", len(sensors), tc.sensors)
			}
			for k, n := range tc.bad {
				if rec.Bad.Count[k] != n {
					t.Errorf("bad %s = %d, want %d (%v)", k, rec.Bad.Count[k], n, rec.Bad.Count)
				}
			}
			if len(tc.bad) == 0 && rec.Bad.Total() != 0 {
				t.Errorf("unexpected bad rows: %v", rec.Bad)
			}
		})
	}
}

func sumOf(rec *Recording, sensor string) float64 {
	s := 0.0
	for _, o := range rec.Obs {
		if o.Sensor == sensor {
			s += o.Value
		}
	}
	return s
}

func TestDundeeSensorAndEntity(t *testing.T) {
	rec := load(t, "dundee-ev")
	// Sessions of charge point 51356 connector 1 are in the sample.
	found := false
	for _, o := range rec.Obs {
		if o.Sensor == "51356/1" {
			found = true
			if o.Entity.ID != "51356" || o.Entity.Model != "parking" || o.Unit != "kWh" {
				t.Errorf("observation %+v: entity or unit wrong", o)
			}
		}
	}
	if !found {
		t.Error("no observation of charge point 51356 connector 1")
	}
}

func TestBadRows(t *testing.T) {
	m := Mapping{Name: "bad", File: "bad_rows.csv", Time: TimeColumn{Column: "time"}, Sensor: []string{"id"},
		Entity: EntityMap{Model: "m"}, Values: []ValueMap{{Column: "v", Quantity: "flow"}}}
	rec, err := Load(m, "testdata", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{BadValue: 1, BadTime: 1, BadMissing: 1, BadSyntax: 1, BadEmptyVal: 1}
	for k, n := range want {
		if rec.Bad.Count[k] != n {
			t.Errorf("%s = %d, want %d", k, rec.Bad.Count[k], n)
		}
	}
	if len(rec.Obs) != 2 || rec.Obs[1].Value != 5 || rec.Obs[1].Time != 20*engine.Minute {
		t.Errorf("kept %+v, want values 1 and 5 at 0 and 20 min", rec.Obs)
	}
	if !strings.Contains(rec.Bad.Examples[0], "bad_rows.csv:3: bad_value") {
		t.Errorf("first example %q does not name file and line", rec.Bad.Examples[0])
	}

	m.File, m.Time.Column, m.Values[0].Column = "bad_rows.jsonl", "t", "m.v"
	rec, err = Load(m, "testdata", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	want = map[string]int{BadSyntax: 1, BadTime: 1, BadEmptyVal: 1}
	for k, n := range want {
		if rec.Bad.Count[k] != n {
			t.Errorf("jsonl %s = %d, want %d (%v)", k, rec.Bad.Count[k], n, rec.Bad)
		}
	}
	if len(rec.Obs) != 3 || rec.Obs[1].Value != 2.5 || rec.Obs[2].Sensor != "b" {
		t.Errorf("jsonl kept %+v", rec.Obs)
	}
}

func TestMappingErrors(t *testing.T) {
	good := Mapping{Name: "x", File: "f.csv", Time: TimeColumn{Column: "t"}, Sensor: []string{"s"},
		Entity: EntityMap{Model: "m"}, Values: []ValueMap{{Column: "v", Quantity: "flow"}}}
	cases := map[string]func(*Mapping){
		"no file":     func(m *Mapping) { m.File = "" },
		"no time":     func(m *Mapping) { m.Time.Column = "" },
		"no values":   func(m *Mapping) { m.Values = nil },
		"no sensor":   func(m *Mapping) { m.Sensor = nil },
		"bad zone":    func(m *Mapping) { m.Time.Zone = "Mars/Olympus" },
		"bad format":  func(m *Mapping) { m.Format = "xml" },
		"no model":    func(m *Mapping) { m.Entity.Model = "" },
		"long comma":  func(m *Mapping) { m.Comma = ";;" },
		"bad start":   func(m *Mapping) { m.Start = "yesterday" },
		"no quantity": func(m *Mapping) { m.Values[0].Quantity = "" },
	}
	for name, mutate := range cases {
		t.Run(name, func(t *testing.T) {
			m := good
			m.Values = append([]ValueMap(nil), good.Values...)
			mutate(&m)
			if _, err := Read(m, strings.NewReader("t,s,v\n"), "f.csv", time.Time{}); err == nil {
				t.Error("no error")
			}
		})
	}
}

// TestHeaderLacksColumn: a CSV whose header lacks a column the mapping
// reads is refused with the file, the missing columns and the header,
// not read as a file of bad rows.
func TestHeaderLacksColumn(t *testing.T) {
	m := Mapping{Name: "x", File: "f.csv", Time: TimeColumn{Column: "t"}, Sensor: []string{"s"},
		Entity: EntityMap{Model: "m"}, Values: []ValueMap{{Column: "v", Quantity: "flow"}, {Column: "w", Quantity: "flow"}},
		Where: []Condition{{Column: "kind", Equals: "a"}}}
	_, err := Read(m, strings.NewReader("t,s,w\n0,a,1\n"), "f.csv", time.Time{})
	want := `f.csv:1: header lacks "kind", which the mapping reads (it has "t", "s", "w")`
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("error %v, want one containing %s", err, want)
	}
	_, err = Read(m, strings.NewReader("t,s,kind\n0,a,a\n"), "f.csv", time.Time{})
	want = `f.csv:1: header lacks "v", "w", which the mapping reads`
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("no value column: error %v, want one containing %s", err, want)
	}
	// One value column of two is enough; a constant entity needs no column.
	m.Entity = EntityMap{Model: "m", Column: []string{"site"}, ID: "7"}
	if _, err := Read(m, strings.NewReader("t,s,v,kind\n0,a,1,a\n"), "f.csv", time.Time{}); err != nil {
		t.Fatalf("one value column and a constant entity: %v", err)
	}
	if _, err := Read(m, strings.NewReader("t,s,v,w,kind\n0,a,1,2,a\n"), "f.csv", time.Time{}); err != nil {
		t.Fatalf("complete header: %v", err)
	}
}

// garages is a stand-in parking model: it keeps each garage's occupancy
// as assimilated, and logs (time, garage, value).
type garages struct {
	state map[string]float64
	log   []feed.Observation
}

func (g *garages) Name() string                           { return "parking" }
func (g *garages) Init(*engine.Sim, engine.ModelID) error { return nil }
func (g *garages) Handle(*engine.Sim, engine.Event) error { return nil }
func (g *garages) Assimilate(s *engine.Sim, o *feed.Observation) error {
	if o.Quantity == feed.QtyOccupancy {
		if o.Time != s.Now() {
			return nil
		}
		g.state[o.Entity.ID] = o.Value
		g.log = append(g.log, *o)
	}
	return nil
}

// TestParkingReplayState replays the Aarhus parking sample through the
// kernel: at every observation time each garage's state equals the
// observed occupancy, except the readings above capacity (17 of
// BUSGADEHUSET's, the documented cleaning), which never reach state.
func TestParkingReplayState(t *testing.T) {
	rec := load(t, "aarhus-parking")
	sim := engine.New(1)
	g := &garages{state: map[string]float64{}}
	sim.Add(g)
	check := feed.NewChecker(nil)
	sim.Add(feed.NewReplay("aarhus-parking", rec, check))
	if err := sim.Init(); err != nil {
		t.Fatal(err)
	}
	// Step to every observation time and compare state with the reading.
	expect := map[string]float64{}
	for _, o := range rec.Obs {
		if err := sim.RunUntil(o.Time); err != nil {
			t.Fatal(err)
		}
		if o.Quantity != feed.QtyOccupancy {
			continue
		}
		if o.Value <= check.Capacity[o.Entity.ID] {
			expect[o.Entity.ID] = o.Value
		}
		if got := g.state[o.Entity.ID]; got != expect[o.Entity.ID] {
			t.Fatalf("%v %s: state %v, want %v", o.Time, o.Entity.ID, got, expect[o.Entity.ID])
		}
	}
	c := check.Counts()
	if c.ByReason["over_capacity"] != 17 || c.Applied != 1600-17 || c.Received != 1600 {
		t.Errorf("counts %+v, want 17 over capacity of 1600", c)
	}
	want := map[string]float64{"NORREPORT": 0, "SKOLEBAKKEN": 0, "SCANDCENTER": 870, "BRUUNS": 474,
		"BUSGADEHUSET": 114, "MAGASIN": 289, "KALKVAERKSVEJ": 115, "SALLING": 523}
	for k, v := range want {
		if g.state[k] != v {
			t.Errorf("final %s = %v, want %v", k, g.state[k], v)
		}
	}
}
