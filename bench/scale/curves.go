package scale

import (
	"fmt"
	"math/rand/v2"

	"citytwin/engine/cputime"
	"citytwin/models/city"
	"citytwin/models/city/synth"
	"citytwin/models/grid"
	"citytwin/models/grid/citygrid"
	"citytwin/models/water"
	watersynth "citytwin/models/water/synth"
)

// Curve is one cost-against-size series: a table (Columns, Rows) and the
// series plotted (X against each of Y, named by YNames).
type Curve struct {
	Name    string // file-name friendly
	Title   string
	XLabel  string
	YLabel  string
	Columns []string
	Rows    [][]string
	X       []float64
	Y       [][]float64 // one slice per series
	YNames  []string
	Note    string
}

func (c *Curve) add(x float64, ys []float64, row ...string) {
	c.X = append(c.X, x)
	if c.Y == nil {
		c.Y = make([][]float64, len(ys))
	}
	for k, y := range ys {
		c.Y[k] = append(c.Y[k], y)
	}
	c.Rows = append(c.Rows, row)
}

// cpu runs fn and returns its process CPU time, s.
func cpu(fn func() error) (float64, error) {
	t0 := cputime.Process()
	err := fn()
	return (cputime.Process() - t0).Seconds(), err
}

// Cities generates (or reuses) and loads the synthetic cities of the given
// sizes.
func Cities(work string, sizes []int, seed uint64) ([]*city.City, []float64, error) {
	var out []*city.City
	var loadS []float64
	for _, n := range sizes {
		path, _, err := CityFile(work, n, synth.Organic, seed)
		if err != nil {
			return nil, nil, err
		}
		var c *city.City
		s, err := cpu(func() (err error) { c, err = city.Load(path); return err })
		if err != nil {
			return nil, nil, err
		}
		out, loadS = append(out, c), append(loadS, s)
	}
	return out, loadS, nil
}

// CityCurve is the import and routing cost against the number of road
// edges: city.Load CPU time and the CPU time of one shortest-time route
// between random edges (A* with ALT landmarks).
func CityCurve(cities []*city.City, loadS []float64, routes int, seed uint64) Curve {
	c := Curve{Name: "city", Title: "City import and routing against size", XLabel: "directed road edges",
		YLabel: "CPU: load ms, route µs", Columns: []string{"edges", "nodes", "buildings", "load CPU s", "route CPU µs"},
		YNames: []string{"load (ms)", "route (µs)"}}
	for k, ct := range cities {
		g := ct.Roads
		var scc []city.EdgeID
		for e, in := range g.InSCC {
			if in {
				scc = append(scc, city.EdgeID(e))
			}
		}
		r := city.NewRouter(g)
		rng := rand.New(rand.NewPCG(seed, 0x726f757465))
		r.Route(scc[0], scc[len(scc)-1], nil) // landmarks
		var buf []city.EdgeID
		s, _ := cpu(func() error {
			for i := 0; i < routes; i++ {
				buf, _, _ = r.Route(scc[rng.IntN(len(scc))], scc[rng.IntN(len(scc))], buf[:0])
			}
			return nil
		})
		us := s / float64(routes) * 1e6
		c.add(float64(g.NumEdges()), []float64{loadS[k] * 1e3, us},
			fmt.Sprint(g.NumEdges()), fmt.Sprint(g.NumNodes()), fmt.Sprint(len(ct.Buildings)),
			fmt.Sprintf("%.2f", loadS[k]), fmt.Sprintf("%.0f", us))
	}
	return c
}

// TrafficCurve runs a traffic day of tripsPerEdge×edges trips (cut at
// maxS) on each city and gives the run's CPU time, vehicle updates per CPU
// second and heap bytes per vehicle against the number of trips.
func TrafficCurve(work string, sizes []int, tripsPerEdge, maxS float64, seed uint64) (Curve, []DayResult, error) {
	c := Curve{Name: "traffic", Title: "Traffic day against size", XLabel: "trips (vehicles)",
		YLabel: "CPU s", Columns: []string{"edges", "trips", "simulated h", "peak on road", "vehicle updates", "run CPU s", "updates / CPU s", "peak heap MiB", "model B / trip"},
		YNames: []string{"run CPU s"}}
	var all []DayResult
	for _, n := range sizes {
		r, err := Day(DayOptions{Edges: n, Layout: synth.Organic, Trips: int(tripsPerEdge * float64(n)), Seed: seed, Work: work, MaxS: maxS})
		if err != nil {
			return c, nil, err
		}
		all = append(all, r)
		s := r.Summary
		c.add(float64(r.Trips), []float64{r.RunCPUS},
			fmt.Sprint(r.Edges), fmt.Sprint(r.Trips), fmt.Sprintf("%.1f", s.SimulatedS/3600), fmt.Sprint(r.PeakVehicles),
			fmt.Sprintf("%.3g", float64(s.VehicleUpdates)), fmt.Sprintf("%.2f", r.RunCPUS),
			fmt.Sprintf("%.3g", r.UpdatesPerCPUS), fmt.Sprintf("%.0f", r.PeakHeapMiB), fmt.Sprintf("%.0f", r.BytesPerTrip))
	}
	return c, all, nil
}

