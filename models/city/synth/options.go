package synth

import (
	"errors"
	"fmt"
	"math"
)

// Layout is the kind of street network.
type Layout uint8

// Layouts: a straight lattice, or a perturbed one (see the package doc).
const (
	Grid Layout = iota
	Organic
)

// String is the layout's name as ParseLayout reads it.
func (l Layout) String() string {
	if l == Organic {
		return "organic"
	}
	return "grid"
}

// ParseLayout reads "grid" or "organic".
func ParseLayout(s string) (Layout, error) {
	switch s {
	case "grid":
		return Grid, nil
	case "organic":
		return Organic, nil
	}
	return Grid, fmt.Errorf("%w: layout %q: want grid or organic", ErrOptions, s)
}

// ErrOptions is wrapped by the errors of invalid Options.
var ErrOptions = errors.New("synth: bad options")

// Options say what city to generate. The zero values of the optional
// fields take the defaults of Defaults.
type Options struct {
	Seed   uint64
	Layout Layout
	// TargetEdges is the number of directed road edges asked for; the
	// generated city has the nearest count the lattice allows (within a
	// few per cent for more than a few hundred edges). Either TargetEdges
	// or AreaKm2 must be set; TargetEdges wins when both are.
	TargetEdges int
	// AreaKm2 is the area of the street lattice, km², when TargetEdges is 0.
	AreaKm2 float64

	BlockM        float64 // intersection spacing, m (default 120)
	ArterialEvery int     // an arterial every this many blocks (default 5)
	PrimaryEvery  int     // every this many arterial lines is primary, two lanes each way (default 2; 1 = all)
	OneWayShare   float64 // share of residential segments that are one-way (default 0.15; capped by connectivity)
	Jitter        float64 // Organic: intersection displacement, share of BlockM (default 0.25)
	DropShare     float64 // Organic: share of residential segments left out (default 0.1)
	LotM          float64 // building frontage, m (default 25)
	// Centre of the city, degrees (default 12.0 E, 55.0 N: a latitude like
	// the Danish extracts', in the sea west of Zealand).
	Lon0, Lat0 float64
}

// Defaults fills the zero fields of o with the documented defaults.
func Defaults(o Options) Options {
	def := func(v *float64, d float64) {
		if *v == 0 {
			*v = d
		}
	}
	def(&o.BlockM, 120)
	def(&o.OneWayShare, 0.15)
	def(&o.LotM, 25)
	def(&o.Lon0, 12.0)
	def(&o.Lat0, 55.0)
	if o.Layout == Organic {
		def(&o.Jitter, 0.25)
		def(&o.DropShare, 0.1)
	}
	if o.ArterialEvery == 0 {
		o.ArterialEvery = 5
	}
	if o.PrimaryEvery == 0 {
		o.PrimaryEvery = 2
	}
	return o
}

// check reports the first invalid option.
func (o Options) check() error {
	switch {
	case o.TargetEdges < 0 || o.TargetEdges > 50_000_000:
		return fmt.Errorf("%w: target edges %d: want 0 to 5e7", ErrOptions, o.TargetEdges)
	case o.TargetEdges == 0 && !(o.AreaKm2 > 0 && o.AreaKm2 < 1e5):
		return fmt.Errorf("%w: want target edges > 0 or an area in (0, 1e5) km², got %g", ErrOptions, o.AreaKm2)
	case !(o.BlockM >= 30 && o.BlockM <= 2000):
		return fmt.Errorf("%w: block %g m: want 30 to 2000", ErrOptions, o.BlockM)
	case o.ArterialEvery < 1:
		return fmt.Errorf("%w: arterial every %d blocks: want >= 1", ErrOptions, o.ArterialEvery)
	case o.PrimaryEvery < 1:
		return fmt.Errorf("%w: primary every %d arterials: want >= 1", ErrOptions, o.PrimaryEvery)
	case !(o.OneWayShare >= 0 && o.OneWayShare <= 1):
		return fmt.Errorf("%w: one-way share %g: want 0 to 1", ErrOptions, o.OneWayShare)
	case !(o.Jitter >= 0 && o.Jitter <= 0.4):
		return fmt.Errorf("%w: jitter %g: want 0 to 0.4", ErrOptions, o.Jitter)
	case !(o.DropShare >= 0 && o.DropShare <= 0.5):
		return fmt.Errorf("%w: drop share %g: want 0 to 0.5", ErrOptions, o.DropShare)
	case !(o.LotM >= 8 && o.LotM <= o.BlockM):
		return fmt.Errorf("%w: lot %g m: want 8 m to the block size", ErrOptions, o.LotM)
	case !(math.Abs(o.Lat0) <= 80 && math.Abs(o.Lon0) <= 179):
		return fmt.Errorf("%w: centre %g,%g: want |lat| <= 80, |lon| <= 179", ErrOptions, o.Lon0, o.Lat0)
	}
	return nil
}

// side is the number of intersections per side for the asked area.
func (o Options) sideForArea() int {
	return max(2, int(math.Round(math.Sqrt(o.AreaKm2)*1000/o.BlockM))+1)
}
