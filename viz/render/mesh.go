package render

import (
	"citytwin/viz"
	"image"
	"image/color"
	"math"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/vector"
	"github.com/paulmach/orb"
)

// maxQuadsPerBatch keeps a batch's indices within DrawTriangles' uint16
// limit (ebiten.MaxIndicesCount).
const maxQuadsPerBatch = ebiten.MaxIndicesCount / 6

// whiteSrc is the 1×1 white source image every mesh is drawn from: the
// vertex colours give the colour.
var whiteSrc = func() *ebiten.Image {
	img := ebiten.NewImage(3, 3)
	img.Fill(color.White)
	return img.SubImage(image.Rect(1, 1, 2, 2)).(*ebiten.Image)
}()

// batch is one DrawTriangles call's worth of a mesh. Each vertex is a
// world point (mercator metres relative to the mesh origin) plus an offset
// in screen pixels, so lines and markers keep their pixel size at every
// zoom; ent is the entity the vertex belongs to (its colour).
type batch struct {
	wx, wy []float64
	ox, oy []float32
	ent    []int32
	verts  []ebiten.Vertex
	idx    []uint16
}

// mesh is static geometry tessellated once into batches. Drawing it maps
// the vertices through the camera and colours them per entity: O(vertices)
// per frame, with one draw call per batch.
type mesh struct {
	origin  orb.Point
	batches []*batch
	fill    bool // polygons: drawn with the non-zero fill rule
	op      ebiten.DrawTrianglesOptions
}

func (m *mesh) last(nv, ni int) *batch {
	if n := len(m.batches); n > 0 {
		b := m.batches[n-1]
		if len(b.verts)+nv <= 4*maxQuadsPerBatch && len(b.idx)+ni <= 6*maxQuadsPerBatch {
			return b
		}
	}
	b := &batch{}
	m.batches = append(m.batches, b)
	return b
}

func (b *batch) vertex(ent int, w orb.Point, ox, oy float32) {
	b.wx, b.wy = append(b.wx, w[0]), append(b.wy, w[1])
	b.ox, b.oy = append(b.ox, ox), append(b.oy, oy)
	b.ent = append(b.ent, int32(ent))
	b.verts = append(b.verts, ebiten.Vertex{SrcX: 1.5, SrcY: 1.5, ColorA: 1})
}

// addLine tessellates a polyline of width px as one quad per segment.
func (m *mesh) addLine(ent int, pts []orb.Point, width float32) {
	h := width / 2
	for i := 1; i < len(pts); i++ {
		p, q := pts[i-1], pts[i]
		dx, dy := q[0]-p[0], q[1]-p[1]
		l := math.Hypot(dx, dy)
		if l == 0 {
			continue
		}
		// screen y points down, so the screen normal of (dx, dy) is (dy, dx)/l
		nx, ny := float32(dy/l)*h, float32(dx/l)*h
		b := m.last(4, 6)
		base := uint16(len(b.verts))
		b.vertex(ent, m.local(p), nx, ny)
		b.vertex(ent, m.local(p), -nx, -ny)
		b.vertex(ent, m.local(q), nx, ny)
		b.vertex(ent, m.local(q), -nx, -ny)
		b.idx = append(b.idx, base, base+1, base+2, base+1, base+3, base+2)
	}
}

// addMarker adds a square marker of size px centred on p.
func (m *mesh) addMarker(ent int, p orb.Point, size float32) {
	h := size / 2
	b := m.last(4, 6)
	base := uint16(len(b.verts))
	w := m.local(p)
	b.vertex(ent, w, -h, -h)
	b.vertex(ent, w, h, -h)
	b.vertex(ent, w, -h, h)
	b.vertex(ent, w, h, h)
	b.idx = append(b.idx, base, base+1, base+2, base+1, base+3, base+2)
}

// addPolygon triangulates a polygon (with holes) for the non-zero fill
// rule using ebiten's vector path.
func (m *mesh) addPolygon(ent int, poly orb.Polygon) {
	var path vector.Path
	for _, ring := range poly {
		for i, p := range ring {
			w := m.local(p)
			if i == 0 {
				path.MoveTo(float32(w[0]), float32(-w[1]))
			} else {
				path.LineTo(float32(w[0]), float32(-w[1]))
			}
		}
		path.Close()
	}
	vs, is := path.AppendVerticesAndIndicesForFilling(nil, nil)
	if len(vs) == 0 || len(vs) > 4*maxQuadsPerBatch || len(is) > 6*maxQuadsPerBatch {
		return
	}
	b := m.last(len(vs), len(is))
	base := uint16(len(b.verts))
	for _, v := range vs {
		b.vertex(ent, orb.Point{float64(v.DstX), -float64(v.DstY)}, 0, 0)
	}
	for _, i := range is {
		b.idx = append(b.idx, base+i)
	}
}

