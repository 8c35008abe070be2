package render

import (
	"citytwin/viz"
	"errors"
	"fmt"
	"image"
	"image/png"
	"io"

	"github.com/hajimehoshi/ebiten/v2"

	"citytwin/engine/record"
)

// Shot is one frame to capture headless: the view options (time, layers,
// size) and the PNG file to write.
type Shot struct {
	viz.Options
	Path string
}

// warmupFrames are the frames run before capturing, so the graphics
// driver is fully up.
const warmupFrames = 3

// captureGame renders the shots offscreen once the loop is warm, writes
// them and ends the loop.
type captureGame struct {
	scene *Scene
	shots []Shot
	frame int
	err   error
}

func (g *captureGame) Update() error {
	g.frame++
	if g.frame < warmupFrames {
		return nil
	}
	for _, s := range g.shots {
		if err := g.capture(s); err != nil {
			return err
		}
	}
	return ebiten.Termination
}

func (g *captureGame) capture(s Shot) error {
	img, err := Frame(g.scene, s.Options)
	if err != nil {
		return err
	}
	return record.WriteFileAtomic(s.Path, func(w io.Writer) error { return png.Encode(w, img) })
}

// Frame renders the scene with options o into a new RGBA image. It must be
// called from inside ebiten's game loop (Update), as Capture does.
func Frame(sc *Scene, o viz.Options) (*image.RGBA, error) {
	if o.W <= 0 || o.H <= 0 {
		return nil, fmt.Errorf("viz: frame size %dx%d", o.W, o.H)
	}
	view, err := NewView(sc, o)
	if err != nil {
		return nil, err
	}
	dst := ebiten.NewImage(o.W, o.H)
	defer dst.Deallocate()
	view.Render(dst)
	if len(o.Click) == 2 {
		view.Sel = view.Pick(o.Click[0], o.Click[1])
		view.Render(dst)
	}
	out := image.NewRGBA(image.Rect(0, 0, o.W, o.H))
	dst.ReadPixels(out.Pix)
	return out, nil
}

func (g *captureGame) Draw(screen *ebiten.Image) { screen.Fill(viz.ColBackground) }

func (g *captureGame) Layout(w, h int) (int, int) { return w, h }

// Capture renders the shots of run folder dir without user interaction:
// it runs ebiten's loop for a few frames in a small window, renders each
// shot offscreen at its own size, writes the PNGs atomically and returns.
// It needs a display (Xvfb will do; LIBGL_ALWAYS_SOFTWARE=1 selects Mesa's
// software rasterizer) and, like every ebiten program, runs the game loop
// once per process.
func Capture(dir string, shots []Shot) error {
	run, err := viz.Load(dir)
	if err != nil {
		return err
	}
	return CaptureScene(NewScene(run), shots)
}

// CaptureScene is Capture for a scene already loaded.
func CaptureScene(sc *Scene, shots []Shot) error {
	for _, s := range shots {
		if _, err := NewView(sc, s.Options); err != nil {
			return err
		}
	}
	ebiten.SetWindowSize(320, 200)
	ebiten.SetWindowTitle("citytwin capture")
	ebiten.SetRunnableOnUnfocused(true)
	err := ebiten.RunGame(&captureGame{scene: sc, shots: shots})
	if errors.Is(err, ebiten.Termination) {
		return nil
	}
	return err
}
