//go:build !linux

package grid

import "testing"

// cpuLoop runs fn in b.Loop; CPU time is only measured on Linux.
func cpuLoop(b *testing.B, fn func()) {
	for b.Loop() {
		fn()
	}
}
