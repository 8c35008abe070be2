package synth

import (
	"bytes"
	"fmt"
	"math"
	"strconv"

	"citytwin/models/city"
	"citytwin/models/water"
)

// template gives the reader's defaults for an LPS, Hazen-Williams network
// over one day in hourly steps; its Options are the synthesized network's.
// Its one junction hangs on a reservoir, as the reader wants every
// junction joined to a fixed head.
const template = `[OPTIONS]
UNITS LPS
HEADLOSS H-W
[TIMES]
DURATION 24:00
HYDRAULIC TIMESTEP 1:00
PATTERN TIMESTEP 1:00
REPORT TIMESTEP 1:00
[JUNCTIONS]
J 0
[RESERVOIRS]
R 10
[PIPES]
P R J 100 100 100
`

// design is the network being sized: the mains, their demand and source,
// and the diameter of every pipe (mm), the source link last.
type design struct {
	p        Params
	c        *city.City
	m        mains
	d        demandResult
	src      Source
	diamMM   []float64 // per pipe of m.pipes, then the source link (a pipe for a tower)
	peakLps  float64
	opts     water.Options
	srcLinkM float64 // length of a tower's connecting pipe, m
}

// network renders the design as a water.Network in internal units (ft,
// cfs), its coordinates lon/lat, with the pattern starting at patternStart
// seconds after midnight and the given duration (s).
func (ds *design) network(patternStart, duration int64) *water.Network {
	o := ds.opts
	u := o.Units
	o.PatternStart, o.Duration = patternStart, duration
	net := &water.Network{Title: []string{"citytwin synthesized network of " + ds.c.Name}, Options: o}
	mean := ds.p.patternMean()
	pat := water.Pattern{ID: "DIURNAL"}
	for _, f := range ds.p.Pattern {
		pat.F = append(pat.F, f/mean)
	}
	net.Patterns = []water.Pattern{{F: []float64{1}}, pat}
	net.Curves = []water.Curve{{}}
	for j, xy := range ds.m.xy {
		ll := ds.c.Proj.ToLonLat(xy)
		net.Nodes = append(net.Nodes, water.Node{ID: "J" + strconv.Itoa(j+1), Type: water.Junction, Tank: -1,
			Demands: []water.Demand{{Base: ds.d.lps[j] / u.FlowFactor, Pattern: 1}}, X: ll[0], Y: ll[1], HasXY: true})
	}
	net.NJuncs = len(net.Nodes)
	head := 0.0
	if ds.src.Kind == FromWaterTower {
		head = ds.p.TowerHeadM
	}
	ll := ds.c.Proj.ToLonLat(ds.src.XY)
	net.Nodes = append(net.Nodes, water.Node{ID: "R1", Type: water.Reservoir, Elev: head / u.LengthFactor, Tank: 0, X: ll[0], Y: ll[1], HasXY: true})
	net.Tanks = []water.TankData{{Node: net.NJuncs, H0: head / u.LengthFactor, Hmin: head / u.LengthFactor, Hmax: head / u.LengthFactor}}
	for k, pp := range ds.m.pipes {
		net.Links = append(net.Links, ds.pipeLink("P"+strconv.Itoa(k+1), pp.a, pp.b, pp.lengthM, ds.diamMM[k]))
	}
	ds.sourceLink(net)
	return net
}

func (ds *design) pipeLink(id string, a, b int, lengthM, diamMM float64) water.Link {
	u := ds.opts.Units
	return water.Link{ID: id, Type: water.Pipe, N1: a, N2: b, Length: lengthM / u.LengthFactor,
		Diam: diamMM / u.DiamFactor, Kc: ds.p.RoughnessC, Status: water.Open}
}

// sourceLink joins the reservoir to its junction: a pump with a one-point
// head curve (EPANET fits h = 4/3 H (1 - (q/2Q)^2) through it) for water
// works and synthetic sources, a pipe for a tower.
func (ds *design) sourceLink(net *water.Network) {
	r := net.NJuncs
	if ds.src.Kind == FromWaterTower {
		net.Links = append(net.Links, ds.pipeLink("P0", r, ds.src.Junction, ds.srcLinkM, ds.diamMM[len(ds.m.pipes)]))
		return
	}
	net.Curves = append(net.Curves, water.Curve{ID: "PUMP1", Kind: "PUMP", X: []float64{ds.peakLps}, Y: []float64{ds.p.PumpHeadM}})
	net.Links = append(net.Links, water.Link{ID: "PU1", Type: water.Pump, N1: r, N2: ds.src.Junction, Kc: 1, Status: water.Open})
	net.Pumps = []water.PumpData{{Link: len(net.Links) - 1, Curve: water.PumpPowerFunc, HeadCurve: 1}}
}

// text writes the network as .inp and reads it back: the parsed network is
// what runs, so that it is exactly what the file says.
func text(net *water.Network) ([]byte, *water.Network, error) {
	var buf bytes.Buffer
	if err := water.WriteINP(&buf, net); err != nil {
		return nil, nil, err
	}
	back, err := water.ParseBytes(buf.Bytes())
	if err != nil {
		return nil, nil, fmt.Errorf("synth: reading the written network: %w", err)
	}
	return buf.Bytes(), back, nil
}

// templateOptions are the reader's defaults for the synthesized network.
func templateOptions() (water.Options, error) {
	net, err := water.ParseBytes([]byte(template))
	if err != nil {
		return water.Options{}, err
	}
	return net.Options, nil
}

// standardDiameter is the smallest standard diameter (at least the
// minimum) whose velocity at flow q (l/s) is at most the design velocity.
func (p Params) standardDiameter(q float64) float64 {
	for _, d := range p.Diameters {
		if d < p.MinDiameterMM {
			continue
		}
		if a := math.Pi * d * d / 4e6; q/1000/a <= p.DesignVelocity {
			return d
		}
	}
	return p.Diameters[len(p.Diameters)-1]
}

// larger is the next standard diameter above d, or d at the largest.
func (p Params) larger(d float64) float64 {
	for _, x := range p.Diameters {
		if x > d {
			return x
		}
	}
	return d
}
