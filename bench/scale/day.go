package scale

import (
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"citytwin/engine/cputime"
	"citytwin/engine/record"
	"citytwin/models/city"
	"citytwin/models/city/synth"
	"citytwin/models/traffic"
)

// DayOptions describe one traffic day on a synthetic city.
type DayOptions struct {
	Edges  int          // directed road edges of the synthetic city
	Layout synth.Layout // street network
	// ArterialEvery and PrimaryEvery shape the synthetic city's arterials
	// (synth.Options; 0 = its defaults).
	ArterialEvery, PrimaryEvery int
	Trips                       int // trips over the day (drawn from the buildings)
	Seed                        uint64
	// Work is a folder for the generated OSM file (reused when present:
	// generation is deterministic). Empty: the system's temporary folder.
	Work string
	// MaxS ends the run at this simulated time, s (0: 24 h + 2 h).
	MaxS float64
	// StepS is the traffic model's time step, s (0: traffic.DefaultConfig's).
	StepS float64
	// Hierarchy routes the trips on the road graph's contraction hierarchy
	// (city.Router.UseHierarchy) instead of A* with landmarks. It is built
	// on another goroutine while the trips are drawn (HierarchyS); the run
	// starts when both are done.
	Hierarchy bool
	// ReuseHierarchy keeps the hierarchy in a file beside the city's
	// (city.RoadGraph.WriteHierarchy) and reads it instead of building it
	// when it is there: the contraction is done once per city, as routing
	// engines preprocess their graphs.
	ReuseHierarchy bool
	// DecayM is the distance decay of the trip ends
	// (traffic.BuildingDemand.DecayM), m; 0 draws them by floor area alone.
	DecayM float64
	// Progress, when not nil, is called every simulated hour.
	Progress func(p Progress)
}

// Progress is the state of a day run at a simulated hour.
type Progress struct {
	SimS      float64 `json:"sim_s"`
	WallS     float64 `json:"wall_s"` // since the run started (after loading and adding the trips)
	CPUS      float64 `json:"cpu_s"`  // process CPU since the run started
	Running   int     `json:"running"`
	Departed  int     `json:"departed"`
	Arrived   int     `json:"arrived"`
	Updates   int64   `json:"vehicle_updates"`
	HeapMiB   float64 `json:"heap_mib"`
	Teleports int64   `json:"teleports"`
}

// DayResult is what one traffic day cost.
type DayResult struct {
	Edges, Nodes     int
	Buildings        int
	Trips            int
	Summary          traffic.Summary
	GenerateS        float64 // wall time to generate and write the city (0 when reused), s
	LoadS            float64 // city.Load and the traffic network, wall s
	DemandS          float64 // drawing and snapping the trips, wall s
	HierarchyS       float64 // building (or reading) the contraction hierarchy, beside the demand, wall s (0: not used)
	HierarchyRead    bool    // the hierarchy was read from the file of an earlier run
	WaitS            float64 // the wait for the hierarchy after the trips were added, wall s
	TotalWallS       float64 // loading, demand, hierarchy and run: the day's cost after generation, wall s
	RunWallS         float64 // the simulation, wall s
	RunCPUS          float64 // the simulation, process CPU s (all threads)
	PeakVehicles     int     // most vehicles on the road at once
	PeakHeapMiB      float64 // largest Go heap in use, sampled hourly, MiB
	BytesPerTrip     float64 // heap the model holds per trip before the run (state, due list; the hierarchy when used), bytes
	BytesPerVehicle  float64 // peak heap above the loaded city, per trip, bytes
	UpdatesPerCPUS   float64 // vehicle updates per CPU second of the run
	SimSecondsPerCPU float64 // simulated seconds per CPU second
}

// CityFile generates (or reuses) the synthetic city of the given size and
// returns its path.
func CityFile(work string, edges int, layout synth.Layout, seed uint64) (path string, genS float64, err error) {
	return CityFileOptions(work, synth.Options{Seed: seed, Layout: layout, TargetEdges: edges})
}

