package render

import (
	"citytwin/viz"
	"fmt"
	"image"
	"image/color"
	"math"
	"path/filepath"
	"strings"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/ebitenutil"
	"github.com/hajimehoshi/ebiten/v2/vector"

	"citytwin/engine/record"
)

// Text metrics of ebitenutil's debug font, px.
const (
	charW  = 6
	lineH  = 16
	margin = 8
)

// layerKeys are the number keys that toggle the layers, in viz.AllLayers
// order.
var layerKeys = []ebiten.Key{ebiten.Key1, ebiten.Key2, ebiten.Key3, ebiten.Key4, ebiten.Key5, ebiten.Key6, ebiten.Key7}

// sliderRect is the time slider's track on screen.
func (v *View) sliderRect() image.Rectangle {
	return image.Rect(margin*2, v.Cam.H-28, v.Cam.W-margin*2, v.Cam.H-20)
}

// layerRect is the row of layer i in the layer panel (clicking toggles).
func (v *View) layerRect(i int) image.Rectangle {
	y := margin + 3*lineH + i*lineH
	return image.Rect(margin, y, margin+22*charW, y+lineH)
}

func (v *View) drawUI(dst *ebiten.Image) {
	v.drawStatus(dst)
	v.drawLayers(dst)
	if v.ShowKPI {
		v.drawKPIs(dst)
	}
	v.drawSlider(dst)
	v.drawScaleBar(dst)
	v.drawAttribution(dst)
	if v.Sel != nil {
		v.drawInfo(dst)
	}
	if v.ShowHelp {
		v.drawHelp(dst)
	}
}

func panel(dst *ebiten.Image, x, y, w, h int) {
	fillRect(dst, float32(x), float32(y), float32(w), float32(h), viz.ColPanel)
}

func text(dst *ebiten.Image, s string, x, y int) { ebitenutil.DebugPrintAt(dst, s, x, y) }

// textWidth is the width of the longest line of s, px (the debug font
// draws one byte per cell).
func textWidth(s string) int {
	w := 0
	for _, l := range strings.Split(s, "\n") {
		w = max(w, len(l)*charW)
	}
	return w
}

func (v *View) drawStatus(dst *ebiten.Image) {
	r := v.Scene.Run
	state := "paused"
	if v.Playing {
		state = "playing"
	}
	s := fmt.Sprintf("%s  %s %s  %s x%g\nH: help", r.Manifest.Name, r.Start.Format("2006-01-02"), r.Clock(v.T), state, v.Speed)
	if r.DiffBase != "" {
		s = fmt.Sprintf("difference %s  %s %s\n%s: %s - %s", r.Manifest.Name, r.Start.Format("2006-01-02"), r.Clock(v.T),
			viz.DiffLabel, shortPath(r.Dir), shortPath(r.DiffBase))
	}
	panel(dst, margin, margin, textWidth(s)+margin, 2*lineH+4)
	text(dst, s, margin+4, margin)
}

// shortPath is the last two elements of a folder path (e.g.
// variant/seed-1), enough to tell the runs of a comparison apart.
func shortPath(p string) string {
	p = filepath.Clean(p)
	return filepath.Join(filepath.Base(filepath.Dir(p)), filepath.Base(p))
}

func (v *View) drawLayers(dst *ebiten.Image) {
	x, y := margin, margin+3*lineH
	var legend []legendRow
	for _, set := range v.Scene.Run.Sets {
		if v.On[set.Layer] {
			legend = append(legend, legendRow{set: set, diff: v.Scene.Run.DiffBase != ""})
		}
	}
	if v.On[viz.LayerTraffic] && v.Scene.Run.Vehicles != nil {
		legend = append(legend, legendRow{vehicles: true})
	}
	h := len(viz.AllLayers)*lineH + lineH + len(legend)*2*lineH + 8
	w := 34 * charW
	if v.Scene.Run.DiffBase != "" {
		w = 44 * charW
	}
	panel(dst, x, y-4, w, h)
	for i, l := range viz.AllLayers {
		mark := " "
		if v.On[l] {
			mark = "x"
		}
		text(dst, fmt.Sprintf("%d [%s] %s", i+1, mark, l), x+4, y+i*lineH)
	}
	y += len(viz.AllLayers)*lineH + lineH/2
	for _, row := range legend {
		row.draw(dst, x+4, y)
		y += 2 * lineH
	}
}

// legendRow is one legend entry: a ramp with its range, a swatch, or the
// vehicles.
type legendRow struct {
	set      *viz.Entities
	vehicles bool
	diff     bool // the metrics are differences: say of what
}

