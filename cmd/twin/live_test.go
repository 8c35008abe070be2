package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
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

// TestLiveCommand runs twin live as a process at 300x real time for 40
// simulated minutes, forking every 15 minutes and once more on SIGUSR1,
// while a virtual induction loop publishes a count a simulated minute
// (QoS 1) to the embedded broker (whose URL the command prints) or to a
// real Mosquitto. Every message is accounted for in the manifest, the
// counts reach the traffic model (the loops table), the forks are written
// with results and audited.
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

func runLiveCommand(t *testing.T, url string) {
	scenario, start := liveScenario(t)
	out := t.TempDir()
	args := []string{"live", scenario, "--out", out, "--speed", "300", "--for", "40m", "--fork-every", "15m",
		"--horizon", "10m", "--publish", "5m", "--operator", "tester"}
	if url != "" {
		args = append(args, "--broker", url)
	}
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "TWIN_AS_MAIN=1", "CI=1", "TWIN_MQTT_PASSWORD=hunter2")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	// Publish once subscribed (the line after the broker's URL).
	lines := bufio.NewScanner(io.TeeReader(stdout, &log))
	subscribed := false
	for !subscribed && lines.Scan() {
		if m := brokerLine.FindStringSubmatch(lines.Text()); m != nil {
			url = m[1]
		}
		subscribed = strings.Contains(lines.Text(), "subscribed to")
	}
	if url == "" || !subscribed {
		cmd.Wait()
		t.Fatalf("no broker URL or subscription printed:\n%s\n%s", log.String(), stderr.String())
	}
	copied := make(chan struct{})
	go func() { io.Copy(io.Discard, io.TeeReader(stdout, &log)); close(copied) }() //nolint:errcheck
	sent := publishLoop(t, url, start)
	time.Sleep(500 * time.Millisecond) // past the subscription and into the run
	if err := cmd.Process.Signal(syscall.SIGUSR1); err != nil {
		t.Fatal(err)
	}
	<-copied // the output is complete once the process closes it
	if err := cmd.Wait(); err != nil {
		t.Fatalf("twin live: %v\n%s\n%s", err, log.String(), stderr.String())
	}
	if strings.Contains(log.String()+stderr.String(), "hunter2") {
		t.Error("the MQTT password was printed")
	}
	m, err := record.ReadManifest(out)
	if err != nil {
		t.Fatal(err)
	}
	k := map[string]float64{}
	for _, r := range m.KPIs["feeds"] {
		k[r.Name] = r.Value
	}
	// Each message is a count and a battery reading: both received,
	// every one applied (the battery is taken and ignored by traffic).
	if k["loops.received"] != float64(2*sent) || k["loops.applied"] != float64(2*sent) {
		t.Errorf("feed KPIs %v, want %d received and applied (%d messages)", k, 2*sent, sent)
	}
	loops, err := os.ReadFile(filepath.Join(out, "loops.csv"))
	if err != nil || !strings.Contains(string(loops), "feed:loop-10") {
		t.Errorf("loops.csv has no row of the feed's loop (%v):\n%s", err, loops)
	}
	forks, _ := filepath.Glob(filepath.Join(out, "forks", "*", "manifest.json"))
	audit := readAuditFile(t, filepath.Join(out, "audit.jsonl"))
	if len(forks) < 2 || len(audit) != len(forks) {
		t.Errorf("%d forks written, %d audited; want at least 2 (every 15 min, SIGUSR1), all audited\n%s", len(forks), len(audit), log.String())
	}
	triggers := map[string]int{}
	for _, e := range audit {
		if e.Action != "fork" || e.Who != "tester" || e.Detail["error"] != "" {
			t.Errorf("audit entry %+v", e)
		}
		triggers[e.Detail["trigger"]]++
	}
	if triggers["request"] == 0 && !strings.Contains(log.String(), "skipped") {
		t.Errorf("no fork on SIGUSR1 (triggers %v)\n%s", triggers, log.String())
	}
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
	if err := os.WriteFile(viewer, []byte("#!/bin/sh\necho \"$@\" > "+args+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	stdout, stderr, code := twin(t, []string{"TWIN_VIEWER=" + viewer}, "live", scenario, "--out", out, "--speed", "600", "--for", "2m", "--view")
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	var got []byte
	for i := 0; i < 50 && len(got) == 0; i++ { // the viewer runs on its own
		time.Sleep(20 * time.Millisecond)
		got, _ = os.ReadFile(args)
	}
	if strings.TrimSpace(string(got)) != "--follow "+out {
		t.Errorf("viewer started with %q, want --follow %s\n%s", got, out, stdout)
	}
}
