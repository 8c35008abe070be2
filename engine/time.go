// Package engine is the deterministic discrete-event kernel of citytwin.
//
// Time is an integer number of microseconds since the scenario start.
// Events are plain values dispatched to the model that owns them, ordered
// totally by (Time, Phase, Src, Seq), where Seq is the source's own counter
// assigned by the kernel. Every random draw comes from a stream derived
// from (master seed, stream name). A running digest of every dispatched
// event is kept, so two runs can be compared by one number.
//
// A Sim is not safe for concurrent use: one goroutine runs it.
package engine

import (
	"fmt"
	"math"
	"time"
)

// Time is simulated time in microseconds since the scenario start.
type Time int64

// Units of simulated time.
const (
	Microsecond Time = 1
	Millisecond Time = 1000
	Second      Time = 1_000_000
	Minute      Time = 60 * Second
	Hour        Time = 60 * Minute
	Day         Time = 24 * Hour
)

// Never is later than any time a run reaches.
const Never Time = math.MaxInt64

// Seconds converts s seconds to Time, rounding to the nearest microsecond.
func Seconds(s float64) Time { return Time(math.Round(s * 1e6)) }

// FromDuration converts a Go duration to Time.
func FromDuration(d time.Duration) Time { return Time(d / time.Microsecond) }

// Seconds is t in seconds.
func (t Time) Seconds() float64 { return float64(t) / 1e6 }

// Duration is t as a Go duration.
func (t Time) Duration() time.Duration { return time.Duration(t) * time.Microsecond }

// String formats t as [d]hh:mm:ss[.ffffff].
func (t Time) String() string {
	if t == Never {
		return "never"
	}
	sign := ""
	if t < 0 {
		sign, t = "-", -t
	}
	d, rest := t/Day, t%Day
	h, m, s, us := rest/Hour, rest%Hour/Minute, rest%Minute/Second, rest%Second
	out := fmt.Sprintf("%s%02d:%02d:%02d", sign, h, m, s)
	if d > 0 {
		out = fmt.Sprintf("%s%dd%02d:%02d:%02d", sign, d, h, m, s)
	}
	if us != 0 {
		out += fmt.Sprintf(".%06d", us)
	}
	return out
}
