package synth

import (
	"math"
	"math/rand/v2"

	"github.com/paulmach/orb"
)

// Road classes of the plan, in increasing rank.
const (
	residential uint8 = iota
	secondary
	primary
)

// RNG streams, one per concern, so that changing how buildings are drawn
// does not move the streets.
const (
	streamJitter uint64 = iota + 1
	streamTree
	streamStreets
	streamBuildings
	streamFacilities
)

// plan is the street network: intersections on an nx×ny lattice (index
// i + j*nx) and the segments between lattice neighbours.
type plan struct {
	nx, ny int
	xy     []orb.Point // intersections, local metres
	segs   []segment
}

// segment is one street between two neighbouring intersections.
type segment struct {
	a, b     int32 // intersections, a before b in lattice order
	class    uint8
	line     int  // row (horizontal) or column (vertical) index
	tree     bool // in the spanning tree: kept and two-way
	keep     bool
	oneway   bool
	reversed bool      // a one-way runs b to a
	bend     orb.Point // Organic: the middle node, when hasBend
	hasBend  bool
}

// lineClass is the class of the streets on lattice row or column k: an
// arterial every o.ArterialEvery lines, primary on every o.PrimaryEvery-th
// of them.
func lineClass(k int, o Options) uint8 {
	every := o.ArterialEvery
	switch {
	case k%(o.PrimaryEvery*every) == 0:
		return primary
	case k%every == 0:
		return secondary
	}
	return residential
}

// newPlan lays out the nx×ny lattice for o.
func newPlan(o Options, nx, ny int) *plan {
	p := &plan{nx: nx, ny: ny, xy: make([]orb.Point, nx*ny)}
	rng := rand.New(rand.NewPCG(o.Seed, streamJitter))
	w, h := float64(nx-1)*o.BlockM, float64(ny-1)*o.BlockM
	for j := 0; j < ny; j++ {
		for i := 0; i < nx; i++ {
			x, y := float64(i)*o.BlockM-w/2, float64(j)*o.BlockM-h/2
			if o.Layout == Organic {
				jx, jy := o.Jitter*o.BlockM, o.Jitter*o.BlockM
				if lineClass(i, o) != residential {
					jx /= 3
				}
				if lineClass(j, o) != residential {
					jy /= 3
				}
				x += (2*rng.Float64() - 1) * jx
				y += (2*rng.Float64() - 1) * jy
			}
			p.xy[i+j*nx] = orb.Point{x, y}
		}
	}
	for j := 0; j < ny; j++ {
		for i := 0; i < nx; i++ {
			v := int32(i + j*nx)
			if i+1 < nx {
				p.segs = append(p.segs, segment{a: v, b: v + 1, class: lineClass(j, o), line: j})
			}
			if j+1 < ny {
				p.segs = append(p.segs, segment{a: v, b: v + int32(nx), class: lineClass(i, o), line: i})
			}
		}
	}
	p.spanningTree(o.Seed)
	p.decide(o)
	return p
}

// spanningTree marks a random spanning tree of the segments (Kruskal over
// the arterials in order, then the residential segments shuffled).
func (p *plan) spanningTree(seed uint64) {
	parent := make([]int32, len(p.xy))
	for i := range parent {
		parent[i] = int32(i)
	}
	find := func(v int32) int32 {
		for parent[v] != v {
			parent[v] = parent[parent[v]]
			v = parent[v]
		}
		return v
	}
	order := make([]int, 0, len(p.segs))
	var res []int
	for k, s := range p.segs {
		if s.class == residential {
			res = append(res, k)
		} else {
			order = append(order, k)
		}
	}
	rng := rand.New(rand.NewPCG(seed, streamTree))
	rng.Shuffle(len(res), func(a, b int) { res[a], res[b] = res[b], res[a] })
	for _, k := range append(order, res...) {
		ra, rb := find(p.segs[k].a), find(p.segs[k].b)
		if ra != rb {
			parent[ra] = rb
			p.segs[k].tree = true
		}
	}
}

