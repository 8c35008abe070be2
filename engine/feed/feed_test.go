package feed

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"citytwin/engine"
)

func obs(sensor, qty string, t engine.Time, v float64) Observation {
	return Observation{Sensor: sensor, Entity: Entity{Model: "m", ID: sensor}, Quantity: qty, Time: t, Value: v}
}

func TestChecker(t *testing.T) {
	limits := map[string]Limits{
		QtyFill:     {Min: 0, Max: 150, MaxRatePerS: 1, StuckN: 3},
		QtyPressure: {Min: -10, Max: 200},
	}
	m := engine.Minute
	steps := []struct {
		name   string
		o      Observation
		want   Verdict
		reason Reason
	}{
		{"first", obs("b", QtyFill, 0, 10), Applied, ReasonNone},
		{"same again is duplicate", obs("b", QtyFill, 0, 99), Duplicate, ReasonNone},
		{"rate ok", obs("b", QtyFill, m, 60), Applied, ReasonNone},
		{"rate too fast", obs("b", QtyFill, m+engine.Second, 100), Quarantined, ReasonRate},
		{"range", obs("b", QtyFill, 2*m, 151), Quarantined, ReasonRange},
		{"nan", obs("b", QtyFill, 2*m, math.NaN()), Quarantined, ReasonNaN},
		{"late", obs("b", QtyFill, m/2, 30), Late, ReasonNone},
		{"late duplicate", obs("b", QtyFill, m/2, 30), Duplicate, ReasonNone},
		{"stuck 2", obs("b", QtyFill, 3*m, 60), Applied, ReasonNone},
		{"stuck 3", obs("b", QtyFill, 4*m, 60), Quarantined, ReasonStuck},
		{"other quantity independent", obs("b", QtyPressure, 0, 50), Applied, ReasonNone},
		{"capacity sets limit", obs("g", QtyCapacity, 0, 100), Applied, ReasonNone},
		{"occupancy within", obs("g", QtyOccupancy, m, 100), Applied, ReasonNone},
		{"occupancy above", obs("g", QtyOccupancy, 2*m, 101), Quarantined, ReasonOverCapacity},
		{"unknown quantity passes", obs("x", "lux", 0, -1e9), Applied, ReasonNone},
	}
	c := NewChecker(limits)
	for _, s := range steps {
		o := s.o
		v, r := c.Check(&o)
		if v != s.want || r != s.reason {
			t.Errorf("%s: %v/%v, want %v/%v", s.name, v, r, s.want, s.reason)
		}
	}
	c.Reject(ReasonDecode)
	got := c.Counts()
	want := Counts{Received: 16, Applied: 7, Late: 1, Duplicate: 2, Quarantined: 6}
	if got.Received != want.Received || got.Applied != want.Applied || got.Late != want.Late ||
		got.Duplicate != want.Duplicate || got.Quarantined != want.Quarantined {
		t.Errorf("counts %+v, want %+v", got, want)
	}
	for _, r := range []string{"rate_of_change", "range", "nan", "stuck", "over_capacity", "decode"} {
		if got.ByReason[r] != 1 {
			t.Errorf("reason %s counted %d, want 1", r, got.ByReason[r])
		}
	}
}

// TestCheckerIdempotent: any order and any number of repeats of the same
// readings gives the same applied set and the same final value.
func TestCheckerIdempotent(t *testing.T) {
	base := []Observation{obs("s", QtyFlow, 0, 1), obs("s", QtyFlow, 10, 2), obs("s", QtyFlow, 20, 3), obs("s", QtyFlow, 30, 4)}
	orders := [][]int{{0, 1, 2, 3}, {0, 0, 1, 1, 2, 3, 3}, {3, 2, 1, 0}, {1, 3, 0, 2, 3, 1}}
	for _, ord := range orders {
		c := NewChecker(nil)
		keys := map[Key]bool{}
		var last Observation
		for _, i := range ord {
			o := base[i]
			v, _ := c.Check(&o)
			if v == Applied {
				last = o
			}
			if v == Applied || v == Late {
				if keys[o.Key()] {
					t.Fatalf("order %v: %v accepted twice", ord, o.Key())
				}
				keys[o.Key()] = true
			}
		}
		if len(keys) != 4 || last.Value != 4 {
			t.Errorf("order %v: %d readings accepted, state %v; want 4 and 4", ord, len(keys), last.Value)
		}
	}
}

