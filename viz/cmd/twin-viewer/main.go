// Command twin-viewer is the ebiten half of `twin view`: the window, the
// headless capture, the difference maps, following a live run and the
// frame-time benchmark. It is a program of its own because ebiten (GLFW)
// needs a display as soon as it is linked in: the twin command stays
// usable on headless machines and starts this one only to show or capture
// a run. Arguments are checked by twin view; run directly, it takes
//
//	twin-viewer [-screenshot out.png] [-at S|HH:MM] [-layers l1,l2] [-size WxH] [-noui] RUN_DIR
//	twin-viewer -diff BASE_RUN [-metric flow] [-at peak] [-json] -screenshot out.png VARIANT_RUN
//	twin-viewer -follow RUN_DIR [-screenshot out.png -follow-frames N]
//	twin-viewer -bench-vehicles 5000 -bench-seconds 5 RUN_DIR
//
// Flags may come before or after the run folder. Exit codes: 0 success,
// 1 failure, 2 bad arguments or input.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"

	"citytwin/viz"
	"citytwin/viz/render"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

// flags are the program's settings.
type flags struct {
	shot, at, layers, size, shots string
	diff, metric, follow          string
	noUI, jsonOut                 bool
	benchN, followFrames          int
	benchS                        float64
	memProfile                    string
}

// parse reads flags interspersed with positional arguments.
func parse(args []string, stderr io.Writer) (flags, []string, error) {
	var f flags
	fs := flag.NewFlagSet("twin-viewer", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&f.shot, "screenshot", "", "write the frame as this PNG and exit")
	fs.StringVar(&f.at, "at", "", "time to show: s after the run's start, HH:MM, or peak (the largest difference)")
	fs.StringVar(&f.layers, "layers", "all", "layers on, comma-separated")
	fs.StringVar(&f.size, "size", "1600x1000", "window or image size WIDTHxHEIGHT")
	fs.BoolVar(&f.noUI, "noui", false, "map only: no panels or text")
	fs.StringVar(&f.shots, "shots", "", "JSON file of frames to capture: [{path, layers, at, size, noui}]")
	fs.StringVar(&f.diff, "diff", "", "baseline run folder: show RUN_DIR minus this run")
	fs.StringVar(&f.metric, "metric", "", "colour by this metric where a set has it (speed, flow, occupancy, loading, pressure...)")
	fs.BoolVar(&f.jsonOut, "json", false, "after -screenshot, print the time and scales shown as JSON")
	fs.StringVar(&f.follow, "follow", "", "follow this run folder: reload it when its manifest.json changes")
	fs.IntVar(&f.followFrames, "follow-frames", 0, "with -follow and -screenshot: exit after this many frames (0 = never)")
	fs.IntVar(&f.benchN, "bench-vehicles", 0, "frame-time benchmark with this many synthetic vehicles")
	fs.Float64Var(&f.benchS, "bench-seconds", 5, "benchmark length, s")
	fs.StringVar(&f.memProfile, "bench-memprofile", "", "with -bench-vehicles: write a heap allocation profile (go tool pprof -sample_index=alloc_space)")
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return f, nil, err
		}
		if fs.NArg() == 0 {
			return f, pos, nil
		}
		pos, args = append(pos, fs.Arg(0)), fs.Args()[1:]
	}
}

func run(args []string, stdout, stderr io.Writer) int {
	f, pos, err := parse(args, stderr)
	if err != nil || (f.follow == "" && len(pos) != 1) || (f.follow != "" && (len(pos) != 0 || f.diff != "")) {
		fmt.Fprintln(stderr, "usage: twin-viewer [flags] RUN_DIR | twin-viewer -follow RUN_DIR [flags]")
		return 2
	}
	o, err := viz.ParseOptions(f.layers, f.size)
	if err != nil {
		fmt.Fprintln(stderr, "twin-viewer:", err)
		return 2
	}
	o.NoUI = f.noUI
	if f.follow != "" {
		if o.At, err = seconds(f.at); err != nil {
			fmt.Fprintln(stderr, "twin-viewer:", err)
			return 2
		}
		return exit(render.Follow(f.follow, o, f.shot, f.followFrames, stdout), stderr)
	}
	r, err := load(pos[0], f)
	if err == nil {
		err = settle(r, &o, f)
	}
	if err != nil {
		fmt.Fprintln(stderr, "twin-viewer:", err)
		return 2
	}
	switch {
	case f.benchN > 0:
		if f.memProfile != "" {
			runtime.MemProfileRate = 4096
		}
		err = render.Bench(r, o, f.benchN, f.benchS, stdout)
		if err == nil && f.memProfile != "" {
			err = writeHeapProfile(f.memProfile)
		}
	case f.shots != "":
		var list []render.Shot
		if list, err = readShots(f.shots); err != nil {
			fmt.Fprintln(stderr, "twin-viewer:", err)
			return 2
		}
		err = render.CaptureScene(render.NewScene(r), list)
	case f.shot != "":
		err = render.CaptureScene(render.NewScene(r), []render.Shot{{Options: o, Path: f.shot}})
		if err == nil && f.jsonOut {
			err = json.NewEncoder(stdout).Encode(describe(r, o, f.shot))
		}
	default:
		err = render.ShowRun(r, o)
	}
	return exit(err, stderr)
}

