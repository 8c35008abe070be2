package traffic

import (
	"runtime"
	"sync"
)

// Forker is a Router that can make independent copies of itself (same
// graph, same weights) that route concurrently. With one, departing
// vehicles are routed in batches on all cores, and the batch after the
// one being used is routed in the background while the simulation goes
// on; the routes are the ones the router would give one at a time (a
// route is a pure function of its ends and the weights), so results do
// not depend on GOMAXPROCS or on how the batches fall.
type Forker interface {
	Fork() Router
}

// routeBatchSize is how many upcoming departures are routed together.
const routeBatchSize = 1024

// routeJob is the routes of a run of upcoming departures (in due order)
// on the router weights of generation gen. from and to are copied when
// the job is set up, so a job routed in the background reads nothing the
// simulation writes.
type routeJob struct {
	vehicles []int32
	from, to []int32
	lastS    float64    // planned departure of the last vehicle, s
	nextK    int        // index in Traffic.due after the last vehicle considered
	span     [][2]int32 // each vehicle's route in arena; span[0] < 0: no route
	arena    []int32
	gen      uint64
	done     chan struct{} // closed when a background job has finished
}

// routeBatch holds the batch in use, the one being routed in the
// background (ahead), and the routers each uses.
type routeBatch struct {
	cur      *routeJob
	slot     map[int32]int32 // vehicle -> its index in cur.vehicles, until taken
	ahead    *routeJob       // routed in the background, or nil
	spare    *routeJob       // storage to reuse
	forks    []Router        // for batches routed in the foreground
	forksGen uint64
	bufs     [][]int32
	bg       []Router // for the background batch, with their buffers; only it uses them
	bgBufs   [][]int32
	bgGen    uint64
	adopted  int // batches routed in the background and used (tests)
}

// takeBatched returns vehicle i's route from the batch. When i departs
// after the batch's last departure (or the weights changed) the batch
// routed in the background is taken, or the next one is routed at once;
// a vehicle added within the batch's span (an injected one) is left to be
// routed alone. ok is false when batching does not apply, found false
// when i has no route.
func (t *Traffic) takeBatched(i int32) (route []int32, found, ok bool) {
	b := &t.batch
	if _, can := t.router.(Forker); !can || !t.cfg.ParallelRoutes {
		return nil, false, false
	}
	if c := b.cur; c == nil || c.gen != t.weightsGen || len(c.vehicles) == 0 || t.v.plannedS[i] > c.lastS {
		if !t.adoptAhead(i) {
			t.fillBatch(t.nextDue - 1)
		}
		t.routeAhead()
	}
	slot, in := b.slot[i]
	if !in {
		return nil, false, false
	}
	delete(b.slot, i)
	c := b.cur
	if c.from[slot] != t.v.from[i] || c.to[slot] != t.v.to[i] {
		return nil, false, false
	}
	s := c.span[slot]
	if s[0] < 0 {
		return nil, false, true
	}
	return c.arena[s[0]:s[1]], true, true
}

// newJob returns an empty job on the current weights, reusing storage.
func (t *Traffic) newJob() *routeJob {
	b := &t.batch
	j := b.spare
	b.spare = nil
	if j == nil {
		j = &routeJob{}
	}
	j.vehicles, j.from, j.to = j.vehicles[:0], j.from[:0], j.to[:0]
	j.span, j.arena, j.gen, j.done, j.lastS = j.span[:0], j.arena[:0], t.weightsGen, nil, 0
	return j
}

// use makes j the batch in use and keeps the previous one's storage.
func (t *Traffic) use(j *routeJob) {
	b := &t.batch
	if b.cur != nil && b.spare == nil {
		b.spare = b.cur
	}
	b.cur = j
	if b.slot == nil {
		b.slot = make(map[int32]int32, routeBatchSize)
	}
	clear(b.slot)
	for s, i := range j.vehicles {
		b.slot[i] = int32(s)
	}
}

// pick fills j with the pending departures from due[k] on, up to
// routeBatchSize of them.
func (t *Traffic) pick(j *routeJob, k int) {
	v := &t.v
	for ; k < len(t.due) && len(j.vehicles) < routeBatchSize; k++ {
		i := t.due[k]
		if v.h[i].state == statePending && v.h[i].rCur < 0 && v.from[i] != v.to[i] {
			j.vehicles = append(j.vehicles, i)
			j.from = append(j.from, v.from[i])
			j.to = append(j.to, v.to[i])
			j.lastS = v.plannedS[i]
		}
	}
	j.nextK = k
}

