package scenarios

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"citytwin/engine/feed"
	"citytwin/engine/feed/codec"
	"citytwin/engine/feed/mqtt"
	"citytwin/engine/feed/mqtt/mqtttest"
	"citytwin/engine/record"
)

// liveFeed is an MQTT feed of two sensors of car park 0 and an overlay
// (the forks' what-if): 100 more spaces in every car park.
const liveFeedYAML = `  - name: sensors
    mqtt: {topic: city/+/senml, codec: senml, qos: 1}
    entities:
      garage-a: {model: parking, id: "0"}
changes:
  - {kind: add_capacity, car_park: "*", spaces: 100}
`

// publishReadings publishes n occupancy readings of garage-a, one a
// simulated minute from the scenario start, at QoS 1, plus one reading
// of an unknown sensor and one undecodable payload.
func publishReadings(t *testing.T, url string, start time.Time, values []float64) {
	t.Helper()
	pub, err := mqtt.NewPublisher(mqtt.Config{Broker: url, ClientID: "test-devices", QoS: 1, CleanSession: true})
	if err != nil {
		t.Error(err)
		return
	}
	defer pub.Close()
	for i, v := range values {
		us := start.Add(time.Duration(i+1) * time.Minute).UnixMicro()
		p := codec.AppendSenML(nil, "garage-a:", us, codec.SenMLRecord{Name: feed.QtyOccupancy, Unit: "count", Value: v})
		if err := pub.PublishWait("city/garage-a/senml", p); err != nil {
			t.Error(err)
		}
	}
	stranger := codec.AppendSenML(nil, "garage-x:", start.UnixMicro(), codec.SenMLRecord{Name: feed.QtyOccupancy, Value: 1})
	for _, p := range [][]byte{stranger, []byte(`[{"bn":`)} {
		if err := pub.PublishWait("city/garage-x/senml", p); err != nil {
			t.Error(err)
		}
	}
}

// runLive runs the small scenario live against broker ("" = embedded) at
// 600x real time, forking every 10 simulated minutes, with the readings
// published once it is subscribed, and stops it once the published
// manifest accounts for every message and a fork is written.
func runLive(t *testing.T, broker string) (*LiveResult, string, string) {
	sc, err := Load(smallFeedScenario(t, liveFeedYAML))
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	auditPath := filepath.Join(out, "audit.jsonl")
	audit, err := feed.OpenAudit(auditPath)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { audit.Close() }) // after the run has ended (cleanups run last first)
	r := startLiveRun(t, sc, LiveOptions{Out: out, Speed: 600, For: liveBound, Publish: 5 * time.Minute,
		ForkEvery: 10 * time.Minute, Horizon: 20 * time.Minute, Audit: audit, Operator: "tester",
		MQTT: mqtt.Config{Broker: broker}})
	publishReadings(t, r.waitReady(t), sc.StartTime, []float64{5, 9, 13})
	r.waitUntil(t, "every message and a fork", func() bool {
		k := publishedKPIs(out)
		forks, _ := filepath.Glob(filepath.Join(out, "forks", "*", "manifest.json"))
		return k["sensors.received"] >= 5 && k["sensors.applied"] >= 3 && len(forks) > 0
	})
	res, err := r.stop(t)
	if err != nil {
		t.Fatal(err)
	}
	return res, out, auditPath
}

// liveBound bounds the live runs of the tests in simulated time (a minute
// of wall time at 600x); the tests stop them as soon as they have seen
// what they wait for, and liveWait bounds each wait in wall time.
const (
	liveBound = 10 * time.Hour
	liveWait  = 2 * time.Minute
)

// liveRun is a Live run in a goroutine of its own, so that the test
// goroutine publishes, restarts brokers and decides when to stop it.
type liveRun struct {
	ready  chan string // the broker's URL, once subscribed
	cancel context.CancelFunc
	done   chan struct{}
	res    *LiveResult // res and err once done is closed
	err    error
}

// startLiveRun starts Live(sc, opt); it is stopped and waited for when
// the test ends at the latest.
func startLiveRun(t *testing.T, sc *Scenario, opt LiveOptions) *liveRun {
	ctx, cancel := context.WithCancel(context.Background())
	r := &liveRun{ready: make(chan string, 1), cancel: cancel, done: make(chan struct{})}
	opt.OnReady = func(url string) { r.ready <- url }
	go func() {
		defer close(r.done)
		r.res, r.err = Live(ctx, sc, opt)
	}()
	t.Cleanup(func() { cancel(); <-r.done })
	return r
}

// waitReady returns the broker's URL once the run has subscribed.
func (r *liveRun) waitReady(t *testing.T) string {
	t.Helper()
	select {
	case url := <-r.ready:
		return url
	case <-r.done:
		t.Fatalf("Live ended before subscribing: %v", r.err)
	case <-time.After(liveWait):
		t.Fatalf("Live not subscribed after %v", liveWait)
	}
	return ""
}

