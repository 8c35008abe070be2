package viz

import (
	"fmt"
	"image/color"
	"math"
)

// Ramp is a colour scale: stops spaced evenly over [0, 1], linearly
// interpolated in sRGB.
type Ramp []color.RGBA

// The ramps of the layers. Each layer keeps to its own hues where it can,
// so that overlapping layers stay readable.
var (
	rampSpeed     = Ramp{{200, 40, 40, 255}, {235, 150, 40, 255}, {230, 220, 70, 255}, {60, 180, 80, 255}}   // slow red .. free green
	rampFlow      = Ramp{{250, 240, 170, 255}, {245, 160, 60, 255}, {200, 50, 50, 255}, {120, 20, 60, 255}}  // light .. heavy
	rampOccupancy = Ramp{{60, 180, 80, 255}, {230, 220, 70, 255}, {220, 60, 50, 255}}                        // free .. full
	rampLoading   = Ramp{{190, 160, 255, 255}, {160, 90, 230, 255}, {230, 60, 150, 255}, {255, 30, 30, 255}} // light .. overloaded (violet)
	rampVoltage   = Ramp{{255, 120, 40, 255}, {255, 235, 200, 255}, {110, 170, 255, 255}}                    // low .. nominal .. high
	rampWaterFlow = Ramp{{150, 230, 240, 255}, {40, 170, 220, 255}, {20, 80, 200, 255}}                      // small .. large flow
	rampPressure  = Ramp{{230, 70, 70, 255}, {110, 220, 230, 255}, {40, 110, 230, 255}}                      // low .. high pressure
)

// The fixed colours of the map.
var (
	ColBackground = color.RGBA{22, 26, 34, 255}
	ColBuilding   = color.RGBA{52, 57, 68, 255}
	ColNoData     = color.RGBA{95, 100, 112, 255}
	ColCarPark    = color.RGBA{70, 120, 200, 255}
	ColCharger    = color.RGBA{80, 230, 200, 255}
	ColBin        = color.RGBA{180, 140, 90, 255}
	ColVehicle    = color.RGBA{255, 255, 255, 255}
	ColPanel      = color.RGBA{10, 12, 18, 210}
	ColText       = color.RGBA{235, 235, 235, 255}
	ColSelect     = color.RGBA{255, 255, 0, 255}
)

// At is the ramp's colour at f (clamped to [0, 1]); NaN gives the no-data
// colour.
func (r Ramp) At(f float64) color.RGBA {
	if math.IsNaN(f) || len(r) == 0 {
		return ColNoData
	}
	f = math.Max(0, math.Min(1, f))
	x := f * float64(len(r)-1)
	i := int(x)
	if i >= len(r)-1 {
		return r[len(r)-1]
	}
	a, b, w := r[i], r[i+1], x-float64(i)
	mix := func(p, q uint8) uint8 { return uint8(math.Round(float64(p) + w*(float64(q)-float64(p)))) }
	return color.RGBA{mix(a.R, b.R), mix(a.G, b.G), mix(a.B, b.B), 255}
}

// ColorOf maps a value of the metric onto its ramp.
func (m *Metric) ColorOf(v float64) color.RGBA {
	if math.IsNaN(v) {
		return ColNoData
	}
	if m.Hi == m.Lo {
		return m.Ramp.At(0.5)
	}
	return m.Ramp.At((v - m.Lo) / (m.Hi - m.Lo))
}

// FormatValue prints a value with 3 significant digits (whole numbers
// from 1000 to 10^7), "-" for NaN.
func FormatValue(x float64) string {
	if math.IsNaN(x) {
		return "-"
	}
	if a := math.Abs(x); a >= 1000 && a < 1e7 {
		return fmt.Sprintf("%.0f", x)
	}
	return fmt.Sprintf("%.3g", x)
}
