package render

import (
	"citytwin/viz"
	"image/color"
	"math"
	"slices"

	"github.com/hajimehoshi/ebiten/v2"
)

// Scene is a loaded run with its static geometry tessellated once: one
// mesh per entity set, coloured from the metrics at the current time. The
// static layers are drawn into an offscreen image that is reused while
// nothing it shows changes (camera, layers, each set's sample and metric),
// so most frames are one image copy plus the vehicles in one draw call.
// Not safe for concurrent use.
type Scene struct {
	Run      *viz.Run
	meshes   []*mesh
	colors   [][]color.RGBA
	vehicles []viz.VehicleAt
	mk       markers
	lineW    float32 // multiplies line widths and marker sizes
	base     staticCache
	key      []int // scratch for staticCache.key
}

// staticCache is the background and every static layer drawn offscreen at
// one camera; key says, per entity set, what it showed (see sampleKey).
type staticCache struct {
	img     *ebiten.Image
	cam     viz.Camera
	key     []int
	redraws int // times drawn, for the benchmark
}

// diffLineWidth widens lines and markers of difference maps, whose
// colours are the message.
const diffLineWidth = 1.6

// NewScene tessellates the run's geometry. O(total vertices).
func NewScene(r *viz.Run) *Scene {
	s := &Scene{Run: r, lineW: 1}
	if r.DiffBase != "" {
		s.lineW = diffLineWidth
	}
	origin := r.Bounds.Center()
	for _, set := range r.Sets {
		m := &mesh{origin: origin, fill: set.Shape == viz.ShapePolygon}
		for i := 0; i < set.Len(); i++ {
			switch set.Shape {
			case viz.ShapeLine:
				m.addLine(i, set.Lines[i], set.Width)
			case viz.ShapePoint:
				m.addMarker(i, set.Points[i], set.Width)
			case viz.ShapePolygon:
				m.addPolygon(i, set.Polys[i])
			}
		}
		s.meshes = append(s.meshes, m)
		s.colors = append(s.colors, make([]color.RGBA, set.Len()))
	}
	return s
}

// colorize sets every entity's colour of set k at time t.
func (s *Scene) colorize(k int, t float64) {
	set, cols := s.Run.Sets[k], s.colors[k]
	m := set.Colouring()
	if m == nil {
		for i := range cols {
			cols[i] = set.Static
		}
		return
	}
	row := m.Row(t)
	for i := range cols {
		v := math.NaN()
		if row != nil {
			v = float64(row[i])
		}
		cols[i] = m.ColorOf(v)
		if set.Shape == viz.ShapePolygon {
			cols[i].A = 220
		}
	}
}

// Draw draws the map at time t with the given layers on: the static
// layers (from the cache when unchanged), then the vehicles.
func (s *Scene) Draw(dst *ebiten.Image, cam *viz.Camera, t float64, on map[string]bool) {
	s.drawStatic(dst, cam, t, on)
	if on[viz.LayerTraffic] {
		s.vehicles = s.Run.Vehicles.At(t, s.vehicles)
		s.mk.draw(dst, cam, s.vehicles, 5*zoomWidth(cam)+2)
	}
}

// sampleKey says what set k shows at time t: -1 when its layer is off,
// else its colouring metric and sample index; equal keys draw equal
// pixels.
func (s *Scene) sampleKey(k int, t float64, on map[string]bool) int {
	set := s.Run.Sets[k]
	if !on[set.Layer] {
		return -1
	}
	m := set.Colouring()
	if m == nil {
		return 0
	}
	return (m.Sample(t)+2)*len(set.Metrics) + set.Color
}

// drawStatic copies the static layers to dst, redrawing them offscreen
// first when the camera or what a set shows changed.
func (s *Scene) drawStatic(dst *ebiten.Image, cam *viz.Camera, t float64, on map[string]bool) {
	s.key = s.key[:0]
	for k := range s.Run.Sets {
		s.key = append(s.key, s.sampleKey(k, t, on))
	}
	c := &s.base
	if c.img == nil || c.cam != *cam || !slices.Equal(c.key, s.key) {
		if c.img != nil && (c.cam.W != cam.W || c.cam.H != cam.H) {
			c.img.Deallocate()
			c.img = nil
		}
		if c.img == nil {
			c.img = ebiten.NewImage(cam.W, cam.H)
		}
		c.img.Fill(viz.ColBackground)
		for k := range s.Run.Sets {
			if s.key[k] < 0 {
				continue
			}
			s.colorize(k, t)
			s.meshes[k].draw(c.img, cam, s.colors[k], s.lineW*zoomWidth(cam))
		}
		c.cam, c.key = *cam, append(c.key[:0], s.key...)
		c.redraws++
	}
	dst.DrawImage(c.img, nil)
}

// zoomWidth grows line widths a little when zoomed in far (more than
// 2 px per metre), so streets keep a sense of width.
func zoomWidth(cam *viz.Camera) float32 {
	return float32(math.Max(1, math.Min(3, math.Sqrt(cam.Scale/2))))
}
