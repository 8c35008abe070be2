package scenarios

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"citytwin/engine/record"
)

// smallFeedScenario is a scenario on the 1 km² Trianglen extract with
// traffic and parking, and the Aarhus garages replayed into three of its
// car parks.
func smallFeedScenario(t *testing.T, feeds string) string {
	t.Helper()
	dir := t.TempDir()
	abs := func(p string) string {
		a, err := filepath.Abs(p)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	doc := `name: feeds-small
city: {osm: ` + abs("data/osm/copenhagen_osterbro_trianglen_1km2.osm") + `}
start: 2024-05-14T07:00:00
timezone: Europe/Copenhagen
duration: 2h
seed: 3
models:
  traffic: {step: 1s, demand: {random_trips: 150, depart_within: 1h}}
  parking: {background_per_h: 600, prefill: 0.3}
outputs: {format: csv}
feeds:
` + strings.ReplaceAll(feeds, "DATA", abs("data/feeds"))
	path := filepath.Join(dir, "s.yaml")
	if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

const garagesFeed = `  - name: garages
    replay:
      file: DATA/aarhus_parking.csv
      start: "2014-05-22T09:00:00+02:00"
      time: {column: updatetime, format: "2006-01-02 15:04:05", zone: Europe/Copenhagen}
      sensor: [garagecode]
      entity: {model: parking}
      values:
        - {column: totalspaces, quantity: capacity, unit: count}
        - {column: vehiclecount, quantity: occupancy, unit: count}
    entities:
      SCANDCENTER: {model: parking, id: "0"}
      BUSGADEHUSET: {model: parking, id: "1"}
      BRUUNS: {model: parking, id: "2"}
`

// TestRunReplaysFeeds runs traffic and parking coupled with the Aarhus
// garage counts replayed into three car parks: after every occupancy
// reading the car park holds exactly the observed cars (the residual
// table's "after" column), whatever the simulated arrivals did between
// readings; readings of the five unmapped garages are counted, and the
// manifest carries the feed's counts.
func TestRunReplaysFeeds(t *testing.T) {
	sc, err := Load(smallFeedScenario(t, garagesFeed))
	if err != nil {
		t.Fatal(err)
	}
	res, err := Run(sc, RunOptions{Out: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	var resid *record.Table
	for _, tb := range res.Tables {
		if tb.Name == "feed_residuals" {
			resid = tb
		}
	}
	if resid == nil {
		t.Fatal("no feed_residuals table")
	}
	rows, _ := resid.Rows()
	obs, modelled, after := resid.Columns[5].Floats, resid.Columns[6].Floats, resid.Columns[7].Floats
	moved := 0
	for i := 0; i < rows; i++ {
		if after[i] != obs[i] {
			t.Errorf("row %d (%s at %v s): %v cars after the reading %v", i, resid.Columns[1].Strings[i], resid.Columns[0].Floats[i], after[i], obs[i])
		}
		if modelled[i] != obs[i] {
			moved++
		}
	}
	// 3 garages, readings at 09:09, 09:39, 10:09, 10:39 (Aarhus time)
	// within the 2 h, capacity and occupancy each: 24 received, of which
	// one of BUSGADEHUSET's counts is above its capacity (the documented
	// cleaning: quarantined, never applied): 11 occupancy readings reach
	// state. The five unmapped garages' 1000 readings are counted.
	if rows != 11 || moved == 0 {
		t.Errorf("%d readings assimilated (%d changed state), want 11 (some changing it)", rows, moved)
	}
	k := kpiMap(res.Manifest.KPIs["feeds"])
	if k["garages.received"] != 24 || k["garages.applied"] != 23 || k["garages.quarantined.over_capacity"] != 1 || k["garages.unmapped"] != 1000 {
		t.Errorf("feed KPIs %v: want 24 received, 23 applied, 1 over capacity, 1000 unmapped", k)
	}
	if !contains(res.Manifest.Models, "feed/garages") || !contains(res.Manifest.Models, "feeds") {
		t.Errorf("models %v", res.Manifest.Models)
	}
}

func kpiMap(ks []record.KPIRecord) map[string]float64 {
	out := map[string]float64{}
	for _, k := range ks {
		out[k.Name] = k.Value
	}
	return out
}

// TestFeedErrors: a bad feeds: section is an error naming the place.
func TestFeedErrors(t *testing.T) {
	for _, c := range []struct{ name, feeds, want string }{
		{"unknown key", "  - name: x\n    replay: {file: a.csv, colour: red}\n", "colour"},
		{"both kinds", "  - name: x\n    replay: {file: a.csv}\n    mqtt: {topic: a}\n", "exactly one of replay or mqtt"},
		{"no kind", "  - name: x\n", "exactly one of replay or mqtt"},
		{"bad codec", "  - name: x\n    mqtt: {topic: a, codec: xml}\n    entities: {s: {model: parking, id: \"0\"}}\n", "feeds[0].mqtt.codec"},
		{"bad qos", "  - name: x\n    mqtt: {topic: a, qos: 2}\n    entities: {s: {model: parking, id: \"0\"}}\n", "want 0 or 1"},
		{"live without entities", "  - name: x\n    mqtt: {topic: a}\n", "needs its sensors' entities"},
		{"model not run", "  - name: x\n    mqtt: {topic: a}\n    entities: {s: {model: water, id: \"1\"}}\n", "not in this scenario's models"},
		{"twice", "  - name: x\n    mqtt: {topic: a}\n    entities: {s: {model: parking, id: \"0\"}}\n  - name: x\n    mqtt: {topic: b}\n    entities: {s: {model: parking, id: \"0\"}}\n", "given twice"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Load(smallFeedScenario(t, c.feeds))
			if err == nil || !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one mentioning %q", err, c.want)
			}
			if !strings.Contains(err.Error(), "s.yaml:") {
				t.Errorf("error %v does not name the file and line", err)
			}
		})
	}
}

// TestFeedEntityErrors: an entity the city or model lacks is an error at
// build time naming the sensor's key.
func TestFeedEntityErrors(t *testing.T) {
	for _, c := range []struct{ name, id, want string }{
		{"no such car park", `"no such garage"`, "feeds[0].entities.BRUUNS"},
		{"index out of range", `"99999"`, "no facility named or numbered"},
	} {
		t.Run(c.name, func(t *testing.T) {
			feeds := strings.Replace(garagesFeed, `BRUUNS: {model: parking, id: "2"}`, `BRUUNS: {model: parking, id: `+c.id+`}`, 1)
			sc, err := Load(smallFeedScenario(t, feeds))
			if err != nil {
				t.Fatal(err)
			}
			_, err = Run(sc, RunOptions{Out: t.TempDir()})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one mentioning %q", err, c.want)
			}
		})
	}
}

// TestBundledLiveScenario: osterbro-live.yaml parses, with its two feeds.
func TestBundledLiveScenario(t *testing.T) {
	sc, err := Load("osterbro-live.yaml")
	if err != nil {
		t.Fatal(err)
	}
	feeds, err := sc.decodeFeeds()
	if err != nil || len(feeds) != 2 || feeds[0].Replay == nil || feeds[1].MQTT == nil {
		t.Fatalf("feeds %+v, %v", feeds, err)
	}
}

// TestFeedRunCheckpoint: a run with a replayed feed stopped at 1 h and
// resumed from its checkpoint ends with the same event digest and the
// same residuals as the run straight through.
func TestFeedRunCheckpoint(t *testing.T) {
	sc, err := Load(smallFeedScenario(t, garagesFeed))
	if err != nil {
		t.Fatal(err)
	}
	straight, err := Run(sc, RunOptions{Out: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	cp := filepath.Join(t.TempDir(), "cp")
	if _, err := Run(sc, RunOptions{Out: t.TempDir(), Until: time.Hour, Checkpoint: cp}); err != nil {
		t.Fatal(err)
	}
	resumed, err := Run(sc, RunOptions{Out: t.TempDir(), Restore: cp})
	if err != nil {
		t.Fatal(err)
	}
	if straight.Manifest.EventDigest != resumed.Manifest.EventDigest {
		t.Errorf("digest %s resumed, %s straight", resumed.Manifest.EventDigest, straight.Manifest.EventDigest)
	}
	a, b := kpiMap(straight.Manifest.KPIs["feeds"]), kpiMap(resumed.Manifest.KPIs["feeds"])
	if fmt.Sprint(a) != fmt.Sprint(b) {
		t.Errorf("feed KPIs resumed %v, straight %v", b, a)
	}
}

// FuzzFeeds: no feeds: section makes the loader panic; every rejection
// wraps ErrInvalid, and an accepted section decodes with exactly one kind
// per feed.
func FuzzFeeds(f *testing.F) {
	head := minimal + "models:\n  parking: {}\nfeeds:\n"
	f.Add([]byte(garagesFeed))
	f.Add([]byte(liveFeedYAML))
	f.Add([]byte("  - name: x\n    mqtt: {topic: a, qos: 1, codec: tts}\n    entities: {s: {model: parking, id: \"0\"}}\n"))
	f.Add([]byte("  - {name: x, replay: {file: a.jsonl, format: jsonl, values: [{column: v, quantity: flow}]}}\n"))
	f.Add([]byte("  - name: x\n    entities: [1, 2]\n"))
	f.Fuzz(func(t *testing.T, feeds []byte) {
		sc, err := Parse("fuzz.yaml", append([]byte(head), feeds...))
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("error does not wrap ErrInvalid: %v", err)
			}
			return
		}
		cfgs, err := sc.decodeFeeds()
		if err != nil {
			t.Fatalf("accepted, then rejected: %v", err)
		}
		for _, c := range cfgs {
			if (c.Replay == nil) == (c.MQTT == nil) || c.Name == "" {
				t.Fatalf("accepted feed %+v", c)
			}
		}
	})
}

// TestRunFeedsGridWater replays meter readings into the grid and water
// models on the small city: a bus meter's kW becomes the bus load the next
// power flow sees; a flow at the Lake main far above the model's is a
// leak alarm (demand left alone); a pressure is compared only.
func TestRunFeedsGridWater(t *testing.T) {
	grid, err := filepath.Abs("data/grid/selp_series.csv")
	if err != nil {
		t.Fatal(err)
	}
	net3, _ := filepath.Abs("data/water/Net3.inp")
	models := "  grid: {step: 15m, profiles: " + grid + "}\n  water: {inp: " + net3 + "}\n"
	// Find a load bus of the synthesized grid first.
	path := smallFeedScenario(t, "")
	data, _ := os.ReadFile(path)
	doc := strings.Replace(string(data), "  traffic: {step: 1s, demand: {random_trips: 150, depart_within: 1h}}\n  parking: {background_per_h: 600, prefill: 0.3}\n", models, 1)
	doc = strings.TrimSuffix(doc, "feeds:\n")
	if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	sc, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	_, built, err := Build(sc)
	if err != nil {
		t.Fatal(err)
	}
	bus := built[0].(*gridModel).syn.LoadBus[0]
	rows := `{"t": "2024-05-14T07:10:00+02:00", "meter": 480, "lake": 10000, "p15": 1}
{"t": "2024-05-14T07:40:00+02:00", "meter": 95.5, "lake": 20000, "p15": 2}
`
	rec := filepath.Join(filepath.Dir(path), "meters.jsonl")
	if err := os.WriteFile(rec, []byte(rows), 0o644); err != nil {
		t.Fatal(err)
	}
	feeds := fmt.Sprintf(`  - name: meters
    replay:
      file: %s
      time: {column: t}
      entity: {model: water}
      values:
        - {column: meter, quantity: power, unit: kW, sensor: substation}
        - {column: lake, quantity: flow, unit: m3/h, sensor: lake-main}
        - {column: p15, quantity: pressure, unit: psi, sensor: logger-15}
    entities:
      substation: {model: grid, id: "%d"}
      lake-main: {model: water, id: "link:101"}
      logger-15: {model: water, id: "node:15"}
`, rec, bus)
	if err := os.WriteFile(path, []byte(doc+"feeds:\n"+feeds), 0o644); err != nil {
		t.Fatal(err)
	}
	if sc, err = Load(path); err != nil {
		t.Fatal(err)
	}
	res, err := Run(sc, RunOptions{Out: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	tables := map[string]*record.Table{}
	for _, tb := range res.Tables {
		tables[tb.Name] = tb
	}
	resid, alarms := tables["feed_residuals"], tables["water_leak_alarms"]
	if resid == nil || alarms == nil {
		t.Fatalf("tables %v: want feed_residuals and water_leak_alarms", res.Manifest.Files)
	}
	n, _ := resid.Rows()
	if n != 6 {
		t.Fatalf("%d residual rows, want 6 (3 readings twice)", n)
	}
	sensor, obs, after := resid.Columns[1].Strings, resid.Columns[5].Floats, resid.Columns[7].Floats
	for i := 0; i < n; i++ {
		switch sensor[i] {
		case "substation":
			if after[i] != obs[i] {
				t.Errorf("bus %d: load %v kW after the reading %v", bus, after[i], obs[i])
			}
		case "lake-main":
			if after[i] != 1 {
				t.Errorf("demand multiplier %v after a leak reading, want 1 (unchanged)", after[i])
			}
		}
	}
	if k := kpiMap(res.Manifest.KPIs["feeds"]); k["water_leak_alarms"] != 2 || k["meters.applied"] != 6 {
		t.Errorf("KPIs %v: want 2 leak alarms, 6 applied", k)
	}
	if a, _ := alarms.Rows(); a != 2 || alarms.Columns[2].Strings[0] != "101" || alarms.Columns[5].Floats[0] < 9000 {
		t.Errorf("alarms: %d rows, link %v, excess %v", a, alarms.Columns[2].Strings, alarms.Columns[5].Floats)
	}
}

// TestResolveEdge: traffic entities by edge index or OSM way id.
func TestResolveEdge(t *testing.T) {
	sc, err := Load(smallFeedScenario(t, ""))
	if err != nil {
		t.Fatal(err)
	}
	env, models, err := Build(sc)
	if err != nil {
		t.Fatal(err)
	}
	fs := newFeedSet(env, models)
	g := env.City.Roads
	way := g.WayOSM[7]
	first := int32(slices.Index(g.WayOSM, way))
	for _, c := range []struct {
		id   string
		want int32
		ok   bool
	}{
		{"edge:7", 7, true}, {fmt.Sprintf("way:%d", way), first, true}, {fmt.Sprint(way), first, true},
		{"edge:-1", 0, false}, {fmt.Sprintf("edge:%d", g.NumEdges()), 0, false}, {"way:1", 0, false}, {"Østerbrogade", 0, false},
	} {
		got, err := fs.resolve("traffic", c.id)
		if (err == nil) != c.ok || c.ok && got != c.want {
			t.Errorf("resolve(traffic, %q) = %d, %v; want %d, ok %v", c.id, got, err, c.want, c.ok)
		}
	}
	if _, err := fs.resolve("water", "1"); err == nil {
		t.Error("water resolved without a water model")
	}
}
