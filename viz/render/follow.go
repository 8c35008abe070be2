package render

import (
	"bytes"
	"errors"
	"fmt"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/hajimehoshi/ebiten/v2"

	"citytwin/engine/record"
	"citytwin/viz"
)

// followEvery is how often a followed run's manifest is checked.
const followEvery = 500 * time.Millisecond

// watcher follows a run folder that another process rewrites (the live
// twin's mirror): it reads manifest.json every followEvery and, when its
// bytes changed, loads the run again in the background. The writer
// replaces each table and then the manifest atomically, so a changed
// manifest means a complete set of tables; a load that fails anyway (a
// table replaced in between) is retried at the next check.
type watcher struct {
	dir     string
	last    []byte // manifest of the scene shown
	next    time.Time
	busy    bool
	ready   chan loaded
	log     io.Writer
	lastErr string
}

// loaded is the outcome of one background load.
type loaded struct {
	scene    *Scene
	manifest []byte
	err      error
}

func newWatcher(dir string, log io.Writer) *watcher {
	return &watcher{dir: dir, ready: make(chan loaded, 1), log: log}
}

// load reads the run and tessellates it; safe off the game loop (a Scene
// holds no GPU image until it is drawn).
func (w *watcher) load(manifest []byte) loaded {
	run, err := viz.Load(w.dir)
	if err != nil {
		return loaded{manifest: manifest, err: err}
	}
	return loaded{scene: NewScene(run), manifest: manifest}
}

// wait loads the run synchronously, checking again every followEvery
// until it loads (the folder may not exist yet when the viewer starts).
func (w *watcher) wait() *Scene {
	for {
		m, err := os.ReadFile(filepath.Join(w.dir, "manifest.json"))
		if err != nil {
			w.report(fmt.Errorf("waiting for %s", filepath.Join(w.dir, "manifest.json")))
			time.Sleep(followEvery)
			continue
		}
		l := w.load(m)
		if l.err == nil {
			w.last = l.manifest
			return l.scene
		}
		w.report(l.err)
		time.Sleep(followEvery)
	}
}

// poll starts a background load when the manifest changed; it returns a
// newly loaded scene when one is ready, else nil. Call it once per tick.
func (w *watcher) poll(now time.Time) *Scene {
	select {
	case l := <-w.ready:
		w.busy = false
		if l.err != nil {
			w.report(l.err)
			break
		}
		w.last = l.manifest
		return l.scene
	default:
	}
	if w.busy || now.Before(w.next) {
		return nil
	}
	w.next = now.Add(followEvery)
	m, err := os.ReadFile(filepath.Join(w.dir, "manifest.json"))
	if err != nil || bytes.Equal(m, w.last) {
		return nil
	}
	w.busy = true
	go func() { w.ready <- w.load(m) }()
	return nil
}

// report writes an error once (not again while it repeats).
func (w *watcher) report(err error) {
	if s := err.Error(); s != w.lastErr {
		w.lastErr = s
		fmt.Fprintln(w.log, "twin-viewer: follow:", s)
	}
}

// SwapScene shows a reloaded scene of the same run: the camera, layers and
// road metric stay; the clock stays unless it was at the end of the old
// run, where it moves to the end of the new one (the live edge).
func (v *View) SwapScene(sc *Scene) {
	old := v.Scene
	atEnd := v.T >= old.Run.Duration-1
	if r, n := old.Run.Set(viz.LayerRoads), sc.Run.Set(viz.LayerRoads); r != nil && n != nil && r.Color < len(n.Metrics) {
		n.Color = r.Color
	}
	old.Release()
	v.Scene, v.Sel = sc, nil
	if atEnd {
		v.T = sc.Run.Duration
	}
	v.T = max(0, min(sc.Run.Duration, v.T))
}

// Release frees the scene's cached GPU image.
func (s *Scene) Release() {
	if s.base.img != nil {
		s.base.img.Deallocate()
		s.base.img = nil
	}
}

// Follow opens the viewer on run folder dir and reloads the run whenever
// its manifest.json changes (see watcher). The clock starts at the end of
// the run (the live edge) unless o.At is positive. It waits for the
// folder's first manifest. With shot != "" it shows no window content
// but writes the frame after every load to shot (as Capture does) and
// returns after frames loads; each write is announced on log.
func Follow(dir string, o viz.Options, shot string, frames int, log io.Writer) error {
	w := newWatcher(dir, log)
	sc := w.wait()
	if o.At <= 0 {
		o.At = sc.Run.Duration
	}
	view, err := NewView(sc, o)
	if err != nil {
		return err
	}
	ebiten.SetRunnableOnUnfocused(true)
	if shot != "" {
		ebiten.SetWindowSize(320, 200)
		ebiten.SetWindowTitle("citytwin follow capture")
		g := &followCapture{watch: w, view: view, path: shot, frames: frames, log: log, pending: true}
		err := ebiten.RunGame(g)
		if errors.Is(err, ebiten.Termination) {
			return nil
		}
		return err
	}
	ebiten.SetWindowSize(o.W, o.H)
	ebiten.SetWindowTitle(fmt.Sprintf("citytwin: following %s", dir))
	ebiten.SetWindowResizingMode(ebiten.WindowResizingModeEnabled)
	ebiten.SetScreenClearedEveryFrame(false) // Render covers the whole screen
	return ebiten.RunGame(&game{view: view, watch: w})
}

// followCapture writes a frame after each load of a followed run.
type followCapture struct {
	watch   *watcher
	view    *View
	path    string
	frames  int // stop after this many frames written; 0 = never
	written int
	tick    int
	pending bool
	log     io.Writer
}

func (g *followCapture) Update() error {
	g.tick++
	if sc := g.watch.poll(time.Now()); sc != nil {
		g.view.SwapScene(sc)
		g.pending = true
	}
	if !g.pending || g.tick < warmupFrames {
		return nil
	}
	g.pending = false
	o := viz.Options{Layers: g.view.layers(), At: g.view.T, W: g.view.Cam.W, H: g.view.Cam.H, NoUI: g.view.NoUI}
	img, err := Frame(g.view.Scene, o)
	if err != nil {
		return err
	}
	if err := record.WriteFileAtomic(g.path, func(w io.Writer) error { return png.Encode(w, img) }); err != nil {
		return err
	}
	g.written++
	fmt.Fprintf(g.log, "follow: frame %d at %s written to %s\n", g.written, g.view.Scene.Run.Clock(g.view.T), g.path)
	if g.frames > 0 && g.written >= g.frames {
		return ebiten.Termination
	}
	return nil
}

func (g *followCapture) Draw(screen *ebiten.Image) { screen.Fill(viz.ColBackground) }

func (g *followCapture) Layout(w, h int) (int, int) { return w, h }

// layers lists the layers on, in drawing order.
func (v *View) layers() []string {
	out := []string{}
	for _, l := range viz.AllLayers {
		if v.On[l] {
			out = append(out, l)
		}
	}
	return out
}