func (l legendRow) draw(dst *ebiten.Image, x, y int) {
	if l.vehicles {
		fillRect(dst, float32(x), float32(y+4), 8, 8, viz.ColVehicle)
		text(dst, "vehicle", x+14, y)
		return
	}
	m := l.set.Colouring()
	if m == nil {
		fillRect(dst, float32(x), float32(y+4), 8, 8, l.set.Static)
		text(dst, l.set.Kind, x+14, y)
		return
	}
	const w = 90
	fillRamp(dst, float32(x), float32(y+4), w, 8, m.Ramp)
	text(dst, fmt.Sprintf("%s %s", l.set.Kind, m.Name), x+w+6, y)
	scale := fmt.Sprintf("%s..%s %s", viz.FormatValue(m.Lo), viz.FormatValue(m.Hi), m.Unit)
	switch {
	case l.diff && m.Hi == 0:
		scale = "no difference, " + viz.DiffLabel
	case l.diff:
		scale = fmt.Sprintf("%s..+%s %s, %s", viz.FormatValue(m.Lo), viz.FormatValue(m.Hi), m.Unit, viz.DiffLabel)
	}
	text(dst, scale, x, y+lineH-2)
}

// kpiText is the KPI panel's text for a manifest and screen height,
// kept between frames: it changes only when the run is reloaded or the
// window resized.
type kpiText struct {
	of    *record.Manifest
	h     int
	text  string
	lines int
}

func (v *View) kpiPanel() (string, int) {
	m := v.Scene.Run.Manifest
	if v.kpi.of == m && v.kpi.h == v.Cam.H {
		return v.kpi.text, v.kpi.lines
	}
	var lines []string
	for _, model := range m.Models {
		head := "[" + model + "]"
		if v.Scene.Run.DiffBase != "" {
			head = "[" + model + ", " + viz.DiffLabel + "]"
		}
		lines = append(lines, head)
		for _, k := range m.KPIs[model] {
			lines = append(lines, fmt.Sprintf(" %-22s %9s %s", k.Name, viz.FormatValue(k.Value), k.Unit))
		}
	}
	maxLines := max(1, (v.Cam.H/2-2*margin)/lineH)
	if len(lines) > maxLines {
		lines = append(lines[:maxLines-1], " ...")
	}
	v.kpi = kpiText{of: m, h: v.Cam.H, text: strings.Join(lines, "\n"), lines: len(lines)}
	return v.kpi.text, v.kpi.lines
}

func (v *View) drawKPIs(dst *ebiten.Image) {
	s, lines := v.kpiPanel()
	w := textWidth(s)
	x := v.Cam.W - w - 2*margin
	panel(dst, x-4, margin, w+8, lines*lineH+4)
	text(dst, s, x, margin)
}

func (v *View) drawSlider(dst *ebiten.Image) {
	r := v.sliderRect()
	panel(dst, r.Min.X-margin, r.Min.Y-lineH-6, r.Dx()+2*margin, r.Dy()+lineH+16)
	fillRect(dst, float32(r.Min.X), float32(r.Min.Y), float32(r.Dx()), float32(r.Dy()), color.RGBA{70, 75, 90, 255})
	f := 0.0
	if d := v.Scene.Run.Duration; d > 0 {
		f = v.T / d
	}
	kx := float32(r.Min.X) + float32(f)*float32(r.Dx())
	fillRect(dst, float32(r.Min.X), float32(r.Min.Y), kx-float32(r.Min.X), float32(r.Dy()), color.RGBA{120, 160, 230, 255})
	fillRect(dst, kx-3, float32(r.Min.Y-4), 6, float32(r.Dy()+8), viz.ColText)
	run := v.Scene.Run
	text(dst, run.Clock(0), r.Min.X, r.Min.Y-lineH-4)
	end := run.Clock(run.Duration)
	text(dst, end, r.Max.X-textWidth(end), r.Min.Y-lineH-4)
}

// scaleBarLengths are the round ground lengths the scale bar picks from, m.
var scaleBarLengths = []float64{1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000}

func (v *View) drawScaleBar(dst *ebiten.Image) {
	pxPerGroundM := v.Cam.Scale / viz.GroundScale(v.Cam.Center[1])
	length := scaleBarLengths[0]
	for _, l := range scaleBarLengths {
		if l*pxPerGroundM <= 150 {
			length = l
		}
	}
	w := float32(length * pxPerGroundM)
	x, y := float32(2*margin), float32(v.Cam.H-62)
	label := fmt.Sprintf("%g m", length)
	if length >= 1000 {
		label = fmt.Sprintf("%g km", length/1000)
	}
	panel(dst, int(x)-4, int(y)-lineH-2, int(w)+textWidth(label)+16, lineH+12)
	fillRect(dst, x, y, w, 3, viz.ColText)
	fillRect(dst, x, y-6, 2, 9, viz.ColText)
	fillRect(dst, x+w-2, y-6, 2, 9, viz.ColText)
	text(dst, label, int(x+w)+6, int(y)-lineH/2-2)
}

