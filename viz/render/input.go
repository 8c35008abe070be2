package render

import (
	"citytwin/viz"
	"image"
	"math"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/inpututil"
)

// dragThresholdPx separates a click from a drag.
const dragThresholdPx = 4

// pointer is the state of the left mouse button between frames.
type pointer struct {
	down       bool
	startX     int
	startY     int
	lastX      int
	lastY      int
	dragging   bool
	onSlider   bool
	onLayerRow int // -1 when the press was not on a layer row
}

// HandleInput applies one tick of keyboard and mouse input to the view.
func (v *View) HandleInput(p *pointer) {
	v.handleKeys()
	v.handleWheel()
	v.handleMouse(p)
}

func (v *View) handleKeys() {
	const panPx = 40
	for key, d := range map[ebiten.Key][2]float64{
		ebiten.KeyArrowLeft: {panPx, 0}, ebiten.KeyArrowRight: {-panPx, 0},
		ebiten.KeyArrowUp: {0, panPx}, ebiten.KeyArrowDown: {0, -panPx},
	} {
		if ebiten.IsKeyPressed(key) {
			v.Cam.Pan(d[0]/4, d[1]/4) // held: 10 px per tick
		}
	}
	cx, cy := float64(v.Cam.W)/2, float64(v.Cam.H)/2
	pressed := inpututil.IsKeyJustPressed
	switch {
	case pressed(ebiten.KeyEqual), pressed(ebiten.KeyNumpadAdd):
		v.Cam.ZoomAt(cx, cy, 1.25)
	case pressed(ebiten.KeyMinus), pressed(ebiten.KeyNumpadSubtract):
		v.Cam.ZoomAt(cx, cy, 0.8)
	case pressed(ebiten.KeySpace):
		v.Playing = !v.Playing
	case pressed(ebiten.KeyBracketLeft):
		v.Speed = math.Max(1.0/8, v.Speed/2)
	case pressed(ebiten.KeyBracketRight):
		v.Speed = math.Min(3600, v.Speed*2)
	case pressed(ebiten.KeyComma):
		v.seek(v.T - 60)
	case pressed(ebiten.KeyPeriod):
		v.seek(v.T + 60)
	case pressed(ebiten.KeyF):
		v.CycleRoadMetric()
	case pressed(ebiten.KeyK):
		v.ShowKPI = !v.ShowKPI
	case pressed(ebiten.KeyH):
		v.ShowHelp = !v.ShowHelp
	case pressed(ebiten.KeyR):
		v.Cam.Fit(v.Scene.Run.Bounds)
	case pressed(ebiten.KeyEscape):
		v.Sel = nil
	}
	for i, key := range layerKeys {
		if pressed(key) && i < len(viz.AllLayers) {
			v.ToggleLayer(viz.AllLayers[i])
		}
	}
}

func (v *View) seek(t float64) {
	v.T = math.Max(0, math.Min(v.Scene.Run.Duration, t))
}

func (v *View) handleWheel() {
	_, dy := ebiten.Wheel()
	if dy == 0 {
		return
	}
	x, y := ebiten.CursorPosition()
	v.Cam.ZoomAt(float64(x), float64(y), math.Pow(1.2, dy))
}

func (v *View) handleMouse(p *pointer) {
	x, y := ebiten.CursorPosition()
	pt := image.Pt(x, y)
	if inpututil.IsMouseButtonJustPressed(ebiten.MouseButtonLeft) {
		*p = pointer{down: true, startX: x, startY: y, lastX: x, lastY: y, onLayerRow: -1}
		p.onSlider = pt.In(v.sliderRect().Inset(-8))
		for i := range viz.AllLayers {
			if pt.In(v.layerRect(i)) {
				p.onLayerRow = i
			}
		}
	}
	if !p.down {
		return
	}
	if ebiten.IsMouseButtonPressed(ebiten.MouseButtonLeft) {
		v.drag(p, x, y)
		return
	}
	p.down = false
	if p.dragging || p.onSlider {
		return
	}
	if p.onLayerRow >= 0 {
		v.ToggleLayer(viz.AllLayers[p.onLayerRow])
		return
	}
	v.Sel = v.Pick(float64(x), float64(y))
}

func (v *View) drag(p *pointer, x, y int) {
	if p.onSlider {
		r := v.sliderRect()
		v.seek(float64(x-r.Min.X) / float64(max(1, r.Dx())) * v.Scene.Run.Duration)
		return
	}
	if abs(x-p.startX)+abs(y-p.startY) > dragThresholdPx {
		p.dragging = true
	}
	if p.dragging {
		v.Cam.Pan(float64(x-p.lastX), float64(y-p.lastY))
	}
	p.lastX, p.lastY = x, y
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
