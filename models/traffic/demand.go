package traffic

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
)

// ErrInput is wrapped by every error about a malformed demand file.
var ErrInput = errors.New("traffic: bad input")

// TripLL is a trip given by coordinates: depart at DepartS (s) from
// (FromLon, FromLat) to (ToLon, ToLat), degrees WGS84.
type TripLL struct {
	ID               string
	DepartS          float64
	FromLon, FromLat float64
	ToLon, ToLat     float64
}

// tripColumns is the header of a trips file.
var tripColumns = []string{"id", "depart_s", "from_lon", "from_lat", "to_lon", "to_lat"}

// ReadTrips reads a trips CSV with the header
// id,depart_s,from_lon,from_lat,to_lon,to_lat (more columns are ignored).
// Errors name the file (name), the line and the field.
func ReadTrips(r io.Reader, name string) ([]TripLL, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("%w: %s: line 1: %v", ErrInput, name, err)
	}
	col := map[string]int{}
	for k, h := range head {
		col[strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))] = k
	}
	idx := make([]int, len(tripColumns))
	for k, c := range tripColumns {
		j, ok := col[c]
		if !ok {
			return nil, fmt.Errorf("%w: %s: line 1: missing column %q", ErrInput, name, c)
		}
		idx[k] = j
	}
	var out []TripLL
	seen := map[string]int{}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, fmt.Errorf("%w: %s: line %d: %v", ErrInput, name, pe.StartLine, pe.Err)
			}
			return nil, fmt.Errorf("%w: %s: %v", ErrInput, name, err)
		}
		line, _ := cr.FieldPos(0)
		t, err := parseTrip(rec, idx)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: line %d: %v", ErrInput, name, line, err)
		}
		if prev, dup := seen[t.ID]; dup {
			return nil, fmt.Errorf("%w: %s: line %d: id %q already on line %d", ErrInput, name, line, t.ID, prev)
		}
		seen[t.ID] = line
		out = append(out, t)
	}
}

func parseTrip(rec []string, idx []int) (TripLL, error) {
	var t TripLL
	var v [5]float64
	for k, j := range idx {
		if j >= len(rec) {
			return t, fmt.Errorf("field %s: missing", tripColumns[k])
		}
		if k == 0 {
			t.ID = strings.TrimSpace(rec[j])
			if t.ID == "" {
				return t, fmt.Errorf("field id: empty")
			}
			continue
		}
		x, err := strconv.ParseFloat(strings.TrimSpace(rec[j]), 64)
		if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
			return t, fmt.Errorf("field %s: %q is not a number", tripColumns[k], rec[j])
		}
		v[k-1] = x
	}
	t.DepartS, t.FromLon, t.FromLat, t.ToLon, t.ToLat = v[0], v[1], v[2], v[3], v[4]
	switch {
	case t.DepartS < 0:
		return t, fmt.Errorf("field depart_s: %g is negative", t.DepartS)
	case math.Abs(t.FromLon) > 180 || math.Abs(t.ToLon) > 180:
		return t, fmt.Errorf("field from_lon/to_lon: longitude out of range")
	case math.Abs(t.FromLat) > 90 || math.Abs(t.ToLat) > 90:
		return t, fmt.Errorf("field from_lat/to_lat: latitude out of range")
	}
	return t, nil
}

