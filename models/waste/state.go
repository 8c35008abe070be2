package waste

import (
	"encoding/gob"
	"fmt"
	"io"

	"github.com/paulmach/orb"
)

// State is everything of the model that changes during a run, saved by
// checkpoints (gob).
type State struct {
	// per bin
	Fill       []float64 // true fill, share of the bin (0..1; overflowing waste is lost)
	RateL      []float64 // mean deposits per day, l
	Sensor     []bool
	FullSinceS []float64 // when the bin became full, s; -1 when not full
	Belief     []float64 // last reading, share
	BeliefS    []float64 // its time, s (NaN: never read)
	LastEmptyS []float64 // last emptying, s (negative: before the run)
	Reg        []Regression
	Planned    []bool // on a route not yet driven
	RateEst    []float64

	Trucks []Truck
	Day    int
	LegSeq int32

	Collections []Collection
	Routes      []RouteRecord

	// totals
	DriveM, DriveS, ServiceS      float64
	OverflowEvents, OverflowS     float64
	Readings, Dropouts, Observed  int64
	Rejected, Deferred, Timeouts  int64
	FillAtEmptySum, EmptiedVolume float64
}

// Regression holds the sums of a least-squares line through a bin's
// readings since its last emptying (t in hours since it).
type Regression struct{ N, T, Y, TT, TY float64 }

// Slope is the fitted fill rate, share per hour, and whether there were
// enough distinct readings.
func (r Regression) Slope() (float64, bool) {
	d := r.N*r.TT - r.T*r.T
	if r.N < 3 || d <= 1e-9 {
		return 0, false
	}
	return (r.N*r.TY - r.T*r.Y) / d, true
}

// Truck is one truck's progress along its route.
type Truck struct {
	Stops    []int32 // bins in route order; the depot follows the last
	Next     int     // index of the stop it is heading to (len(Stops): the depot)
	Edge     int32   // where it stands
	Busy     bool    // on a route
	Day      int     // the plan it drives (0 = the first)
	Driving  bool    // on a leg (false while serving a bin)
	Leg      int32   // current leg id (the vehicle id in traffic)
	LegFrom  int32
	StartS   float64
	DriveM   float64
	DriveS   float64
	ServiceS float64
	LoadL    float64
	Path     []orb.Point // lon/lat of the legs driven
}

// Collection is one emptying.
type Collection struct {
	TimeS   float64
	Bin     int32
	Truck   int32
	Fill    float64 // true fill before emptying, share
	Belief  float64 // the last reading, share (NaN without)
	VolumeL float64
}

// RouteRecord is one truck's day.
type RouteRecord struct {
	Day      int
	Truck    int32
	StartS   float64
	EndS     float64
	Stops    int
	DriveM   float64
	DriveS   float64
	ServiceS float64
	LoadL    float64
	Path     []orb.Point
}

func newState(n, fleet int) State {
	st := State{
		Fill: make([]float64, n), RateL: make([]float64, n), Sensor: make([]bool, n),
		FullSinceS: make([]float64, n), Belief: make([]float64, n), BeliefS: make([]float64, n),
		LastEmptyS: make([]float64, n), Reg: make([]Regression, n), Planned: make([]bool, n),
		RateEst: make([]float64, n), Trucks: make([]Truck, fleet),
	}
	for i := range st.FullSinceS {
		st.FullSinceS[i] = -1
	}
	return st
}

// SaveState implements engine.Stater.
func (m *Model) SaveState(w io.Writer) error {
	return gob.NewEncoder(w).Encode(&m.st)
}

// LoadState implements engine.Stater.
func (m *Model) LoadState(r io.Reader) error {
	var st State
	if err := gob.NewDecoder(r).Decode(&st); err != nil {
		return fmt.Errorf("waste: load state: %w", err)
	}
	if len(st.Fill) != len(m.bins) || len(st.Trucks) != m.cfg.Fleet {
		return fmt.Errorf("waste: load state: %d bins and %d trucks, this run has %d and %d",
			len(st.Fill), len(st.Trucks), len(m.bins), m.cfg.Fleet)
	}
	m.st = st
	return nil
}
