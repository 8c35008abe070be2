package cvrp

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
)

// Rounding says how distances computed from coordinates are rounded.
type Rounding int

const (
	// RoundAuto rounds as the EDGE_WEIGHT_TYPE prescribes (TSPLIB 95,
	// section 2): EUC_2D to the nearest integer, CEIL_2D up, ATT and GEO by
	// their own rules.
	RoundAuto Rounding = iota
	// RoundNone keeps real-valued distances, as the published costs of the
	// Christofides-Mingozzi-Toth instances assume.
	RoundNone
)

// ParseRounding parses "auto" or "none".
func ParseRounding(s string) (Rounding, error) {
	switch s {
	case "auto":
		return RoundAuto, nil
	case "none":
		return RoundNone, nil
	}
	return 0, fmt.Errorf("cvrp: rounding %q: want auto or none", s)
}

// weightFormats maps each EDGE_WEIGHT_FORMAT to its kind. The column-wise
// triangular formats list a symmetric matrix's triangle column by column,
// which is the opposite triangle read row by row.
var weightFormats = map[string]string{
	"FULL_MATRIX":    "FULL_MATRIX",
	"UPPER_ROW":      "UPPER_ROW",
	"LOWER_ROW":      "LOWER_ROW",
	"UPPER_DIAG_ROW": "UPPER_DIAG_ROW",
	"LOWER_DIAG_ROW": "LOWER_DIAG_ROW",
	"UPPER_COL":      "LOWER_ROW",
	"LOWER_COL":      "UPPER_ROW",
	"UPPER_DIAG_COL": "LOWER_DIAG_ROW",
	"LOWER_DIAG_COL": "UPPER_DIAG_ROW",
}

// weightCount returns how many numbers EDGE_WEIGHT_SECTION holds.
func weightCount(format string, dim int) (int, error) {
	switch weightFormats[format] {
	case "FULL_MATRIX":
		return dim * dim, nil
	case "UPPER_ROW", "LOWER_ROW":
		return dim * (dim - 1) / 2, nil
	case "UPPER_DIAG_ROW", "LOWER_DIAG_ROW":
		return dim * (dim + 1) / 2, nil
	}
	if format == "" {
		return 0, fmt.Errorf("EDGE_WEIGHT_FORMAT missing for EXPLICIT weights")
	}
	return 0, fmt.Errorf("unsupported EDGE_WEIGHT_FORMAT %q", format)
}

// explicitMatrix expands the weights into a full dim x dim matrix indexed by
// the file's node order.
func explicitMatrix(format string, dim int, w []float64) []float64 {
	m := make([]float64, dim*dim)
	k := 0
	set := func(i, j int) {
		m[i*dim+j], m[j*dim+i] = w[k], w[k]
		k++
	}
	switch weightFormats[format] {
	case "FULL_MATRIX":
		copy(m, w)
	case "UPPER_ROW":
		for i := 0; i < dim; i++ {
			for j := i + 1; j < dim; j++ {
				set(i, j)
			}
		}
	case "LOWER_ROW":
		for i := 0; i < dim; i++ {
			for j := 0; j < i; j++ {
				set(i, j)
			}
		}
	case "UPPER_DIAG_ROW":
		for i := 0; i < dim; i++ {
			for j := i; j < dim; j++ {
				set(i, j)
			}
		}
	case "LOWER_DIAG_ROW":
		for i := 0; i < dim; i++ {
			for j := 0; j <= i; j++ {
				set(i, j)
			}
		}
	}
	return m
}

// coordDistance returns the distance between two points under the TSPLIB
// edge weight type (Reinelt 1995, section 2.1-2.4), rounded or not.
func coordDistance(kind string, a, b [2]float64, round Rounding) float64 {
	dx, dy := a[0]-b[0], a[1]-b[1]
	switch kind {
	case "CEIL_2D":
		d := math.Sqrt(dx*dx + dy*dy)
		if round == RoundNone {
			return d
		}
		return math.Ceil(d)
	case "ATT":
		r := math.Sqrt((dx*dx + dy*dy) / 10)
		if round == RoundNone {
			return r
		}
		t := math.Round(r)
		if t < r {
			t++
		}
		return t
	case "GEO":
		return geoDistance(a, b, round)
	}
	d := math.Sqrt(dx*dx + dy*dy)
	if round == RoundNone {
		return d
	}
	return math.Floor(d + 0.5) // TSPLIB nint
}

