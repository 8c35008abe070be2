// Package citygrid synthesizes a city's electricity distribution grid from
// OpenStreetMap: primary substations (HV/MV) feed medium-voltage cables laid
// along the streets to the secondary substations (MV/LV transformers), each
// of which serves the buildings nearest to it. The result is a power-flow
// case (models/grid) with the geometry of every bus and branch, so that a
// scenario runs real power flows on a plausible grid where the utility's
// own data is not at hand.
//
// The heuristic, and every number in it, is a documented assumption a
// municipality replaces with its own data (Params):
//
//   - Secondary substations are the OSM power=substation objects tagged
//     substation=minor_distribution (in Denmark 10/0.4 kV). Primary
//     substations are those tagged distribution or transmission, or with no
//     substation tag; traction, converter and industrial ones serve no
//     public load. With no primary, one is placed at the road node nearest
//     the load-weighted centre. With no secondary, buildings are grouped on
//     a square grid of SecondaryCellM and a transformer placed at the road
//     node nearest each group's load centre.
//   - Each building is served by its nearest secondary substation (straight
//     line); the low-voltage network behind a transformer is lumped into one
//     load at its LV bus.
//   - A building's annual consumption is its floor area times a specific
//     consumption by use (kWh per m² and year); residential buildings follow
//     the BDEW household profile H0, all others the commercial profile G0.
//   - Each secondary substation is fed from its nearest primary along the
//     shortest path over the (undirected) street network; the union of these
//     paths is a radial MV network. Cable: Params.Cable (default a 10 kV
//     240 mm² Al XLPE cable, R 0.125 Ω/km, X 0.1 Ω/km, 400 A).
//   - Each cable segment and primary transformer gets as many parallel
//     circuits as its downstream peak load needs at 80 % of rating.
//   - Transformers are sized from their peak load (standard sizes up to
//     1000 kVA, in parallel above that), with short-circuit voltage uk and
//     copper losses as in Params.
//
// Bus 1 is the HV slack (the transmission grid behind the primaries, 1.0
// pu); per-unit values are on BaseMVA with the bus's own voltage level as
// base voltage.
package citygrid

import (
	"errors"
	"fmt"
	"math"

	"github.com/paulmach/orb"

	"citytwin/models/city"
	"citytwin/models/grid"
)

// ErrNoLoad is returned for a city without buildings to serve.
var ErrNoLoad = errors.New("citygrid: no buildings to serve")

// Cable is an MV cable type.
type Cable struct {
	ROhmPerKm, XOhmPerKm float64 // series resistance and reactance
	CMicroFPerKm         float64 // capacitance to earth
	RatedA               float64 // thermal current rating
}

// Params are the assumptions of the synthesis. Zero fields take the
// defaults of DefaultParams.
type Params struct {
	BaseMVA       float64            // per-unit base power (10)
	HVkV, MVkV    float64            // primary and secondary voltage levels (132, 10)
	LVkV          float64            // low voltage (0.4)
	KWhPerM2      map[string]float64 // annual consumption per floor area by building use
	PowerFactor   float64            // of every load (0.95, inductive)
	Cable         Cable
	TrafoSizesKVA []float64 // standard secondary transformer sizes
	TrafoUk       float64   // short-circuit voltage of secondary transformers (0.06)
	TrafoUr       float64   // copper loss share (0.01)
	PrimaryMVA    float64   // rating of each primary transformer (40)
	PrimaryUk     float64   // its short-circuit voltage (0.12)
	// PeakKWPerMWh is the peak demand per MWh of annual consumption used to
	// size transformers (BDEW H0's winter peak, about 0.26 kW per MWh and
	// year with the dynamisation factor; G0 about 0.3).
	PeakKWPerMWh   float64
	SecondaryCellM float64 // grid cell for synthetic secondaries (300)
}

// DefaultParams returns the documented defaults. Specific consumption:
// Danish flats use about 2,000-2,500 kWh a year in 70-80 m², about 30
// kWh/m²·a; offices and shops use two to three times that per m² (lighting,
// ventilation, cooling); these are round planning values, not measurements
// of the city.
func DefaultParams() Params {
	return Params{
		BaseMVA: 10, HVkV: 132, MVkV: 10, LVkV: 0.4,
		KWhPerM2:      map[string]float64{"residential": 30, "commercial": 80, "industrial": 60, "public": 60, "other": 20},
		PowerFactor:   0.95,
		Cable:         Cable{ROhmPerKm: 0.125, XOhmPerKm: 0.1, CMicroFPerKm: 0.35, RatedA: 400},
		TrafoSizesKVA: []float64{250, 400, 630, 800, 1000},
		TrafoUk:       0.06, TrafoUr: 0.01,
		PrimaryMVA: 40, PrimaryUk: 0.12,
		PeakKWPerMWh:   0.3,
		SecondaryCellM: 300,
	}
}

