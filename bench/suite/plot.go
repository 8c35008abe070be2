package suite

import (
	"fmt"
	"image/color"

	"citytwin/bench/scale"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// palette colours the series of a curve.
var palette = []color.Color{
	color.RGBA{R: 0x1f, G: 0x77, B: 0xb4, A: 0xff},
	color.RGBA{R: 0xd6, G: 0x27, B: 0x28, A: 0xff},
	color.RGBA{R: 0x2c, G: 0xa0, B: 0x2c, A: 0xff},
}

// plotCurve draws c (each series against X, lines with points, log-log
// when X spans more than a factor 20) and writes it to path as PNG.
func plotCurve(c scale.Curve, path string) error {
	p := plot.New()
	p.Title.Text = c.Title
	p.X.Label.Text = c.XLabel
	p.Y.Label.Text = c.YLabel
	if spans(c.X) && allPositive(c) {
		p.X.Scale, p.Y.Scale = plot.LogScale{}, plot.LogScale{}
		p.X.Tick.Marker, p.Y.Tick.Marker = plot.LogTicks{Prec: -1}, plot.LogTicks{Prec: -1}
	}
	for k, ys := range c.Y {
		pts := make(plotter.XYs, len(c.X))
		for i := range c.X {
			pts[i].X, pts[i].Y = c.X[i], ys[i]
		}
		line, points, err := plotter.NewLinePoints(pts)
		if err != nil {
			return fmt.Errorf("suite: plot %s: %w", c.Name, err)
		}
		line.Color, points.Color = palette[k%len(palette)], palette[k%len(palette)]
		p.Add(line, points)
		if k < len(c.YNames) {
			p.Legend.Add(c.YNames[k], line, points)
		}
	}
	p.Legend.Top = true
	p.Legend.Left = true
	return p.Save(6*vg.Inch, 4*vg.Inch, path)
}

func spans(x []float64) bool {
	lo, hi := x[0], x[0]
	for _, v := range x {
		lo, hi = min(lo, v), max(hi, v)
	}
	return lo > 0 && hi/lo > 20
}

func allPositive(c scale.Curve) bool {
	for _, ys := range c.Y {
		for _, y := range ys {
			if !(y > 0) {
				return false
			}
		}
	}
	return true
}
