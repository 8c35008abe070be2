// Command twin-viewer is the ebiten half of `twin view`: the window, the
// headless capture and the frame-time benchmark. It is a program of its
// own because ebiten (GLFW) needs a display as soon as it is linked in:
// the twin command stays usable on headless machines and starts this one
// only to show or capture a run. Arguments are checked by twin view; run
// directly, it takes
//
//	twin-viewer [-screenshot out.png] [-at S] [-layers l1,l2] [-size WxH] [-noui] RUN_DIR
//	twin-viewer -bench-vehicles 5000 -bench-seconds 5 RUN_DIR
//
// Exit codes: 0 success, 1 failure, 2 bad arguments or input.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"

	"citytwin/viz"
	"citytwin/viz/render"
)

func main() { os.Exit(run(os.Args[1:])) }

func run(args []string) int {
	fs := flag.NewFlagSet("twin-viewer", flag.ContinueOnError)
	shot := fs.String("screenshot", "", "write the frame as this PNG and exit")
	at := fs.Float64("at", 0, "time to show, s after the run's start")
	layers := fs.String("layers", "all", "layers on, comma-separated")
	size := fs.String("size", "1600x1000", "window or image size WIDTHxHEIGHT")
	noUI := fs.Bool("noui", false, "map only: no panels or text")
	shots := fs.String("shots", "", "JSON file of frames to capture: [{path, layers, at, size, noui}]")
	benchN := fs.Int("bench-vehicles", 0, "frame-time benchmark with this many synthetic vehicles")
	benchS := fs.Float64("bench-seconds", 5, "benchmark length, s")
	if err := fs.Parse(args); err != nil || fs.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: twin-viewer [flags] RUN_DIR")
		return 2
	}
	o, err := viz.ParseOptions(*layers, *size)
	if err != nil {
		fmt.Fprintln(os.Stderr, "twin-viewer:", err)
		return 2
	}
	o.At, o.NoUI = *at, *noUI
	run, err := viz.Load(fs.Arg(0))
	if err != nil {
		fmt.Fprintln(os.Stderr, "twin-viewer:", err)
		return 2
	}
	switch {
	case *benchN > 0:
		err = render.Bench(run, o, *benchN, *benchS, os.Stdout)
	case *shots != "":
		var list []render.Shot
		if list, err = readShots(*shots); err != nil {
			fmt.Fprintln(os.Stderr, "twin-viewer:", err)
			return 2
		}
		err = render.CaptureScene(render.NewScene(run), list)
	case *shot != "":
		err = render.CaptureScene(render.NewScene(run), []render.Shot{{Options: o, Path: *shot}})
	default:
		err = render.ShowRun(run, o)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "twin-viewer:", err)
		return 1
	}
	return 0
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