// GridCurve synthesizes each city's distribution grid (citygrid) and
// solves one AC power flow (Newton-Raphson, flat start), against the
// number of buses.
func GridCurve(cities []*city.City) (Curve, error) {
	c := Curve{Name: "grid", Title: "Grid synthesis and AC power flow against size", XLabel: "buses",
		YLabel: "CPU ms", Columns: []string{"edges", "buses", "branches", "synthesis CPU s", "power flow CPU ms", "iterations"},
		YNames: []string{"power flow (ms)"}}
	for _, ct := range cities {
		var res *citygrid.Result
		synS, err := cpu(func() (err error) { res, err = citygrid.Synthesize(ct, citygrid.DefaultParams()); return err })
		if err != nil {
			return c, err
		}
		var pf *grid.Result
		pfS, err := cpu(func() (err error) { pf, err = grid.SolveAC(res.Case, grid.Options{FlatStart: true}); return err })
		if err != nil {
			return c, fmt.Errorf("scale: power flow on %d edges: %w", ct.Roads.NumEdges(), err)
		}
		nb, nbr := len(res.Case.Buses), len(res.Case.Branches)
		c.add(float64(nb), []float64{pfS * 1e3}, fmt.Sprint(ct.Roads.NumEdges()), fmt.Sprint(nb), fmt.Sprint(nbr),
			fmt.Sprintf("%.2f", synS), fmt.Sprintf("%.1f", pfS*1e3), fmt.Sprint(pf.Iterations))
	}
	return c, nil
}

// WaterCurve synthesizes each city's water network and runs a 24 h
// extended-period simulation (hydraulics only), against the number of
// junctions: CPU µs per hydraulic step.
func WaterCurve(cities []*city.City) (Curve, error) {
	c := Curve{Name: "water", Title: "Water network synthesis and hydraulics against size", XLabel: "nodes",
		YLabel: "CPU µs per hydraulic step", Columns: []string{"edges", "nodes", "links", "synthesis CPU s", "steps", "µs / step"},
		YNames: []string{"µs / step"}}
	for _, ct := range cities {
		var res *watersynth.Result
		synS, err := cpu(func() (err error) { res, err = watersynth.Synthesize(ct, watersynth.DefaultParams()); return err })
		if err != nil {
			return c, err
		}
		so := water.DefaultSimOptions()
		so.Quality, so.Duration = false, 24*3600
		sim, err := water.NewSimulator(res.Net, so)
		if err != nil {
			return c, err
		}
		steps := 0
		runS, err := cpu(func() error {
			sim.Init()
			for {
				if err := sim.Solve(); err != nil {
					return err
				}
				steps++
				if sim.Advance() == 0 {
					return nil
				}
			}
		})
		if err != nil {
			return c, err
		}
		us := runS / float64(steps) * 1e6
		c.add(float64(len(res.Net.Nodes)), []float64{us}, fmt.Sprint(ct.Roads.NumEdges()), fmt.Sprint(len(res.Net.Nodes)),
			fmt.Sprint(len(res.Net.Links)), fmt.Sprintf("%.2f", synS), fmt.Sprint(steps), fmt.Sprintf("%.0f", us))
	}
	return c, nil
}

// VehicleCurve runs traffic days with each number of trips on one city of
// the given size (cut at maxS; 0: the whole day): the cost against the
// number of vehicles at a fixed network.
func VehicleCurve(work string, edges int, trips []int, maxS float64, seed uint64) (Curve, error) {
	c := Curve{Name: "vehicles", Title: "Traffic against vehicles on one city", XLabel: "trips (vehicles)",
		YLabel: "CPU s", Columns: []string{"edges", "trips", "peak on road", "vehicle updates", "run CPU s", "updates / CPU s", "model B / trip"},
		YNames: []string{"run CPU s"}}
	for _, n := range trips {
		r, err := Day(DayOptions{Edges: edges, Layout: synth.Organic, Trips: n, Seed: seed, Work: work, MaxS: maxS})
		if err != nil {
			return c, err
		}
		s := r.Summary
		c.add(float64(r.Trips), []float64{r.RunCPUS}, fmt.Sprint(r.Edges), fmt.Sprint(r.Trips), fmt.Sprint(r.PeakVehicles),
			fmt.Sprintf("%.3g", float64(s.VehicleUpdates)), fmt.Sprintf("%.2f", r.RunCPUS),
			fmt.Sprintf("%.3g", r.UpdatesPerCPUS), fmt.Sprintf("%.0f", r.BytesPerTrip))
	}
	return c, nil
}
