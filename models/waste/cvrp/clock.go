package cvrp

import "time"

var processStart = time.Now()

// wallSinceStart is the wall time since the package was initialised.
func wallSinceStart() time.Duration { return time.Since(processStart) }

// WallClock returns the wall time elapsed since the package was
// initialised; it is the default Options.Clock.
func WallClock() time.Duration { return wallSinceStart() }
