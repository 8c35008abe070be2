// Package record writes what a run produces: columnar tables (entity tables
// with geometry and long time series) in CSV, Arrow IPC or GeoParquet, and
// the run manifest. Every file is written under a temporary name and renamed
// when complete, so a killed run never leaves a file that looks finished.
package record

import (
	"errors"
	"fmt"

	"github.com/paulmach/orb"
)

// ErrFormat is returned for an output format name that is not known.
var ErrFormat = errors.New("record: unknown format")

// Format is an output file format.
type Format int

// The output formats. CSV writes geometry as WKT; Arrow IPC and Parquet
// write it as WKB with GeoParquet / GeoArrow metadata.
const (
	FormatCSV Format = iota
	FormatArrow
	FormatParquet
)

// ParseFormat maps "csv", "arrow" and "parquet" to a Format.
func ParseFormat(name string) (Format, error) {
	switch name {
	case "csv":
		return FormatCSV, nil
	case "arrow", "ipc":
		return FormatArrow, nil
	case "parquet", "geoparquet":
		return FormatParquet, nil
	}
	return 0, fmt.Errorf("%w %q (want csv, arrow or parquet)", ErrFormat, name)
}

// Ext is the file name extension of the format, with its dot.
func (f Format) Ext() string {
	switch f {
	case FormatArrow:
		return ".arrow"
	case FormatParquet:
		return ".parquet"
	}
	return ".csv"
}

// String names the format as ParseFormat accepts it.
func (f Format) String() string {
	switch f {
	case FormatArrow:
		return "arrow"
	case FormatParquet:
		return "parquet"
	}
	return "csv"
}

// ColumnType is the type of a table column.
type ColumnType int

// Column types.
const (
	Int64 ColumnType = iota
	Float64
	String
	Bool
	Geometry // orb.Geometry in lon/lat (EPSG:4326)
)

// Column is one named, typed column. Exactly the slice matching Type is
// used. Valid, when not nil, marks which rows hold a value (false = null,
// written as an empty CSV field).
type Column struct {
	Name    string
	Unit    string // physical unit ("s", "m", "kW", "m3/s"); "" when none
	Type    ColumnType
	Ints    []int64
	Floats  []float64
	Strings []string
	Bools   []bool
	Geoms   []orb.Geometry
	Valid   []bool
}

// Len is the number of rows in the column.
func (c *Column) Len() int {
	switch c.Type {
	case Int64:
		return len(c.Ints)
	case Float64:
		return len(c.Floats)
	case String:
		return len(c.Strings)
	case Bool:
		return len(c.Bools)
	case Geometry:
		return len(c.Geoms)
	}
	return 0
}

func (c *Column) null(row int) bool {
	return c.Valid != nil && !c.Valid[row]
}

// Table is a named set of equally long columns. Tables are built by a model
// at the end of a run (or per chunk) and handed to WriteTable.
type Table struct {
	Name    string
	Columns []*Column
}

// NewTable returns an empty table called name (the file name without
// extension).
func NewTable(name string) *Table { return &Table{Name: name} }

// Int adds an int64 column and returns it.
func (t *Table) Int(name, unit string, vals []int64) *Column {
	return t.add(&Column{Name: name, Unit: unit, Type: Int64, Ints: vals})
}

// Float adds a float64 column and returns it.
func (t *Table) Float(name, unit string, vals []float64) *Column {
	return t.add(&Column{Name: name, Unit: unit, Type: Float64, Floats: vals})
}

// Str adds a string column and returns it.
func (t *Table) Str(name string, vals []string) *Column {
	return t.add(&Column{Name: name, Type: String, Strings: vals})
}

// BoolCol adds a bool column and returns it.
func (t *Table) BoolCol(name string, vals []bool) *Column {
	return t.add(&Column{Name: name, Type: Bool, Bools: vals})
}

// Geom adds a geometry column (lon/lat) and returns it.
func (t *Table) Geom(name string, vals []orb.Geometry) *Column {
	return t.add(&Column{Name: name, Type: Geometry, Geoms: vals})
}

func (t *Table) add(c *Column) *Column {
	t.Columns = append(t.Columns, c)
	return c
}

// Rows is the number of rows; it checks that all columns agree.
func (t *Table) Rows() (int, error) {
	if len(t.Columns) == 0 {
		return 0, nil
	}
	n := t.Columns[0].Len()
	for _, c := range t.Columns[1:] {
		if c.Len() != n {
			return 0, fmt.Errorf("record: table %s: column %s has %d rows, %s has %d",
				t.Name, c.Name, c.Len(), t.Columns[0].Name, n)
		}
		if c.Valid != nil && len(c.Valid) != n {
			return 0, fmt.Errorf("record: table %s: column %s: validity has %d rows, want %d",
				t.Name, c.Name, len(c.Valid), n)
		}
	}
	return n, nil
}
