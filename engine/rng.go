package engine

import (
	"crypto/sha256"
	"encoding/binary"
	"math/rand/v2"
)

// StreamSeed derives the two PCG seed words of stream name under the
// master seed: the first 16 bytes of SHA-256(seed as 8 little-endian bytes
// || name). Streams are independent of each other and of the order in
// which they are created, so adding a stream never changes another's draws.
func StreamSeed(master uint64, name string) (uint64, uint64) {
	h := sha256.New()
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], master)
	h.Write(b[:])
	h.Write([]byte(name))
	sum := h.Sum(nil)
	return binary.LittleEndian.Uint64(sum[0:8]), binary.LittleEndian.Uint64(sum[8:16])
}

// stream is a named PCG source and the generator drawing from it.
type stream struct {
	name string
	src  *rand.PCG
	rng  *rand.Rand
}

// Stream returns the random stream called name, creating it on first use.
// The same name always returns the same *rand.Rand, whose state is saved
// by checkpoints. Names are free-form; by convention "model/purpose".
func (s *Sim) Stream(name string) *rand.Rand {
	if st, ok := s.streams[name]; ok {
		return st.rng
	}
	a, b := StreamSeed(s.seed, name)
	src := rand.NewPCG(a, b)
	st := &stream{name: name, src: src, rng: rand.New(src)}
	s.streams[name] = st
	return st.rng
}
