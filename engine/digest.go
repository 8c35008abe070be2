package engine

import (
	"fmt"
	"math"
	"math/bits"
)

// digest is a running 128-bit hash of the dispatched event log: every
// field of every event, in dispatch order. Two lanes of a multiply-xor-
// rotate mix (in the manner of wyhash/xxhash finalisers) keep it cheap
// enough to run on every event; it detects divergence, it is not a
// cryptographic commitment.
type digest struct{ A, B uint64 }

const (
	mixA = 0x9E3779B97F4A7C15
	mixB = 0xC2B2AE3D27D4EB4F
)

func newDigest() digest { return digest{A: 0x243F6A8885A308D3, B: 0x13198A2E03707344} }

func (d *digest) word(x uint64) {
	d.A = bits.RotateLeft64((d.A^x)*mixA, 29)
	d.B = bits.RotateLeft64((d.B+x)*mixB, 31) ^ d.A
}

// orderKey packs the tie-breaking fields of an event's order (phase,
// source, the source's sequence number) into one word.
func orderKey(ev *Event) uint64 {
	return uint64(ev.Phase)<<56 | uint64(ev.Src)<<48 | ev.Seq&(1<<48-1)
}

func (d *digest) add(ev *Event) {
	d.word(uint64(ev.Time))
	d.word(orderKey(ev))
	d.word(uint64(ev.Kind)<<48 | uint64(ev.Dst)<<40 | uint64(uint32(ev.Target)))
	d.word(uint64(ev.Arg))
	d.word(math.Float64bits(ev.Val))
}

func (d digest) String() string {
	a, b := d.A^d.A>>33, d.B^d.B>>29
	return fmt.Sprintf("%016x%016x", a, b)
}
