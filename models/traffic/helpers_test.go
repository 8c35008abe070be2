package traffic

import (
	"bytes"
	"container/heap"
	"math"
	"math/rand/v2"
	"testing"

	"citytwin/engine/record"
	"citytwin/models/city"
)

// testRouter is a plain edge-based Dijkstra on free-flow times (or the
// weights set), for tests on hand-built networks.
type testRouter struct {
	n *Network
	w []float64
}

func newTestRouter(n *Network) *testRouter {
	w := make([]float64, n.NumEdges())
	for e := range w {
		w[e] = n.LengthM[e] / n.SpeedMps[e]
	}
	return &testRouter{n: n, w: w}
}

func (r *testRouter) SetWeights(c []float64) { copy(r.w, c) }

type pqItem struct {
	e int32
	d float64
}
type pq []pqItem

func (p pq) Len() int            { return len(p) }
func (p pq) Less(i, j int) bool  { return p[i].d < p[j].d || (p[i].d == p[j].d && p[i].e < p[j].e) }
func (p pq) Swap(i, j int)       { p[i], p[j] = p[j], p[i] }
func (p *pq) Push(x interface{}) { *p = append(*p, x.(pqItem)) }
func (p *pq) Pop() interface{} {
	o := *p
	x := o[len(o)-1]
	*p = o[:len(o)-1]
	return x
}

func (r *testRouter) Route(from, to int32, dst []int32) ([]int32, bool) {
	m := r.n.NumEdges()
	dist := make([]float64, m)
	prev := make([]int32, m)
	for i := range dist {
		dist[i] = math.Inf(1)
		prev[i] = -1
	}
	dist[from] = 0
	q := &pq{{from, 0}}
	for q.Len() > 0 {
		it := heap.Pop(q).(pqItem)
		if it.d > dist[it.e] {
			continue
		}
		if it.e == to {
			break
		}
		for _, o := range r.n.Out(r.n.To[it.e]) {
			if !r.n.allowed(it.e, o) {
				continue
			}
			if d := it.d + r.w[o]; d < dist[o] {
				dist[o], prev[o] = d, it.e
				heap.Push(q, pqItem{o, d})
			}
		}
	}
	if math.IsInf(dist[to], 1) {
		return dst, false
	}
	var rev []int32
	for e := to; e >= 0; e = prev[e] {
		rev = append(rev, e)
		if e == from {
			break
		}
	}
	for i := len(rev) - 1; i >= 0; i-- {
		dst = append(dst, rev[i])
	}
	return dst, true
}

// lineNet is a straight road of n edges of lengthM each, one direction.
func lineNet(t *testing.T, n int, lengthM, speed float64, lanes int) *Network {
	t.Helper()
	xy := make([][2]float64, n+1)
	for i := range xy {
		xy[i] = [2]float64{float64(i) * lengthM, 0}
	}
	net := NewNetwork(xy)
	for i := 0; i < n; i++ {
		net.AddEdge(int32(i), int32(i+1), speed, lanes, 3)
	}
	if err := net.Finish(); err != nil {
		t.Fatal(err)
	}
	return net
}

// crossNet is a four-arm junction: node 0 in the middle, arms of armM to
// nodes 1 (east), 2 (north), 3 (west), 4 (south), two-way. Edges 2k-1 ...
// see edgeInto / edgeOutOf.
func crossNet(t *testing.T, armM float64, signal bool, rankEW, rankNS int) *Network {
	t.Helper()
	xy := [][2]float64{{0, 0}, {armM, 0}, {0, armM}, {-armM, 0}, {0, -armM}}
	net := NewNetwork(xy)
	for k := int32(1); k <= 4; k++ {
		rank := rankEW
		if k%2 == 0 {
			rank = rankNS
		}
		net.AddEdge(k, 0, 13.89, 1, rank) // into the centre: edge 2(k-1)
		net.AddEdge(0, k, 13.89, 1, rank) // out of the centre: edge 2(k-1)+1
	}
	net.Signal[0] = signal
	if err := net.Finish(); err != nil {
		t.Fatal(err)
	}
	return net
}

func into(arm int32) int32  { return 2 * (arm - 1) }
func outOf(arm int32) int32 { return 2*(arm-1) + 1 }

// tripsCSV renders the trips table as CSV bytes.
func tripsCSV(t *testing.T, tr *Traffic) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := record.WriteCSV(&b, tr.TripsTable()); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// checkLanes verifies the lane invariants: vehicles in order, no overlap,
// every running vehicle on exactly the lane it records.
func checkLanes(t *testing.T, tr *Traffic) {
	t.Helper()
	seen := make([]int, tr.v.n())
	for l, s := range tr.lanes {
		for k, i := range s {
			seen[i]++
			if tr.v.h[i].lane != int32(l) {
				t.Fatalf("t=%g: vehicle %d on lane %d records lane %d", tr.nowS, i, l, tr.v.h[i].lane)
			}
			if k > 0 {
				a := s[k-1]
				if gap := tr.v.h[a].pos - tr.v.h[a].length - tr.v.h[i].pos; gap < -1e-6 {
					t.Fatalf("t=%g: vehicles %d and %d overlap by %g m on lane %d", tr.nowS, a, i, -gap, l)
				}
			}
		}
	}
	for i, c := range seen {
		running := tr.v.h[i].state == stateRunning
		if (running && c != 1) || (!running && c != 0) {
			t.Fatalf("t=%g: vehicle %d (state %s) is on %d lanes", tr.nowS, i, stateName(tr.v.h[i].state), c)
		}
	}
}

// trianglenTrips loads the 1 km² Osterbro extract and draws n random
// trips of at least 300 m departing within departS, from the seeds.
func trianglenTrips(tb testing.TB, n int, departS float64, seed1, seed2 uint64) (*city.City, *Network, []Trip) {
	tb.Helper()
	c, err := city.Load(trianglen)
	if err != nil {
		tb.Fatal(err)
	}
	net, err := FromCity(c)
	if err != nil {
		tb.Fatal(err)
	}
	ll := RandomTrips(net, n, departS, 300, c.Roads.InSCC, rand.New(rand.NewPCG(seed1, seed2)))
	trips, err := SnapTrips(ll, SnapCity(c))
	if err != nil {
		tb.Fatal(err)
	}
	return c, net, trips
}