func (m *mesh) local(p orb.Point) orb.Point { return orb.Point{p[0] - m.origin[0], p[1] - m.origin[1]} }

// draw maps the mesh through cam and draws it with colours per entity.
// scale multiplies the pixel offsets (line width, marker size).
func (m *mesh) draw(dst *ebiten.Image, cam *viz.Camera, colors []color.RGBA, scale float32) {
	cx, cy := cam.Center[0]-m.origin[0], cam.Center[1]-m.origin[1]
	hw, hh := float64(cam.W)/2, float64(cam.H)/2
	op := &m.op
	if m.fill {
		op.FillRule = ebiten.FillRuleNonZero
	}
	for _, b := range m.batches {
		for i := range b.verts {
			v := &b.verts[i]
			v.DstX = float32((b.wx[i]-cx)*cam.Scale+hw) + b.ox[i]*scale
			v.DstY = float32((cy-b.wy[i])*cam.Scale+hh) + b.oy[i]*scale
			c := colors[b.ent[i]]
			v.ColorR, v.ColorG, v.ColorB, v.ColorA = float32(c.R)/255, float32(c.G)/255, float32(c.B)/255, float32(c.A)/255
		}
		dst.DrawTriangles(b.verts, b.idx, whiteSrc, op)
	}
}

// vertexCount is the number of vertices in the mesh.
func (m *mesh) vertexCount() int {
	n := 0
	for _, b := range m.batches {
		n += len(b.verts)
	}
	return n
}

// markers is a dynamic batch of square markers (the vehicles), rebuilt
// every frame into reused slices: one textured quad per point (the
// outlined square of markerSprite), all in one draw call per
// maxQuadsPerBatch points.
type markers struct {
	verts []ebiten.Vertex
	idx   []uint16
	op    ebiten.DrawTrianglesOptions
}

// markerSide is the side of markerSprite's square, px: a 1 px outline
// around a 5 px fill.
const markerSide = 7

// markerSprite is a white square with a black outline, drawn scaled onto
// each vehicle's quad (nearest filter): one quad per vehicle instead of an
// outline quad and a fill quad, half the triangles for the rasterizer. It
// is a sub-image with a transparent margin so that sampling its edge never
// reads a neighbour on ebiten's texture atlas.
var markerSprite = func() *ebiten.Image {
	img := ebiten.NewImage(markerSide+2, markerSide+2)
	img.SubImage(image.Rect(1, 1, markerSide+1, markerSide+1)).(*ebiten.Image).Fill(color.RGBA{0, 0, 0, 255})
	img.SubImage(image.Rect(2, 2, markerSide, markerSide)).(*ebiten.Image).Fill(viz.ColVehicle)
	return img.SubImage(image.Rect(1, 1, markerSide+1, markerSide+1)).(*ebiten.Image)
}()

// draw draws markerSprite scaled to side px centred on each point.
func (mk *markers) draw(dst *ebiten.Image, cam *viz.Camera, pts []viz.VehicleAt, side float32) {
	h := side / 2
	for start := 0; start < len(pts); start += maxQuadsPerBatch {
		end := min(len(pts), start+maxQuadsPerBatch)
		mk.verts, mk.idx = mk.verts[:0], mk.idx[:0]
		for i := start; i < end; i++ {
			x, y := cam.ToScreen(pts[i].P)
			fx, fy := float32(x), float32(y)
			base := uint16(len(mk.verts))
			for _, c := range [4][2]float32{{0, 0}, {1, 0}, {0, 1}, {1, 1}} {
				mk.verts = append(mk.verts, ebiten.Vertex{DstX: fx - h + 2*h*c[0], DstY: fy - h + 2*h*c[1],
					SrcX: 1 + markerSide*c[0], SrcY: 1 + markerSide*c[1], ColorR: 1, ColorG: 1, ColorB: 1, ColorA: 1})
			}
			mk.idx = append(mk.idx, base, base+1, base+2, base+1, base+3, base+2)
		}
		dst.DrawTriangles(mk.verts, mk.idx, markerSprite, &mk.op)
	}
}
