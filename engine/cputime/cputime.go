// Package cputime measures CPU time, for benchmarks on shared machines:
// wall time there includes waiting for a core, CPU time does not.
package cputime

import (
	"runtime"
	"syscall"
	"testing"
	"time"
)

// rusageThread is Linux's RUSAGE_THREAD.
const rusageThread = 1

func rusage(who int) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(who, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// Process is the CPU time (user + system) the process has used so far.
func Process() time.Duration { return rusage(syscall.RUSAGE_SELF) }

// Thread is the CPU time the calling OS thread has used so far (Linux).
func Thread() time.Duration { return rusage(rusageThread) }

// Loop runs fn in b.Loop on a locked OS thread and reports the thread's CPU
// time per call as the metric cpu-ns/op.
func Loop(b *testing.B, fn func()) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	start := Thread()
	n := 0
	for b.Loop() {
		fn()
		n++
	}
	b.ReportMetric(float64(Thread()-start)/float64(n), "cpu-ns/op")
}
