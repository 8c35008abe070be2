package engine

import (
	"errors"
	"fmt"
	"io"
	"math"

	"citytwin/engine/record"
)

// ErrPast is returned (wrapped) when an event is scheduled before Now.
var ErrPast = errors.New("engine: event scheduled in the past")

// Model is one simulated subsystem. The kernel calls Init once, in the
// order models were added, then Handle for every event whose Dst is the
// model. Handle must not retain ev.
type Model interface {
	Name() string
	Init(s *Sim, id ModelID) error
	Handle(s *Sim, ev Event) error
}

// Stater is a model whose state can be checkpointed. LoadState must
// restore exactly what SaveState wrote, so that a restored run continues
// bit for bit like the original.
type Stater interface {
	SaveState(w io.Writer) error
	LoadState(r io.Reader) error
}

// KPI is one key performance indicator of a model at the end of a run.
type KPI struct {
	Name  string  `json:"name"`
	Unit  string  `json:"unit,omitempty"`
	Value float64 `json:"value"`
}

// Reporter is a model that reports KPIs and output tables at the end of a
// run.
type Reporter interface {
	KPIs() []KPI
	Tables() []*record.Table
}

// periodicTask is a registered periodic process.
type periodicTask struct {
	Model  ModelID
	Period Time
	Phase  Phase
	Kind   Kind
	Target int32
	Active bool
}

// Sim is the simulation kernel: clock, event queue, random streams,
// periodic processes and the event-log digest.
type Sim struct {
	seed     uint64
	label    string // written into checkpoints; see SetLabel
	now      Time
	models   []Model
	byName   map[string]ModelID
	queue    queue
	seq      [256]uint64
	periodic []periodicTask
	streams  map[string]*stream
	digest   digest
	count    uint64
	stopped  bool
	pace     *pacer
	err      error
}

// New returns an empty Sim at time 0 with the master seed.
func New(seed uint64) *Sim {
	return &Sim{seed: seed, byName: map[string]ModelID{}, streams: map[string]*stream{}, digest: newDigest()}
}

// Add registers m and returns its id. Models must be added before Init.
func (s *Sim) Add(m Model) ModelID {
	if len(s.models) >= int(KernelID) {
		panic("engine: too many models") // programming error, not input
	}
	id := ModelID(len(s.models))
	s.models = append(s.models, m)
	s.byName[m.Name()] = id
	return id
}

// Init calls every model's Init in the order they were added.
func (s *Sim) Init() error {
	for i, m := range s.models {
		if err := m.Init(s, ModelID(i)); err != nil {
			return fmt.Errorf("engine: init %s: %w", m.Name(), err)
		}
	}
	return nil
}

// Models returns the models in the order they were added.
func (s *Sim) Models() []Model { return s.models }

// ModelByName returns the id of the model called name.
func (s *Sim) ModelByName(name string) (ModelID, bool) {
	id, ok := s.byName[name]
	return id, ok
}

// Now is the current simulated time.
func (s *Sim) Now() Time { return s.now }

// Seed is the master seed.
func (s *Sim) Seed() uint64 { return s.seed }

// SetLabel names what runs (the scenario's hash, say); checkpoints carry
// the label, so that a restore can check it resumes the run it came from.
// The label is not part of the event-log digest.
func (s *Sim) SetLabel(label string) { s.label = label }

// Pending is the number of events in the queue.
func (s *Sim) Pending() int { return s.queue.Len() }

// Dispatched is the number of events dispatched so far.
func (s *Sim) Dispatched() uint64 { return s.count }

// Digest is the running hash of every event dispatched so far, as 32
// hexadecimal digits.
func (s *Sim) Digest() string { return s.digest.String() }

// Schedule queues ev. Its Time must not be before Now; Seq is assigned
// from the source's own counter. Scheduling in the past is a programming
// error of the model: the run stops with ErrPast at the next dispatch.
func (s *Sim) Schedule(ev Event) {
	if ev.Time < s.now {
		if s.err == nil {
			s.err = fmt.Errorf("%w: %v < now %v (model %d, kind %d)", ErrPast, ev.Time, s.now, ev.Src, ev.Kind)
		}
		return
	}
	ev.Seq = s.seq[ev.Src]
	s.seq[ev.Src]++
	s.queue.push(ev)
}

// At schedules an event of kind for model id at time t in phase, to itself.
func (s *Sim) At(id ModelID, t Time, phase Phase, kind Kind, target int32, arg int64, val float64) {
	s.Schedule(Event{Time: t, Phase: phase, Kind: kind, Target: target, Arg: arg, Val: val, Src: id, Dst: id})
}

// Send delivers a message from one model to another at the current time,
// in PhaseMessage, after the messages already sent.
func (s *Sim) Send(from, to ModelID, kind Kind, target int32, arg int64, val float64) {
	s.Schedule(Event{Time: s.now, Phase: PhaseMessage, Kind: kind, Target: target, Arg: arg, Val: val, Src: from, Dst: to})
}

// Every starts a periodic process: an event of kind for model id at first,
// first+period, ... until StopEvery. It returns the process handle.
func (s *Sim) Every(id ModelID, first, period Time, phase Phase, kind Kind, target int32) int {
	if period <= 0 {
		period = 1
	}
	s.periodic = append(s.periodic, periodicTask{Model: id, Period: period, Phase: phase, Kind: kind, Target: target, Active: true})
	h := len(s.periodic) - 1
	s.Schedule(Event{Time: first, Phase: phase, Kind: kind, Target: target, Src: id, Dst: id, periodic: int32(h + 1)})
	return h
}

// StopEvery ends periodic process h: its next event is dropped.
func (s *Sim) StopEvery(h int) {
	if h >= 0 && h < len(s.periodic) {
		s.periodic[h].Active = false
	}
}

// Stop makes the running RunUntil return after the current event.
func (s *Sim) Stop() { s.stopped = true }

// NextTime is the time of the next pending event, or Never.
func (s *Sim) NextTime() Time { return s.queue.peekTime() }

// RunUntil dispatches, in order, every event with Time <= t, then sets the
// clock to t (unless stopped early). It returns the first error a model
// returns, wrapped with the time, model and kind.
func (s *Sim) RunUntil(t Time) error {
	s.stopped = false
	for !s.stopped && s.err == nil && s.queue.Len() > 0 && s.queue.peekTime() <= t {
		ev := s.queue.pop()
		if s.pace != nil {
			if err := s.pace.wait(ev.Time); err != nil {
				s.queue.push(ev) // not dispatched: keep it for a later run
				return err
			}
		}
		if err := s.dispatch(ev); err != nil {
			return err
		}
	}
	if s.err != nil {
		return s.err
	}
	if !s.stopped && t > s.now && t != Never {
		s.now = t
	}
	return nil
}

func (s *Sim) dispatch(ev Event) error {
	s.now = ev.Time
	if ev.periodic > 0 {
		p := &s.periodic[ev.periodic-1]
		if !p.Active {
			return nil
		}
		next := ev
		if ev.Time <= math.MaxInt64-p.Period {
			next.Time = ev.Time + p.Period
			s.Schedule(next)
		}
	}
	s.digest.add(&ev)
	s.count++
	if int(ev.Dst) >= len(s.models) {
		return fmt.Errorf("engine: event for unknown model %d at %v", ev.Dst, ev.Time)
	}
	if err := s.models[ev.Dst].Handle(s, ev); err != nil {
		s.err = fmt.Errorf("engine: %v: %s: event kind %d target %d: %w", ev.Time, s.models[ev.Dst].Name(), ev.Kind, ev.Target, err)
		return s.err
	}
	return nil
}
