//go:build unix

package cvrp

import (
	"syscall"
	"time"
)

// ProcessCPUTime returns the CPU time (user and system) this process has
// used so far. Time limits measured with it behave like HGS-CVRP's, which
// uses the C clock(), and do not shrink when other programs share the
// machine's cores.
func ProcessCPUTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return wallSinceStart()
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