func TestQueuePolicies(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		policy  Policy
		first   float64
		dropped uint64
	}{{DropNewest, 0, 2}, {DropOldest, 2, 2}} {
		q := NewQueue(3, tc.policy)
		for i := 0; i < 5; i++ {
			o := Observation{Value: float64(i)}
			q.Put(ctx, &o)
		}
		got := q.Drain(nil, 10)
		if len(got) != 3 || got[0].Value != tc.first || q.Stats().Dropped != tc.dropped {
			t.Errorf("policy %d: %v, stats %+v", tc.policy, got, q.Stats())
		}
	}
	// Block: the producer waits until the consumer drains.
	q := NewQueue(2, Block)
	done := make(chan bool)
	go func() {
		for i := 0; i < 5; i++ {
			o := Observation{Value: float64(i)}
			q.Put(ctx, &o)
		}
		done <- true
	}()
	var got []Observation
	for len(got) < 5 {
		<-q.Ready()
		got = q.Drain(got, 10)
	}
	<-done
	for i, o := range got {
		if o.Value != float64(i) {
			t.Fatalf("order broken: %v", got)
		}
	}
	if s := q.Stats(); s.Dropped != 0 || s.MaxLen > 2 || s.Enqueued != 5 {
		t.Errorf("stats %+v", s)
	}
	// A blocked Put gives up when its context ends.
	q = NewQueue(1, Block)
	o := Observation{}
	q.Put(ctx, &o)
	cctx, cancel := context.WithTimeout(ctx, 10*time.Millisecond)
	defer cancel()
	if ok, err := q.Put(cctx, &o); ok || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("blocked put: %v %v", ok, err)
	}
}

func TestSignatures(t *testing.T) {
	keys := Keys{"bay-1": []byte("secret-1")}
	msg := []byte(`[{"bn":"bay-1:","n":"status","v":1,"t":1.7e9}]`)
	env, err := Sign("bay-1", keys["bay-1"], msg)
	if err != nil {
		t.Fatal(err)
	}
	inner, dev, err := keys.Open(env, "bay-1")
	if err != nil || dev != "bay-1" || !bytes.Equal(inner, msg) {
		t.Fatalf("open: %q %q %v", inner, dev, err)
	}
	forged := bytes.Replace(env, []byte(`"v":1`), []byte(`"v":0`), 1)
	if _, _, err := keys.Open(forged, "bay-1"); !errors.Is(err, ErrBadSignature) {
		t.Errorf("forged: %v", err)
	}
	wrongKey, _ := Sign("bay-1", []byte("guess"), msg)
	if _, _, err := keys.Open(wrongKey, "bay-1"); !errors.Is(err, ErrBadSignature) {
		t.Errorf("wrong key: %v", err)
	}
	if _, _, err := keys.Open(msg, "bay-1"); !errors.Is(err, ErrNoSignature) {
		t.Errorf("unsigned from keyed device: %v", err)
	}
	if inner, _, err := keys.Open(msg, "bay-2"); err != nil || !bytes.Equal(inner, msg) {
		t.Errorf("unsigned from unkeyed device: %v", err)
	}
	if s := keys.String(); strings.Contains(s, "secret") {
		t.Errorf("Keys.String leaks the key: %s", s)
	}
}

func TestAuditLog(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	for i, who := range []string{"alice", "bob"} {
		a, err := OpenAudit(path) // reopening appends, never truncates
		if err != nil {
			t.Fatal(err)
		}
		a.now = func() time.Time { return time.Date(2024, 1, 1, 8, i, 0, 0, time.UTC) }
		if err := a.Record(AuditEntry{Who: who, Action: "fork", Sim: "08:00:00", Detail: map[string]string{"horizon": "2h"}}); err != nil {
			t.Fatal(err)
		}
		if err := a.Record(AuditEntry{Action: "overlay"}); err == nil {
			t.Error("entry without who accepted")
		}
		a.Close()
	}
	f, _ := os.Open(path)
	defer f.Close()
	sc := bufio.NewScanner(f)
	var got []AuditEntry
	for sc.Scan() {
		var e AuditEntry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatal(err)
		}
		got = append(got, e)
	}
	if len(got) != 2 || got[0].Who != "alice" || got[1].Who != "bob" || got[1].When.Minute() != 1 || got[0].Detail["horizon"] != "2h" {
		t.Errorf("log %+v", got)
	}
}

// memSource is an in-memory Source and Seeker.
type memSource struct {
	obs []Observation
	pos int
}

func (m *memSource) Next(o *Observation) (bool, error) {
	if m.pos >= len(m.obs) {
		return false, nil
	}
	*o = m.obs[m.pos]
	m.pos++
	return true, nil
}

func (m *memSource) Seek(n int) error { m.pos = n; return nil }

// sink is an owning model that records what it assimilates.
type sink struct{ got []string }

func (s *sink) Name() string                           { return "m" }
func (s *sink) Init(*engine.Sim, engine.ModelID) error { return nil }
func (s *sink) Handle(*engine.Sim, engine.Event) error { return nil }
func (s *sink) Assimilate(sim *engine.Sim, o *Observation) error {
	s.got = append(s.got, o.Sensor+"@"+sim.Now().String())
	return nil
}

func replaySim(src *memSource) (*engine.Sim, *sink) {
	sim := engine.New(3)
	sk := &sink{}
	sim.Add(sk)
	sim.Add(NewReplay("replay", src, NewChecker(map[string]Limits{QtyFlow: {StuckN: 3}})))
	return sim, sk
}

