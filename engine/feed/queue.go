package feed

import (
	"context"
	"sync"
)

// Policy says what a full Queue does with a new observation.
type Policy uint8

// Queue policies.
const (
	Block      Policy = iota // the producer waits for room (backpressure onto the broker's flow control)
	DropNewest               // the new observation is dropped and counted
	DropOldest               // the oldest queued observation is dropped and counted
)

// QueueStats are a Queue's tallies.
type QueueStats struct {
	Enqueued uint64 `json:"enqueued"`
	Dequeued uint64 `json:"dequeued"`
	Dropped  uint64 `json:"dropped"`
	Blocked  uint64 `json:"blocked"` // Puts that had to wait for room
	MaxLen   int    `json:"max_len"`
}

// Queue is a bounded FIFO of observations between network goroutines
// (producers) and the simulation goroutine (consumer). Its memory is
// fixed at creation: a full queue blocks or drops per its Policy, it never
// grows. Safe for concurrent use.
type Queue struct {
	mu       sync.Mutex
	notFull  *sync.Cond
	buf      []Observation
	head, n  int
	policy   Policy
	stats    QueueStats
	closed   bool
	notEmpty chan struct{}
}

// NewQueue returns a queue holding at most capacity observations.
func NewQueue(capacity int, policy Policy) *Queue {
	if capacity < 1 {
		capacity = 1
	}
	q := &Queue{buf: make([]Observation, capacity), policy: policy, notEmpty: make(chan struct{}, 1)}
	q.notFull = sync.NewCond(&q.mu)
	return q
}

// Put adds o. Under Block it waits while the queue is full, until ctx is
// done (then o is dropped and counted, and ctx's error returned). It
// returns false when o was dropped.
func (q *Queue) Put(ctx context.Context, o *Observation) (bool, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.n == len(q.buf) && !q.closed {
		switch q.policy {
		case DropNewest:
			q.stats.Dropped++
			return false, nil
		case DropOldest:
			q.head = (q.head + 1) % len(q.buf)
			q.n--
			q.stats.Dropped++
		default:
			q.stats.Blocked++
			for q.n == len(q.buf) && !q.closed && ctx.Err() == nil {
				q.waitRoom(ctx)
			}
		}
	}
	if q.closed || ctx.Err() != nil {
		q.stats.Dropped++
		return false, ctx.Err()
	}
	q.buf[(q.head+q.n)%len(q.buf)] = *o
	q.n++
	q.stats.Enqueued++
	q.stats.MaxLen = max(q.stats.MaxLen, q.n)
	select {
	case q.notEmpty <- struct{}{}:
	default:
	}
	return true, nil
}

// waitRoom waits on notFull, waking up when ctx is done. Called with mu held.
func (q *Queue) waitRoom(ctx context.Context) {
	stop := context.AfterFunc(ctx, func() {
		q.mu.Lock()
		q.notFull.Broadcast()
		q.mu.Unlock()
	})
	q.notFull.Wait()
	stop()
}

// Drain appends up to max queued observations to dst, oldest first,
// without waiting, and returns it.
func (q *Queue) Drain(dst []Observation, max int) []Observation {
	q.mu.Lock()
	defer q.mu.Unlock()
	for ; q.n > 0 && max > 0; max-- {
		dst = append(dst, q.buf[q.head])
		q.buf[q.head] = Observation{}
		q.head = (q.head + 1) % len(q.buf)
		q.n--
		q.stats.Dequeued++
	}
	q.notFull.Broadcast()
	return dst
}

// Ready is signalled (buffered, capacity 1) after a Put, so a consumer can
// sleep until data arrives.
func (q *Queue) Ready() <-chan struct{} { return q.notEmpty }

// Len is the number of queued observations.
func (q *Queue) Len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.n
}

// Close wakes blocked producers; later Puts drop.
func (q *Queue) Close() {
	q.mu.Lock()
	q.closed = true
	q.notFull.Broadcast()
	q.mu.Unlock()
}

// Stats returns a snapshot of the tallies.
func (q *Queue) Stats() QueueStats {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.stats
}