// geoDistance is the TSPLIB GEO distance in km: coordinates are DDD.MM
// (degrees and minutes) on a sphere of radius 6378.388 km.
func geoDistance(a, b [2]float64, round Rounding) float64 {
	const pi, rrr = 3.141592, 6378.388
	rad := func(x float64) float64 {
		deg := math.Trunc(x)
		return pi * (deg + 5*(x-deg)/3) / 180
	}
	lati, longi := rad(a[0]), rad(a[1])
	latj, longj := rad(b[0]), rad(b[1])
	q1 := math.Cos(longi - longj)
	q2 := math.Cos(lati - latj)
	q3 := math.Cos(lati + latj)
	c := math.Max(-1, math.Min(1, 0.5*((1+q1)*q2-(1-q1)*q3)))
	d := rrr * math.Acos(c)
	if round == RoundNone {
		return d
	}
	if a == b {
		return 0
	}
	return math.Trunc(d + 1)
}

var fleetInName = regexp.MustCompile(`-k(\d+)$`)

// NameFleet returns the k of an instance named like "A-n32-k5", or 0.
func NameFleet(name string) int {
	m := fleetInName.FindStringSubmatch(strings.TrimSuffix(name, ".vrp"))
	if m == nil {
		return 0
	}
	k, err := strconv.Atoi(m[1])
	if err != nil {
		return 0
	}
	return k
}

// Instance builds the solver's instance: the depot becomes node 0 and the
// other nodes keep their file order as customers 1..N. Vehicles is taken
// from the VEHICLES keyword (0 if absent); callers decide other fleet
// conventions.
func (f *File) Instance(round Rounding) (*Instance, error) {
	dim := f.Dimension
	order := make([]int, 0, dim) // order[k] = file index of solver node k
	order = append(order, f.Depot)
	for i := 0; i < dim; i++ {
		if i != f.Depot {
			order = append(order, i)
		}
	}
	in := &Instance{Name: f.Name, N: dim - 1, Capacity: f.Capacity, MaxRouteDuration: f.Distance, Vehicles: f.Vehicles}
	in.Demand = make([]float64, dim)
	for k, i := range order {
		if k > 0 {
			in.Demand[k] = f.Demands[i]
		}
	}
	if f.ServiceTime > 0 {
		in.Service = make([]float64, dim)
		for k := 1; k < dim; k++ {
			in.Service[k] = f.ServiceTime
		}
	}
	if f.Coords != nil {
		in.Coords = make([][2]float64, dim)
		for k, i := range order {
			in.Coords[k] = f.Coords[i]
		}
	}
	in.Dist = make([]float64, dim*dim)
	if f.WeightType == "EXPLICIT" {
		m := explicitMatrix(f.WeightFormat, dim, f.Weights)
		for a, i := range order {
			for b, j := range order {
				in.Dist[a*dim+b] = m[i*dim+j]
			}
		}
	} else {
		for a := range order {
			for b := range order {
				if a != b {
					in.Dist[a*dim+b] = coordDistance(f.WeightType, in.Coords[a], in.Coords[b], round)
				}
			}
		}
	}
	for a := 0; a < dim; a++ {
		in.Dist[a*dim+a] = 0
	}
	if err := in.Validate(); err != nil {
		return nil, fmt.Errorf("vrp: %s: %w", f.Name, err)
	}
	return in, nil
}

// AutoFleet returns the fleet size the benchmark conventions assume: the
// VEHICLES keyword when present; otherwise, for the Augerat et al. (1995)
// sets A, B and P, whose best known costs assume exactly k vehicles, the k
// of the name ("A-n32-k5" has 5); otherwise 0, as many as needed (the
// Uchoa et al. 2017 X set and the Christofides et al. 1979 set).
func (f *File) AutoFleet() int {
	if f.Vehicles > 0 {
		return f.Vehicles
	}
	for _, prefix := range []string{"A-", "B-", "P-"} {
		if len(f.Name) > 2 && f.Name[:2] == prefix {
			return NameFleet(f.Name)
		}
	}
	return 0
}
