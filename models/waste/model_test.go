package waste

import (
	"bytes"
	"math"
	"math/rand/v2"
	"reflect"
	"sync"
	"testing"

	"citytwin/engine"
	"citytwin/engine/feed"
	"citytwin/engine/record"
	"citytwin/models/city"
)

var (
	trianglenOnce sync.Once
	trianglen     *city.City
	trianglenErr  error
)

// testCity is the 1 km2 Trianglen extract of Østerbro.
func testCity(t testing.TB) *city.City {
	t.Helper()
	trianglenOnce.Do(func() {
		trianglen, trianglenErr = city.Load("../../scenarios/data/osm/copenhagen_osterbro_trianglen_1km2.osm")
	})
	if trianglenErr != nil {
		t.Fatal(trianglenErr)
	}
	return trianglen
}

// streetBins are the extract's baskets and recycling banks (60 bins).
func streetBins(t testing.TB) []Bin {
	return BinsFromCity(testCity(t), BinOptions{Baskets: true, Recycling: true})
}

func TestHouseholdContainers(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		area   float64
		n      int
		perDay float64
	}{
		{"none", 0, 0, 0},
		{"flat", 80, 1, 10},
		{"block", 2000, 2, 250},         // 250 l/day: 1750 l/week over 528 l per container
		{"large block", 10000, 7, 1250}, // 8750 / 528 = 16.6... see below
	}
	cases[3].n = int(math.Ceil(1250 * 7 / (660 * 0.8)))
	cases[2].n = int(math.Ceil(250 * 7 / (660 * 0.8)))
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n, perDay := HouseholdContainers(c.area)
			if n != c.n || math.Abs(perDay-c.perDay) > 1e-9 {
				t.Errorf("HouseholdContainers(%v) = %d, %v; want %d, %v", c.area, n, perDay, c.n, c.perDay)
			}
		})
	}
}

// TestDepositMean: the compound Poisson process puts in its mean rate
// over a day, whatever the kind's profile.
func TestDepositMean(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	for k := range numKinds {
		const rateL, days = 50.0, 400
		got := FillBetween(rng, k, rateL, -3600*5.5, -3600*5.5+days*86400) / days // from before midnight
		if math.Abs(got-rateL) > 0.05*rateL {
			t.Errorf("%s: %.2f l/day, want %.0f", k, got, rateL)
		}
	}
}