func (p *Params) fill() {
	d := DefaultParams()
	for _, f := range []struct {
		v *float64
		d float64
	}{
		{&p.BaseMVA, d.BaseMVA}, {&p.HVkV, d.HVkV}, {&p.MVkV, d.MVkV}, {&p.LVkV, d.LVkV},
		{&p.TrafoUk, d.TrafoUk}, {&p.TrafoUr, d.TrafoUr}, {&p.PrimaryMVA, d.PrimaryMVA},
		{&p.PrimaryUk, d.PrimaryUk}, {&p.PeakKWPerMWh, d.PeakKWPerMWh}, {&p.SecondaryCellM, d.SecondaryCellM},
	} {
		if *f.v <= 0 {
			*f.v = f.d
		}
	}
	if p.KWhPerM2 == nil {
		p.KWhPerM2 = d.KWhPerM2
	}
	if p.PowerFactor <= 0 || p.PowerFactor > 1 {
		p.PowerFactor = d.PowerFactor
	}
	if p.Cable.RatedA <= 0 {
		p.Cable = d.Cable
	}
	if len(p.TrafoSizesKVA) == 0 {
		p.TrafoSizesKVA = d.TrafoSizesKVA
	}
}

// BusKind says what a bus stands for.
type BusKind int

// Bus kinds.
const (
	HVSlack     BusKind = iota // the transmission grid
	PrimaryMV                  // MV busbar of a primary substation
	Junction                   // a street junction the MV cables pass
	SecondaryMV                // MV side of a secondary substation
	SecondaryLV                // LV side of a secondary substation: the lumped load
)

var kindNames = [...]string{"hv_slack", "primary_mv", "junction", "secondary_mv", "secondary_lv"}

// String names the kind.
func (k BusKind) String() string { return kindNames[k] }

// Result is a synthesized grid.
type Result struct {
	Case       *grid.Case
	BusKind    []BusKind   // per bus (index = bus ID - 1)
	BusXY      []orb.Point // local metres
	BusLonLat  []orb.Point
	BranchKind []string      // "cable", "secondary_trafo", "primary_trafo"
	BranchGeom [][]orb.Point // lon/lat; cables follow the streets
	Circuits   []int         // parallel circuits per branch

	// Loads, per LV bus: annual consumption of residential and of other
	// buildings, MWh, and the buildings served.
	LoadBus         []int // bus IDs of the LV buses
	ResidentialMWh  []float64
	OtherMWh        []float64
	ResidentialM2   []float64 // residential floor area served (heat pumps, dwellings)
	FootprintM2     []float64 // footprint of the buildings served (rooftop PV)
	BuildingsServed []int

	Primaries, Secondaries int
	SyntheticPrimary       bool // no primary substation was tagged
	SyntheticSecondaries   bool // no secondary substation was tagged
	CableKm                float64
	Notes                  []string // the gaps and assumptions worth telling the user
}

// Synthesize builds the grid of city c.
func Synthesize(c *city.City, p Params) (*Result, error) {
	p.fill()
	if c.Roads == nil || c.Roads.NumNodes() == 0 {
		return nil, fmt.Errorf("citygrid: city %q has no roads to lay cables along", c.Name)
	}
	s := &synth{c: c, p: p, res: &Result{}}
	if err := s.loads(); err != nil {
		return nil, err
	}
	s.substations()
	s.assign()
	s.build()
	return s.res, nil
}

// synth holds the work in progress.
type synth struct {
	c   *city.City
	p   Params
	res *Result

	bldXY               []orb.Point
	bldRes              []float64 // annual MWh, residential
	bldOth              []float64 // annual MWh, other uses
	bldResM2, bldRoofM2 []float64

	primXY, secXY     []orb.Point
	primNode, secNode []city.NodeID
	secOf             []int // building -> secondary
	primOf            []int // secondary -> primary
	secRes, secOth    []float64
	secResM2, secRoof []float64
	secCount          []int
}

// loads computes every building's annual consumption.
func (s *synth) loads() error {
	for _, b := range s.c.Buildings {
		area := b.FloorAreaM2
		if area <= 0 {
			continue
		}
		rate, ok := s.p.KWhPerM2[b.Use]
		if !ok {
			rate = s.p.KWhPerM2["other"]
		}
		mwh := area * rate / 1000
		s.bldXY = append(s.bldXY, b.XY)
		s.bldRoofM2 = append(s.bldRoofM2, b.AreaM2)
		if b.Use == "residential" {
			s.bldResM2 = append(s.bldResM2, area)
		} else {
			s.bldResM2 = append(s.bldResM2, 0)
		}
		if b.Use == "residential" {
			s.bldRes, s.bldOth = append(s.bldRes, mwh), append(s.bldOth, 0)
		} else {
			s.bldRes, s.bldOth = append(s.bldRes, 0), append(s.bldOth, mwh)
		}
	}
	if len(s.bldXY) == 0 {
		return ErrNoLoad
	}
	return nil
}

