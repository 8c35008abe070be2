package feed

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"citytwin/engine"
)

// Event kinds of the feed models (1900..1999, outside other models' ranges).
const (
	// KindNext: a replay's next observation is due.
	KindNext engine.Kind = 1900 + iota
	// KindDrain: a live model drains its queue.
	KindDrain
	// MsgObservation is sent to an owning model that does not implement
	// Assimilator: Target is Entity.Index, Arg the observation's Time,
	// Val its Value. (Quantity and unit are lost: such a model accepts one
	// quantity.)
	MsgObservation
)

// Source yields observations in non-decreasing Time order. Next fills o
// and reports false at the end.
type Source interface {
	Next(o *Observation) (bool, error)
}

// Seeker is a Source that can restart at its n-th observation (0-based),
// which a checkpointed replay needs.
type Seeker interface {
	Seek(n int) error
}

// Assimilator is a model that takes observations of its entities. It is
// called in the simulation goroutine at engine.PhaseFeed, at the
// observation's time (replays) or at the drain tick (live), only with
// observations the Checker applied or marked Late (o.Quality&QLate: keep
// for history, do not overwrite newer state).
type Assimilator interface {
	Assimilate(s *engine.Sim, o *Observation) error
}

// Deliver hands o to its owning model: Assimilate when the model
// implements Assimilator, else a MsgObservation message. An observation
// whose model is not in s is an error (a mapping mistake, caught at the
// first observation).
func Deliver(s *engine.Sim, from engine.ModelID, o *Observation) error {
	id, ok := s.ModelByName(o.Entity.Model)
	if !ok {
		return fmt.Errorf("feed: sensor %q: no model %q for entity %q", o.Sensor, o.Entity.Model, o.Entity.ID)
	}
	if a, ok := s.Models()[id].(Assimilator); ok {
		return a.Assimilate(s, o)
	}
	s.Send(from, id, MsgObservation, o.Entity.Index, int64(o.Time), o.Value)
	return nil
}

// Replay is an engine.Model that plays a Source: it schedules one
// KindNext event at PhaseFeed for its next observation, and when that
// event comes, checks the observation and delivers it, then schedules the
// following one. Observations before the run's start time (Time < Now at
// Init) are skipped and counted. It implements engine.Stater when its
// Source is a Seeker.
type Replay struct {
	name    string
	src     Source
	check   *Checker
	deliver func(*engine.Sim, engine.ModelID, *Observation) error
	id      engine.ModelID
	next    Observation
	has     bool
	pos     int // observations taken from src so far
	skipped int // before the start
}

// NewReplay returns a replay model called name reading src. check may be
// nil (everything applied).
func NewReplay(name string, src Source, check *Checker) *Replay {
	return &Replay{name: name, src: src, check: check, deliver: Deliver}
}

// SetDeliver replaces the delivery function (tests, or a model that wants
// the raw stream).
func (r *Replay) SetDeliver(f func(*engine.Sim, engine.ModelID, *Observation) error) { r.deliver = f }

// Name implements engine.Model.
func (r *Replay) Name() string { return r.name }

// Init implements engine.Model: it schedules the first observation.
func (r *Replay) Init(s *engine.Sim, id engine.ModelID) error {
	r.id = id
	return r.advance(s)
}

// advance reads the next observation at or after Now and schedules it.
func (r *Replay) advance(s *engine.Sim) error {
	for {
		ok, err := r.src.Next(&r.next)
		if err != nil {
			return fmt.Errorf("feed: %s: %w", r.name, err)
		}
		r.has = ok
		if !ok {
			return nil
		}
		r.pos++
		if r.next.Time >= s.Now() {
			s.At(r.id, r.next.Time, engine.PhaseFeed, KindNext, 0, 0, 0)
			return nil
		}
		r.skipped++
	}
}

// Handle implements engine.Model.
func (r *Replay) Handle(s *engine.Sim, ev engine.Event) error {
	if ev.Kind != KindNext || !r.has {
		return nil
	}
	o := r.next
	v := Applied
	if r.check != nil {
		v, _ = r.check.Check(&o)
	}
	if v == Applied || v == Late {
		if err := r.deliver(s, r.id, &o); err != nil {
			return err
		}
	}
	return r.advance(s)
}

// Skipped is the number of observations before the run's start.
func (r *Replay) Skipped() int { return r.skipped }

// SaveState implements engine.Stater: the source position and the
// Checker's memory.
func (r *Replay) SaveState(w io.Writer) error {
	var b [17]byte
	binary.LittleEndian.PutUint64(b[:8], uint64(r.pos))
	binary.LittleEndian.PutUint64(b[8:16], uint64(r.skipped))
	if r.check != nil {
		b[16] = 1
	}
	if _, err := w.Write(b[:]); err != nil {
		return err
	}
	if r.check != nil {
		return r.check.SaveState(w)
	}
	return nil
}

// LoadState implements engine.Stater. The pending observation's event is
// in the restored kernel queue already, so the source is put back one
// before the saved position and that observation re-read.
func (r *Replay) LoadState(rd io.Reader) error {
	var b [17]byte
	if _, err := io.ReadFull(rd, b[:]); err != nil {
		return fmt.Errorf("feed: %s: state: %w", r.name, err)
	}
	if (b[16] == 1) != (r.check != nil) {
		return fmt.Errorf("feed: %s: state: checker saved %v, present %v", r.name, b[16] == 1, r.check != nil)
	}
	if r.check != nil {
		if err := r.check.LoadState(rd); err != nil {
			return err
		}
	}
	sk, ok := r.src.(Seeker)
	if !ok {
		return errors.New("feed: " + r.name + ": source cannot seek")
	}
	pos := int(binary.LittleEndian.Uint64(b[:8]))
	r.skipped = int(binary.LittleEndian.Uint64(b[8:16]))
	r.pos, r.has = pos, false
	if pos == 0 {
		return sk.Seek(0)
	}
	if err := sk.Seek(pos - 1); err != nil {
		return err
	}
	ok, err := r.src.Next(&r.next)
	r.has = ok
	return err
}

var (
	_ engine.Model  = (*Replay)(nil)
	_ engine.Stater = (*Replay)(nil)
)