func runFor(t testing.TB, bins []Bin, cfg Config, days float64) *Model {
	t.Helper()
	cfg.DayOffsetS = 7 * 3600
	m, err := RunAlone(testCity(t), bins, cfg, 1, engine.Seconds(days*86400))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestPolicies: over two weeks of the Trianglen street bins, sensor-driven
// policies drive less and empty fuller bins than the fixed schedule, and
// the books balance.
func TestPolicies(t *testing.T) {
	t.Parallel()
	bins := streetBins(t)
	if len(bins) < 40 {
		t.Fatalf("%d street bins in Trianglen", len(bins))
	}
	res := map[Policy]Totals{}
	for _, p := range []Policy{Fixed, Threshold, Predictive} {
		m := runFor(t, bins, Config{Policy: p, Fleet: 2, Sensor: Sensor{Coverage: 1, Dropout: 0.05}}, 14)
		tot := m.Totals()
		res[p] = tot
		t.Logf("%-10s %+v", p, tot)
		if tot.Collections == 0 || tot.KmDriven <= 0 || tot.TruckHours <= 0 {
			t.Fatalf("%s: nothing collected: %+v", p, tot)
		}
		checkBooks(t, m)
	}
	if !(res[Threshold].KmDriven < res[Fixed].KmDriven) {
		t.Errorf("km driven: fixed %.1f, threshold %.1f: the threshold should save driving",
			res[Fixed].KmDriven, res[Threshold].KmDriven)
	}
	// The forecast empties a bin before it would overflow by the next
	// chance: fewer overflows than either.
	if !(res[Predictive].OverflowHours < res[Fixed].OverflowHours/2) || !(res[Predictive].OverflowHours < res[Threshold].OverflowHours) {
		t.Errorf("overflow hours: fixed %.0f, threshold %.0f, predictive %.0f", res[Fixed].OverflowHours,
			res[Threshold].OverflowHours, res[Predictive].OverflowHours)
	}
	if !(res[Threshold].MeanFillAtEmptying > res[Fixed].MeanFillAtEmptying+10) {
		t.Errorf("mean fill at emptying: fixed %.1f %%, threshold %.1f %%", res[Fixed].MeanFillAtEmptying, res[Threshold].MeanFillAtEmptying)
	}
}

// checkBooks: route records add up to the totals and every route ends.
func checkBooks(t *testing.T, m *Model) {
	t.Helper()
	var km, stops float64
	for _, r := range m.st.Routes {
		km += r.DriveM / 1000
		stops += float64(r.Stops)
		if r.EndS < r.StartS || r.DriveS < 0 {
			t.Errorf("route %+v runs backwards", r)
		}
	}
	busy := false
	for _, tr := range m.st.Trucks {
		busy = busy || tr.Busy
	}
	if !busy && (math.Abs(km-m.Totals().KmDriven) > 1e-6 || int(stops) != len(m.st.Collections)) {
		t.Errorf("routes: %.3f km, %v stops; totals %.3f km, %d collections", km, stops, m.Totals().KmDriven, len(m.st.Collections))
	}
	for _, c := range m.st.Collections {
		if c.Fill < 0 || c.Fill > 1 {
			t.Errorf("collection %+v: fill out of range", c)
		}
	}
}

// TestNoSensorsIsFixed: with no sensors every policy is the fixed
// schedule, to the collection.
func TestNoSensorsIsFixed(t *testing.T) {
	t.Parallel()
	bins := streetBins(t)
	a := runFor(t, bins, Config{Policy: Fixed, Fleet: 2}, 4)
	b := runFor(t, bins, Config{Policy: Threshold, Fleet: 2}, 4)
	key := func(cs []Collection) [][2]float64 {
		var out [][2]float64
		for _, c := range cs {
			out = append(out, [2]float64{c.TimeS, float64(c.Bin)})
		}
		return out
	}
	if len(a.st.Collections) == 0 || !reflect.DeepEqual(key(a.st.Collections), key(b.st.Collections)) {
		t.Errorf("without sensors threshold collects %d, fixed %d", len(b.st.Collections), len(a.st.Collections))
	}
}

// TestCheckpointRestore: a run checkpointed mid-route and restored into a
// fresh Sim ends exactly like the run straight through.
func TestCheckpointRestore(t *testing.T) {
	t.Parallel()
	bins := streetBins(t)
	cfg := Config{Policy: Predictive, Fleet: 2, Sensor: Sensor{Coverage: 0.7, Dropout: 0.1}, DayOffsetS: 7 * 3600}
	build := func() (*engine.Sim, *Model) {
		m, err := New(testCity(t), bins, cfg)
		if err != nil {
			t.Fatal(err)
		}
		s := engine.New(3)
		s.Add(m)
		if err := s.Init(); err != nil {
			t.Fatal(err)
		}
		return s, m
	}
	end := engine.Seconds(3 * 86400)
	s1, m1 := build()
	if err := s1.RunUntil(engine.Seconds(86400 + 1800)); err != nil { // mid-route on day 2
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := s1.Checkpoint(&buf); err != nil {
		t.Fatal(err)
	}
	if err := s1.RunUntil(end); err != nil {
		t.Fatal(err)
	}
	s2, m2 := build()
	if err := s2.Restore(&buf); err != nil {
		t.Fatal(err)
	}
	if err := s2.RunUntil(end); err != nil {
		t.Fatal(err)
	}
	if s1.Digest() != s2.Digest() {
		t.Errorf("digest %s straight, %s restored", s1.Digest(), s2.Digest())
	}
	if !reflect.DeepEqual(m1.KPIs(), m2.KPIs()) || len(m1.st.Collections) != len(m2.st.Collections) {
		t.Errorf("KPIs differ:\n%v\n%v", m1.KPIs(), m2.KPIs())
	}
}

// TestAssimilate: a fill observation sets the believed level; other
// quantities and unknown bins are set aside.
func TestAssimilate(t *testing.T) {
	t.Parallel()
	bins := streetBins(t)
	m, err := New(testCity(t), bins, Config{Policy: Threshold, Fleet: 1})
	if err != nil {
		t.Fatal(err)
	}
	s := engine.New(1)
	s.Add(m)
	if err := s.Init(); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name    string
		o       feed.Observation
		bin     int
		want    float64
		applied bool
	}{
		{"percent by id", feed.Observation{Entity: feed.Entity{Model: "waste", ID: bins[3].ID, Index: -1}, Quantity: "fill", Unit: "%", Value: 85, Time: 60 * engine.Second}, 3, 0.85, true},
		{"ratio by index", feed.Observation{Entity: feed.Entity{Model: "waste", Index: 5}, Quantity: "fill", Unit: "ratio", Value: 0.4, Time: 60 * engine.Second}, 5, 0.4, true},
		{"over full clamps", feed.Observation{Entity: feed.Entity{Model: "waste", Index: 6}, Quantity: "fill", Unit: "%", Value: 104, Time: 60 * engine.Second}, 6, 1, true},
		{"other quantity", feed.Observation{Entity: feed.Entity{Model: "waste", Index: 7}, Quantity: "temperature", Unit: "Cel", Value: 20}, 7, 0, false},
		{"unknown bin", feed.Observation{Entity: feed.Entity{Model: "waste", ID: "nope", Index: -1}, Quantity: "fill", Unit: "%", Value: 20}, -1, 0, false},
		{"bad unit", feed.Observation{Entity: feed.Entity{Model: "waste", Index: 8}, Quantity: "fill", Unit: "kg", Value: 20}, 8, 0, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rej := m.st.Rejected
			if err := m.Assimilate(s, &c.o); err != nil {
				t.Fatal(err)
			}
			if !c.applied {
				if m.st.Rejected != rej+1 {
					t.Errorf("not rejected")
				}
				return
			}
			if m.st.Belief[c.bin] != c.want || m.st.BeliefS[c.bin] != 60 {
				t.Errorf("belief %v at %v s, want %v at 60 s", m.st.Belief[c.bin], m.st.BeliefS[c.bin], c.want)
			}
		})
	}
	// A threshold plan now picks the bin reported at 85 %.
	m.st.Sensor[3] = true
	if !m.due(3, 120) {
		t.Errorf("bin reported at 85 %% not due under a 70 %% threshold")
	}
}

