package sparse

import (
	"math"
	"slices"
)

// AMD returns a fill-reducing permutation of the pattern of A+Aᵀ
// (approximate minimum degree, Amestoy, Davis and Duff 1996): perm[k] is the
// original index of the k-th pivot. The values of m are not read.
//
// The implementation follows the paper's algorithm in our own code: the
// elimination is simulated on a quotient graph of variables and elements
// (cliques left by eliminated pivots) stored in one integer array that is
// compacted when full; element absorption (including aggressive absorption
// of elements that become subsets of the new one), supervariable detection
// by hashing, mass elimination, and the approximate external degree bound
//
//	d̄ᵢ = min(n−k, d̄ᵢ_old + |Lp∖i|, |Aᵢ∖i| + |Lp∖i| + Σₑ |Lₑ∖Lp|)
//
// of the paper (k variables eliminated so far, Lp the new element). Rows
// denser than max(16, 10√n) are removed before ordering and placed last,
// the default of the authors' AMD package. The elimination order is
// emitted directly (each pivot followed by the variables it carries); the
// Cholesky and LU analyses then postorder their elimination tree.
//
// Memory is O(nnz(A) + n). The worst-case time is O(n·nnz(A)); on network
// and grid matrices it grows close to linearly (bench/sparse.md).
func AMD(m *Matrix) []int {
	if m.N == 0 {
		return []int{}
	}
	n := m.N
	ptr, idx := symmetricPattern(m)
	return newAMDState(m.N, ptr, idx, len(idx)/5+n+16).run()
}

// Node states of the quotient graph.
const (
	amdVar  int8 = iota // a principal variable, not yet eliminated
	amdElem             // an element (clique of an eliminated pivot)
	amdDead             // absorbed element, merged or eliminated variable, dense row
)

// amdState is the quotient graph and the bookkeeping of AMD. For a node i,
// iw[pe[i] : pe[i]+ln[i]] is its list: for a variable, elen[i] elements
// followed by variables; for an element, its variables.
type amdState struct {
	n                int
	iw               []int
	pfree            int
	pe, ln, elen     []int
	nv               []int // weight of a supervariable (number of variables it stands for)
	deg              []int // approximate external degree of a variable; weighted size of an element
	state            []int8
	head, next, prev []int // doubly linked degree buckets
	mindeg           int
	w                []int // w[e]-wflg = |Le ∖ Lp| during a pivot step
	wflg             int
	inLp             []int // inLp[i] == p while i belongs to the pivot element of p
	mark             []int
	markTag          int
	chainNext, tail  []int // variables carried by a principal variable, in order
	hashHead         []int
	hashNext, hashOf []int
	nLive, nel       int
	order, dense     []int
	compactions      int // number of times iw was compacted
}

// newAMDState sets up the quotient graph of the adjacency lists ptr, idx
// with elbow room beyond the n entries that a new element may need (see
// reserve); more elbow room means fewer compactions, never another order.
func newAMDState(n int, ptr, idx []int, elbow int) *amdState {
	nnz := len(idx)
	s := &amdState{n: n, nLive: n}
	s.iw = make([]int, nnz+n+max(elbow, 0))
	copy(s.iw, idx)
	s.pfree = nnz
	ints := func(v int) []int {
		x := make([]int, n)
		for i := range x {
			x[i] = v
		}
		return x
	}
	s.pe, s.ln, s.elen, s.nv, s.deg = ints(0), ints(0), ints(0), ints(1), ints(0)
	s.head, s.next, s.prev = ints(-1), ints(-1), ints(-1)
	s.w, s.inLp, s.mark = ints(0), ints(-1), ints(0)
	s.chainNext, s.tail = ints(-1), ints(0)
	s.hashHead, s.hashNext, s.hashOf = ints(-1), ints(-1), ints(0)
	s.state = make([]int8, n)
	s.wflg = 1
	s.order = make([]int, 0, n)
	for i := 0; i < n; i++ {
		s.pe[i], s.ln[i], s.tail[i] = ptr[i], ptr[i+1]-ptr[i], i
	}
	s.removeDense()
	for i := 0; i < n; i++ {
		if s.state[i] != amdVar {
			continue
		}
		d := 0
		for _, j := range s.iw[s.pe[i] : s.pe[i]+s.ln[i]] {
			if s.state[j] == amdVar {
				d++
			}
		}
		s.deg[i] = d
		s.bucketInsert(i, d)
	}
	return s
}

// removeDense sets aside rows denser than max(16, 10√n); they are ordered last.
func (s *amdState) removeDense() {
	limit := int(10 * math.Sqrt(float64(s.n)))
	limit = max(limit, 16)
	for i := 0; i < s.n; i++ {
		if s.ln[i] > limit {
			s.state[i] = amdDead
			s.dense = append(s.dense, i)
			s.nLive--
		}
	}
}

func (s *amdState) bucketInsert(i, d int) {
	h := s.head[d]
	s.next[i], s.prev[i] = h, -1
	if h >= 0 {
		s.prev[h] = i
	}
	s.head[d] = i
	if d < s.mindeg {
		s.mindeg = d
	}
}