// waitUntil polls cond until it holds; it fails the test when the run
// ends first or after liveWait.
func (r *liveRun) waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.After(liveWait)
	for !cond() {
		select {
		case <-r.done:
			if !cond() {
				t.Fatalf("Live ended (%v) before %s", r.err, what)
			}
			return
		case <-deadline:
			t.Fatalf("no %s after %v", what, liveWait)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// stop cancels the run as Ctrl-C does and returns its result.
func (r *liveRun) stop(t *testing.T) (*LiveResult, error) {
	t.Helper()
	r.cancel()
	select {
	case <-r.done:
		return r.res, r.err
	case <-time.After(liveWait):
		t.Fatalf("Live did not stop within %v", liveWait)
		return nil, nil
	}
}

// publishedKPIs are the feed KPIs of the manifest the run last published
// in out (none before the first).
func publishedKPIs(out string) map[string]float64 {
	m, err := record.ReadManifest(out)
	if err != nil {
		return map[string]float64{}
	}
	return kpiMap(m.KPIs["feeds"])
}

// checkLive checks what every live run must show: each message accounted
// for, the readings in state, forks written and audited.
func checkLive(t *testing.T, res *LiveResult, out, auditPath string) {
	t.Helper()
	if res.Messages != 5 {
		t.Errorf("%d messages received, want 5", res.Messages)
	}
	k := kpiMap(res.Manifest.KPIs["feeds"])
	if k["sensors.received"] != 5 || k["sensors.applied"] != 3 || k["sensors.quarantined.unknown_sensor"] != 1 || k["sensors.quarantined.decode"] != 1 {
		t.Errorf("feed KPIs %v: want 5 received = 3 applied + 1 unknown sensor + 1 undecodable", k)
	}
	m, err := record.ReadManifest(out)
	if err != nil || m.SimEnd != res.Manifest.SimEnd {
		t.Fatalf("published manifest %+v, %v", m, err)
	}
	// The residual table: after each reading the car park held it.
	resid, err := os.ReadFile(filepath.Join(out, "feed_residuals.csv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(resid)), "\n")
	if len(lines) != 4 {
		t.Fatalf("feed_residuals.csv:\n%s\nwant a header and 3 rows", resid)
	}
	for i, l := range lines[1:] {
		f := strings.Split(l, ",")
		if f[5] != f[7] || f[1] != "garage-a" {
			t.Errorf("row %d %q: observed and after differ", i+1, l)
		}
	}
	if len(res.Forks) == 0 {
		t.Fatal("no fork")
	}
	for _, f := range res.Forks {
		if f.Err != nil {
			t.Errorf("fork at %v: %v", f.At, f.Err)
			continue
		}
		fm, err := record.ReadManifest(f.Dir)
		if err != nil {
			t.Errorf("fork at %v: %v", f.At, err)
			continue
		}
		want := res.Manifest.SimStart
		st, _ := time.Parse(time.RFC3339, want)
		if end := st.Add(f.At.Duration() + 20*time.Minute).Format(time.RFC3339); fm.SimEnd != end || !fm.Restored {
			t.Errorf("fork at %v ends %s (restored %v), want %s", f.At, fm.SimEnd, fm.Restored, end)
		}
		if !strings.HasPrefix(f.Dir, filepath.Join(out, "forks")+string(filepath.Separator)) {
			t.Errorf("fork dir %s not under OUT/forks", f.Dir)
		}
		// The overlay: car park 0 has 100 more spaces in the fork than in the mirror.
		if mc, fc := capacityOf(t, out, 0), capacityOf(t, f.Dir, 0); fc != mc+100 {
			t.Errorf("fork at %v: car park 0 has %d spaces, the mirror %d: want 100 more", f.At, fc, mc)
		}
	}
	entries := readAudit(t, auditPath)
	forks := 0
	for _, e := range entries {
		if e.Action == "fork" {
			forks++
			if e.Who != "tester" || e.Sim == "" || e.Detail["overlay"] == "" || e.Detail["dir"] == "" {
				t.Errorf("audit entry %+v", e)
			}
		}
	}
	if forks != len(res.Forks) {
		t.Errorf("%d forks audited, %d run", forks, len(res.Forks))
	}
}

func readAudit(t *testing.T, path string) []feed.AuditEntry {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []feed.AuditEntry
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var e feed.AuditEntry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("audit line %q: %v", sc.Text(), err)
		}
		out = append(out, e)
	}
	return out
}

// TestLiveEmbedded: the live twin against its embedded broker.
func TestLiveEmbedded(t *testing.T) {
	res, out, audit := runLive(t, "")
	if !strings.HasPrefix(res.BrokerURL, "tcp://127.0.0.1:") {
		t.Errorf("broker %q", res.BrokerURL)
	}
	checkLive(t, res, out, audit)
}

// TestLiveMosquitto: the same against a real Mosquitto.
func TestLiveMosquitto(t *testing.T) {
	m := mqtttest.StartMosquitto(t)
	res, out, audit := runLive(t, m.URL())
	checkLive(t, res, out, audit)
}

// capacityOf reads facility f's capacity from a run's parking_facilities.csv.
func capacityOf(t *testing.T, dir string, f int) int {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "parking_facilities.csv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	head := strings.Split(lines[0], ",")
	col := slices.Index(head, "capacity")
	row := strings.Split(lines[1+f], ",")
	n, err := strconv.Atoi(row[col])
	if err != nil {
		t.Fatalf("%s: capacity %q", dir, row[col])
	}
	return n
}

// TestLiveMosquittoRestart: Mosquitto stops and starts again between two
// batches of QoS 1 readings; the mirror's persistent session (fixed client
// id, clean session off) gets every one of them.
func TestLiveMosquittoRestart(t *testing.T) {
	m := mqtttest.StartMosquitto(t)
	sc, err := Load(smallFeedScenario(t, liveFeedYAML))
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	r := startLiveRun(t, sc, LiveOptions{Out: out, Speed: 600, For: liveBound, Publish: 5 * time.Minute,
		MQTT: mqtt.Config{Broker: m.URL()}})
	url := r.waitReady(t)
	publishReadings(t, url, sc.StartTime, []float64{1, 2, 3})
	m.Stop()
	m.Start()
	publishReadings(t, url, sc.StartTime.Add(time.Hour/2), []float64{4, 5, 6})
	// The mirror reconnects on its own: wait for both batches.
	r.waitUntil(t, "both batches", func() bool {
		k := publishedKPIs(out)
		return k["sensors.applied"] >= 6 && k["sensors.quarantined.decode"] >= 2 && k["sensors.quarantined.unknown_sensor"] >= 2
	})
	res, err := r.stop(t)
	if err != nil {
		t.Fatal(err)
	}
	// QoS 1 is at least once: a message in flight at the restart may come
	// twice. Every reading is applied once; the repeats are duplicates
	// (readings) or quarantined again (the unknown sensor, the garbage).
	k := kpiMap(res.Manifest.KPIs["feeds"])
	sum := k["sensors.applied"] + k["sensors.late"] + k["sensors.duplicate"] + k["sensors.quarantined"]
	if k["sensors.applied"] != 6 || k["sensors.received"] < 10 || sum != k["sensors.received"] ||
		k["sensors.quarantined.decode"] < 2 || k["sensors.quarantined.unknown_sensor"] < 2 {
		t.Errorf("feed KPIs %v: want the 6 readings applied once and every message accounted for", k)
	}
}

// BenchmarkLiveLatency measures publish-to-state latency through twin
// live at real-time speed (embedded broker, QoS 0): a publisher sends
// rate readings per second for 10 s, each stamped with its wall-clock
// publish time; the latency is the time it reached the parking model
// minus that stamp. Reported: p50, p99 and max in ms, and the rate.
func BenchmarkLiveLatency(b *testing.B) {
	const rate, seconds = 1000, 10
	for i := 0; i < b.N; i++ {
		dir := b.TempDir()
		path := filepath.Join(dir, "s.yaml")
		osm, _ := filepath.Abs("data/osm/copenhagen_osterbro_trianglen_1km2.osm")
		doc := `name: latency
city: {osm: ` + osm + `}
start: 2024-05-14T07:00:00
timezone: Europe/Copenhagen
duration: 2h
models:
  parking: {background_per_h: 600, prefill: 0.3}
outputs: {format: csv}
feeds:
  - name: sensors
    mqtt: {topic: city/+/senml, codec: senml, qos: 0}
    entities:
      garage-a: {model: parking, id: "0"}
`
		if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
			b.Fatal(err)
		}
		sc, err := Load(path)
		if err != nil {
			b.Fatal(err)
		}
		var lat []time.Duration
		done := make(chan struct{})
		opt := LiveOptions{Out: dir, Speed: 1, For: (seconds + 2) * time.Second, Publish: time.Hour,
			OnApply: func(o *feed.Observation, at time.Time) {
				lat = append(lat, at.Sub(time.UnixMicro(o.UnixMicro)))
			},
			OnReady: func(url string) {
				go func() {
					defer close(done)
					pub, err := mqtt.NewPublisher(mqtt.Config{Broker: url, ClientID: "latency-pub"})
					if err != nil {
						b.Error(err)
						return
					}
					defer pub.Close()
					tick := time.NewTicker(time.Second / rate)
					defer tick.Stop()
					for k := 0; k < rate*seconds; k++ {
						<-tick.C
						p := codec.AppendSenML(nil, "garage-a:", time.Now().UnixMicro(), codec.SenMLRecord{Name: feed.QtyOccupancy, Value: float64(k % 50)})
						pub.Publish("city/garage-a/senml", p)
					}
				}()
			}}
		if _, err := Live(context.Background(), sc, opt); err != nil {
			b.Fatal(err)
		}
		<-done
		slices.Sort(lat)
		if len(lat) == 0 {
			b.Fatal("nothing applied")
		}
		q := func(f float64) float64 { return float64(lat[int(f*float64(len(lat)-1))].Microseconds()) / 1000 }
		b.ReportMetric(q(0.5), "p50-ms")
		b.ReportMetric(q(0.99), "p99-ms")
		b.ReportMetric(q(1), "max-ms")
		b.ReportMetric(float64(len(lat))/seconds, "applied/s")
	}
}
