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
	slot     map[int32]int32 // vehicle -> its index in vehicles, until taken
	lastS    float64         // planned departure of the batch's last vehicle, s
	span     [][2]int32      // each vehicle's route in arena; span[0] < 0: no route
	arena    []int32
	gen      uint64
	forksGen uint64
	forks    []Router
	bufs     [][]int32
}

// takeBatched returns vehicle i's route from the batch. When i departs
// after the batch's last departure (or the weights changed) the next
// batch is routed first; a vehicle added within the batch's span (an
// injected one) is left to be routed alone. ok is false when batching
// does not apply, found false when i has no route.
func (t *Traffic) takeBatched(i int32) (route []int32, found, ok bool) {
	b := &t.batch
	if _, can := t.router.(Forker); !can || !t.cfg.ParallelRoutes {
		return nil, false, false
	}
	if b.gen != t.weightsGen || len(b.vehicles) == 0 || t.v.plannedS[i] > b.lastS {
		t.fillBatch(t.nextDue - 1)
	}
	slot, in := b.slot[i]
	if !in {
		return nil, false, false
	}
	delete(b.slot, i)
	s := b.span[slot]
	if s[0] < 0 {
		return nil, false, true
	}
	return b.arena[s[0]:s[1]], true, true
}

// fillBatch routes the pending departures from due[k] on, up to
// routeBatchSize of them, on all cores.
func (t *Traffic) fillBatch(k int) {
	b := &t.batch
	b.vehicles, b.span, b.arena, b.gen = b.vehicles[:0], b.span[:0], b.arena[:0], t.weightsGen
	clear(b.slot)
	if b.slot == nil {
		b.slot = make(map[int32]int32, routeBatchSize)
	}
	v := &t.v
	for ; k < len(t.due) && len(b.vehicles) < routeBatchSize; k++ {
		i := t.due[k]
		if v.h[i].state == statePending && v.h[i].rCur < 0 && v.from[i] != v.to[i] {
			b.slot[i] = int32(len(b.vehicles))
			b.vehicles = append(b.vehicles, i)
			b.lastS = v.plannedS[i]
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
