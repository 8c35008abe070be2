package viz

import (
	"fmt"
	"math"
	"slices"
	"sort"

	"github.com/paulmach/orb"
)

// Vehicles is the positions table arranged for playback: one snapshot per
// sample time, each sorted by vehicle number, positions in mercator metres.
type Vehicles struct {
	Times []float64 // sample times, s after the start
	start []int     // snapshot k is rows start[k]:start[k+1]
	veh   []int64
	x, y  []float64
	speed []float32 // m/s
	ids   []string
}

// vehicleRow is one positions row while sorting.
type vehicleRow struct {
	t     float64
	veh   int64
	p     orb.Point
	speed float64
	id    string
}

func loadVehicles(r *Run) error {
	t, found, err := ReadTable(r.Dir, "positions")
	if err != nil || !found {
		return err
	}
	cols := map[string][]float64{}
	for _, c := range []string{"t_s", "vehicle", "lon", "lat", "speed_mps"} {
		if cols[c], err = t.Floats(c); err != nil {
			return fmt.Errorf("viz: %s: %w", t.Path, err)
		}
	}
	ids := make([]string, t.Rows)
	if t.Has("id") {
		if ids, err = t.Strings("id"); err != nil {
			return fmt.Errorf("viz: %s: %w", t.Path, err)
		}
	}
	rows := make([]vehicleRow, 0, t.Rows)
	for i := 0; i < t.Rows; i++ {
		if math.IsNaN(cols["t_s"][i]) || math.IsNaN(cols["lon"][i]) || math.IsNaN(cols["lat"][i]) {
			continue
		}
		rows = append(rows, vehicleRow{t: cols["t_s"][i], veh: int64(cols["vehicle"][i]),
			p: mercator(orb.Point{cols["lon"][i], cols["lat"][i]}), speed: cols["speed_mps"][i], id: ids[i]})
	}
	r.Vehicles = newVehicles(rows)
	return nil
}

func newVehicles(rows []vehicleRow) *Vehicles {
	slices.SortStableFunc(rows, func(a, b vehicleRow) int {
		if a.t != b.t {
			if a.t < b.t {
				return -1
			}
			return 1
		}
		return int(a.veh - b.veh)
	})
	v := &Vehicles{}
	for i, row := range rows {
		if i == 0 || row.t != rows[i-1].t {
			v.Times = append(v.Times, row.t)
			v.start = append(v.start, i)
		}
		v.veh = append(v.veh, row.veh)
		v.x, v.y = append(v.x, row.p[0]), append(v.y, row.p[1])
		v.speed = append(v.speed, float32(row.speed))
		v.ids = append(v.ids, row.id)
	}
	v.start = append(v.start, len(rows))
	return v
}

// MaxCount is the largest number of vehicles in one snapshot.
func (v *Vehicles) MaxCount() int {
	n := 0
	for k := range v.Times {
		n = max(n, v.start[k+1]-v.start[k])
	}
	return n
}

// VehicleAt is one vehicle's interpolated state.
type VehicleAt struct {
	Veh   int64
	ID    string
	P     orb.Point
	Speed float64
}

// At appends to dst the vehicles on the road at time t, their positions
// interpolated linearly between the snapshots around t. A vehicle in the
// earlier snapshot but not the later one stays where it was last seen
// until the later snapshot's time. O(n) in the snapshot size.
func (v *Vehicles) At(t float64, dst []VehicleAt) []VehicleAt {
	dst = dst[:0]
	if v == nil || len(v.Times) == 0 {
		return dst
	}
	k := sort.SearchFloat64s(v.Times, math.Nextafter(t, math.Inf(1))) - 1
	if k < 0 {
		return dst
	}
	a0, a1 := v.start[k], v.start[k+1]
	if k+1 >= len(v.Times) {
		for i := a0; i < a1; i++ {
			dst = append(dst, v.row(i))
		}
		return dst
	}
	w := (t - v.Times[k]) / (v.Times[k+1] - v.Times[k])
	b, b1 := v.start[k+1], v.start[k+2]
	for i := a0; i < a1; i++ {
		for b < b1 && v.veh[b] < v.veh[i] {
			b++
		}
		at := v.row(i)
		if b < b1 && v.veh[b] == v.veh[i] {
			at.P = orb.Point{v.x[i] + w*(v.x[b]-v.x[i]), v.y[i] + w*(v.y[b]-v.y[i])}
			at.Speed += w * (float64(v.speed[b]) - at.Speed)
		}
		dst = append(dst, at)
	}
	return dst
}

func (v *Vehicles) row(i int) VehicleAt {
	return VehicleAt{Veh: v.veh[i], ID: v.ids[i], P: orb.Point{v.x[i], v.y[i]}, Speed: float64(v.speed[i])}
}

// History is one vehicle's speed over its snapshots (NaN when absent).
func (v *Vehicles) History(veh int64) []float64 {
	out := make([]float64, len(v.Times))
	for k := range v.Times {
		out[k] = math.NaN()
		a0, a1 := v.start[k], v.start[k+1]
		j := a0 + sort.Search(a1-a0, func(j int) bool { return v.veh[a0+j] >= veh })
		if j < a1 && v.veh[j] == veh {
			out[k] = float64(v.speed[j]) * 3.6
		}
	}
	return out
}
