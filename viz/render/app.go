package render

import (
	"citytwin/viz"
	"fmt"
	"time"

	"github.com/hajimehoshi/ebiten/v2"
)

// game is the interactive viewer: ebiten calls Update 60 times a second
// and Draw once per frame.
type game struct {
	view  *View
	ptr   pointer
	last  time.Time
	watch *watcher // a followed run (see Follow), or nil
	shown viewState
	drawn bool
}

func (g *game) Update() error {
	now := time.Now()
	if g.watch != nil {
		if sc := g.watch.poll(now); sc != nil {
			g.view.SwapScene(sc)
		}
	}
	if !g.last.IsZero() {
		g.view.Advance(now.Sub(g.last).Seconds())
	}
	g.last = now
	g.view.HandleInput(&g.ptr)
	return nil
}

// Draw renders the view unless nothing shown changed since the last
// frame: the screen is not cleared between frames (see ShowRun), so an
// idle viewer (paused, or following a live run between updates) costs
// almost nothing per frame.
func (g *game) Draw(screen *ebiten.Image) {
	k := g.view.stateKey()
	if g.drawn && k == g.shown {
		return
	}
	g.view.Render(screen)
	g.shown, g.drawn = k, true
}

func (g *game) Layout(w, h int) (int, int) {
	g.view.Resize(w, h)
	return w, h
}

// Show opens the viewer window on run folder dir and returns when the
// window is closed. It needs a display.
func Show(dir string, o viz.Options) error {
	run, err := viz.Load(dir)
	if err != nil {
		return err
	}
	return ShowRun(run, o)
}

// ShowRun is Show for a run already loaded.
func ShowRun(run *viz.Run, o viz.Options) error {
	view, err := NewView(NewScene(run), o)
	if err != nil {
		return err
	}
	ebiten.SetWindowSize(o.W, o.H)
	ebiten.SetWindowTitle(fmt.Sprintf("citytwin: %s (%s)", run.Manifest.Name, run.Dir))
	ebiten.SetWindowResizingMode(ebiten.WindowResizingModeEnabled)
	ebiten.SetScreenClearedEveryFrame(false) // Render covers the whole screen
	return ebiten.RunGame(&game{view: view})
}