// TestReplayDelivers: observations reach the owning model at their own
// times, in PhaseFeed, in order.
func TestReplayDelivers(t *testing.T) {
	src := &memSource{obs: []Observation{obs("a", QtyFlow, 0, 1), obs("b", QtyFlow, engine.Second, 2), obs("a", QtyFlow, engine.Minute, 3)}}
	sim, sk := replaySim(src)
	if err := sim.Init(); err != nil {
		t.Fatal(err)
	}
	if err := sim.RunUntil(engine.Hour); err != nil {
		t.Fatal(err)
	}
	want := "a@00:00:00 b@00:00:01 a@00:01:00"
	if got := strings.Join(sk.got, " "); got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

func (s *sink) SaveState(w io.Writer) error { return nil }
func (s *sink) LoadState(r io.Reader) error { return nil }

// TestReplayCheckpoint: a replay checkpointed halfway and restored into a
// fresh Sim delivers the rest exactly as an uninterrupted run does.
func TestReplayCheckpoint(t *testing.T) {
	var all []Observation
	for i := 0; i < 10; i++ {
		all = append(all, obs("a", QtyFlow, engine.Time(i)*engine.Minute, float64(i/4)))
	}
	full, fullSink := replaySim(&memSource{obs: all})
	full.Init()
	if err := full.RunUntil(engine.Hour); err != nil {
		t.Fatal(err)
	}

	first, firstSink := replaySim(&memSource{obs: all})
	first.Init()
	first.RunUntil(4*engine.Minute + 30*engine.Second)
	var ck bytes.Buffer
	if err := first.Checkpoint(&ck); err != nil {
		t.Fatal(err)
	}
	second, secondSink := replaySim(&memSource{obs: all})
	second.Init()
	if err := second.Restore(&ck); err != nil {
		t.Fatal(err)
	}
	if err := second.RunUntil(engine.Hour); err != nil {
		t.Fatal(err)
	}
	got := strings.Join(append(firstSink.got, secondSink.got...), " ")
	if want := strings.Join(fullSink.got, " "); got != want {
		t.Errorf("restored run delivered\n%s\nwant\n%s", got, want)
	}
	if len(fullSink.got) != 6 { // 1,1,(1),(1),2,2,(2),(2),3,3: the stuck rule holds back four
		t.Errorf("uninterrupted run delivered %d, want 6", len(fullSink.got))
	}
	if full.Digest() != second.Digest() {
		t.Errorf("digest %s after restore, %s uninterrupted", second.Digest(), full.Digest())
	}
}

func BenchmarkCheck(b *testing.B) {
	c := NewChecker(nil)
	sensors := make([]string, 1000)
	for i := range sensors {
		sensors[i] = "s" + strings.Repeat("x", i%7) + string(rune('a'+i%26)) + string(rune('a'+i/26%26))
	}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		o := Observation{Sensor: sensors[i%1000], Quantity: QtyPower, Time: engine.Time(i), Value: float64(i % 100)}
		c.Check(&o)
	}
}

func BenchmarkQueue(b *testing.B) {
	q := NewQueue(1<<12, Block)
	ctx := context.Background()
	buf := make([]Observation, 0, 1<<12)
	o := Observation{Sensor: "s", Quantity: QtyPower}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		q.Put(ctx, &o)
		if q.Len() == 1<<12 {
			buf = q.Drain(buf[:0], 1<<12)
		}
	}
}

// TestLiveState: a Live model's checkpoint carries its Checker's memory,
// so a restored model judges a repeated reading a duplicate.
func TestLiveState(t *testing.T) {
	q := NewQueue(8, Block)
	l := NewLive("live", q, NewChecker(nil), engine.Second)
	l.SetDeliver(func(*engine.Sim, engine.ModelID, *Observation) error { return nil })
	o := Observation{Sensor: "s", Quantity: QtyOccupancy, Value: 3, Time: engine.Minute}
	if _, err := q.Put(context.Background(), &o); err != nil {
		t.Fatal(err)
	}
	if n, err := l.Pump(nil); n != 1 || err != nil {
		t.Fatal(n, err)
	}
	var buf bytes.Buffer
	if err := l.SaveState(&buf); err != nil {
		t.Fatal(err)
	}
	check := NewChecker(nil)
	l2 := NewLive("live", NewQueue(8, Block), check, engine.Second)
	if err := l2.LoadState(&buf); err != nil {
		t.Fatal(err)
	}
	if v, _ := check.Check(&o); v != Duplicate {
		t.Errorf("restored checker says %v, want duplicate", v)
	}
	if l2.Queue() == nil || NewLive("x", q, nil, 1).LoadState(bytes.NewReader([]byte{1})) == nil {
		t.Error("Queue or mismatched state")
	}
}