// CityFileOptions generates (or reuses) the synthetic city o describes
// and returns its path; the file name carries the options that differ
// from the defaults.
func CityFileOptions(work string, o synth.Options) (path string, genS float64, err error) {
	edges, layout, seed := o.TargetEdges, o.Layout, o.Seed
	if work == "" {
		work = os.TempDir()
	}
	if err := os.MkdirAll(work, 0o755); err != nil {
		return "", 0, err
	}
	name := fmt.Sprintf("synth-%s-%d-s%d", layout, edges, seed)
	if o.ArterialEvery > 0 {
		name += fmt.Sprintf("-a%d", o.ArterialEvery)
	}
	if o.PrimaryEvery > 0 {
		name += fmt.Sprintf("-p%d", o.PrimaryEvery)
	}
	path = filepath.Join(work, name+".osm.gz")
	if _, err := os.Stat(path); err == nil {
		return path, 0, nil
	}
	t0 := time.Now()
	m, _, err := synth.Generate(o)
	if err != nil {
		return "", 0, err
	}
	if err := synth.WriteFile(path, m); err != nil {
		return "", 0, err
	}
	return path, time.Since(t0).Seconds(), nil
}

// Day runs the traffic day o describes.
func Day(o DayOptions) (DayResult, error) {
	var r DayResult
	path, genS, err := CityFileOptions(o.Work, synth.Options{Seed: o.Seed, Layout: o.Layout, TargetEdges: o.Edges,
		ArterialEvery: o.ArterialEvery, PrimaryEvery: o.PrimaryEvery})
	if err != nil {
		return r, err
	}
	r.GenerateS = genS
	t0 := time.Now()
	tStart := t0
	c, err := city.Load(path)
	if err != nil {
		return r, err
	}
	net, err := traffic.FromCity(c)
	if err != nil {
		return r, err
	}
	r.LoadS = time.Since(t0).Seconds()
	r.Edges, r.Nodes, r.Buildings = c.Roads.NumEdges(), c.Roads.NumNodes(), len(c.Buildings)
	heapCity := heapAfterGC()

	router := traffic.NewCityRouter(c)
	built := make(chan hierarchyDone, 1)
	// waitBuilt waits for the hierarchy (at once when it is not used); the
	// deferred call makes every error return wait for the goroutine too
	waitBuilt := sync.OnceValue(func() hierarchyDone {
		if !o.Hierarchy {
			return hierarchyDone{}
		}
		return <-built
	})
	defer waitBuilt()
	if o.Hierarchy {
		// the build reads only the road graph, which the demand reads too
		go func() {
			t0 := time.Now()
			var d hierarchyDone
			if o.ReuseHierarchy {
				d.read, d.err = readHierarchy(c.Roads, path+".ch")
			}
			router.R.UseHierarchy(true) // builds it unless it was read
			if o.ReuseHierarchy && !d.read && d.err == nil {
				d.err = record.WriteFileAtomic(path+".ch", c.Roads.WriteHierarchy)
			}
			d.s = time.Since(t0).Seconds()
			built <- d
		}()
	}
	t0 = time.Now()
	trips, err := dayTrips(c, o.Trips, o.DecayM, o.Seed)
	if err != nil {
		return r, err
	}
	r.DemandS = time.Since(t0).Seconds()
	r.Trips = len(trips)

	cfg := traffic.DefaultConfig()
	cfg.EdgeIntervalS = 900
	cfg.ParallelRoutes = true
	if o.StepS > 0 {
		cfg.StepS = o.StepS
	}
	tr, err := traffic.New(net, router, cfg, o.Seed)
	if err != nil {
		return r, err
	}
	for _, t := range trips {
		if _, err := tr.AddTrip(t); err != nil {
			return r, err
		}
	}
	trips = nil
	if o.Hierarchy {
		t1 := time.Now()
		d := waitBuilt()
		if d.err != nil {
			return r, d.err
		}
		r.HierarchyS, r.HierarchyRead = d.s, d.read
		r.WaitS = time.Since(t1).Seconds()
	}
	if r.Trips > 0 {
		r.BytesPerTrip = float64(int64(heapAfterGC())-int64(heapCity)) / float64(r.Trips)
	}
	maxS := o.MaxS
	if maxS <= 0 {
		maxS = 26 * 3600
	}
	cpu0, wall0 := cputime.Process(), time.Now()
	peakHeap := runDay(tr, maxS, func(p Progress) {
		p.CPUS, p.WallS = (cputime.Process() - cpu0).Seconds(), time.Since(wall0).Seconds()
		if o.Progress != nil {
			o.Progress(p)
		}
	}, &r.PeakVehicles)
	r.RunCPUS = (cputime.Process() - cpu0).Seconds()
	r.RunWallS = time.Since(wall0).Seconds()
	r.TotalWallS = time.Since(tStart).Seconds()
	r.Summary = tr.Summarize()
	r.PeakHeapMiB = float64(peakHeap) / (1 << 20)
	if r.Trips > 0 {
		r.BytesPerVehicle = float64(int64(peakHeap)-int64(heapCity)) / float64(r.Trips)
	}
	if r.RunCPUS > 0 {
		r.UpdatesPerCPUS = float64(r.Summary.VehicleUpdates) / r.RunCPUS
		r.SimSecondsPerCPU = r.Summary.SimulatedS / r.RunCPUS
	}
	runtime.KeepAlive(tr)
	return r, nil
}

