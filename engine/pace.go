package engine

import (
	"context"
	"time"
)

// pacer holds simulated time to a multiple of the wall clock: simulated
// time t is dispatched no earlier than wall start + (t - sim start)/speed.
// The wall clock only delays dispatch; it never enters the model, so a
// paced run produces the same events as an unpaced one.
type pacer struct {
	ctx       context.Context
	speed     float64
	simStart  Time
	wallStart time.Time
	sleep     func(context.Context, time.Duration) error
}

// Pace makes the following runs follow the wall clock at speed times real
// time (1 = real time, 60 = a minute per second), starting now, until ctx
// is done; RunUntil then returns ctx's error. speed <= 0 turns pacing off.
func (s *Sim) Pace(ctx context.Context, speed float64) {
	if speed <= 0 {
		s.pace = nil
		return
	}
	s.pace = &pacer{ctx: ctx, speed: speed, simStart: s.now, wallStart: time.Now(), sleep: sleepCtx}
}

func (p *pacer) wait(t Time) error {
	due := p.wallStart.Add(time.Duration(float64((t - p.simStart).Duration()) / p.speed))
	if d := time.Until(due); d > 0 {
		return p.sleep(p.ctx, d)
	}
	return p.ctx.Err()
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}
