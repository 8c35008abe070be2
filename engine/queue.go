package engine

import "slices"

// queue is the pending-event set: a calendar queue (Brown 1988) laid out
// for the cache. Each of the nb buckets has K event slots inline in one
// flat array, sorted, holding the bucket's K smallest events; the rest of
// a crowded bucket (many events at one time, say) spills to a sorted
// overflow slice of its own. Keeping the events themselves in the calendar
// (rather than keys into a slab) means a pop reads only the buckets it
// scans, in order: one cache miss per event, on push. A key at
// time t goes to bucket (t/width) mod nb; width is a power of two, so the
// division is a shift.
//
// Popping scans buckets from the current one, taking the first head that
// falls in the current day; the scan walks contiguous memory. The number
// of buckets follows the number of pending events and the width is
// re-estimated from the spacing of the events near the front when the
// calendar is resized. Push and pop are O(1) on average for the smooth
// distributions of simulation workloads, and allocate nothing once the
// calendar and its overflow slices have grown to their working sizes.
//
// Brown, R. (1988). Calendar queues: a fast O(1) priority queue
// implementation for the simulation event set problem. CACM 31(10).
type queue struct {
	keys  []qkey  // nb*bucketK inline events
	count []uint8 // inline events per bucket
	over  []spill // per bucket overflow, sorted
	mask  int64   // nb-1; nb is a power of two
	width int64   // µs per bucket, a power of two
	shift uint    // log2(width)
	cur   int64   // current bucket
	top   Time    // end (exclusive) of the current bucket's day
	n     int
	tmp   []qkey
}

const bucketK = 3

// qkey is a pending event kept in the calendar itself: no slab, so a pop
// reads the bucket it scans and nothing else.
type qkey = Event

type spill struct {
	keys []qkey
	head int
}

const seqMask = 1<<48 - 1

func orderKey(ev *Event) uint64 {
	return uint64(ev.Phase)<<56 | uint64(ev.Src)<<48 | ev.Seq&seqMask
}

func (a *Event) less(b *Event) bool { return a.before(b) }

// Len is the number of pending events.
func (q *queue) Len() int { return q.n }

func (q *queue) init(nb int, width int64, start Time) {
	if cap(q.count) >= nb {
		q.count = q.count[:nb]
		q.keys = q.keys[:nb*bucketK]
		q.over = q.over[:nb]
	} else {
		q.count = make([]uint8, nb)
		q.keys = make([]qkey, nb*bucketK)
		q.over = make([]spill, nb)
	}
	clear(q.count)
	for i := range q.over {
		q.over[i].keys, q.over[i].head = q.over[i].keys[:0], 0
	}
	q.mask = int64(nb - 1)
	q.shift = 0
	for int64(1)<<(q.shift+1) <= width {
		q.shift++
	}
	q.width = int64(1) << q.shift
	day := q.dayOf(start)
	q.cur = day & q.mask
	q.top = Time((day + 1) * q.width)
}

// dayOf is the calendar day (bucket number before the modulo) of time t:
// floor(t / width) by an arithmetic shift.
func (q *queue) dayOf(t Time) int64 { return int64(t) >> q.shift }

// push adds ev (Seq already assigned).
func (q *queue) push(ev Event) {
	if q.count == nil {
		q.init(16, int64(Second), ev.Time)
	}
	q.insert(ev)
	q.n++
	if q.n > 2*len(q.count) && len(q.count) < 1<<24 {
		q.resize(2 * len(q.count))
	}
}

func (q *queue) insert(k qkey) {
	day := q.dayOf(k.Time)
	if k.Time < q.top-Time(q.width) {
		// Earlier than the current day (a message at the time of a clock
		// that had moved on): move the calendar back, so that no pending
		// event lies before the day being scanned.
		q.cur = day & q.mask
		q.top = Time((day + 1) * q.width)
	}
	b := int(day & q.mask)
	inline := q.keys[b*bucketK : b*bucketK+bucketK]
	c := int(q.count[b])
	if c == bucketK {
		if !k.less(&inline[c-1]) {
			q.over[b].insert(k)
			return
		}
		// k belongs inline: the largest inline key moves to the overflow,
		// in front of everything there.
		q.over[b].pushFront(inline[c-1])
		c--
	} else {
		q.count[b]++
	}
	i := c
	for i > 0 && k.less(&inline[i-1]) {
		inline[i] = inline[i-1]
		i--
	}
	inline[i] = k
}

