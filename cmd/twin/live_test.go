package main

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"citytwin/engine"
	"citytwin/engine/feed"
	"citytwin/engine/feed/device"
	"citytwin/engine/feed/mqtt"
	"citytwin/engine/feed/mqtt/mqtttest"
	"citytwin/engine/record"
)

// liveScenario writes a small live scenario: traffic on the 1 km²
// Trianglen extract, one MQTT feed of an induction loop on edge 10, and
// the forks' overlay (demand +50 %).
func liveScenario(t *testing.T) (path string, start time.Time) {
	t.Helper()
	osm, err := filepath.Abs("../../scenarios/data/osm/copenhagen_osterbro_trianglen_1km2.osm")
	if err != nil {
		t.Fatal(err)
	}
	doc := `name: live-small
city: {osm: ` + osm + `}
start: 2024-05-14T07:00:00
timezone: Europe/Copenhagen
duration: 2h
seed: 5
models:
  traffic: {step: 1s, demand: {random_trips: 100, depart_within: 30m}}
outputs: {format: csv}
feeds:
  - name: loops
    mqtt: {topic: city/+/senml, codec: senml}
    entities:
      loop-10: {model: traffic, id: "edge:10"}
changes:
  - {kind: scale_demand, factor: 1.5}
`
	path = filepath.Join(t.TempDir(), "live.yaml")
	if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	loc, _ := time.LoadLocation("Europe/Copenhagen")
	return path, time.Date(2024, 5, 14, 7, 0, 0, 0, loc)
}

var brokerLine = regexp.MustCompile(`embedded MQTT broker at (tcp://\S+)`)

// TestLiveCommand runs twin live as a process at 300x real time, forking
// every 15 simulated minutes and once more on SIGUSR1, while a virtual
// induction loop publishes a count a simulated minute (QoS 1) to the
// embedded broker (whose URL the command prints) or to a real Mosquitto.
// Every step waits for what the process reports (its output, its
// manifest, its audit log), and SIGINT stops it once all is seen, so a
// slow machine only makes the run longer. Every message is accounted for
// in the manifest, the counts reach the traffic model (the loops table),
// the forks are written with results and audited.
func TestLiveCommand(t *testing.T) {
	for _, broker := range []string{"embedded", "mosquitto"} {
		t.Run(broker, func(t *testing.T) {
			url := ""
			if broker == "mosquitto" {
				url = mqtttest.StartMosquitto(t).URL()
			}
			runLiveCommand(t, url)
		})
	}
}

// liveWait bounds each wait for the live process to report something.
const liveWait = 2 * time.Minute

var (
	forkDone    = regexp.MustCompile(`fork at \S+: results in`)
	forkSkipped = regexp.MustCompile(`fork at \S+ skipped`)
)

func runLiveCommand(t *testing.T, url string) {
	scenario, start := liveScenario(t)
	out := t.TempDir()
	// --for is only a bound: the test stops the process with SIGINT.
	args := []string{"live", scenario, "--out", out, "--speed", "300", "--for", "6h", "--fork-every", "15m",
		"--horizon", "10m", "--publish", "5m", "--operator", "tester"}
	if url != "" {
		args = append(args, "--broker", url)
	}
	p := startLive(t, args, "TWIN_MQTT_PASSWORD=hunter2")
	// Publish once subscribed (the line after the broker's URL).
	p.waitUntil(t, "the subscription", func() bool { return strings.Contains(p.stdout.String(), "subscribed to") })
	if m := brokerLine.FindStringSubmatch(p.stdout.String()); m != nil {
		url = m[1]
	}
	if url == "" {
		t.Fatalf("no broker URL printed:\n%s", p.stdout.String())
	}
	sent := publishLoop(t, url, start)

	// Ask for a fork once the scheduled one at 15 min is done, so that the
	// request is taken unless a later scheduled fork is running (then it
	// is skipped, and said so).
	p.waitUntil(t, "the first fork", func() bool { return forkDone.MatchString(p.stdout.String()) })
	signalled := len(p.stdout.String())
	if err := p.cmd.Process.Signal(syscall.SIGUSR1); err != nil {
		t.Fatal(err)
	}
	auditPath := filepath.Join(out, "audit.jsonl")
	p.waitUntil(t, "the requested fork", func() bool {
		return auditTriggers(auditPath)["request"] > 0 || forkSkipped.MatchString(p.stdout.String()[signalled:])
	})
	p.waitUntil(t, "every message in the manifest", func() bool {
		m, err := record.ReadManifest(out)
		return err == nil && feedKPIs(m)["loops.received"] >= float64(2*sent)
	})
	if err := p.cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	if err := p.wait(t); err != nil {
		t.Fatalf("twin live: %v\n%s\n%s", err, p.stdout.String(), p.stderr.String())
	}
	log := p.stdout.String()
	if strings.Contains(log+p.stderr.String(), "hunter2") {
		t.Error("the MQTT password was printed")
	}
	m, err := record.ReadManifest(out)
	if err != nil {
		t.Fatal(err)
	}
	// Each message is a count and a battery reading: both received,
	// every one applied (the battery is taken and ignored by traffic).
	if k := feedKPIs(m); k["loops.received"] != float64(2*sent) || k["loops.applied"] != float64(2*sent) {
		t.Errorf("feed KPIs %v, want %d received and applied (%d messages)", k, 2*sent, sent)
	}
	loops, err := os.ReadFile(filepath.Join(out, "loops.csv"))
	if err != nil || !strings.Contains(string(loops), "feed:loop-10") {
		t.Errorf("loops.csv has no row of the feed's loop (%v):\n%s", err, loops)
	}
	checkForks(t, out, log, signalled, start, m.SimEnd)
}

