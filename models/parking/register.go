package parking

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/paulmach/orb"

	"citytwin/models/city"
)

// ErrRegister is wrapped by every error of ReadRegister and
// PlaceRegister.
var ErrRegister = errors.New("parking: bad car-park register")

// RegisterColumns are the columns of a car-park register (a file may
// order them freely). The package doc describes each.
var RegisterColumns = []string{"id", "name", "lon", "lat", "capacity", "chargers", "charger_kw", "kind"}

// RegisterEntry is one row of a car-park register.
type RegisterEntry struct {
	ID        string
	Name      string
	LonLat    orb.Point // degrees (WGS84)
	Capacity  int       // bays
	Chargers  int       // charging bays among them
	ChargerKW float64   // power of each charging point, kW
	Kind      FacilityKind
	Line      int // line of the file it came from
}

// maxRegisterRows bounds a register, so that a corrupt file cannot
// exhaust memory.
const maxRegisterRows = 1_000_000

// ReadRegister reads a car-park register (CSV with a header naming the
// RegisterColumns, each exactly once, in any order). It is strict: an
// unknown, missing or repeated column, a row with the wrong number of
// fields, an unreadable or out-of-range value or a repeated id is an
// error wrapping ErrRegister that names file:line:column and the field.
// name is the file name used in errors.
func ReadRegister(r io.Reader, name string) ([]RegisterEntry, error) {
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		if err == io.EOF {
			return nil, fmt.Errorf("%w: %s:1:1: empty file, want a header %s", ErrRegister, name, strings.Join(RegisterColumns, ","))
		}
		return nil, csvError(name, err)
	}
	col, err := registerHeader(header)
	if err != nil {
		return nil, fmt.Errorf("%w: %s:1:%v", ErrRegister, name, err)
	}
	var out []RegisterEntry
	seen := map[string]int{}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, csvError(name, err)
		}
		line, _ := cr.FieldPos(0)
		if len(out) >= maxRegisterRows {
			return nil, fmt.Errorf("%w: %s:%d:1: more than %d rows", ErrRegister, name, line, maxRegisterRows)
		}
		e, err := parseRegisterRow(rec, col, line)
		if err != nil {
			return nil, fmt.Errorf("%w: %s:%v", ErrRegister, name, err)
		}
		if first, dup := seen[e.ID]; dup {
			return nil, fmt.Errorf("%w: %s:%d:%d: id: %q already on line %d", ErrRegister, name, line, col[0]+1, e.ID, first)
		}
		seen[e.ID] = line
		out = append(out, e)
	}
}

// csvError turns an encoding/csv error into a register error with its
// position.
func csvError(name string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("%w: %s:%d:%d: %v", ErrRegister, name, pe.Line, pe.Column, pe.Err)
	}
	return fmt.Errorf("%w: %s: %v", ErrRegister, name, err)
}

// registerHeader maps each of RegisterColumns to its index in the header;
// the error starts with the 1-based column.
func registerHeader(header []string) ([]int, error) {
	col := make([]int, len(RegisterColumns))
	for i := range col {
		col[i] = -1
	}
	for j, h := range header {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		i := slices.Index(RegisterColumns, h)
		if i < 0 {
			return nil, fmt.Errorf("%d: unknown column %q (want %s)", j+1, h, strings.Join(RegisterColumns, ","))
		}
		if col[i] >= 0 {
			return nil, fmt.Errorf("%d: column %q repeated", j+1, h)
		}
		col[i] = j
	}
	for i, c := range col {
		if c < 0 {
			return nil, fmt.Errorf("1: missing column %q", RegisterColumns[i])
		}
	}
	return col, nil
}