func (v *View) drawAttribution(dst *ebiten.Image) {
	// The debug font is ASCII only: the "©" is a "c" in a ring.
	rest := strings.TrimPrefix(viz.Attribution, "©")
	w := 2*charW + textWidth(rest)
	x, y := v.Cam.W-w-2*margin, v.Cam.H-62-lineH/2
	panel(dst, x-4, y, w+8, lineH+2)
	vector.StrokeCircle(dst, float32(x+charW/2+1), float32(y+lineH/2+1), 5.5, 1, viz.ColText, true)
	text(dst, "c", x, y)
	text(dst, rest, x+2*charW-charW/2, y)
}

func (v *View) drawSelection(dst *ebiten.Image) {
	s := v.Sel
	if s == nil {
		return
	}
	if s.Set < 0 {
		for _, veh := range v.Scene.vehicles {
			if veh.Veh == s.Vehicle {
				x, y := v.Cam.ToScreen(veh.P)
				vector.StrokeCircle(dst, float32(x), float32(y), 8, 2, viz.ColSelect, true)
			}
		}
		return
	}
	set := v.Scene.Run.Sets[s.Set]
	switch set.Shape {
	case viz.ShapeLine:
		pts := set.Lines[s.Index]
		for j := 1; j < len(pts); j++ {
			ax, ay := v.Cam.ToScreen(pts[j-1])
			bx, by := v.Cam.ToScreen(pts[j])
			vector.StrokeLine(dst, float32(ax), float32(ay), float32(bx), float32(by), 5, viz.ColSelect, true)
		}
	default:
		x, y := v.Cam.ToScreen(set.Points[s.Index])
		vector.StrokeCircle(dst, float32(x), float32(y), 9, 2, viz.ColSelect, true)
	}
}

// chart size, px.
const chartW, chartH = 260, 90

func (v *View) drawInfo(dst *ebiten.Image) {
	txt, times, hist, metric := v.Info(v.Sel)
	lines := strings.Count(txt, "\n") + 1
	w := max(textWidth(txt), chartW) + 16
	h := lines*lineH + 8
	if len(hist) > 0 {
		h += chartH + lineH + 8
	}
	x, y := v.Cam.W-w-margin, v.Cam.H-80-h
	panel(dst, x, y, w, h)
	text(dst, txt, x+8, y+4)
	if len(hist) > 0 {
		cy := y + lines*lineH + 8
		text(dst, metric, x+8, cy)
		v.drawChart(dst, x+8, cy+lineH, times, hist)
	}
}

// drawChart draws a line chart of hist over times, with the current time
// marked.
func (v *View) drawChart(dst *ebiten.Image, x, y int, times, hist []float64) {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, h := range hist {
		if !math.IsNaN(h) {
			lo, hi = math.Min(lo, h), math.Max(hi, h)
		}
	}
	vector.StrokeRect(dst, float32(x), float32(y), chartW, chartH, 1, viz.ColNoData, false)
	if lo > hi {
		return
	}
	if hi == lo {
		hi, lo = hi+1, lo-1
	}
	t0, t1 := 0.0, math.Max(v.Scene.Run.Duration, times[len(times)-1])
	px := func(t float64) float32 { return float32(x) + float32((t-t0)/(t1-t0))*chartW }
	py := func(h float64) float32 { return float32(y) + chartH - float32((h-lo)/(hi-lo))*(chartH-4) - 2 }
	for k := 1; k < len(hist); k++ {
		if math.IsNaN(hist[k-1]) || math.IsNaN(hist[k]) {
			continue
		}
		vector.StrokeLine(dst, px(times[k-1]), py(hist[k-1]), px(times[k]), py(hist[k]), 1.5, viz.ColSelect, true)
	}
	if len(hist) == 1 || (len(hist) > 0 && !math.IsNaN(hist[0])) {
		fillRect(dst, px(times[0])-1, py(hist[0])-1, 3, 3, viz.ColSelect)
	}
	tx := px(v.T)
	vector.StrokeLine(dst, tx, float32(y), tx, float32(y+chartH), 1, viz.ColText, false)
	text(dst, viz.FormatValue(hi), x+chartW+2-textWidth(viz.FormatValue(hi))-4, y)
	text(dst, viz.FormatValue(lo), x+chartW+2-textWidth(viz.FormatValue(lo))-4, y+chartH-lineH)
}

func (v *View) drawHelp(dst *ebiten.Image) {
	s := viz.Controls
	w, h := textWidth(s)+16, (strings.Count(s, "\n")+1)*lineH+8
	x, y := (v.Cam.W-w)/2, (v.Cam.H-h)/2
	panel(dst, x, y, w, h)
	text(dst, s, x+8, y+4)
}
