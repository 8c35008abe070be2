package synth

import (
	"math"
	"math/rand/v2"
	"strconv"

	"github.com/paulmach/orb"
)

// Facility spacing, in blocks of the lattice: a car park every carParkEvery
// blocks in each direction; a secondary substation (MV/LV,
// substation=minor_distribution) every substationEvery, of which every
// primaryEvery-th in each direction is a primary one (substation=distribution,
// 132/10 kV); a recycling point every recyclingEvery; chargers on chargerShare of the
// blocks; a waste basket at the south side of every block and at the north
// side of half of them.
const (
	carParkEvery    = 4
	substationEvery = 3
	primaryEvery    = 5
	recyclingEvery  = 5
	chargerShare    = 0.2
)

// block is one cell of the lattice: its corners and centre.
type block struct {
	i, j   int
	sw, se orb.Point
	nw, ne orb.Point
	centre orb.Point
}

func (p *plan) block(i, j int) block {
	v := i + j*p.nx
	bl := block{i: i, j: j, sw: p.xy[v], se: p.xy[v+1], nw: p.xy[v+p.nx], ne: p.xy[v+p.nx+1]}
	bl.centre = orb.Point{(bl.sw[0] + bl.se[0] + bl.nw[0] + bl.ne[0]) / 4, (bl.sw[1] + bl.se[1] + bl.nw[1] + bl.ne[1]) / 4}
	return bl
}

// towards is the point d metres from a in the direction of c.
func towards(a, c orb.Point, d float64) orb.Point {
	l := math.Hypot(c[0]-a[0], c[1]-a[1])
	if l == 0 {
		return a
	}
	return orb.Point{a[0] + (c[0]-a[0])/l*d, a[1] + (c[1]-a[1])/l*d}
}

func mid(a, c orb.Point) orb.Point { return orb.Point{(a[0] + c[0]) / 2, (a[1] + c[1]) / 2} }

// addFacilities places the car parks, chargers, bins, recycling points,
// substations and water works, block by block.
func (b *builder) addFacilities(p *plan, o Options) {
	rng := rand.New(rand.NewPCG(o.Seed, streamFacilities))
	rMax := math.Hypot(float64(p.nx-1)*o.BlockM/2, float64(p.ny-1)*o.BlockM/2)
	for j := 0; j+1 < p.ny; j++ {
		for i := 0; i+1 < p.nx; i++ {
			bl := p.block(i, j)
			b.blockFacilities(bl, math.Hypot(bl.centre[0], bl.centre[1])/rMax, rng)
		}
	}
	centre := p.block((p.nx-1)/2, (p.ny-1)/2)
	b.point(towards(centre.centre, centre.ne, 10), "power", "substation", "substation", "transmission", "voltage", "132000;10000", "name", "Synth Transmission")
	b.point(towards(centre.centre, centre.sw, 10), "man_made", "water_tower", "name", "Synth Water Tower")
	works := p.block(0, 0)
	b.point(works.centre, "man_made", "water_works", "name", "Synth Water Works")
	b.stats.Substations++
}

// blockFacilities places the facilities of one block at relative distance
// r from the centre.
func (b *builder) blockFacilities(bl block, r float64, rng *rand.Rand) {
	uCharger, uBin, uCap := rng.Float64(), rng.Float64(), rng.Float64()
	if bl.i%carParkEvery == 2 && bl.j%carParkEvery == 2 {
		kind, capacity := "surface", 60+int(uCap*140)
		if r < 0.4 {
			kind, capacity = "multi-storey", 200+int(uCap*300)
		}
		b.point(bl.centre, "amenity", "parking", "parking", kind, "capacity", strconv.Itoa(capacity))
		b.stats.CarParks++
	}
	if uCharger < chargerShare {
		b.point(towards(bl.centre, bl.se, 15), "amenity", "charging_station", "capacity", "2",
			"socket:type2", "2", "socket:type2:output", "11 kW", "motorcar", "yes")
		b.stats.Chargers++
	}
	b.point(towards(mid(bl.sw, bl.se), bl.centre, 4), "amenity", "waste_basket")
	b.stats.WasteBaskets++
	if uBin < 0.5 {
		b.point(towards(mid(bl.nw, bl.ne), bl.centre, 4), "amenity", "waste_basket")
		b.stats.WasteBaskets++
	}
	if bl.i%recyclingEvery == 1 && bl.j%recyclingEvery == 1 {
		b.point(towards(bl.centre, bl.nw, 12), "amenity", "recycling", "recycling_type", "container")
		b.stats.Recycling++
	}
	if bl.i%substationEvery == 0 && bl.j%substationEvery == 0 {
		kind, voltage := "minor_distribution", "10000;400"
		if bl.i%(substationEvery*primaryEvery) == 0 && bl.j%(substationEvery*primaryEvery) == 0 {
			kind, voltage = "distribution", "132000;10000"
		}
		b.point(towards(bl.centre, bl.sw, 12), "power", "substation", "substation", kind, "voltage", voltage)
		b.stats.Substations++
	}
}
