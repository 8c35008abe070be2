package city

import (
	"cmp"
	"math"
	"slices"
)

// TimeTo sets out[i] to the cost of the fastest route from fromEdge to
// targets[i], as TimeFrom would give it (+Inf where unreachable), and
// stops searching once every target is settled: a one-to-many query
// costs the ball around fromEdge that holds the targets, not the city.
// out must have len(targets) entries.
func (r *Router) TimeTo(fromEdge EdgeID, targets []EdgeID, out []float64) {
	r.timeTo(fromEdge, targets, nil, out)
}

// TimeToBest is TimeTo for choosing the target that minimises
// out[i] + extra[i] (extra >= 0: a walk, a price): the search also stops
// once the next edge it would settle, plus the least extra of the targets
// not yet reached, costs more than the best sum found, so out[i] is exact
// for the targets reached and +Inf for the others, none of which could
// have been the minimum (nor tied with it).
func (r *Router) TimeToBest(fromEdge EdgeID, targets []EdgeID, extra, out []float64) {
	r.timeTo(fromEdge, targets, extra, out)
}

func (r *Router) timeTo(fromEdge EdgeID, targets []EdgeID, extra, out []float64) {
	s := r.s
	s.reset()
	if len(r.tmark) != len(r.w) {
		r.tmark = make([]uint32, len(r.w))
	} else if s.gen == 1 {
		clear(r.tmark) // the generation counter wrapped: old marks could match
	}
	if len(r.thead) != len(r.w) {
		r.thead = make([]int32, len(r.w))
	}
	if cap(r.tnext) < len(targets) {
		r.tnext = make([]int32, 2*len(targets))
	}
	r.tnext = r.tnext[:len(targets)]
	left := 0
	for i, t := range targets {
		out[i] = math.Inf(1)
		if r.tmark[t] != s.gen {
			r.tmark[t], r.thead[t], r.tnext[i] = s.gen, int32(i), -1
			left++
		} else { // a repeated target: chain it
			r.tnext[i], r.thead[t] = r.thead[t], int32(i)
		}
	}
	best := math.Inf(1) // the lowest out[i] + extra[i] settled so far
	// With extras, the targets by increasing extra: no target not yet
	// reached can cost less than the key popped plus the least extra among
	// them (r.torder[next]).
	next := 0
	if extra != nil {
		r.torder = r.torder[:0]
		for i := range targets {
			r.torder = append(r.torder, int32(i))
		}
		slices.SortFunc(r.torder, func(a, b int32) int { return cmp.Compare(extra[a], extra[b]) })
	}
	base := r.w[fromEdge]
	s.set(fromEdge, 0, NoEdge)
	s.heap.push(0, fromEdge)
	for left > 0 && len(s.heap.items) > 0 {
		it := s.heap.pop()
		if it.key > s.get(it.edge) {
			continue
		}
		if extra != nil {
			for next < len(r.torder) && !math.IsInf(out[r.torder[next]], 1) {
				next++
			}
			if next == len(r.torder) || it.key+base+extra[r.torder[next]] > best {
				break
			}
		}
		if r.tmark[it.edge] == s.gen {
			r.tmark[it.edge] = s.gen - 1 // settled: count it once
			left--
			for i := r.thead[it.edge]; i >= 0; i = r.tnext[i] {
				out[i] = it.key + base
				if extra != nil {
					best = min(best, out[i]+extra[i])
				}
			}
		}
		for _, o := range r.g.Successors(it.edge) {
			if c := it.key + r.w[o]; c < s.get(o) {
				s.set(o, c, it.edge)
				s.heap.push(c, o)
			}
		}
	}
}
