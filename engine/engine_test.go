package engine

import (
	"bytes"
	"cmp"
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"testing"
)

// holdModel is the classic hold model: every event schedules one more at
// now + an exponential delay. It records the dispatch order it sees.
type holdModel struct {
	id   ModelID
	rng  *rand.Rand
	Seen []Event
	keep bool
	Mean float64
}

func (h *holdModel) Name() string { return "hold" }

func (h *holdModel) Init(s *Sim, id ModelID) error {
	h.id = id
	h.rng = s.Stream("hold")
	return nil
}

func (h *holdModel) Handle(s *Sim, ev Event) error {
	if h.keep {
		h.Seen = append(h.Seen, ev)
	}
	d := Seconds(h.rng.ExpFloat64() * h.Mean)
	s.At(h.id, s.Now()+d, PhaseModel, 1, ev.Target, ev.Arg+1, 0)
	return nil
}

func (h *holdModel) SaveState(w io.Writer) error { return gob.NewEncoder(w).Encode(h.Seen) }
func (h *holdModel) LoadState(r io.Reader) error { return gob.NewDecoder(r).Decode(&h.Seen) }

func newHold(seed uint64, pending int, keep bool) (*Sim, *holdModel) {
	s := New(seed)
	h := &holdModel{keep: keep, Mean: 1}
	s.Add(h)
	if err := s.Init(); err != nil {
		panic(err)
	}
	for i := 0; i < pending; i++ {
		s.At(h.id, Seconds(h.rng.ExpFloat64()*float64(pending)), PhaseModel, 1, int32(i), 0, 0)
	}
	h.Mean = float64(pending)
	return s, h
}

func TestOrderIsTotal(t *testing.T) {
	t.Parallel()
	s := New(1)
	rec := &recorder{}
	a := s.Add(rec)
	b := s.Add(&recorder{name: "other"})
	// Scheduled out of order; dispatch must follow (time, phase, src, seq).
	s.Schedule(Event{Time: 5, Phase: PhaseSolve, Src: a, Dst: a, Target: 1})
	s.Schedule(Event{Time: 5, Phase: PhaseModel, Src: b, Dst: a, Target: 2})
	s.Schedule(Event{Time: 5, Phase: PhaseModel, Src: a, Dst: a, Target: 3})
	s.Schedule(Event{Time: 5, Phase: PhaseModel, Src: a, Dst: a, Target: 4})
	s.Schedule(Event{Time: 2, Phase: PhaseRecord, Src: b, Dst: a, Target: 5})
	s.Schedule(Event{Time: 5, Phase: PhaseFeed, Src: b, Dst: a, Target: 6})
	if err := s.RunUntil(10); err != nil {
		t.Fatal(err)
	}
	want := []int32{5, 6, 3, 4, 2, 1}
	if fmt.Sprint(rec.targets) != fmt.Sprint(want) {
		t.Fatalf("order %v, want %v", rec.targets, want)
	}
	if s.Now() != 10 {
		t.Fatalf("now %v after RunUntil(10)", s.Now())
	}
}

type recorder struct {
	name    string
	targets []int32
	times   []Time
}

func (r *recorder) Name() string {
	if r.name == "" {
		return "recorder"
	}
	return r.name
}
func (r *recorder) Init(*Sim, ModelID) error { return nil }
func (r *recorder) Handle(s *Sim, ev Event) error {
	r.targets = append(r.targets, ev.Target)
	r.times = append(r.times, ev.Time)
	return nil
}

func TestQueueMatchesSort(t *testing.T) {
	t.Parallel()
	for _, seed := range []uint64{1, 2, 3} {
		rng := rand.New(rand.NewPCG(seed, 99))
		var q queue
		var ref []Event // pushed and not yet popped
		for i := 0; i < 5000; i++ {
			ev := Event{Time: Time(rng.IntN(50)), Phase: Phase(rng.IntN(3)), Src: ModelID(rng.IntN(3)), Seq: uint64(i)}
			ref = append(ref, ev)
			q.push(ev)
			if rng.IntN(3) == 0 {
				m := 0
				for k := range ref {
					if ref[k].before(&ref[m]) {
						m = k
					}
				}
				want := ref[m]
				ref = append(ref[:m], ref[m+1:]...)
				if got := q.pop(); got != want {
					t.Fatalf("seed %d push %d: popped %+v, want the minimum %+v", seed, i, got, want)
				}
			}
		}
		if q.Len() != len(ref) {
			t.Fatalf("seed %d: queue holds %d, want %d", seed, q.Len(), len(ref))
		}
		got := q.events()
		if len(got) != len(ref) {
			t.Fatalf("seed %d: events() gave %d, want %d", seed, len(got), len(ref))
		}
		// events() must hold exactly the pending multiset (Seq is unique).
		bySeq := func(a, b Event) int { return cmp.Compare(a.Seq, b.Seq) }
		got = slices.Clone(got)
		want := slices.Clone(ref)
		slices.SortFunc(got, bySeq)
		slices.SortFunc(want, bySeq)
		for k := range want {
			if got[k] != want[k] {
				t.Fatalf("seed %d: events() holds %+v where %+v is pending", seed, got[k], want[k])
			}
		}
	}
}