// decide chooses which residential segments off the tree are dropped
// (Organic) or one-way, and bends the residential streets (Organic).
func (p *plan) decide(o Options) {
	nRes, nFree := 0, 0
	for _, s := range p.segs {
		if s.class == residential {
			nRes++
			if !s.tree {
				nFree++
			}
		}
	}
	pDrop, pOneWay := 0.0, 0.0
	if nFree > 0 {
		pDrop = math.Min(1, o.DropShare*float64(nRes)/float64(nFree))
		if kept := float64(nFree) * (1 - pDrop); kept > 0 {
			pOneWay = math.Min(1, o.OneWayShare*float64(nRes)/kept)
		}
	}
	rng := rand.New(rand.NewPCG(o.Seed, streamStreets))
	for k := range p.segs {
		s := &p.segs[k]
		s.keep = true
		if s.class != residential {
			continue
		}
		// Draw every number for every segment, so that one choice does
		// not shift the others.
		uDrop, uOne, uDir, uBend := rng.Float64(), rng.Float64(), rng.Float64(), rng.Float64()
		if !s.tree {
			s.keep = uDrop >= pDrop || o.Layout != Organic
			s.oneway = s.keep && uOne < pOneWay
			s.reversed = uDir < 0.5
		}
		if o.Layout == Organic {
			a, b := p.xy[s.a], p.xy[s.b]
			dx, dy := b[0]-a[0], b[1]-a[1]
			l := math.Hypot(dx, dy)
			off := (2*uBend - 1) * 0.12 * o.BlockM
			s.bend = orb.Point{(a[0]+b[0])/2 - dy/l*off, (a[1]+b[1])/2 + dx/l*off}
			s.hasBend = true
		}
	}
	p.repairOneWays()
}

// repairOneWays opens a one-way in both directions where an intersection
// has a single two-way street and one-ways that only leave it: there the
// two-way street's outbound edge could only be reached by a U-turn, which
// the city graph allows at dead ends only.
func (p *plan) repairOneWays() {
	twoWay := make([]int32, len(p.xy))
	in := make([]int32, len(p.xy))
	out := make([]int32, len(p.xy))
	ends := func(s segment) (from, to int32) {
		if s.reversed {
			return s.b, s.a
		}
		return s.a, s.b
	}
	for _, s := range p.segs {
		switch {
		case !s.keep:
		case s.oneway:
			f, t := ends(s)
			out[f]++
			in[t]++
		default:
			twoWay[s.a]++
			twoWay[s.b]++
		}
	}
	for k := range p.segs {
		s := &p.segs[k]
		if !s.keep || !s.oneway {
			continue
		}
		f, t := ends(*s)
		if twoWay[f] == 1 && in[f] == 0 {
			s.oneway = false
			out[f]--
			in[t]--
			twoWay[f]++
			twoWay[t]++
		}
	}
}

// directedEdges is the number of directed road edges the plan gives.
func (p *plan) directedEdges() int {
	n := 0
	for _, s := range p.segs {
		switch {
		case !s.keep:
		case s.oneway:
			n++
		default:
			n += 2
		}
	}
	return n
}

// polyline is the segment's geometry from a to b.
func (p *plan) polyline(s segment) []orb.Point {
	if s.hasBend {
		return []orb.Point{p.xy[s.a], s.bend, p.xy[s.b]}
	}
	return []orb.Point{p.xy[s.a], p.xy[s.b]}
}

// sizePlan finds the lattice whose directed edge count is nearest to
// o.TargetEdges (squares and near-squares around the estimate), or the
// square of the asked area.
func sizePlan(o Options) *plan {
	if o.TargetEdges == 0 {
		n := o.sideForArea()
		return newPlan(o, n, n)
	}
	perSeg := 2 - o.OneWayShare - 2*o.DropShare
	n := max(2, int(math.Round(math.Sqrt(float64(o.TargetEdges)/(2*perSeg)))))
	var best *plan
	bestErr := math.MaxInt
	try := func(nx, ny int) int {
		if nx < 2 || ny < 2 {
			return math.MaxInt
		}
		p := newPlan(o, nx, ny)
		d := p.directedEdges() - o.TargetEdges
		if abs(d) < bestErr {
			best, bestErr = p, abs(d)
		}
		return d
	}
	// Walk the square side towards the target, then try the rectangles
	// one row longer on either side of it.
	for step := 0; step < 64; step++ {
		d := try(n, n)
		if d < 0 && try(n+1, n+1) < 0 {
			n++
			continue
		}
		if d > 0 && n > 2 && try(n-1, n-1) > 0 {
			n--
			continue
		}
		break
	}
	try(n, n+1)
	try(n-1, n)
	return best
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