// checkForks checks the forks of a twin live run from start to simEnd
// whose log is log and which got SIGUSR1 at log offset signalled: every
// fork written and audited without error, the scheduled one at 15 min
// among them, the request forked once or skipped because a scheduled fork
// was running, and every fork due either written or said skipped.
func checkForks(t *testing.T, out, log string, signalled int, start time.Time, simEnd string) {
	t.Helper()
	forks, _ := filepath.Glob(filepath.Join(out, "forks", "*", "manifest.json"))
	audit := readAuditFile(t, filepath.Join(out, "audit.jsonl"))
	triggers := map[string]int{}
	for _, e := range audit {
		if e.Action != "fork" || e.Who != "tester" || e.Detail["error"] != "" {
			t.Errorf("audit entry %+v", e)
		}
		triggers[e.Detail["trigger"]]++
	}
	skipped := len(forkSkipped.FindAllString(log, -1))
	requested := triggers["request"] == 1 || (triggers["request"] == 0 && forkSkipped.MatchString(log[signalled:]))
	if len(audit) != len(forks) || triggers["schedule"] < 1 || !requested {
		t.Errorf("%d forks written, %d audited (triggers %v), %d skipped; want the scheduled fork and the requested "+
			"one (or it skipped), all audited\n%s", len(forks), len(audit), triggers, skipped, log)
	}
	// Forks are tried after each simulated second: on schedule at every
	// 15 min the mirror got past (or reached), and once on the request
	// unless it came in the same second as a scheduled one.
	end, err := time.Parse(time.RFC3339, simEnd)
	if err != nil {
		t.Fatal(err)
	}
	elapsed := end.Sub(start)
	past, reached := int((elapsed-time.Second)/(15*time.Minute)), int(elapsed/(15*time.Minute))
	if tried := len(forks) + skipped; tried < past || tried > reached+1 {
		t.Errorf("%d forks written and %d skipped in %v, want %d to %d", len(forks), skipped, elapsed, past, reached+1)
	}
}

func feedKPIs(m *record.Manifest) map[string]float64 {
	k := map[string]float64{}
	for _, r := range m.KPIs["feeds"] {
		k[r.Name] = r.Value
	}
	return k
}

// auditTriggers counts the triggers of the forks audited so far in the
// audit log at path (a line being appended is not counted yet).
func auditTriggers(path string) map[string]int {
	data, _ := os.ReadFile(path)
	n := map[string]int{}
	for _, l := range strings.Split(string(data), "\n") {
		var e feed.AuditEntry
		if json.Unmarshal([]byte(l), &e) == nil && e.Action == "fork" {
			n[e.Detail["trigger"]]++
		}
	}
	return n
}

// liveProc is a twin live process whose output the test reads while it
// runs.
type liveProc struct {
	cmd            *exec.Cmd
	stdout, stderr lockedBuffer
	exited         chan struct{}
	err            error // of Wait, once exited is closed
}

// startLive starts twin with args (and env) and kills it, if still
// running, when the test ends.
func startLive(t *testing.T, args []string, env ...string) *liveProc {
	t.Helper()
	p := &liveProc{exited: make(chan struct{})}
	p.cmd = exec.Command(os.Args[0], args...)
	p.cmd.Env = append(append(os.Environ(), "TWIN_AS_MAIN=1", "CI=1"), env...)
	p.cmd.Stdout, p.cmd.Stderr = &p.stdout, &p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.err = p.cmd.Wait(); close(p.exited) }()
	t.Cleanup(func() {
		select {
		case <-p.exited:
		default:
			p.cmd.Process.Kill()
			<-p.exited
		}
	})
	return p
}