func exit(err error, stderr io.Writer) int {
	if err != nil {
		fmt.Fprintln(stderr, "twin-viewer:", err)
		return 1
	}
	return 0
}

// load reads the run, or with -diff the difference of the run and the
// baseline, and applies -metric.
func load(dir string, f flags) (*viz.Run, error) {
	r, err := viz.Load(dir)
	if err != nil || f.diff == "" {
		return r, colourBy(r, f.metric, err)
	}
	base, err := viz.Load(f.diff)
	if err != nil {
		return nil, err
	}
	if r, err = viz.Diff(base, r); err != nil {
		return nil, err
	}
	metric := f.metric
	if metric == "" {
		metric = "flow" // a closed street is a drop in flow; its speed is unknown (no vehicle)
		r.UseMetric(metric)
		return r, nil
	}
	return r, colourBy(r, metric, nil)
}

func colourBy(r *viz.Run, metric string, err error) error {
	if err != nil || metric == "" {
		return err
	}
	if !r.UseMetric(metric) {
		return fmt.Errorf("-metric %q: no layer of %s has it", metric, r.Dir)
	}
	return nil
}

// settle fixes the options that depend on the run: a difference map of
// "traffic" shows the roads (vehicles cannot be differenced), and -at.
func settle(r *viz.Run, o *viz.Options, f flags) error {
	if r.DiffBase != "" && slices.Contains(o.Layers, viz.LayerTraffic) && !slices.Contains(o.Layers, viz.LayerRoads) {
		o.Layers = append(o.Layers, viz.LayerRoads)
	}
	var err error
	switch {
	case f.at == "peak":
		layers := o.Layers
		if layers == nil {
			layers = viz.AllLayers
		}
		o.At = r.PeakTime(layers)
	case strings.Contains(f.at, ":"):
		o.At, err = r.Offset(f.at)
	default:
		o.At, err = seconds(f.at)
	}
	return err
}

// seconds reads -at as seconds after the start ("" is 0).
func seconds(s string) (float64, error) {
	if s == "" {
		return 0, nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, fmt.Errorf("-at %q: want seconds, HH:MM or peak", s)
	}
	return v, nil
}

// writeHeapProfile writes the allocation profile of the process so far.
func writeHeapProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	runtime.GC() // the profile holds what the last GC saw
	return pprof.Lookup("allocs").WriteTo(f, 0)
}

// shotInfo is what -json prints about a frame written.
type shotInfo struct {
	Path   string      `json:"path"`
	AtS    float64     `json:"at_s"`
	Clock  string      `json:"clock"`
	Diff   bool        `json:"diff"`
	Scales []scaleInfo `json:"scales"`
}

// scaleInfo is the colour scale of one entity set drawn.
type scaleInfo struct {
	Layer  string  `json:"layer"`
	Kind   string  `json:"kind"`
	Metric string  `json:"metric"`
	Unit   string  `json:"unit"`
	Lo     float64 `json:"lo"`
	Hi     float64 `json:"hi"`
}

func describe(r *viz.Run, o viz.Options, path string) shotInfo {
	info := shotInfo{Path: path, AtS: o.At, Clock: r.Clock(o.At), Diff: r.DiffBase != "", Scales: []scaleInfo{}}
	for _, set := range r.Sets {
		m := set.Colouring()
		if m == nil || (o.Layers != nil && !slices.Contains(o.Layers, set.Layer)) {
			continue
		}
		info.Scales = append(info.Scales, scaleInfo{Layer: set.Layer, Kind: set.Kind, Metric: m.Name, Unit: m.Unit, Lo: m.Lo, Hi: m.Hi})
	}
	return info
}

// shotSpec is one frame of a -shots file.
type shotSpec struct {
	Path   string    `json:"path"`
	Layers string    `json:"layers"`
	At     float64   `json:"at"`
	Size   string    `json:"size"`
	NoUI   bool      `json:"noui"`
	Click  []float64 `json:"click"`
}

func readShots(path string) ([]render.Shot, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var specs []shotSpec
	if err := json.Unmarshal(data, &specs); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	out := make([]render.Shot, len(specs))
	for i, s := range specs {
		o, err := viz.ParseOptions(s.Layers, s.Size)
		if err != nil {
			return nil, fmt.Errorf("%s: shot %d: %w", path, i, err)
		}
		o.At, o.NoUI, o.Click = s.At, s.NoUI, s.Click
		out[i] = render.Shot{Options: o, Path: s.Path}
	}
	return out, nil
}
