package render

import (
	"citytwin/viz"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/hajimehoshi/ebiten/v2"
)

// View is what the viewer shows: the camera, the clock, the layers, the
// selection and the panels. Input changes it; render draws it.
type View struct {
	Scene     *Scene
	Cam       viz.Camera
	T         float64 // s after the run's start
	Playing   bool
	Speed     float64 // simulated seconds per real second
	On        map[string]bool
	Sel       *Selection
	ShowKPI   bool
	ShowHelp  bool
	NoUI      bool
	roadColor int     // index of the road metric that colours the roads
	kpi       kpiText // the KPI panel's text, kept between frames
}

// NewView starts a view of the scene fitted to the window.
func NewView(sc *Scene, o viz.Options) (*View, error) {
	v := &View{Scene: sc, T: o.At, Speed: 60, On: map[string]bool{}, ShowKPI: true, NoUI: o.NoUI}
	layers := o.Layers
	if layers == nil {
		layers = viz.AllLayers
	}
	for _, l := range layers {
		if !slices.Contains(viz.AllLayers, l) {
			return nil, fmt.Errorf("viz: unknown layer %q (want %s)", l, strings.Join(viz.AllLayers, ","))
		}
		v.On[l] = true
	}
	v.Cam.W, v.Cam.H = max(1, o.W), max(1, o.H)
	v.Cam.Fit(sc.Run.Bounds)
	v.T = math.Max(0, math.Min(sc.Run.Duration, v.T))
	return v, nil
}

// Resize keeps the centre and scale when the window changes size.
func (v *View) Resize(w, h int) {
	v.Cam.W, v.Cam.H = max(1, w), max(1, h)
}

// Advance moves the clock by dt real seconds when playing, looping at the
// end of the run.
func (v *View) Advance(dt float64) {
	if !v.Playing {
		return
	}
	v.T += dt * v.Speed
	if v.T > v.Scene.Run.Duration {
		v.T = 0
	}
}

// Render draws the map and, unless NoUI, the panels.
func (v *View) Render(dst *ebiten.Image) {
	v.Scene.Draw(dst, &v.Cam, v.T, v.On)
	if v.NoUI {
		return
	}
	v.drawSelection(dst)
	v.drawUI(dst)
}

// CycleRoadMetric colours the roads by the next metric (speed, flow,
// density, queue).
func (v *View) CycleRoadMetric() {
	roads := v.Scene.Run.Set(viz.LayerRoads)
	if roads == nil || len(roads.Metrics) == 0 {
		return
	}
	roads.Color = (roads.Color + 1) % len(roads.Metrics)
}

// ToggleLayer switches a layer on or off.
func (v *View) ToggleLayer(name string) { v.On[name] = !v.On[name] }

// viewState is everything a frame depends on; equal states draw equal
// frames.
type viewState struct {
	scene     *Scene
	t, speed  float64
	cam       viz.Camera
	layers    uint32 // bit i: viz.AllLayers[i] on
	sel       *Selection
	kpi, help bool
	playing   bool
	roadColor int
}

func (v *View) stateKey() viewState {
	k := viewState{scene: v.Scene, t: v.T, speed: v.Speed, cam: v.Cam, sel: v.Sel, kpi: v.ShowKPI, help: v.ShowHelp, playing: v.Playing}
	for i, l := range viz.AllLayers {
		if v.On[l] {
			k.layers |= 1 << i
		}
	}
	if roads := v.Scene.Run.Set(viz.LayerRoads); roads != nil {
		k.roadColor = roads.Color
	}
	return k
}
