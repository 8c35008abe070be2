//go:build !unix

package cvrp

import "time"

// ProcessCPUTime falls back to wall time where getrusage is unavailable.
func ProcessCPUTime() time.Duration { return wallSinceStart() }