// runDay steps tr to the end of its trips (or maxS), sampling the heap and
// the vehicles on the road every simulated hour; it returns the largest
// heap seen.
func runDay(tr *traffic.Traffic, maxS float64, progress func(Progress), peakVeh *int) uint64 {
	var peak uint64
	for h := 1.0; ; h++ {
		until := min(h*3600, maxS)
		reached := tr.RunToEnd(until)
		s := tr.Summarize()
		*peakVeh = max(*peakVeh, s.Running)
		heap := heapInUse()
		peak = max(peak, heap)
		progress(Progress{SimS: reached, Running: s.Running, Departed: s.Departed, Arrived: s.Arrived,
			Updates: s.VehicleUpdates, HeapMiB: float64(heap) / (1 << 20), Teleports: s.Teleports})
		if reached < until-1e-6 || until >= maxS || tr.Done() {
			return peak
		}
	}
}

// dayTrips draws n trips over a day from the city's buildings (homes to
// workplaces with the hourly profile of traffic.DefaultBuildingDemand),
// snapped to the roads.
func dayTrips(c *city.City, n int, decayM float64, seed uint64) ([]traffic.Trip, error) {
	d := traffic.DefaultBuildingDemand()
	d.DecayM = decayM
	homeM2 := 0.0
	for _, b := range c.Buildings {
		if b.Use == "residential" && b.Edge != city.NoEdge && b.FloorAreaM2 > 0 {
			homeM2 += b.FloorAreaM2
		}
	}
	if homeM2 == 0 {
		return nil, fmt.Errorf("scale: city %s has no homes", c.Name)
	}
	factor := float64(n) / (d.TripsPerHomeM2 * homeM2)
	ll := d.Trips(c, 0, 86400, factor, rand.New(rand.NewPCG(seed, 0x646179)))
	return traffic.SnapTrips(ll, traffic.SnapCity(c))
}

// heapAfterGC is the live heap after a collection, bytes.
func heapAfterGC() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// heapInUse is the Go heap in use now, bytes.
func heapInUse() uint64 {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

// hierarchyDone is how the hierarchy was made ready: its wall time, s,
// whether it was read from a file, and the file's error.
type hierarchyDone struct {
	s    float64
	read bool
	err  error
}

// readHierarchy reads the hierarchy file path into g when there is one;
// a file g refuses (damaged, or from another graph) is ignored, to be
// written again.
func readHierarchy(g *city.RoadGraph, path string) (bool, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	defer f.Close()
	err = g.ReadHierarchy(f)
	if errors.Is(err, city.ErrHierarchyFile) {
		return false, nil
	}
	return err == nil, err
}