// substations picks primary and secondary substations from the city, or
// places them where none are tagged.
func (s *synth) substations() {
	for _, f := range s.c.Substations {
		switch f.Kind {
		case "minor_distribution":
			s.secXY = append(s.secXY, f.XY)
		case "distribution", "transmission", "", "substation", "yes":
			s.primXY = append(s.primXY, f.XY)
		}
	}
	if len(s.secXY) == 0 {
		s.res.SyntheticSecondaries = true
		s.secXY = s.cellCentres()
		s.res.Notes = append(s.res.Notes, fmt.Sprintf("no secondary substation (substation=minor_distribution) tagged: %d placed at the load centres of %g m cells", len(s.secXY), s.p.SecondaryCellM))
	}
	if len(s.primXY) == 0 {
		s.res.SyntheticPrimary = true
		s.primXY = []orb.Point{s.loadCentre()}
		s.res.Notes = append(s.res.Notes, "no primary substation tagged: one placed at the load-weighted centre")
	}
	for _, xy := range s.primXY {
		s.primNode = append(s.primNode, s.nearestNode(xy))
	}
	for _, xy := range s.secXY {
		s.secNode = append(s.secNode, s.nearestNode(xy))
	}
	s.res.Primaries, s.res.Secondaries = len(s.primXY), len(s.secXY)
}

func (s *synth) loadCentre() orb.Point {
	var x, y, w float64
	for i, p := range s.bldXY {
		m := s.bldRes[i] + s.bldOth[i]
		x, y, w = x+p[0]*m, y+p[1]*m, w+m
	}
	return orb.Point{x / w, y / w}
}

// cellCentres groups buildings on a square grid and returns each occupied
// cell's load centre, in the order of first occupation.
func (s *synth) cellCentres() []orb.Point {
	type acc struct{ x, y, w float64 }
	index := map[[2]int64]int{}
	var cells []acc
	for i, p := range s.bldXY {
		k := [2]int64{int64(math.Floor(p[0] / s.p.SecondaryCellM)), int64(math.Floor(p[1] / s.p.SecondaryCellM))}
		j, ok := index[k]
		if !ok {
			j = len(cells)
			index[k] = j
			cells = append(cells, acc{})
		}
		m := s.bldRes[i] + s.bldOth[i] + 1e-9
		cells[j].x += p[0] * m
		cells[j].y += p[1] * m
		cells[j].w += m
	}
	out := make([]orb.Point, len(cells))
	for j, a := range cells {
		out[j] = orb.Point{a.x / a.w, a.y / a.w}
	}
	return out
}

// assign serves each building from its nearest secondary, and feeds each
// secondary from its nearest primary; secondaries that serve nothing are
// dropped.
func (s *synth) assign() {
	s.secRes = make([]float64, len(s.secXY))
	s.secOth = make([]float64, len(s.secXY))
	s.secCount = make([]int, len(s.secXY))
	s.secResM2 = make([]float64, len(s.secXY))
	s.secRoof = make([]float64, len(s.secXY))
	s.secOf = make([]int, len(s.bldXY))
	for i, p := range s.bldXY {
		j := nearestPoint(s.secXY, p)
		s.secOf[i] = j
		s.secRes[j] += s.bldRes[i]
		s.secOth[j] += s.bldOth[i]
		s.secResM2[j] += s.bldResM2[i]
		s.secRoof[j] += s.bldRoofM2[i]
		s.secCount[j]++
	}
	s.primOf = make([]int, len(s.secXY))
	for j, p := range s.secXY {
		s.primOf[j] = nearestPoint(s.primXY, p)
	}
}

func nearestPoint(pts []orb.Point, p orb.Point) int {
	best, bestD := 0, math.Inf(1)
	for i, q := range pts {
		dx, dy := q[0]-p[0], q[1]-p[1]
		if d := dx*dx + dy*dy; d < bestD {
			best, bestD = i, d
		}
	}
	return best
}

// nearestNode is the road node nearest p, preferring the city's index
// (nodes of the connected network).
func (s *synth) nearestNode(p orb.Point) city.NodeID {
	if n, ok := s.c.NearestNode(p); ok {
		return n
	}
	return city.NodeID(nearestPoint(s.c.Roads.NodeXY, p))
}

// NearestLoadBus is the ID of the LV bus (secondary substation) nearest xy
// (local metres): where a load at xy connects.
func (r *Result) NearestLoadBus(xy orb.Point) int {
	best, bestD := 0, math.Inf(1)
	for _, id := range r.LoadBus {
		q := r.BusXY[id-1]
		if d := (q[0]-xy[0])*(q[0]-xy[0]) + (q[1]-xy[1])*(q[1]-xy[1]); d < bestD {
			best, bestD = id, d
		}
	}
	return best
}
