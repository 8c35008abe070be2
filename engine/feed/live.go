package feed

import (
	"errors"
	"fmt"
	"io"
	"time"

	"citytwin/engine"
)

// Live is an engine.Model that drains a Queue filled by network
// goroutines: every Period of simulated time (at PhaseFeed) it takes what
// has arrived, checks each observation and delivers the applied ones.
// Run it paced (engine.Sim.Pace) so simulated time follows the wall clock.
// Live runs are not reproducible by nature; their inputs can be recorded
// as JSONL and replayed.
type Live struct {
	name    string
	q       *Queue
	check   *Checker
	period  engine.Time
	deliver func(*engine.Sim, engine.ModelID, *Observation) error
	id      engine.ModelID
	buf     []Observation
	custom  bool // deliver was set by SetDeliver (called even without a Sim)
	// OnApply, if set, is called after each delivered observation with the
	// wall-clock time it reached state (latency measurement).
	OnApply func(o *Observation, at time.Time)
}

// NewLive returns a live model draining q every period of simulated time.
func NewLive(name string, q *Queue, check *Checker, period engine.Time) *Live {
	return &Live{name: name, q: q, check: check, period: period, deliver: Deliver, buf: make([]Observation, 0, 4096)}
}

// SetDeliver replaces the delivery function.
func (l *Live) SetDeliver(f func(*engine.Sim, engine.ModelID, *Observation) error) {
	l.deliver, l.custom = f, true
}

// Name implements engine.Model.
func (l *Live) Name() string { return l.name }

// Init implements engine.Model: it starts the drain ticks.
func (l *Live) Init(s *engine.Sim, id engine.ModelID) error {
	l.id = id
	s.Every(id, s.Now(), l.period, engine.PhaseFeed, KindDrain, 0)
	return nil
}

// Handle implements engine.Model.
func (l *Live) Handle(s *engine.Sim, ev engine.Event) error {
	if ev.Kind != KindDrain {
		return nil
	}
	_, err := l.Pump(s)
	return err
}

// Pump drains everything queued now and delivers it; it returns how many
// observations it took. Handle calls it; a benchmark may call it directly
// with a nil Sim (then only a delivery set by SetDeliver runs).
func (l *Live) Pump(s *engine.Sim) (int, error) {
	l.buf = l.q.Drain(l.buf[:0], cap(l.buf))
	for i := range l.buf {
		o := &l.buf[i]
		v := Applied
		if l.check != nil {
			v, _ = l.check.Check(o)
		}
		if v != Applied && v != Late {
			continue
		}
		if l.deliver != nil && (s != nil || l.custom) {
			if err := l.deliver(s, l.id, o); err != nil {
				return i, err
			}
		}
		if l.OnApply != nil {
			l.OnApply(o, time.Now())
		}
	}
	return len(l.buf), nil
}

// Queue is the queue the model drains (producers Put into it).
func (l *Live) Queue() *Queue { return l.q }

// SaveState implements engine.Stater: the Checker's memory (per-sensor
// history, capacities, counts). Observations still queued are not saved: a
// Sim restored from the checkpoint (a fork) starts from what the mirror
// had applied.
func (l *Live) SaveState(w io.Writer) error {
	flag := []byte{0}
	if l.check != nil {
		flag[0] = 1
	}
	if _, err := w.Write(flag); err != nil {
		return err
	}
	if l.check != nil {
		return l.check.SaveState(w)
	}
	return nil
}

// LoadState implements engine.Stater.
func (l *Live) LoadState(r io.Reader) error {
	var flag [1]byte
	if _, err := io.ReadFull(r, flag[:]); err != nil {
		return fmt.Errorf("feed: %s: state: %w", l.name, err)
	}
	if (flag[0] == 1) != (l.check != nil) {
		return errors.New("feed: " + l.name + ": state: checker saved and present differ")
	}
	if l.check != nil {
		return l.check.LoadState(r)
	}
	return nil
}

var (
	_ engine.Model  = (*Live)(nil)
	_ engine.Stater = (*Live)(nil)
)