// TestTablesWrite: the tables of a run cut mid-route write in every
// format, with a row per bin and per emptying and the open routes.
func TestTablesWrite(t *testing.T) {
	t.Parallel()
	bins := streetBins(t)
	m := runFor(t, bins, Config{Fleet: 2}, 0.01) // 14 min: routes still on the road
	tabs := m.Tables()
	open := 0
	for _, tr := range m.st.Trucks {
		if tr.Busy {
			open++
		}
	}
	if open == 0 || len(m.st.Collections) == 0 {
		t.Fatalf("after 14 min: %d trucks on the road, %d emptyings", open, len(m.st.Collections))
	}
	want := map[string]int{"waste_bins": len(bins), "waste_collections": len(m.st.Collections), "waste_routes": len(m.st.Routes) + open}
	for _, tab := range tabs {
		n, err := tab.Rows()
		if err != nil {
			t.Fatal(err)
		}
		if n != want[tab.Name] {
			t.Errorf("%s: %d rows, want %d", tab.Name, n, want[tab.Name])
		}
		for _, f := range []string{"csv", "arrow", "parquet"} {
			format, err := record.ParseFormat(f)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := record.WriteTable(t.TempDir(), tab, format); err != nil {
				t.Errorf("%s as %s: %v", tab.Name, f, err)
			}
		}
	}
}
