package render

import (
	"image/color"

	"citytwin/viz"

	"github.com/hajimehoshi/ebiten/v2"
)

// rects draws the panels' filled rectangles and colour ramps from reused
// vertex buffers: one DrawTriangles each, no allocation (vector's paths
// allocate on every call). The game loop is single-threaded, and so is
// this scratch.
var rects struct {
	verts []ebiten.Vertex
	idx   []uint16
	op    ebiten.DrawTrianglesOptions
}

// vertexOf is a vertex at (x, y) of colour c (straight alpha) sampling the
// white source.
func vertexOf(x, y float32, c color.RGBA) ebiten.Vertex {
	return ebiten.Vertex{DstX: x, DstY: y, SrcX: 1.5, SrcY: 1.5,
		ColorR: float32(c.R) / 255, ColorG: float32(c.G) / 255, ColorB: float32(c.B) / 255, ColorA: float32(c.A) / 255}
}

// fillRect fills the rectangle at (x, y) of size w×h px with c.
func fillRect(dst *ebiten.Image, x, y, w, h float32, c color.RGBA) {
	rects.verts = append(rects.verts[:0], vertexOf(x, y, c), vertexOf(x+w, y, c), vertexOf(x, y+h, c), vertexOf(x+w, y+h, c))
	rects.idx = append(rects.idx[:0], 0, 1, 2, 1, 3, 2)
	dst.DrawTriangles(rects.verts, rects.idx, whiteSrc, &rects.op)
}

// fillRamp draws ramp r left to right in the rectangle at (x, y) of size
// w×h px: one quad per pair of stops, the colours interpolated between
// them as viz.Ramp.At does.
func fillRamp(dst *ebiten.Image, x, y, w, h float32, r viz.Ramp) {
	if len(r) < 2 {
		fillRect(dst, x, y, w, h, r.At(0))
		return
	}
	rects.verts, rects.idx = rects.verts[:0], rects.idx[:0]
	for i := 0; i < len(r)-1; i++ {
		x0 := x + w*float32(i)/float32(len(r)-1)
		x1 := x + w*float32(i+1)/float32(len(r)-1)
		base := uint16(len(rects.verts))
		rects.verts = append(rects.verts, vertexOf(x0, y, r[i]), vertexOf(x1, y, r[i+1]), vertexOf(x0, y+h, r[i]), vertexOf(x1, y+h, r[i+1]))
		rects.idx = append(rects.idx, base, base+1, base+2, base+1, base+3, base+2)
	}
	dst.DrawTriangles(rects.verts, rects.idx, whiteSrc, &rects.op)
}
