package engine

import "slices"

// queue is the pending-event set: a calendar queue (Brown 1988). Events
// are kept in nb buckets of a "year" of nb*width microseconds; an event at
// time t lives in bucket (t/width) mod nb, sorted within its bucket by the
// total event order. Popping scans buckets from the current one and takes
// the head of the first bucket whose head falls in the current day; the
// number of buckets follows the number of pending events and the width is
// re-estimated from the spacing of the events near the front whenever the
// calendar is resized. Push and pop are O(1) on average for the smooth
// distributions of simulation workloads, with contiguous memory access;
// no allocation happens once buckets have grown to their working sizes.
//
// Brown, R. (1988). Calendar queues: a fast O(1) priority queue
// implementation for the simulation event set problem. CACM 31(10).
type queue struct {
	buckets []bucket
	mask    int64 // nb-1; nb is a power of two
	width   int64 // µs per bucket, >= 1
	cur     int64 // current bucket
	top     Time  // end (exclusive) of the current bucket's day
	n       int
	scratch []Event
}

// bucket holds events sorted by Event.before; ev[head:] are pending.
type bucket struct {
	ev   []Event
	head int
}

const seqMask = 1<<48 - 1

func orderKey(ev *Event) uint64 {
	return uint64(ev.Phase)<<56 | uint64(ev.Src)<<48 | ev.Seq&seqMask
}

// Len is the number of pending events.
func (q *queue) Len() int { return q.n }

func (q *queue) init(nb int, width int64, start Time) {
	if cap(q.buckets) >= nb {
		q.buckets = q.buckets[:nb]
	} else {
		q.buckets = make([]bucket, nb)
	}
	for i := range q.buckets {
		q.buckets[i].ev = q.buckets[i].ev[:0]
		q.buckets[i].head = 0
	}
	q.mask = int64(nb - 1)
	q.width = max(width, 1)
	day := floorDiv(int64(start), q.width)
	q.cur = day & q.mask
	q.top = Time((day + 1) * q.width)
}

func floorDiv(a, b int64) int64 {
	d := a / b
	if a%b != 0 && a < 0 {
		d--
	}
	return d
}

// push adds ev (Seq already assigned).
func (q *queue) push(ev Event) {
	if q.buckets == nil {
		q.init(16, int64(Second), ev.Time)
	}
	q.insert(ev)
	q.n++
	if q.n > 2*len(q.buckets) && len(q.buckets) < 1<<24 {
		q.resize(2 * len(q.buckets))
	}
}

func (q *queue) insert(ev Event) {
	day := floorDiv(int64(ev.Time), q.width)
	if ev.Time < q.top-Time(q.width) {
		// Earlier than the current day (a message at the time of a clock
		// that had moved on): move the calendar back, so that no pending
		// event lies before the day being scanned.
		q.cur = day & q.mask
		q.top = Time((day + 1) * q.width)
	}
	b := &q.buckets[day&q.mask]
	b.ev = append(b.ev, ev)
	s := b.ev
	i := len(s) - 1
	for i > b.head && ev.before(&s[i-1]) {
		s[i] = s[i-1]
		i--
	}
	s[i] = ev
}

// peekTime is the time of the next event; Never when empty.
func (q *queue) peekTime() Time {
	if q.n == 0 {
		return Never
	}
	b := q.find()
	return b.ev[b.head].Time
}

// find advances the calendar to the bucket holding the first event and
// returns it. The queue must not be empty.
func (q *queue) find() *bucket {
	nb := int64(len(q.buckets))
	for i := int64(0); i < nb; i++ {
		b := &q.buckets[q.cur]
		if b.head < len(b.ev) && b.ev[b.head].Time < q.top {
			return b
		}
		q.cur = (q.cur + 1) & q.mask
		q.top += Time(q.width)
	}
	// A whole year without an event in its day: jump to the earliest head.
	var best *bucket
	for i := range q.buckets {
		b := &q.buckets[i]
		if b.head < len(b.ev) && (best == nil || b.ev[b.head].before(&best.ev[best.head])) {
			best = b
		}
	}
	day := floorDiv(int64(best.ev[best.head].Time), q.width)
	q.cur = day & q.mask
	q.top = Time((day + 1) * q.width)
	return best
}

// pop removes and returns the first event. The queue must not be empty.
func (q *queue) pop() Event {
	b := q.find()
	ev := b.ev[b.head]
	b.head++
	if b.head == len(b.ev) {
		b.ev, b.head = b.ev[:0], 0
	} else if b.head >= 8 && 2*b.head >= len(b.ev) {
		// A later year's event keeps the bucket from emptying: compact it,
		// so the slice does not grow without bound.
		b.ev = b.ev[:copy(b.ev, b.ev[b.head:])]
		b.head = 0
	}
	q.n--
	if q.n < len(q.buckets)/4 && len(q.buckets) > 16 {
		q.resize(len(q.buckets) / 2)
	}
	return ev
}

// resize rebuilds the calendar with nb buckets and a width of three times
// the mean spacing of the first events (Brown's rule), keeping the order.
func (q *queue) resize(nb int) {
	all := q.drain(q.scratch[:0])
	q.init(nb, spacing(all), q.start(all))
	for _, ev := range all {
		q.insert(ev)
	}
	q.scratch = all[:0]
}

// start is the time the rebuilt calendar starts at: the first event's.
func (q *queue) start(sorted []Event) Time {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[0].Time
}

// spacing estimates the bucket width from up to 64 events at the front.
func spacing(sorted []Event) int64 {
	k := min(len(sorted), 64)
	if k < 2 {
		return int64(Second)
	}
	span := int64(sorted[k-1].Time - sorted[0].Time)
	w := 3 * span / int64(k-1)
	return max(w, 1)
}

// drain appends every pending event to dst in dispatch order.
func (q *queue) drain(dst []Event) []Event {
	for i := range q.buckets {
		b := &q.buckets[i]
		dst = append(dst, b.ev[b.head:]...)
	}
	slices.SortFunc(dst, compareEvents)
	return dst
}

func compareEvents(a, b Event) int {
	if a.before(&b) {
		return -1
	}
	if b.before(&a) {
		return 1
	}
	return 0
}

// events returns the pending events in dispatch order (for checkpoints);
// it does not change the queue.
func (q *queue) events() []Event { return q.drain(nil) }

// reset empties the queue, keeping its storage.
func (q *queue) reset() {
	for i := range q.buckets {
		q.buckets[i].ev = q.buckets[i].ev[:0]
		q.buckets[i].head = 0
	}
	q.n = 0
}
