package viz

import (
	"fmt"
	"slices"
	"strings"
)

// Attribution is the map data credit shown on every frame.
const Attribution = "© OpenStreetMap contributors"

// Options are the viewer's start-up settings, shared by the window and the
// headless capture.
type Options struct {
	Layers []string  // layers on; nil = all
	At     float64   // start time, s after the run's start
	W, H   int       // window or image size, px
	NoUI   bool      // map only: no panels, legend, slider or text
	Click  []float64 // a click at screen (x, y) px: selects what is there (captures)
}

// ParseLayers splits a comma-separated layer list and checks the names;
// "all" is every layer, "none" or "" none.
func ParseLayers(s string) ([]string, error) {
	switch strings.TrimSpace(s) {
	case "all":
		return AllLayers, nil
	case "", "none":
		return []string{}, nil
	}
	var out []string
	for _, l := range strings.Split(s, ",") {
		l = strings.TrimSpace(l)
		if !slices.Contains(AllLayers, l) {
			return nil, fmt.Errorf("viz: unknown layer %q (want %s)", l, strings.Join(AllLayers, ","))
		}
		out = append(out, l)
	}
	return out, nil
}

// Controls documents the keyboard and mouse, for --help and the help
// overlay.
const Controls = `mouse drag        pan the map
mouse wheel       zoom at the pointer
click             select a road, vehicle, bus, pipe...: its values and history
click/drag slider move in time
arrow keys        pan
+ / -             zoom in / out
space             play / pause
[ / ]             half / double the playback speed
, / .             one minute back / forward
1..7              toggle layers: buildings roads parking waste water grid traffic
F                 colour roads by speed / flow / density / queue
K                 show / hide the KPI panel
R                 reset the view
Esc               clear the selection
H                 show / hide this help`

// ParseOptions reads a layer list (see ParseLayers) and a size
// "WIDTHxHEIGHT" (64..8192 px each).
func ParseOptions(layers, size string) (Options, error) {
	var o Options
	l, err := ParseLayers(layers)
	if err != nil {
		return o, err
	}
	o.Layers = l
	if n, err := fmt.Sscanf(size, "%dx%d", &o.W, &o.H); n != 2 || err != nil || o.W < 64 || o.H < 64 || o.W > 8192 || o.H > 8192 {
		return o, fmt.Errorf("viz: size %q: want WIDTHxHEIGHT, each 64..8192 px", size)
	}
	return o, nil
}
