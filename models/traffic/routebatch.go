package traffic

import (
	"runtime"
	"sync"
)

// Forker is a Router that can make independent copies of itself (same
// graph, same weights) that route concurrently. With one, departing
// vehicles are routed in batches on all cores; the routes are the ones
// the router would give one at a time, assembled in departure order, so
// results do not depend on GOMAXPROCS.
type Forker interface {
	Fork() Router
}

// routeBatchSize is how many upcoming departures are routed together.
const routeBatchSize = 1024

// routeBatch holds routes computed ahead for the next departures (in due
// order) on the router weights of generation gen.
type routeBatch struct {
	vehicles []int32
	span     [][2]int32 // each vehicle's route in arena; span[0] < 0: no route
	arena    []int32
	next     int
	gen      uint64
	forksGen uint64
	forks    []Router
	bufs     [][]int32
}

// takeBatched returns vehicle i's route from the batch, routing the next
// batch of departures first when i is not in the current one. ok is false
// when batching does not apply (no Forker, or i not found), and found
// false when i has no route.
func (t *Traffic) takeBatched(i int32) (route []int32, found, ok bool) {
	b := &t.batch
	if _, can := t.router.(Forker); !can {
		return nil, false, false
	}
	if b.gen == t.weightsGen && b.next < len(b.vehicles) && b.vehicles[b.next] != i {
		// Vehicles of the batch whose state changed are skipped; a vehicle
		// added after the batch was routed (an injected one) is routed on
		// its own, and the batch is kept for the departures it holds.
		p := b.next + 1
		for p < len(b.vehicles) && b.vehicles[p] != i {
			p++
		}
		if p == len(b.vehicles) {
			return nil, false, false
		}
		b.next = p
	}
	if b.gen != t.weightsGen || b.next >= len(b.vehicles) {
		t.fillBatch(t.nextDue - 1)
		if b.next >= len(b.vehicles) || b.vehicles[b.next] != i {
			return nil, false, false
		}
	}
	s := b.span[b.next]
	b.next++
	if s[0] < 0 {
		return nil, false, true
	}
	return b.arena[s[0]:s[1]], true, true
}

// fillBatch routes the pending departures from due[k] on, up to
// routeBatchSize of them, on all cores.
func (t *Traffic) fillBatch(k int) {
	b := &t.batch
	b.vehicles, b.span, b.arena, b.next, b.gen = b.vehicles[:0], b.span[:0], b.arena[:0], 0, t.weightsGen
	v := &t.v
	for ; k < len(t.due) && len(b.vehicles) < routeBatchSize; k++ {
		i := t.due[k]
		if v.state[i] == statePending && v.rCur[i] < 0 && v.from[i] != v.to[i] {
			b.vehicles = append(b.vehicles, i)
		}
	}
	workers := min(runtime.GOMAXPROCS(0), max(1, len(b.vehicles)/16))
	if len(b.forks) != workers || b.forksGen != t.weightsGen {
		b.forks = b.forks[:0]
		for w := 0; w < workers; w++ {
			b.forks = append(b.forks, t.router.(Forker).Fork())
		}
		b.bufs = make([][]int32, workers)
		b.forksGen = t.weightsGen
	}
	spans := make([][][2]int32, workers)
	chunk := (len(b.vehicles) + workers - 1) / workers
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		lo, hi := min(w*chunk, len(b.vehicles)), min((w+1)*chunk, len(b.vehicles))
		wg.Add(1)
		go func(w int, ids []int32) {
			defer wg.Done()
			buf, sp := b.bufs[w][:0], make([][2]int32, len(ids))
			for j, i := range ids {
				start := len(buf)
				var ok bool
				buf, ok = b.forks[w].Route(v.from[i], v.to[i], buf)
				if !ok || len(buf) == start || buf[start] != v.from[i] || buf[len(buf)-1] != v.to[i] {
					buf, sp[j] = buf[:start], [2]int32{-1, -1}
					continue
				}
				sp[j] = [2]int32{int32(start), int32(len(buf))}
			}
			b.bufs[w], spans[w] = buf, sp
		}(w, b.vehicles[lo:hi])
	}
	wg.Wait()
	for w := 0; w < workers; w++ {
		off := int32(len(b.arena))
		b.arena = append(b.arena, b.bufs[w]...)
		for _, s := range spans[w] {
			if s[0] >= 0 {
				s[0], s[1] = s[0]+off, s[1]+off
			}
			b.span = append(b.span, s)
		}
	}
}