// WriteTrips writes trips in the format ReadTrips reads.
func WriteTrips(w io.Writer, trips []TripLL) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(tripColumns); err != nil {
		return err
	}
	f := func(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }
	for _, t := range trips {
		if err := cw.Write([]string{t.ID, f(t.DepartS), f(t.FromLon), f(t.FromLat), f(t.ToLon), f(t.ToLat)}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// Snapper finds the edge nearest a lon/lat point and the offset along it
// (m); ok is false when there is none. city.City.SnapLonLat fits, through
// SnapCity.
type Snapper func(lon, lat float64) (edge int32, offsetM float64, ok bool)

// SnapTrips turns coordinate trips into edge trips. A trip whose ends do
// not snap is an error naming it.
func SnapTrips(trips []TripLL, snap Snapper) ([]Trip, error) {
	out := make([]Trip, 0, len(trips))
	for _, t := range trips {
		fe, fo, ok1 := snap(t.FromLon, t.FromLat)
		te, to, ok2 := snap(t.ToLon, t.ToLat)
		if !ok1 || !ok2 {
			return nil, fmt.Errorf("%w: trip %s: no road near its origin or destination", ErrInput, t.ID)
		}
		out = append(out, Trip{ID: t.ID, DepartS: t.DepartS, From: fe, FromPosM: fo, To: te, ToPosM: to})
	}
	return out, nil
}

// ErrDemand is wrapped by every error of DrawTrips: a count, duration or
// distance it cannot honour.
var ErrDemand = errors.New("traffic: bad demand")

// ErrMinDist is wrapped by DrawTrips' error when a trip finds no origin
// and destination at the least distance; it wraps ErrDemand.
var ErrMinDist = fmt.Errorf("%w: no origin and destination far enough apart", ErrDemand)

// MaxRandomTrips is the most trips DrawTrips draws in one call.
const MaxRandomTrips = 10_000_000

// minDistTries is how many origin-destination pairs a trip of
// RandomTrips draws before it keeps its last pair, short or not;
// strictDistTries is how many a trip of DrawTrips draws before it gives up
// with ErrMinDist (pairs far enough apart may be rare, not absent: on a
// 1 km2 extract, 1.1 km apart is about 1 draw in 40).
const (
	minDistTries    = 100
	strictDistTries = 100_000
)

// RandomTrips draws n trips departing uniformly within [0, durationS):
// origin and destination are points on edges drawn with probability
// proportional to edge length (so uniform over the road length), at least
// minDistM apart in a straight line, returned as coordinates (the middle
// of the drawn stretch). usable restricts the edges drawn (nil = all).
// The draws come from rng; the trips are sorted by departure.
//
// RandomTrips checks nothing: a trip that finds no pair minDistM apart in
// 100 draws keeps its last pair, and n <= 0 gives no trips. DrawTrips is
// the same draw with its arguments checked.
func RandomTrips(net *Network, n int, durationS, minDistM float64, usable []bool, rng *rand.Rand) []TripLL {
	if n < 0 {
		n = 0
	}
	trips, _ := drawTrips(net, n, durationS, minDistM, usable, rng, false)
	return trips
}

// DrawTrips is RandomTrips with its arguments checked: it returns an
// error wrapping ErrDemand, and no trips, when n is negative or above
// MaxRandomTrips, durationS is negative or not finite, minDistM is
// negative or not finite, no edge is usable, or a trip finds no origin and
// destination minDistM apart in 100,000 draws (ErrMinDist). Where every
// trip finds its pair within 100 draws, the trips equal RandomTrips' with
// the same rng; where one needs more, DrawTrips goes on drawing and keeps
// the limit, RandomTrips keeps a shorter pair. It costs O(n log n + m) for
// m edges plus the draws.
func DrawTrips(net *Network, n int, durationS, minDistM float64, usable []bool, rng *rand.Rand) ([]TripLL, error) {
	switch {
	case n < 0 || n > MaxRandomTrips:
		return nil, fmt.Errorf("%w: %d trips: want 0 to %d", ErrDemand, n, MaxRandomTrips)
	case !(durationS >= 0) || math.IsInf(durationS, 0):
		return nil, fmt.Errorf("%w: departure window %g s: want a finite time >= 0", ErrDemand, durationS)
	case !(minDistM >= 0) || math.IsInf(minDistM, 0):
		return nil, fmt.Errorf("%w: least distance %g m: want a finite distance >= 0", ErrDemand, minDistM)
	}
	return drawTrips(net, n, durationS, minDistM, usable, rng, true)
}

// drawTrips is RandomTrips; strict makes a trip without a pair minDistM
// apart, or a network without usable road, an error.
func drawTrips(net *Network, n int, durationS, minDistM float64, usable []bool, rng *rand.Rand, strict bool) ([]TripLL, error) {
	m := net.NumEdges()
	cum := make([]float64, m)
	total := 0.0
	for e := 0; e < m; e++ {
		if usable == nil || usable[e] {
			total += net.LengthM[e]
		}
		cum[e] = total
	}
	if total == 0 {
		if strict && n > 0 {
			return nil, fmt.Errorf("%w: no usable road to draw trips on", ErrDemand)
		}
		return nil, nil
	}
	draw := func() (float64, float64) {
		x := rng.Float64() * total
		e := int32(searchFloat(cum, x))
		pos := net.LengthM[e] * (0.2 + 0.6*rng.Float64())
		return net.pointAt(e, pos)
	}
	dep := make([]float64, n)
	for k := range dep {
		dep[k] = math.Round(rng.Float64()*durationS*10) / 10
	}
	slices.Sort(dep)
	out := make([]TripLL, 0, n)
	for k := 0; k < n; k++ {
		var ax, ay, bx, by float64
		found := false
		tries := minDistTries
		if strict {
			tries = strictDistTries
		}
		for try := 0; try < tries; try++ {
			ax, ay = draw()
			bx, by = draw()
			if math.Hypot(bx-ax, by-ay) >= minDistM {
				found = true
				break
			}
		}
		if strict && !found {
			return nil, fmt.Errorf("%w: trip r%d: none %g m apart in %d draws", ErrMinDist, k, minDistM, strictDistTries)
		}
		out = append(out, tripAt(net, k, dep[k], ax, ay, bx, by))
	}
	return out, nil
}

// tripAt is trip r<k> from (ax, ay) to (bx, by), planar m, as coordinates
// rounded to 1e-7 degrees.
func tripAt(net *Network, k int, departS, ax, ay, bx, by float64) TripLL {
	t := TripLL{ID: "r" + strconv.Itoa(k), DepartS: departS, FromLon: ax, FromLat: ay, ToLon: bx, ToLat: by}
	if net.LonLat != nil {
		t.FromLon, t.FromLat = net.LonLat(ax, ay)
		t.ToLon, t.ToLat = net.LonLat(bx, by)
	}
	t.FromLon, t.FromLat = round7(t.FromLon), round7(t.FromLat)
	t.ToLon, t.ToLat = round7(t.ToLon), round7(t.ToLat)
	return t
}

func round7(x float64) float64 { return math.Round(x*1e7) / 1e7 }

// searchFloat is the first index with cum[i] > x.
func searchFloat(cum []float64, x float64) int {
	lo, hi := 0, len(cum)-1
	for lo < hi {
		mid := (lo + hi) / 2
		if cum[mid] > x {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo
}