// fillBatch routes the pending departures from due[k] on, up to
// routeBatchSize of them, on all cores, and makes them the batch in use.
func (t *Traffic) fillBatch(k int) {
	b := &t.batch
	j := t.newJob()
	t.pick(j, k)
	workers := min(runtime.GOMAXPROCS(0), max(1, len(j.vehicles)/16))
	if len(b.forks) != workers || b.forksGen != t.weightsGen {
		b.forks = t.forkRouters(b.forks, workers)
		b.forksGen = t.weightsGen
	}
	if len(b.bufs) < workers {
		b.bufs = make([][]int32, workers)
	}
	j.route(b.forks, b.bufs[:workers])
	t.use(j)
}

// forkRouters returns n forks of the router, in rs's storage.
func (t *Traffic) forkRouters(rs []Router, n int) []Router {
	rs = rs[:0]
	for w := 0; w < n; w++ {
		rs = append(rs, t.router.(Forker).Fork())
	}
	return rs
}

// routeAhead starts routing, in the background, the batch that follows
// the one in use, on GOMAXPROCS-1 cores (at least one goroutine), while
// the simulation consumes the batch in use.
func (t *Traffic) routeAhead() {
	b := &t.batch
	if b.ahead != nil || b.cur == nil {
		return
	}
	j := t.newJob()
	t.pick(j, b.cur.nextK)
	if len(j.vehicles) == 0 {
		b.spare = j
		return
	}
	workers := max(1, min(runtime.GOMAXPROCS(0)-1, len(j.vehicles)/16))
	if len(b.bg) != workers || b.bgGen != t.weightsGen {
		b.bg = t.forkRouters(b.bg, workers) // no job is using them: ahead is nil
		b.bgBufs = make([][]int32, workers)
		b.bgGen = t.weightsGen
	}
	forks, bufs := b.bg, b.bgBufs
	j.done = make(chan struct{})
	b.ahead = j
	go func() {
		j.route(forks, bufs)
		close(j.done)
	}()
}

// adoptAhead waits for the batch routed in the background and makes it
// the batch in use if it was routed on the current weights and holds
// vehicle i; otherwise it drops it and reports false.
func (t *Traffic) adoptAhead(i int32) bool {
	b := &t.batch
	j := b.ahead
	if j == nil {
		return false
	}
	<-j.done
	b.ahead = nil
	if j.gen == t.weightsGen {
		for _, x := range j.vehicles {
			if x == i {
				t.use(j)
				b.adopted++
				return true
			}
		}
	}
	if b.spare == nil {
		b.spare = j
	}
	return false
}

// route computes j's routes on the routers rs, one goroutine per router,
// each with its buffer of bufs, and assembles them in vehicle order.
func (j *routeJob) route(rs []Router, bufs [][]int32) {
	workers := len(rs)
	spans := make([][][2]int32, workers)
	chunk := (len(j.vehicles) + workers - 1) / workers
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		lo, hi := min(w*chunk, len(j.vehicles)), min((w+1)*chunk, len(j.vehicles))
		wg.Add(1)
		go func(w, lo, hi int) {
			defer wg.Done()
			buf, sp := bufs[w][:0], make([][2]int32, hi-lo)
			for s := lo; s < hi; s++ {
				from, to := j.from[s], j.to[s]
				start := len(buf)
				var ok bool
				buf, ok = rs[w].Route(from, to, buf)
				if !ok || len(buf) == start || buf[start] != from || buf[len(buf)-1] != to {
					buf, sp[s-lo] = buf[:start], [2]int32{-1, -1}
					continue
				}
				sp[s-lo] = [2]int32{int32(start), int32(len(buf))}
			}
			bufs[w], spans[w] = buf, sp
		}(w, lo, hi)
	}
	wg.Wait()
	for w := 0; w < workers; w++ {
		off := int32(len(j.arena))
		j.arena = append(j.arena, bufs[w]...)
		for _, s := range spans[w] {
			if s[0] >= 0 {
				s[0], s[1] = s[0]+off, s[1]+off
			}
			j.span = append(j.span, s)
		}
	}
}
