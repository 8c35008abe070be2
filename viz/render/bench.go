package render

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"runtime"
	"slices"
	"time"

	"github.com/hajimehoshi/ebiten/v2"

	"citytwin/viz"
)

// BenchResult is what the frame-time benchmark measured: frames drawn
// with vsync off over the measured interval.
type BenchResult struct {
	Vehicles     int     `json:"vehicles"`
	Vertices     int     `json:"static_vertices"`
	DrawCalls    int     `json:"static_draw_calls"`
	Width        int     `json:"width"`
	Height       int     `json:"height"`
	Frames       int     `json:"frames"`
	Seconds      float64 `json:"seconds"`
	FPS          float64 `json:"fps"`
	MeanFrameMs  float64 `json:"mean_frame_ms"`
	P95FrameMs   float64 `json:"p95_frame_ms"`
	MeanRenderMs float64 `json:"mean_render_ms"`   // CPU time in View.Render (building and queueing the draws)
	AllocsFrame  float64 `json:"allocs_per_frame"` // Go heap allocations per frame (the whole process: ebiten's and ours)
	BytesFrame   float64 `json:"bytes_per_frame"`  // Go heap bytes allocated per frame
	Redraws      int     `json:"static_redraws"`   // frames that redrew the static layers' cache (the rest copied it)
}

// benchGame plays the run at 60 simulated seconds per second with every
// layer on and records each frame's interval.
type benchGame struct {
	view    *View
	frames  []float64
	render  []float64
	last    time.Time
	started time.Time
	seconds float64
	warm    int
	mem0    runtime.MemStats
	mem1    runtime.MemStats
	redraws int
}

func (g *benchGame) Update() error {
	if !g.started.IsZero() && time.Since(g.started).Seconds() > g.seconds {
		runtime.ReadMemStats(&g.mem1)
		return ebiten.Termination
	}
	return nil
}

func (g *benchGame) Draw(screen *ebiten.Image) {
	now := time.Now()
	g.view.T = math.Mod(g.view.T+1, math.Max(1, g.view.Scene.Run.Duration))
	g.view.Render(screen)
	took := time.Since(now).Seconds()
	g.warm++
	if g.warm <= 10 {
		g.last = now
		return
	}
	if g.started.IsZero() {
		g.started = now
		g.redraws = g.view.Scene.base.redraws
		runtime.ReadMemStats(&g.mem0)
	}
	g.frames = append(g.frames, now.Sub(g.last).Seconds())
	g.render = append(g.render, took)
	g.last = now
}

func (g *benchGame) Layout(w, h int) (int, int) {
	g.view.Resize(w, h)
	return w, h
}

// Bench replaces the run's vehicles by n synthetic ones (see
// viz.SyntheticVehicles), opens a window of o's size with every layer on
// and draws as fast as it can (vsync off) for seconds s, then writes a
// BenchResult as JSON to out.
func Bench(run *viz.Run, o viz.Options, n int, s float64, out io.Writer) error {
	run.Vehicles = viz.SyntheticVehicles(run, n, 1)
	sc := NewScene(run)
	view, err := NewView(sc, o)
	if err != nil {
		return err
	}
	g := &benchGame{view: view, seconds: s}
	ebiten.SetWindowSize(o.W, o.H)
	ebiten.SetWindowTitle("citytwin frame benchmark")
	ebiten.SetVsyncEnabled(false)
	ebiten.SetScreenClearedEveryFrame(false) // Render covers the whole screen
	ebiten.SetRunnableOnUnfocused(true)
	if err := ebiten.RunGame(g); err != nil {
		return err
	}
	if len(g.frames) == 0 {
		return fmt.Errorf("viz: benchmark drew no frame")
	}
	res := BenchResult{Vehicles: n, Width: o.W, Height: o.H, Frames: len(g.frames), Redraws: sc.base.redraws - g.redraws}
	res.AllocsFrame = float64(g.mem1.Mallocs-g.mem0.Mallocs) / float64(len(g.frames))
	res.BytesFrame = float64(g.mem1.TotalAlloc-g.mem0.TotalAlloc) / float64(len(g.frames))
	for _, m := range sc.meshes {
		res.Vertices += m.vertexCount()
		res.DrawCalls += len(m.batches)
	}
	sum, rsum := 0.0, 0.0
	for i := range g.frames {
		sum, rsum = sum+g.frames[i], rsum+g.render[i]
	}
	res.Seconds = sum
	res.FPS = float64(len(g.frames)) / sum
	res.MeanFrameMs = 1000 * sum / float64(len(g.frames))
	res.MeanRenderMs = 1000 * rsum / float64(len(g.frames))
	sorted := slices.Clone(g.frames)
	slices.Sort(sorted)
	res.P95FrameMs = 1000 * sorted[int(0.95*float64(len(sorted)-1))]
	enc := json.NewEncoder(out)
	enc.SetIndent("", "  ")
	return enc.Encode(res)
}