// TestQueuePopsInOrder checks pops against a plain minimum search, with
// pushes that interleave pops, land before the last popped time, share
// times, and force resizes up and down.
func TestQueuePopsInOrder(t *testing.T) {
	t.Parallel()
	for _, seed := range []uint64{1, 2, 3, 4} {
		rng := rand.New(rand.NewPCG(seed, 7))
		var q queue
		var ref []Event
		seq := uint64(0)
		for step := 0; step < 40000; step++ {
			grow := step < 20000
			if rng.IntN(3) != 0 == grow || len(ref) == 0 {
				ev := Event{Time: Time(rng.IntN(1 << uint(1+rng.IntN(30)))), Phase: Phase(rng.IntN(3)), Src: ModelID(rng.IntN(3)), Seq: seq}
				seq++
				q.push(ev)
				ref = append(ref, ev)
				continue
			}
			m := 0
			for i := range ref {
				if ref[i].before(&ref[m]) {
					m = i
				}
			}
			want := ref[m]
			ref = append(ref[:m], ref[m+1:]...)
			if got := q.pop(); got != want {
				t.Fatalf("seed %d step %d: popped %+v, want %+v", seed, step, got, want)
			}
			if q.Len() != len(ref) {
				t.Fatalf("seed %d: Len %d, want %d", seed, q.Len(), len(ref))
			}
		}
	}
}

func TestSameSeedSameDigest(t *testing.T) {
	t.Parallel()
	run := func(seed uint64) (string, []Event) {
		s, h := newHold(seed, 100, true)
		if err := s.RunUntil(200 * Second); err != nil {
			t.Fatal(err)
		}
		return s.Digest(), h.Seen
	}
	d1, e1 := run(7)
	d2, e2 := run(7)
	d3, _ := run(8)
	if d1 != d2 || fmt.Sprint(e1) != fmt.Sprint(e2) {
		t.Fatalf("seed 7 twice: digests %s and %s", d1, d2)
	}
	if d1 == d3 {
		t.Fatalf("seeds 7 and 8 gave the same digest %s", d1)
	}
	if len(e1) < 100 {
		t.Fatalf("only %d events dispatched", len(e1))
	}
}

func TestStreamsIndependent(t *testing.T) {
	t.Parallel()
	a := New(42)
	x1 := a.Stream("traffic/demand").Uint64()
	b := New(42)
	b.Stream("aaa").Uint64() // another stream created first and drawn from
	b.Stream("zzz")
	x2 := b.Stream("traffic/demand").Uint64()
	if x1 != x2 {
		t.Fatalf("adding streams changed traffic/demand: %x vs %x", x1, x2)
	}
	if New(43).Stream("traffic/demand").Uint64() == x1 {
		t.Fatal("master seed does not reach the stream")
	}
	if a.Stream("traffic/demand") != a.Stream("traffic/demand") {
		t.Fatal("same name must give the same generator")
	}
}

func TestPeriodic(t *testing.T) {
	t.Parallel()
	s := New(1)
	rec := &recorder{}
	id := s.Add(rec)
	h := s.Every(id, 0, 15*Minute, PhaseSolve, 3, 9)
	if err := s.RunUntil(Hour); err != nil {
		t.Fatal(err)
	}
	want := []Time{0, 15 * Minute, 30 * Minute, 45 * Minute, Hour}
	if fmt.Sprint(rec.times) != fmt.Sprint(want) {
		t.Fatalf("ticks at %v, want %v", rec.times, want)
	}
	s.StopEvery(h)
	if err := s.RunUntil(3 * Hour); err != nil {
		t.Fatal(err)
	}
	if len(rec.times) != len(want) {
		t.Fatalf("ticks after StopEvery: %v", rec.times[len(want):])
	}
}