// parseRegisterRow reads one row; the error starts with line:column.
func parseRegisterRow(rec []string, col []int, line int) (RegisterEntry, error) {
	e := RegisterEntry{Line: line}
	field := func(i int) string { return strings.TrimSpace(rec[col[i]]) }
	fail := func(i int, format string, args ...any) error {
		return fmt.Errorf("%d:%d: %s: %s", line, col[i]+1, RegisterColumns[i], fmt.Sprintf(format, args...))
	}
	if e.ID = field(0); e.ID == "" {
		return e, fail(0, "empty")
	}
	e.Name = field(1)
	lon, err := strconv.ParseFloat(field(2), 64)
	if err != nil || math.IsNaN(lon) || lon < -180 || lon > 180 {
		return e, fail(2, "%q is not a longitude in degrees (-180..180)", field(2))
	}
	lat, err := strconv.ParseFloat(field(3), 64)
	if err != nil || math.IsNaN(lat) || lat < -90 || lat > 90 {
		return e, fail(3, "%q is not a latitude in degrees (-90..90)", field(3))
	}
	e.LonLat = orb.Point{lon, lat}
	if e.Capacity, err = strconv.Atoi(field(4)); err != nil || e.Capacity < 1 || e.Capacity > 100_000 {
		return e, fail(4, "%q is not a number of bays (1..100000)", field(4))
	}
	if e.Chargers, err = strconv.Atoi(field(5)); err != nil || e.Chargers < 0 || e.Chargers > e.Capacity {
		return e, fail(5, "%q is not a number of charging bays (0..capacity %d)", field(5), e.Capacity)
	}
	if kw := field(6); kw != "" || e.Chargers > 0 {
		e.ChargerKW, err = strconv.ParseFloat(kw, 64)
		if err != nil || !(e.ChargerKW > 0) || e.ChargerKW > 1000 || e.Chargers == 0 {
			return e, fail(6, "%q is not a charging power in kW (0 < kW <= 1000; empty when there are no chargers)", kw)
		}
	}
	switch field(7) {
	case "car_park":
		e.Kind = CarPark
	case "on_street":
		e.Kind = OnStreet
	case "charger":
		e.Kind = Charger
		if e.Chargers != e.Capacity {
			return e, fail(5, "a charger's bays are all charging bays: chargers %d, capacity %d", e.Chargers, e.Capacity)
		}
	default:
		return e, fail(7, "%q: want car_park, on_street or charger", field(7))
	}
	return e, nil
}

// RegisterMode says how a register combines with the city's supply.
type RegisterMode uint8

// The register modes.
const (
	// RegisterReplace drops the city's facilities of every kind the
	// register lists (e.g. all OSM car parks when it lists car parks) and
	// keeps the others.
	RegisterReplace RegisterMode = iota
	// RegisterAdd keeps every facility of the city and adds the register's.
	RegisterAdd
)

// ParseRegisterMode reads "replace" (or empty) and "add".
func ParseRegisterMode(s string) (RegisterMode, error) {
	switch s {
	case "", "replace":
		return RegisterReplace, nil
	case "add":
		return RegisterAdd, nil
	}
	return 0, fmt.Errorf("parking: register mode %q: want replace or add", s)
}

// MaxRegisterSnapM is how far a register entry may lie from the nearest
// drivable road of the city, m; farther, it is taken for a mistake (a
// car park of another city, swapped lon/lat) and rejected.
const MaxRegisterSnapM = 500

// PlaceRegister turns register entries into facilities of the city:
// each is projected to local metres and reached from its nearest
// drivable road edge. An entry farther than MaxRegisterSnapM from any
// road is an error naming its file line. Tagged is true: the capacity is
// the register's. An empty name becomes the id.
func PlaceRegister(c *city.City, entries []RegisterEntry, name string) ([]Facility, error) {
	out := make([]Facility, 0, len(entries))
	for _, e := range entries {
		edge, _, dist, ok := c.SnapLonLat(e.LonLat)
		if !ok || dist > MaxRegisterSnapM {
			return nil, fmt.Errorf("%w: %s:%d: %s at %.6f,%.6f is %.0f m from the nearest road of %s (limit %d m)",
				ErrRegister, name, e.Line, e.ID, e.LonLat[0], e.LonLat[1], dist, c.Name, MaxRegisterSnapM)
		}
		fname := e.Name
		if fname == "" {
			fname = e.ID
		}
		out = append(out, Facility{Name: fname, Kind: e.Kind, XY: c.Proj.ToXY(e.LonLat), LonLat: e.LonLat, Edge: edge,
			Capacity: e.Capacity, Chargers: e.Chargers, ChargerKW: e.ChargerKW, Tagged: true})
	}
	return out, nil
}

// MergeRegister combines the city's facilities with a register's under
// mode; the city's come first, in their order, then the register's.
func MergeRegister(fromCity, register []Facility, mode RegisterMode) []Facility {
	drop := map[FacilityKind]bool{}
	if mode == RegisterReplace {
		for _, f := range register {
			drop[f.Kind] = true
		}
	}
	out := make([]Facility, 0, len(fromCity)+len(register))
	for _, f := range fromCity {
		if !drop[f.Kind] {
			out = append(out, f)
		}
	}
	return append(out, register...)
}
