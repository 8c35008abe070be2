package engine

import (
	"math"
	"slices"
)

// queue is the pending-event set: a ladder queue (Tang, Goh and Thng 2005)
// whose rungs have a bounded number of buckets, so that each pass that
// spreads events over buckets writes to at most maxBuckets streams at
// once and stays in cache, as a radix sort's passes do.
//
// Three tiers hold the events, every event of a lower tier coming before
// every event of a higher one:
//
//   - bottom: a short sorted run (by the kernel's total order), popped
//     from its head;
//   - rungs: a stack of rungs, each dividing one time interval into equal
//     buckets of unsorted events; rung k+1 divides the bucket of rung k
//     that was taken last;
//   - top: an unsorted list of the events at or after topStart.
//
// A push appends to top or to a bucket (a sequential write) unless its
// time falls before the deepest rung's current bucket, when it is
// inserted into bottom. When bottom runs dry, the deepest rung's next
// bucket is sorted into bottom if it is small (or cannot be divided,
// all its events sharing one microsecond), else spread over a new rung;
// when every rung is spent, top is spread over a new first rung. Each
// event is moved a few times (log base maxBuckets of the spread of the
// pending times), each time by a streaming write, which is why this beats
// a calendar queue once the pending events outgrow the cache: a calendar
// writes each event to a random bucket of a table as large as the queue.
// Nothing is allocated once the buckets have grown to their working
// sizes: spent rungs keep their buckets for reuse.
//
// Tang, W. T., Goh, R. S. M. and Thng, I. L.-J. (2005). Ladder queue: an
// O(1) priority queue structure for large-scale discrete event
// simulation. ACM TOMACS 15(3), 175-204.
type queue struct {
	bottom []Event // sorted; bottom[head:] are pending
	head   int
	rungs  []rung // rungs[:depth] are in use; the rest are kept for reuse
	depth  int
	top    []Event
	// topStart is the first time that belongs to top; topMin and topMax
	// bound the times in top.
	topStart, topMin, topMax Time
	n                        int
}

// rung divides [start, start+len(buckets)*width) into buckets; buckets
// before cur have been taken.
type rung struct {
	start   Time
	width   uint64
	cur     int
	nb      int
	buckets [][]Event
}

const (
	// maxBuckets bounds a rung's fan-out: 1024 write streams of one cache
	// line each fit in L2.
	maxBuckets = 1024
	// bottomMax is the largest bucket sorted into bottom rather than
	// divided further.
	bottomMax = 48
)

// Len is the number of pending events.
func (q *queue) Len() int { return q.n }

// curStart is the start time of the rung's current (first untaken)
// bucket; it saturates at Never.
func (r *rung) curStart() Time { return addSat(r.start, uint64(r.cur)*r.width) }

// addSat is t+d, saturating at Never.
func addSat(t Time, d uint64) Time {
	if d > uint64(Never-t) {
		return Never
	}
	return t + Time(d)
}

// push adds ev (Seq already assigned).
func (q *queue) push(ev Event) {
	q.n++
	if q.depth == 0 && q.head == len(q.bottom) {
		// Nothing below top: top takes everything, its start follows.
		q.toTop(ev)
		return
	}
	if ev.Time >= q.topStart {
		q.toTop(ev)
		return
	}
	for k := 0; k < q.depth; k++ {
		r := &q.rungs[k]
		if ev.Time >= r.curStart() {
			b := int(uint64(ev.Time-r.start) / r.width)
			r.buckets[b] = append(r.buckets[b], ev)
			return
		}
	}
	q.toBottom(ev)
}

func (q *queue) toTop(ev Event) {
	if len(q.top) == 0 || ev.Time < q.topMin {
		q.topMin = ev.Time
	}
	if len(q.top) == 0 || ev.Time > q.topMax {
		q.topMax = ev.Time
	}
	q.top = append(q.top, ev)
	if q.depth == 0 && q.head == len(q.bottom) {
		q.topStart = q.topMin
	}
}

// toBottom inserts ev into the sorted bottom run. Events sharing a time
// arrive in their order mostly, so the search starts from the end.
func (q *queue) toBottom(ev Event) {
	i := len(q.bottom)
	for i > q.head && ev.before(&q.bottom[i-1]) {
		i--
	}
	q.bottom = append(q.bottom, Event{})
	copy(q.bottom[i+1:], q.bottom[i:])
	q.bottom[i] = ev
}

