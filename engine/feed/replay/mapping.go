// Package replay reads recorded sensor feeds (CSV, JSONL) into time-ordered
// feed.Observations, following a declarative Mapping decoded from the
// scenario's feeds: section. No user code runs: every column, unit, time
// format and scale is data.
//
// Bad rows are never fatal: each is counted by kind (BadRows) and the first
// few are kept with file and line for the report. A CSV header without a
// column every row needs (time, sensor, entity, where) or without any of
// the value columns is an error, not a bad row: every row would be set
// aside, so the file or the mapping is wrong.
package replay

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // zones must resolve on machines without /usr/share/zoneinfo
)

// ErrMapping is returned (wrapped) for a mapping that cannot be used.
var ErrMapping = errors.New("replay: bad mapping")

// Mapping says how one recorded file becomes observations. A row yields one
// observation per entry of Values.
//
//   - name: aarhus-parking
//     file: data/aarhus_parking.csv
//     time: {column: updatetime, format: "2006-01-02 15:04:05", zone: Europe/Copenhagen}
//     sensor: [garagecode]
//     entity: {model: parking}
//     values:
//   - {column: totalspaces, quantity: capacity, unit: count}
//   - {column: vehiclecount, quantity: occupancy, unit: count}
type Mapping struct {
	Name   string      `yaml:"name" json:"name"`
	File   string      `yaml:"file" json:"file"`
	Format string      `yaml:"format" json:"format,omitempty"` // csv | jsonl; default from the file's extension
	Comma  string      `yaml:"comma" json:"comma,omitempty"`   // CSV field separator, one character; default ","
	Time   TimeColumn  `yaml:"time" json:"time"`
	Sensor []string    `yaml:"sensor" json:"sensor,omitempty"` // columns joined with "/" into the sensor id
	Entity EntityMap   `yaml:"entity" json:"entity"`
	Values []ValueMap  `yaml:"values" json:"values"`
	Where  []Condition `yaml:"where" json:"where,omitempty"` // rows not matching every condition are skipped (counted as "filtered")
	Start  string      `yaml:"start" json:"start,omitempty"` // scenario time 0, RFC 3339; default: the run's start, else the earliest observation
}

// TimeColumn says where a row's time is and how to read it.
type TimeColumn struct {
	Column string `yaml:"column" json:"column"`
	// Clock is an optional second column holding the time of day, appended
	// to Column's text with a space before parsing (e.g. Dundee's "End
	// Date" + "End Time"); Format must then cover both.
	Clock string `yaml:"clock" json:"clock,omitempty"`
	// Format is a Go time layout (e.g. "02/01/2006 15:04"), or one of
	// rfc3339, unix (s), unix_ms, excel (serial days since 1899-12-30).
	// Fractional seconds after the seconds field are accepted.
	Format string `yaml:"format" json:"format"`
	// Zone is the IANA zone of times without an offset (e.g.
	// "Europe/Copenhagen"); default UTC.
	Zone string `yaml:"zone" json:"zone,omitempty"`
}

// EntityMap names the twin entity of each row: Model, and the entity id
// from Column(s) (default: the sensor id) or the constant ID.
type EntityMap struct {
	Model  string   `yaml:"model" json:"model"`
	Column []string `yaml:"column" json:"column,omitempty"`
	ID     string   `yaml:"id" json:"id,omitempty"`
}

// ValueMap turns one column into one observation per row.
type ValueMap struct {
	Column   string  `yaml:"column" json:"column"`
	Quantity string  `yaml:"quantity" json:"quantity"`
	Unit     string  `yaml:"unit" json:"unit,omitempty"`
	Scale    float64 `yaml:"scale" json:"scale,omitempty"`   // value = raw*Scale + Offset; Scale 0 means 1
	Offset   float64 `yaml:"offset" json:"offset,omitempty"` //
	// Sensor and Entity override the row's sensor id and entity id for
	// this value (wide files with one column per sensor, e.g. SCADA).
	Sensor string `yaml:"sensor" json:"sensor,omitempty"`
	Entity string `yaml:"entity" json:"entity,omitempty"`
	// TimeOffsetS shifts this value's time, s (e.g. fill after emptying, 1 s
	// after fill before).
	TimeOffsetS float64 `yaml:"time_offset_s" json:"time_offset_s,omitempty"`
}