func (s *amdState) bucketRemove(i int) {
	nx, pv := s.next[i], s.prev[i]
	if nx >= 0 {
		s.prev[nx] = pv
	}
	if pv >= 0 {
		s.next[pv] = nx
	} else {
		s.head[s.deg[i]] = nx
	}
}

// run eliminates pivots of least approximate degree until every live
// variable is ordered, then appends the dense rows.
func (s *amdState) run() []int {
	for s.nel < s.nLive {
		for s.head[s.mindeg] < 0 {
			s.mindeg++
		}
		p := s.head[s.mindeg]
		s.bucketRemove(p)
		s.eliminate(p)
	}
	return append(s.order, s.dense...)
}

// eliminate performs one pivot step of the quotient graph with pivot p.
func (s *amdState) eliminate(p int) {
	s.inLp[p] = p
	start, length := s.buildElement(p)
	s.state[p] = amdElem
	s.scanElements(p, start, length)
	s.updateVariables(p, start, length)
	s.nel += s.nv[p]
	s.detectSupervariables(p, start, length)
	length = s.finishDegrees(p, start, length)
	s.pe[p], s.ln[p], s.elen[p] = start, length, 0
	if length == 0 {
		s.state[p] = amdDead
	}
	for v := p; v >= 0; v = s.chainNext[v] {
		s.order = append(s.order, v)
	}
	s.wflg += s.n + 1
}

// buildElement forms Lp, the variables adjacent to p through its elements
// or directly, absorbs p's elements and takes Lp's variables out of the
// degree buckets. It returns where Lp is stored in iw.
func (s *amdState) buildElement(p int) (start, length int) {
	if s.elen[p] == 0 { // Lp ⊆ Ap: build it in place
		w := s.pe[p]
		for q := s.pe[p]; q < s.pe[p]+s.ln[p]; q++ {
			if j := s.iw[q]; s.state[j] == amdVar && s.inLp[j] != p {
				s.addToLp(p, j)
				s.iw[w] = j
				w++
			}
		}
		return s.pe[p], w - s.pe[p]
	}
	s.reserve(p)
	pStart, elenP := s.pe[p], s.elen[p]
	w := s.pfree
	for q := pStart; q < pStart+s.ln[p]; q++ {
		e := s.iw[q]
		if q >= pStart+elenP { // a variable of Ap
			if s.state[e] == amdVar && s.inLp[e] != p {
				s.addToLp(p, e)
				s.iw[w] = e
				w++
			}
			continue
		}
		if s.state[e] != amdElem {
			continue
		}
		for r := s.pe[e]; r < s.pe[e]+s.ln[e]; r++ {
			if j := s.iw[r]; s.state[j] == amdVar && s.inLp[j] != p {
				s.addToLp(p, j)
				s.iw[w] = j
				w++
			}
		}
		s.state[e] = amdDead // absorbed into p
	}
	start, s.pfree = s.pfree, w
	return start, w - start
}

func (s *amdState) addToLp(p, j int) {
	s.inLp[j] = p
	s.bucketRemove(j)
}

// reserve makes sure that the free tail of iw can hold the new element of
// pivot p, compacting iw if needed. The quotient graph never needs more
// space than the original graph (George and Liu), so after compaction the
// n spare entries always suffice.
func (s *amdState) reserve(p int) {
	bound := s.ln[p] - s.elen[p]
	for q := s.pe[p]; q < s.pe[p]+s.elen[p]; q++ {
		if e := s.iw[q]; s.state[e] == amdElem {
			bound += s.ln[e]
		}
	}
	bound = min(bound, s.n)
	if len(s.iw)-s.pfree >= bound {
		return
	}
	live := make([]int, 0, s.n)
	for i := 0; i < s.n; i++ {
		if (s.state[i] == amdVar || s.state[i] == amdElem) && s.ln[i] > 0 {
			live = append(live, i)
		}
	}
	slices.SortFunc(live, func(a, b int) int { return s.pe[a] - s.pe[b] })
	s.compactions++
	w := 0
	for _, i := range live {
		copy(s.iw[w:], s.iw[s.pe[i]:s.pe[i]+s.ln[i]])
		s.pe[i] = w
		w += s.ln[i]
	}
	s.pfree = w
	if len(s.iw)-s.pfree < bound { // cannot happen; grow rather than fail
		s.iw = append(s.iw, make([]int, bound)...)
	}
}

// scanElements sets w[e]-wflg = |Le ∖ Lp| (weighted) for every element e
// adjacent to a variable of Lp.
func (s *amdState) scanElements(p, start, length int) {
	for _, i := range s.iw[start : start+length] {
		nvi := s.nv[i]
		for _, e := range s.iw[s.pe[i] : s.pe[i]+s.elen[i]] {
			if s.state[e] != amdElem {
				continue
			}
			if s.w[e] < s.wflg {
				s.w[e] = s.deg[e] + s.wflg
			}
			s.w[e] -= nvi
		}
	}
}