// fill refills bottom from the rungs and top. It reports false when the
// queue is empty.
func (q *queue) fill() bool {
	for q.head == len(q.bottom) {
		if q.depth == 0 {
			if len(q.top) == 0 {
				return false
			}
			q.spreadTop()
			continue
		}
		r := &q.rungs[q.depth-1]
		for r.cur < r.nb && len(r.buckets[r.cur]) == 0 {
			r.cur++
		}
		if r.cur == r.nb {
			q.depth--
			continue
		}
		b := r.buckets[r.cur]
		bStart := r.curStart()
		r.cur++
		if len(b) <= bottomMax || r.width == 1 || sameTime(b) {
			// The bucket becomes bottom; bottom's storage becomes the
			// (taken) bucket's.
			r.buckets[r.cur-1] = q.bottom[:0]
			q.bottom, q.head = b, 0
			sortEvents(q.bottom)
			continue
		}
		// Divide the bucket over a new rung below r. The new rung's
		// buckets are other arrays, so b can be read while they fill;
		// r's bucket keeps b's storage, empty (it is taken).
		r.buckets[r.cur-1] = b[:0]
		q.spread(bStart, r.width, b)
	}
	return true
}

// spreadTop moves top into a new first rung.
func (q *queue) spreadTop() {
	span := uint64(q.topMax-q.topMin) + 1
	q.spread(q.topMin, span, q.top)
	q.top = q.top[:0]
	r := &q.rungs[q.depth-1]
	q.topStart = addSat(r.start, uint64(r.nb)*r.width)
}

// spread divides [start, start+span) into a new rung of up to maxBuckets
// buckets and distributes evs over it.
func (q *queue) spread(start Time, span uint64, evs []Event) {
	nb := 1
	for nb < len(evs) && nb < maxBuckets {
		nb <<= 1
	}
	width := span / uint64(nb)
	if span%uint64(nb) != 0 {
		width++
	}
	width = max(width, 1)
	if q.depth == len(q.rungs) {
		q.rungs = append(q.rungs, rung{})
	}
	r := &q.rungs[q.depth]
	q.depth++
	r.start, r.width, r.cur, r.nb = start, width, 0, nb
	for len(r.buckets) < nb {
		r.buckets = append(r.buckets, nil)
	}
	for i := 0; i < nb; i++ {
		r.buckets[i] = r.buckets[i][:0]
	}
	for i := range evs {
		b := int(uint64(evs[i].Time-start) / width)
		r.buckets[b] = append(r.buckets[b], evs[i])
	}
}

func sameTime(evs []Event) bool {
	for i := 1; i < len(evs); i++ {
		if evs[i].Time != evs[0].Time {
			return false
		}
	}
	return true
}

func sortEvents(evs []Event) {
	// Insertion sort for the short runs that are the rule; the library
	// sort for a long run of events sharing a time.
	if len(evs) > 64 {
		slices.SortFunc(evs, cmpEvents)
		return
	}
	for i := 1; i < len(evs); i++ {
		e := evs[i]
		j := i
		for j > 0 && e.before(&evs[j-1]) {
			evs[j] = evs[j-1]
			j--
		}
		evs[j] = e
	}
}

func cmpEvents(a, b Event) int {
	if a.before(&b) {
		return -1
	}
	if b.before(&a) {
		return 1
	}
	return 0
}

// peekTime is the time of the next event; Never when empty.
func (q *queue) peekTime() Time {
	if !q.fill() {
		return Never
	}
	return q.bottom[q.head].Time
}

// pop removes and returns the first event. The queue must not be empty.
func (q *queue) pop() Event {
	q.fill()
	ev := q.bottom[q.head]
	q.head++
	if q.head == len(q.bottom) {
		q.bottom, q.head = q.bottom[:0], 0
	}
	q.n--
	return ev
}

// events returns the pending events in dispatch order (for checkpoints);
// it does not change the queue.
func (q *queue) events() []Event {
	out := make([]Event, 0, q.n)
	out = append(out, q.bottom[q.head:]...)
	for k := 0; k < q.depth; k++ {
		r := &q.rungs[k]
		for b := r.cur; b < r.nb; b++ {
			out = append(out, r.buckets[b]...)
		}
	}
	out = append(out, q.top...)
	slices.SortFunc(out, cmpEvents)
	return out
}

// reset empties the queue, keeping its storage.
func (q *queue) reset() {
	q.bottom, q.head = q.bottom[:0], 0
	q.depth = 0
	q.top = q.top[:0]
	q.topStart, q.topMin, q.topMax = math.MinInt64, 0, 0
	q.n = 0
}
