package traffic

import (
	"math/bits"
	"runtime"
	"sync"
	"sync/atomic"
)

// Lane changes touch the lanes of one edge only: MOBIL compares a
// vehicle's lane with its neighbours on the same edge, and a change moves
// it between them. The junction arrival times read the front vehicle of
// each lane and write a value per edge. Edges are therefore independent
// in those phases, and they run on all cores over chunks of whole edges
// with results identical to a sequential pass, whatever GOMAXPROCS
// (TestParallelLaneChanges).

// chunkLanes is about how many lanes one chunk of the parallel phase
// holds (16 words of the occupied-lanes bitset). A variable for tests.
var chunkLanes int32 = 1024

// parallelMinRunning is the number of vehicles moved in the last step
// below which a step's chunked phases run on one core: on small networks
// the hand-off costs more than it saves. A variable for tests.
var parallelMinRunning int64 = 2000

// laneChunks cuts the lanes into chunks of whole edges: chunk c is the
// lanes [chunks[c], chunks[c+1]).
func laneChunks(n *Network) []int32 {
	ch := []int32{0}
	for e := 0; e < n.NumEdges(); e++ {
		if s := n.laneStart[e]; s-ch[len(ch)-1] >= chunkLanes {
			ch = append(ch, s)
		}
	}
	if end := int32(n.NumLanes()); end > ch[len(ch)-1] {
		ch = append(ch, end)
	}
	return ch
}

// lanePhase is the state of the chunked phases (lane changes, arrival
// times).
type lanePhase struct {
	chunks []int32
	next   atomic.Int32 // next chunk to take
	wg     sync.WaitGroup
	// per worker: lanes that received a vehicle while their bit in
	// Traffic.active was clear (set after the phase, so that no worker
	// writes a bitset word another reads)
	activate [][]int32
	changes  []int64   // per worker: lane changes made (tests)
	etaSet   [][]int32 // per worker: edges given a finite eta
}

// Phases that run over chunks of whole edges on all cores.
const (
	phaseLanes = iota // lane changes (changeLanesIn)
	phaseETA          // junction arrival times (etaIn)
)

// forChunks runs a phase over every chunk of lanes, on GOMAXPROCS
// goroutines when the last step moved enough vehicles.
func (t *Traffic) forChunks(phase int) {
	p := &t.lc
	if p.chunks == nil {
		p.chunks = laneChunks(t.net)
	}
	workers := runtime.GOMAXPROCS(0)
	if t.stepUpdates < parallelMinRunning || len(p.chunks) < 3 {
		workers = 1
	}
	if len(p.activate) < workers {
		p.activate = append(p.activate, make([][]int32, workers-len(p.activate))...)
		p.etaSet = append(p.etaSet, make([][]int32, workers-len(p.etaSet))...)
		p.changes = append(p.changes, make([]int64, workers-len(p.changes))...)
	}
	p.next.Store(0)
	for w := 1; w < workers; w++ {
		p.wg.Add(1)
		go t.chunkWorker(phase, w)
	}
	t.chunkWorker(phase, 0)
	p.wg.Wait()
}

// chunkWorker takes chunks until none is left and runs the phase on each.
func (t *Traffic) chunkWorker(phase, w int) {
	p := &t.lc
	if w > 0 {
		defer p.wg.Done()
	}
	for {
		c := int(p.next.Add(1)) - 1
		if c >= len(p.chunks)-1 {
			return
		}
		lo, hi := p.chunks[c], p.chunks[c+1]
		switch phase {
		case phaseLanes:
			t.changeLanesIn(lo, hi, w)
		case phaseETA:
			t.etaIn(lo, hi, w)
		}
	}
}

// wordsIn returns word wd of the occupied-lanes bitset masked to the
// lanes [lo, hi).
func (t *Traffic) wordsIn(lo, hi, wd int32) uint64 {
	word := t.active[wd]
	if wd == lo>>6 {
		word &= ^uint64(0) << (uint(lo) & 63)
	}
	if wd == (hi-1)>>6 {
		word &= ^uint64(0) >> (63 - uint(hi-1)&63)
	}
	return word
}

// changeLanes runs MOBIL (Kesting, Treiber, Helbing 2007) for every vehicle
// on a multi-lane edge. A vehicle outside the lanes of its next turn (or
// on a closed lane) changes towards them as soon as the gaps are safe
// (mandatory change); otherwise it changes when its own advantage plus p
// times that of the followers concerned exceeds Δa_th, with a bias to the
// right (keep-right rule), and never out of the lanes of its turn.
//
// A vehicle that has just changed lane waits LaneChangeS before the next
// evaluation, so a lane that receives its first vehicle during the pass
// has nothing to evaluate; the pass can then leave the occupied-lanes
// bitset alone until it ends.
func (t *Traffic) changeLanes() {
	t.forChunks(phaseLanes)
	for w, ls := range t.lc.activate {
		for _, l := range ls {
			t.active[l>>6] |= 1 << (uint(l) & 63)
		}
		t.lc.activate[w] = ls[:0]
	}
}

// changeLanesIn runs the lane changes of the occupied multi-lane lanes in
// [lo, hi), which hold whole edges, for worker w.
func (t *Traffic) changeLanesIn(lo, hi int32, w int) {
	n := t.net
	for wd := lo >> 6; wd <= (hi-1)>>6; wd++ {
		word := t.wordsIn(lo, hi, wd)
		for word != 0 {
			b := bits.TrailingZeros64(word)
			word &^= 1 << uint(b)
			l := wd<<6 + int32(b)
			if n.Lanes[n.laneEdge[l]] < 2 {
				continue
			}
			for idx := 0; idx < len(t.lanes[l]); idx++ {
				i := t.lanes[l][idx]
				if t.v.h[i].lcWait < t.cfg.LaneChangeS-1e-9 {
					continue
				}
				if tl := t.laneChoice(i, l, idx); tl >= 0 {
					t.doChange(i, l, idx, tl, w)
					t.lc.changes[w]++
					idx--
				}
			}
		}
	}
}