// waitUntil polls cond until it holds; it fails the test when the process
// ends first or after liveWait.
func (p *liveProc) waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.After(liveWait)
	for !cond() {
		select {
		case <-p.exited:
			if cond() {
				return
			}
			t.Fatalf("twin live ended (%v) before %s:\n%s\n%s", p.err, what, p.stdout.String(), p.stderr.String())
		case <-deadline:
			t.Fatalf("no %s after %v:\n%s\n%s", what, liveWait, p.stdout.String(), p.stderr.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// wait waits for the process to end (at most liveWait) and returns the
// error of Wait.
func (p *liveProc) wait(t *testing.T) error {
	t.Helper()
	select {
	case <-p.exited:
		return p.err
	case <-time.After(liveWait):
		t.Fatalf("twin live did not stop within %v:\n%s\n%s", liveWait, p.stdout.String(), p.stderr.String())
		return nil
	}
}

// lockedBuffer is a bytes.Buffer safe for one writer and concurrent
// readers.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// publishLoop runs a virtual induction loop on edge 10 for the first 30
// simulated minutes, one count a minute, at QoS 1, and returns how many
// messages it sent.
func publishLoop(t *testing.T, url string, start time.Time) int {
	t.Helper()
	pub, err := mqtt.NewPublisher(mqtt.Config{Broker: url, ClientID: "virtual-loop", QoS: 1, CleanSession: true})
	if err != nil {
		t.Fatal(err)
	}
	defer pub.Close()
	d := device.New(device.Spec{ID: "loop-10", Kind: device.InductionLoop, Entity: feed.Entity{Model: "traffic", ID: "edge:10"},
		Interval: engine.Minute, Noise: 1, Base: 12}, rand.New(rand.NewPCG(1, 2)), engine.Minute)
	fleet := device.Fleet{Devices: []*device.Device{d}, Epoch: feed.Epoch(start.UnixMicro())}
	sent := 0
	err = fleet.Emit(30*engine.Minute, func(m *device.Message) error {
		sent++
		return pub.PublishWait(m.Topic, m.Payload)
	})
	if err != nil {
		t.Fatal(err)
	}
	return sent
}

func readAuditFile(t *testing.T, path string) []feed.AuditEntry {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []feed.AuditEntry
	for _, l := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var e feed.AuditEntry
		if err := json.Unmarshal([]byte(l), &e); err != nil {
			t.Fatalf("audit line %q: %v", l, err)
		}
		out = append(out, e)
	}
	return out
}

// TestLiveFlags: bad flags are usage errors (exit code 2).
func TestLiveFlags(t *testing.T) {
	t.Parallel()
	scenario, _ := liveScenario(t)
	for _, c := range []struct {
		name string
		args []string
		msg  string
	}{
		{"speed", []string{"--speed", "0"}, "--speed"},
		{"horizon", []string{"--horizon", "soon"}, "--horizon"},
		{"cert without key", []string{"--cert", "c.pem"}, "--cert and --key"},
		{"missing CA", []string{"--ca", "/nonexistent/ca.pem"}, "--ca"},
		{"what-if", []string{"--what-if", "/nonexistent/v.yaml"}, "--what-if"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, stderr, code := twin(t, nil, append([]string{"live", scenario, "--out", t.TempDir()}, c.args...)...)
			if code != 2 || !strings.Contains(stderr, c.msg) {
				t.Errorf("exit %d, stderr %q: want 2 and %q", code, stderr, c.msg)
			}
		})
	}
}

// TestLiveView: --view starts the viewer ($TWIN_VIEWER here, a script
// that writes down its arguments) following the results folder.
func TestLiveView(t *testing.T) {
	t.Parallel()
	scenario, _ := liveScenario(t)
	dir := t.TempDir()
	args := filepath.Join(dir, "viewer-args")
	viewer := filepath.Join(dir, "viewer.sh")
	// The script writes beside the file and renames it, so that the file
	// appears complete.
	script := "#!/bin/sh\necho \"$@\" > " + args + ".tmp && mv " + args + ".tmp " + args + "\n"
	if err := os.WriteFile(viewer, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	stdout, stderr, code := twin(t, []string{"TWIN_VIEWER=" + viewer}, "live", scenario, "--out", out, "--speed", "600", "--for", "2m", "--view")
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	// The viewer runs on its own, maybe still after twin live ended.
	got, err := os.ReadFile(args)
	for deadline := time.Now().Add(30 * time.Second); err != nil && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
		got, err = os.ReadFile(args)
	}
	if strings.TrimSpace(string(got)) != "--follow "+out {
		t.Errorf("viewer started with %q, want --follow %s\n%s", got, out, stdout)
	}
}