func (s *spill) insert(k qkey) {
	s.keys = append(s.keys, k)
	i := len(s.keys) - 1
	for i > s.head && k.less(&s.keys[i-1]) {
		s.keys[i] = s.keys[i-1]
		i--
	}
	s.keys[i] = k
}

func (s *spill) pushFront(k qkey) {
	if s.head > 0 {
		s.head--
		s.keys[s.head] = k
		return
	}
	s.keys = append(s.keys, qkey{})
	copy(s.keys[1:], s.keys)
	s.keys[0] = k
}

func (s *spill) popFront() qkey {
	k := s.keys[s.head]
	s.head++
	if s.head == len(s.keys) {
		s.keys, s.head = s.keys[:0], 0
	}
	return k
}

// peekTime is the time of the next event; Never when empty.
func (q *queue) peekTime() Time {
	if q.n == 0 {
		return Never
	}
	return q.keys[q.find()*bucketK].Time
}

// find advances the calendar to the bucket holding the first event and
// returns it. The queue must not be empty.
func (q *queue) find() int {
	nb := int64(len(q.count))
	for i := int64(0); i < nb; i++ {
		b := int(q.cur)
		if q.count[b] > 0 && q.keys[b*bucketK].Time < q.top {
			return b
		}
		q.cur = (q.cur + 1) & q.mask
		q.top += Time(q.width)
	}
	// A whole year without an event in its day: jump to the earliest head.
	best := -1
	for b := range q.count {
		if q.count[b] > 0 && (best < 0 || q.keys[b*bucketK].less(&q.keys[best*bucketK])) {
			best = b
		}
	}
	day := q.dayOf(q.keys[best*bucketK].Time)
	q.cur = day & q.mask
	q.top = Time((day + 1) * q.width)
	return best
}

// pop removes and returns the first event. The queue must not be empty.
func (q *queue) pop() Event {
	b := q.find()
	inline := q.keys[b*bucketK : b*bucketK+bucketK]
	top := inline[0]
	c := int(q.count[b])
	copy(inline, inline[1:c])
	if s := &q.over[b]; s.head < len(s.keys) {
		inline[c-1] = s.popFront()
	} else {
		q.count[b]--
	}
	ev := top
	q.n--
	if q.n < len(q.count)/4 && len(q.count) > 16 {
		q.resize(len(q.count) / 2)
	}
	return ev
}

// resize rebuilds the calendar with nb buckets and a width of three times
// the mean spacing of the first events (Brown's rule), keeping the order.
func (q *queue) resize(nb int) {
	all := q.drainKeys(q.tmp[:0])
	start := Time(0)
	if len(all) > 0 {
		start = all[0].Time
	}
	q.init(nb, spacing(all), start)
	for _, k := range all {
		q.insert(k)
	}
	q.tmp = all[:0]
}

// spacing estimates the bucket width from up to 64 keys at the front.
func spacing(sorted []qkey) int64 {
	k := min(len(sorted), 64)
	if k < 2 {
		return int64(Second)
	}
	span := int64(sorted[k-1].Time - sorted[0].Time)
	return max(3*span/int64(k-1), 1)
}

// drainKeys appends every pending key to dst in dispatch order.
func (q *queue) drainKeys(dst []qkey) []qkey {
	for b, c := range q.count {
		dst = append(dst, q.keys[b*bucketK:b*bucketK+int(c)]...)
		s := &q.over[b]
		dst = append(dst, s.keys[s.head:]...)
	}
	slices.SortFunc(dst, func(a, b qkey) int {
		if a.less(&b) {
			return -1
		}
		if b.less(&a) {
			return 1
		}
		return 0
	})
	return dst
}

// events returns the pending events in dispatch order (for checkpoints);
// it does not change the queue.
func (q *queue) events() []Event { return q.drainKeys(nil) }

// reset empties the queue, keeping its storage.
func (q *queue) reset() {
	clear(q.count)
	for i := range q.over {
		q.over[i].keys, q.over[i].head = q.over[i].keys[:0], 0
	}
	q.n = 0
}
