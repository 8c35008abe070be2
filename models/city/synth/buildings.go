package synth

import (
	"math"
	"math/rand/v2"
	"strconv"

	"github.com/paulmach/orb"
)

// Building layout along a street, m: the footprint starts SetbackM from the
// street centreline and is DepthM deep; lots keep cornerM clear of each
// intersection so the footprints of crossing streets do not meet.
const (
	setbackM = 7.0
	minDepth = 10.0
	maxDepth = 16.0
	cornerM  = setbackM + maxDepth + 3
	bendM    = 4.0 // clearance at the middle node of a bent street
)

// buildingKind is one building=* value of a use, with its share of the use.
type buildingKind struct {
	tag   string
	share float64
}

// kindsOf lists the building=* values drawn for each use.
var kindsOf = map[string][]buildingKind{
	"residential": {{"apartments", 0.6}, {"house", 0.3}, {"terrace", 0.1}},
	"commercial":  {{"commercial", 0.4}, {"office", 0.35}, {"retail", 0.25}},
	"industrial":  {{"industrial", 0.6}, {"warehouse", 0.4}},
	"public":      {{"school", 0.5}, {"kindergarten", 0.3}, {"hospital", 0.2}},
}

// useAt draws a building use for a place at relative distance r from the
// centre (0 at the centre, 1 at the corners): commercial most likely in the
// core, industrial at the edge.
func useAt(r float64, u float64) string {
	commercial := 0.08 + 0.32*math.Exp(-3*r)
	industrial := 0.02 + 0.1*math.Max(0, r-0.5)
	public := 0.04
	switch {
	case u < commercial:
		return "commercial"
	case u < commercial+industrial:
		return "industrial"
	case u < commercial+industrial+public:
		return "public"
	}
	return "residential"
}

// levelsAt draws building:levels at relative distance r: about six storeys
// in the core down to one or two at the edge.
func levelsAt(r float64, rng *rand.Rand) int {
	base := 1 + 5*math.Pow(math.Max(0, 1-r), 1.5)
	return max(1, int(math.Round(base+2*rng.Float64()-1)))
}

// kindOf draws a building=* value for a use.
func kindOf(use string, levels int, u float64) string {
	kinds := kindsOf[use]
	if use == "residential" && levels >= 3 {
		return "apartments"
	}
	acc := 0.0
	for _, k := range kinds {
		acc += k.share
		if u < acc {
			return k.tag
		}
	}
	return kinds[len(kinds)-1].tag
}

// addBuildings puts buildings on both sides of every kept street.
func (b *builder) addBuildings(p *plan, o Options) {
	rng := rand.New(rand.NewPCG(o.Seed, streamBuildings))
	rMax := math.Hypot(float64(p.nx-1)*o.BlockM/2, float64(p.ny-1)*o.BlockM/2)
	for _, s := range p.segs {
		if !s.keep {
			continue
		}
		line := p.polyline(s)
		for k := 1; k < len(line); k++ {
			startGap, endGap := bendM, bendM
			if k == 1 {
				startGap = cornerM
			}
			if k == len(line)-1 {
				endGap = cornerM
			}
			for _, side := range []float64{1, -1} {
				b.lots(line[k-1], line[k], startGap, endGap, side, o.LotM, rMax, rng)
			}
		}
	}
}

// lots places the buildings along the street piece from a to b on one side
// (+1 left, -1 right), leaving startGap and endGap clear at its ends.
func (b *builder) lots(a, c orb.Point, startGap, endGap, side, lotM, rMax float64, rng *rand.Rand) {
	dx, dy := c[0]-a[0], c[1]-a[1]
	l := math.Hypot(dx, dy)
	n := int((l - startGap - endGap) / lotM)
	if n <= 0 {
		return
	}
	ux, uy := dx/l, dy/l
	nx, ny := -uy*side, ux*side
	used := float64(n) * lotM
	t0 := startGap + (l-startGap-endGap-used)/2
	for k := 0; k < n; k++ {
		t1, t2 := t0+float64(k)*lotM+1.5, t0+float64(k+1)*lotM-1.5
		depth := minDepth + (maxDepth-minDepth)*rng.Float64()
		corner := func(t, d float64) orb.Point {
			return orb.Point{a[0] + ux*t + nx*d, a[1] + uy*t + ny*d}
		}
		ring := []orb.Point{corner(t1, setbackM), corner(t2, setbackM), corner(t2, setbackM+depth), corner(t1, setbackM+depth)}
		if side < 0 { // keep the ring counter-clockwise
			ring[1], ring[3] = ring[3], ring[1]
		}
		mid := corner((t1+t2)/2, setbackM+depth/2)
		r := math.Hypot(mid[0], mid[1]) / rMax
		use := useAt(r, rng.Float64())
		levels := levelsAt(r, rng)
		kind := kindOf(use, levels, rng.Float64())
		b.area(ring, "building", kind, "building:levels", strconv.Itoa(levels))
		b.stats.Buildings++
	}
}