func TestScheduleInPastFails(t *testing.T) {
	t.Parallel()
	s := New(1)
	id := s.Add(&recorder{})
	if err := s.RunUntil(10 * Second); err != nil {
		t.Fatal(err)
	}
	s.At(id, 5*Second, PhaseModel, 1, 0, 0, 0)
	if err := s.RunUntil(20 * Second); !errors.Is(err, ErrPast) {
		t.Fatalf("err = %v, want ErrPast", err)
	}
}

func TestCheckpointRestoreContinuesExactly(t *testing.T) {
	t.Parallel()
	const end = 500 * Second
	straight, hs := newHold(11, 200, true)
	if err := straight.RunUntil(end); err != nil {
		t.Fatal(err)
	}

	first, _ := newHold(11, 200, true)
	if err := first.RunUntil(end / 2); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := first.Checkpoint(&buf); err != nil {
		t.Fatal(err)
	}
	// A new Sim, initialised from scratch with another pending set: the
	// checkpoint must replace all of it.
	second, h2 := newHold(11, 200, true)
	if err := second.Restore(bytes.NewReader(buf.Bytes())); err != nil {
		t.Fatal(err)
	}
	if second.Now() != end/2 {
		t.Fatalf("restored clock %v", second.Now())
	}
	if err := second.RunUntil(end); err != nil {
		t.Fatal(err)
	}
	if straight.Digest() != second.Digest() || straight.Dispatched() != second.Dispatched() {
		t.Fatalf("digest straight %s (%d events), restored %s (%d)", straight.Digest(), straight.Dispatched(), second.Digest(), second.Dispatched())
	}
	if fmt.Sprint(hs.Seen) != fmt.Sprint(h2.Seen) {
		t.Fatal("restored run saw other events")
	}
}

func TestRestoreRejectsGarbage(t *testing.T) {
	t.Parallel()
	s, _ := newHold(1, 3, false)
	for _, in := range []string{"", "CTWINCK1", "CTWINCK1\x05\x00\x00\x00\x00\x00\x00\x00abc", "garbage garbage"} {
		if err := s.Restore(bytes.NewReader([]byte(in))); !errors.Is(err, ErrCheckpoint) {
			t.Errorf("Restore(%q) = %v, want ErrCheckpoint", in, err)
		}
	}
	other := New(2)
	other.Add(&holdModel{})
	other.Init()
	var buf bytes.Buffer
	if err := other.Checkpoint(&buf); err != nil {
		t.Fatal(err)
	}
	if err := s.Restore(&buf); !errors.Is(err, ErrCheckpoint) {
		t.Errorf("restore with another seed: %v", err)
	}
}

func TestTimeString(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		t    Time
		want string
	}{{0, "00:00:00"}, {Hour + 2*Minute + 3*Second, "01:02:03"}, {Day + 1500*Millisecond, "1d00:00:01.500000"}, {-Second, "-00:00:01"}} {
		if got := c.t.String(); got != c.want {
			t.Errorf("%d: %q, want %q", int64(c.t), got, c.want)
		}
	}
}

func TestDispatchAllocatesNothing(t *testing.T) {
	s, _ := newHold(3, 1000, false)
	s.RunUntil(20000 * Second) // let the buckets grow to their working sizes
	next := s.Now()
	allocs := testing.AllocsPerRun(100, func() {
		next += 10 * Second
		s.RunUntil(next)
	})
	if allocs != 0 {
		t.Fatalf("%.1f allocations per RunUntil of the hold model", allocs)
	}
}

func TestCheckpointOfStatelessModelAsksForReplay(t *testing.T) {
	t.Parallel()
	s := New(5)
	id := s.Add(&recorder{})
	s.Every(id, 0, Second, PhaseModel, 1, 0)
	if err := s.RunUntil(10 * Second); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := s.Checkpoint(&buf); err != nil {
		t.Fatal(err)
	}
	info, err := ReadCheckpointInfo(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if info.Now != 10*Second || info.Events != 11 || info.Digest != s.Digest() || fmt.Sprint(info.Replay) != "[recorder]" {
		t.Fatalf("info %+v", info)
	}
	other := New(5)
	other.Add(&recorder{})
	if err := other.Restore(&buf); !errors.Is(err, ErrCheckpoint) {
		t.Fatalf("Restore of a replay checkpoint: %v", err)
	}
}
