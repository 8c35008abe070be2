//go:build !linux

package sparse

import "testing"

// cpuLoop runs fn in a b.Loop (CPU time is only measured on Linux).
func cpuLoop(b *testing.B, fn func()) {
	for b.Loop() {
		fn()
	}
}