// updateVariables prunes the list of every variable i of Lp (dropping dead
// nodes, elements absorbed into p, and variables of Lp, which p now covers),
// adds element p, bounds i's external degree outside Lp, eliminates i
// together with p when p is all that is left of its adjacency (mass
// elimination) and hashes the rest for supervariable detection.
func (s *amdState) updateVariables(p, start, length int) {
	for _, i := range s.iw[start : start+length] {
		r0 := s.pe[i]
		wp, d, h := r0, 0, p
		for r := r0; r < r0+s.elen[i]; r++ {
			e := s.iw[r]
			if s.state[e] != amdElem {
				continue
			}
			if dext := s.w[e] - s.wflg; dext > 0 {
				d += dext
				h += e
				s.iw[wp] = e
				wp++
			} else {
				s.state[e] = amdDead // aggressive absorption: Le ⊆ Lp
			}
		}
		ek := wp - r0
		for r := r0 + s.elen[i]; r < r0+s.ln[i]; r++ {
			j := s.iw[r]
			if s.state[j] != amdVar || s.inLp[j] == p {
				continue
			}
			d += s.nv[j]
			h += j
			s.iw[wp] = j
			wp++
		}
		kept := wp - r0
		if kept == 0 { // mass elimination: i is adjacent to p only
			s.state[i] = amdDead
			s.nv[p] += s.nv[i]
			s.nv[i], s.ln[i], s.elen[i] = 0, 0, 0
			s.appendChain(p, i)
			continue
		}
		s.insertElement(i, p, ek, kept)
		s.deg[i] = min(s.deg[i], d)
		hv := h % s.n
		s.hashOf[i] = hv
		s.hashNext[i] = s.hashHead[hv]
		s.hashHead[hv] = i
	}
}

// insertElement puts element p in front of the variables of i's pruned list
// of ek elements and kept entries in all.
func (s *amdState) insertElement(i, p, ek, kept int) {
	r0 := s.pe[i]
	if kept >= s.ln[i] {
		// No entry was freed, which the quotient graph rules out (i reached
		// Lp through p itself or an element now absorbed). Keep the old
		// list so the permutation stays valid.
		s.elen[i], s.ln[i] = ek, kept
		return
	}
	if kept > ek {
		s.iw[r0+kept] = s.iw[r0+ek]
	}
	s.iw[r0+ek] = p
	s.elen[i], s.ln[i] = ek+1, kept+1
}

func (s *amdState) appendChain(into, v int) {
	s.chainNext[s.tail[into]] = v
	s.tail[into] = s.tail[v]
}

// detectSupervariables merges variables of Lp whose pruned lists are equal:
// they have the same adjacency and are eliminated together.
func (s *amdState) detectSupervariables(p, start, length int) {
	for _, i := range s.iw[start : start+length] {
		if s.state[i] != amdVar {
			continue
		}
		hv := s.hashOf[i]
		first := s.hashHead[hv]
		if first < 0 {
			continue
		}
		s.hashHead[hv] = -1
		for a := first; a >= 0; a = s.hashNext[a] {
			if s.state[a] != amdVar || s.hashNext[a] < 0 {
				continue
			}
			s.markTag++
			for _, x := range s.iw[s.pe[a] : s.pe[a]+s.ln[a]] {
				s.mark[x] = s.markTag
			}
			prev := a
			for b := s.hashNext[a]; b >= 0; b = s.hashNext[b] {
				if s.state[b] == amdVar && s.sameList(a, b) {
					s.nv[a] += s.nv[b]
					s.nv[b], s.ln[b], s.elen[b] = 0, 0, 0
					s.state[b] = amdDead
					s.appendChain(a, b)
					s.hashNext[prev] = s.hashNext[b]
					continue
				}
				prev = b
			}
		}
	}
}

// sameList reports whether b's list holds exactly the entries marked for a.
func (s *amdState) sameList(a, b int) bool {
	if s.ln[a] != s.ln[b] || s.elen[a] != s.elen[b] {
		return false
	}
	for _, x := range s.iw[s.pe[b] : s.pe[b]+s.ln[b]] {
		if s.mark[x] != s.markTag {
			return false
		}
	}
	return true
}

// finishDegrees compacts Lp to its surviving variables, sets their
// approximate degrees and returns them to the buckets. It returns |Lp|.
func (s *amdState) finishDegrees(p, start, length int) int {
	dk, wq := 0, start
	for q := start; q < start+length; q++ {
		if i := s.iw[q]; s.state[i] == amdVar {
			dk += s.nv[i]
			s.iw[wq] = i
			wq++
		}
	}
	for _, i := range s.iw[start:wq] {
		d := s.deg[i] + dk - s.nv[i]
		d = min(d, s.nLive-s.nel-s.nv[i])
		d = max(d, 0)
		s.deg[i] = d
		s.bucketInsert(i, d)
	}
	s.deg[p] = dk
	return wq - start
}