// Condition keeps a row only when column Column equals Equals (after
// trimming spaces).
type Condition struct {
	Column string `yaml:"column" json:"column"`
	Equals string `yaml:"equals" json:"equals"`
}

// timeParser is a compiled TimeColumn.
type timeParser struct {
	layout string
	loc    *time.Location
}

// columns lists the columns every row needs (time, clock, sensor, where,
// and entity columns unless the entity is a constant) and the value
// columns, of which a file needs one at least: a row missing one value
// still gives the others.
func (m *Mapping) columns() (needed, values []string) {
	needed = []string{m.Time.Column}
	if m.Time.Clock != "" {
		needed = append(needed, m.Time.Clock)
	}
	needed = append(needed, m.Sensor...)
	if m.Entity.ID == "" {
		needed = append(needed, m.Entity.Column...)
	}
	for _, w := range m.Where {
		needed = append(needed, w.Column)
	}
	for _, v := range m.Values {
		values = append(values, v.Column)
	}
	return needed, values
}

func quoteAll(s []string) []string {
	q := make([]string, len(s))
	for i, v := range s {
		q[i] = strconv.Quote(strings.TrimSpace(v))
	}
	return q
}

func (m *Mapping) validate() error {
	if m.File == "" {
		return fmt.Errorf("%w: %s: no file", ErrMapping, m.Name)
	}
	if m.Time.Column == "" {
		return fmt.Errorf("%w: %s: no time column", ErrMapping, m.Name)
	}
	if len(m.Values) == 0 {
		return fmt.Errorf("%w: %s: no values", ErrMapping, m.Name)
	}
	if m.Entity.Model == "" {
		return fmt.Errorf("%w: %s: no entity model", ErrMapping, m.Name)
	}
	for i, v := range m.Values {
		if v.Column == "" || v.Quantity == "" {
			return fmt.Errorf("%w: %s: values[%d]: column and quantity are required", ErrMapping, m.Name, i)
		}
		if len(m.Sensor) == 0 && v.Sensor == "" {
			return fmt.Errorf("%w: %s: values[%d]: no sensor column and no sensor id", ErrMapping, m.Name, i)
		}
	}
	if len(m.Comma) > 1 {
		return fmt.Errorf("%w: %s: comma %q is not one character", ErrMapping, m.Name, m.Comma)
	}
	return nil
}

func (tc TimeColumn) compile() (timeParser, error) {
	loc := time.UTC
	if tc.Zone != "" {
		l, err := time.LoadLocation(tc.Zone)
		if err != nil {
			return timeParser{}, fmt.Errorf("%w: time zone: %v", ErrMapping, err)
		}
		loc = l
	}
	layout := tc.Format
	if layout == "" {
		layout = "rfc3339"
	}
	return timeParser{layout: layout, loc: loc}, nil
}

// parse reads s as a time.
func (p timeParser) parse(s string) (time.Time, error) {
	switch p.layout {
	case "rfc3339":
		if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
			return t, nil
		}
		return time.ParseInLocation("2006-01-02T15:04:05", s, p.loc)
	case "unix", "unix_ms", "excel":
		f, err := parseFloat(s)
		if err != nil {
			return time.Time{}, err
		}
		switch p.layout {
		case "unix":
			return time.UnixMicro(int64(f * 1e6)).UTC(), nil
		case "unix_ms":
			return time.UnixMicro(int64(f * 1e3)).UTC(), nil
		}
		days := math.Floor(f)
		us := int64(math.Round((f - days) * 86400e6))
		return time.Date(1899, 12, 30+int(days), 0, 0, int(us/1e6), int(us%1e6)*1000, p.loc), nil
	}
	return time.ParseInLocation(p.layout, s, p.loc)
}
