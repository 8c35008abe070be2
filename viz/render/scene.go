package render

import (
	"citytwin/viz"
	"image/color"
	"math"

	"github.com/hajimehoshi/ebiten/v2"
)

// Scene is a loaded run with its static geometry tessellated once: one
// mesh per entity set, coloured per frame from the metrics at the current
// time. Not safe for concurrent use.
type Scene struct {
	Run      *viz.Run
	meshes   []*mesh
	colors   [][]color.RGBA
	vehicles []viz.VehicleAt
	mk       markers
	lineW    float32 // multiplies line widths and marker sizes
	base     baseCache
}

// baseCache is the background with the buildings drawn into an offscreen
// image, redrawn only when the camera moves: the buildings are the
// largest static fill and never change colour.
type baseCache struct {
	img *ebiten.Image
	cam viz.Camera
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

// Draw draws the map at time t with the given layers on: the background,
// each entity set in order, then the vehicles.
func (s *Scene) Draw(dst *ebiten.Image, cam *viz.Camera, t float64, on map[string]bool) {
	s.drawBase(dst, cam, on[viz.LayerBuildings])
	for k, set := range s.Run.Sets {
		if !on[set.Layer] || set.Layer == viz.LayerBuildings {
			continue
		}
		s.colorize(k, t)
		s.meshes[k].draw(dst, cam, s.colors[k], s.lineW*zoomWidth(cam))
	}
	if on[viz.LayerTraffic] {
		s.vehicles = s.Run.Vehicles.At(t, s.vehicles)
		size := 5 * zoomWidth(cam)
		s.mk.draw(dst, cam, s.vehicles, size+2, color.RGBA{0, 0, 0, 255})
		s.mk.draw(dst, cam, s.vehicles, size, viz.ColVehicle)
	}
}

// zoomWidth grows line widths a little when zoomed in far (more than
// 2 px per metre), so streets keep a sense of width.
func zoomWidth(cam *viz.Camera) float32 {
	return float32(math.Max(1, math.Min(3, math.Sqrt(cam.Scale/2))))
}

// drawBase fills dst with the background and, when on, the buildings,
// from the cache when the camera has not moved.
func (s *Scene) drawBase(dst *ebiten.Image, cam *viz.Camera, buildings bool) {
	if !buildings {
		dst.Fill(viz.ColBackground)
		return
	}
	if s.base.img == nil || s.base.cam != *cam {
		if s.base.img != nil && (s.base.cam.W != cam.W || s.base.cam.H != cam.H) {
			s.base.img.Deallocate()
			s.base.img = nil
		}
		if s.base.img == nil {
			s.base.img = ebiten.NewImage(cam.W, cam.H)
		}
		s.base.img.Fill(viz.ColBackground)
		for k, set := range s.Run.Sets {
			if set.Layer == viz.LayerBuildings {
				s.colorize(k, 0)
				s.meshes[k].draw(s.base.img, cam, s.colors[k], s.lineW*zoomWidth(cam))
			}
		}
		s.base.cam = *cam
	}
	dst.DrawImage(s.base.img, nil)
}
