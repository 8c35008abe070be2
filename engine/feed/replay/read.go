package replay

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"citytwin/engine"
	"citytwin/engine/feed"
)

// Kinds of bad rows and values, as counted in BadRows.
const (
	BadSyntax   = "syntax"        // the line is not valid CSV / JSON
	BadMissing  = "missing_field" // a mapped column is absent from the row
	BadTime     = "bad_time"      // the time does not parse
	BadNoTime   = "empty_time"    // the time cell is empty (e.g. a session still open at export)
	BadEmptyVal = "empty_value"   // a value cell is empty (observation skipped, row kept)
	BadValue    = "bad_value"     // a value does not parse as a number
	Filtered    = "filtered"      // the row fails a where: condition (not an error)
	BeforeStart = "before_start"  // observation earlier than scenario time 0
)

// maxExamples is how many bad rows are kept with their message.
const maxExamples = 20

// BadRows counts rows and values set aside, by kind, and keeps the first
// few messages ("file:line: kind: detail").
type BadRows struct {
	Count    map[string]int `json:"count"`
	Examples []string       `json:"examples,omitempty"`
}

func (b *BadRows) add(kind, file string, line int, detail string) {
	if b.Count == nil {
		b.Count = map[string]int{}
	}
	b.Count[kind]++
	if kind != Filtered && len(b.Examples) < maxExamples {
		b.Examples = append(b.Examples, fmt.Sprintf("%s:%d: %s: %s", file, line, kind, detail))
	}
}

// Total is the number of bad rows and values of every kind but Filtered.
func (b *BadRows) Total() int {
	n := 0
	for k, c := range b.Count {
		if k != Filtered {
			n += c
		}
	}
	return n
}

// Recording is a whole feed file read into memory, sorted by time (stable:
// values of one row keep their mapping order). It is a feed.Source and a
// feed.Seeker.
type Recording struct {
	Name  string
	Obs   []feed.Observation
	Bad   BadRows
	Rows  int        // data rows read, good or bad
	Epoch feed.Epoch // absolute time of scenario time 0, µs since 1970 UTC
	pos   int
}

// Next implements feed.Source.
func (r *Recording) Next(o *feed.Observation) (bool, error) {
	if r.pos >= len(r.Obs) {
		return false, nil
	}
	*o = r.Obs[r.pos]
	r.pos++
	return true, nil
}

// Seek implements feed.Seeker.
func (r *Recording) Seek(n int) error {
	if n < 0 || n > len(r.Obs) {
		return fmt.Errorf("replay: %s: seek %d outside 0..%d", r.Name, n, len(r.Obs))
	}
	r.pos = n
	return nil
}

// row is one record of either format.
type row interface {
	get(col string) (string, bool)
}

// Load reads the file of m (relative to baseDir unless absolute). start is
// scenario time 0; if zero, m.Start, else the earliest observation.
func Load(m Mapping, baseDir string, start time.Time) (*Recording, error) {
	path := m.File
	if !filepath.IsAbs(path) {
		path = filepath.Join(baseDir, path)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("replay: %s: %w", m.Name, err)
	}
	defer f.Close()
	return Read(m, f, path, start)
}

// Read is Load from an open reader; name is used in messages.
func Read(m Mapping, r io.Reader, name string, start time.Time) (*Recording, error) {
	if err := m.validate(); err != nil {
		return nil, err
	}
	tp, err := m.Time.compile()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", m.Name, err)
	}
	if start.IsZero() && m.Start != "" {
		if start, err = time.Parse(time.RFC3339, m.Start); err != nil {
			return nil, fmt.Errorf("%w: %s: start: %v", ErrMapping, m.Name, err)
		}
	}
	rec := &Recording{Name: m.Name}
	c := converter{m: &m, tp: tp, rec: rec, file: name}
	format := m.Format
	if format == "" {
		format = "csv"
		if strings.HasSuffix(name, ".jsonl") || strings.HasSuffix(name, ".ndjson") {
			format = "jsonl"
		}
	}
	switch format {
	case "csv":
		err = c.readCSV(r)
	case "jsonl":
		err = c.readJSONL(r)
	default:
		return nil, fmt.Errorf("%w: %s: format %q (want csv or jsonl)", ErrMapping, m.Name, format)
	}
	if err != nil {
		return nil, err
	}
	rec.finish(start)
	return rec, nil
}

// finish sorts by absolute time, fixes the epoch and scenario times.
func (rec *Recording) finish(start time.Time) {
	slices.SortStableFunc(rec.Obs, func(a, b feed.Observation) int {
		return cmpInt(a.UnixMicro, b.UnixMicro)
	})
	switch {
	case !start.IsZero():
		rec.Epoch = feed.Epoch(start.UnixMicro())
	case len(rec.Obs) > 0:
		rec.Epoch = feed.Epoch(rec.Obs[0].UnixMicro)
	}
	kept := rec.Obs[:0]
	for _, o := range rec.Obs {
		o.Time = rec.Epoch.Time(o.UnixMicro)
		if o.Time < 0 {
			rec.Bad.add(BeforeStart, rec.Name, 0, o.Sensor)
			continue
		}
		kept = append(kept, o)
	}
	rec.Obs = kept
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// converter turns rows into observations.
type converter struct {
	m      *Mapping
	tp     timeParser
	rec    *Recording
	file   string
	intern feed.Interner
	buf    []byte
}

func (c *converter) readCSV(r io.Reader) error {
	cr := csv.NewReader(bufio.NewReader(r))
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	if c.m.Comma != "" {
		cr.Comma = rune(c.m.Comma[0])
	}
	head, err := cr.Read()
	if err != nil {
		return fmt.Errorf("replay: %s:1: header: %w", c.file, err)
	}
	cols := map[string]int{}
	for i, h := range head {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		if _, dup := cols[h]; !dup && h != "" {
			cols[h] = i
		}
	}
	has := func(col string) bool { _, ok := cols[col]; return ok }
	needed, values := c.m.columns()
	if slices.ContainsFunc(values, has) {
		values = nil // one value column is enough
	}
	var missing []string
	for _, col := range append(needed, values...) {
		if !has(col) && !slices.Contains(missing, col) {
			missing = append(missing, col)
		}
	}
	if len(missing) > 0 {
		// Every row would be set aside: a wrong file or mapping, not
		// dirty data.
		return fmt.Errorf("replay: %s:1: header lacks %s, which the mapping reads (it has %s)",
			c.file, strings.Join(quoteAll(missing), ", "), strings.Join(quoteAll(head), ", "))
	}
	cr2 := csvRow{cols: cols}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		line, _ := cr.FieldPos(0)
		c.rec.Rows++
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			c.rec.Bad.add(BadSyntax, c.file, pe.Line, pe.Err.Error())
			continue
		}
		if err != nil {
			return fmt.Errorf("replay: %s:%d: %w", c.file, line, err)
		}
		cr2.rec = rec
		c.convert(cr2, line)
	}
}

type csvRow struct {
	cols map[string]int
	rec  []string
}

func (r csvRow) get(col string) (string, bool) {
	i, ok := r.cols[col]
	if !ok || i >= len(r.rec) {
		return "", false
	}
	return strings.TrimSpace(r.rec[i]), true
}

func (c *converter) readJSONL(r io.Reader) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	line := 0
	for sc.Scan() {
		line++
		b := sc.Bytes()
		if len(strings.TrimSpace(string(b))) == 0 {
			continue
		}
		c.rec.Rows++
		var obj map[string]any
		if err := json.Unmarshal(b, &obj); err != nil {
			c.rec.Bad.add(BadSyntax, c.file, line, err.Error())
			continue
		}
		c.convert(jsonRow(obj), line)
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("replay: %s:%d: %w", c.file, line+1, err)
	}
	return nil
}

// jsonRow looks columns up by key; a dotted key ("value.v") walks into
// nested objects when the literal key is absent.
type jsonRow map[string]any

func (r jsonRow) get(col string) (string, bool) {
	v, ok := r[col]
	if !ok {
		var cur any = map[string]any(r)
		for _, part := range strings.Split(col, ".") {
			obj, isObj := cur.(map[string]any)
			if !isObj {
				return "", false
			}
			if cur, ok = obj[part]; !ok {
				return "", false
			}
		}
		v = cur
	}
	switch x := v.(type) {
	case string:
		return strings.TrimSpace(x), true
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64), true
	case bool:
		return strconv.FormatBool(x), true
	case nil:
		return "", true
	}
	return "", false
}

// convert appends the observations of one row.
func (c *converter) convert(r row, line int) {
	for _, cond := range c.m.Where {
		if v, _ := r.get(cond.Column); v != cond.Equals {
			c.rec.Bad.add(Filtered, c.file, line, cond.Column)
			return
		}
	}
	ts, ok := r.get(c.m.Time.Column)
	if !ok {
		c.rec.Bad.add(BadMissing, c.file, line, "column "+c.m.Time.Column)
		return
	}
	if c.m.Time.Clock != "" {
		clock, ok := r.get(c.m.Time.Clock)
		if !ok {
			c.rec.Bad.add(BadMissing, c.file, line, "column "+c.m.Time.Clock)
			return
		}
		ts += " " + clock
	}
	if strings.TrimSpace(ts) == "" {
		c.rec.Bad.add(BadNoTime, c.file, line, "column "+c.m.Time.Column)
		return
	}
	t, err := c.tp.parse(ts)
	if err != nil {
		c.rec.Bad.add(BadTime, c.file, line, fmt.Sprintf("%q: %v", ts, err))
		return
	}
	sensor := ""
	if len(c.m.Sensor) > 0 {
		if sensor, ok = c.join(r, c.m.Sensor); !ok {
			c.rec.Bad.add(BadMissing, c.file, line, "sensor column")
			return
		}
	}
	entity := sensor
	if c.m.Entity.ID != "" {
		entity = c.m.Entity.ID
	} else if len(c.m.Entity.Column) > 0 {
		if entity, ok = c.join(r, c.m.Entity.Column); !ok {
			c.rec.Bad.add(BadMissing, c.file, line, "entity column")
			return
		}
	}
	for i := range c.m.Values {
		c.value(r, line, &c.m.Values[i], t, sensor, entity)
	}
}

func (c *converter) value(r row, line int, vm *ValueMap, t time.Time, sensor, entity string) {
	s, ok := r.get(vm.Column)
	switch {
	case !ok:
		c.rec.Bad.add(BadMissing, c.file, line, "column "+vm.Column)
		return
	case s == "":
		c.rec.Bad.add(BadEmptyVal, c.file, line, "column "+vm.Column)
		return
	}
	v, err := parseFloat(s)
	if err != nil {
		c.rec.Bad.add(BadValue, c.file, line, fmt.Sprintf("column %s: %q", vm.Column, s))
		return
	}
	scale := vm.Scale
	if scale == 0 {
		scale = 1
	}
	if vm.Sensor != "" {
		sensor = c.intern.String(vm.Sensor)
	}
	if vm.Entity != "" {
		entity = c.intern.String(vm.Entity)
	} else if vm.Sensor != "" && c.m.Entity.ID == "" && len(c.m.Entity.Column) == 0 {
		entity = sensor
	}
	c.rec.Obs = append(c.rec.Obs, feed.Observation{
		Sensor:    sensor,
		Entity:    feed.Entity{Model: c.intern.String(c.m.Entity.Model), ID: entity, Index: -1},
		Quantity:  c.intern.String(vm.Quantity),
		Unit:      c.intern.String(vm.Unit),
		Value:     v*scale + vm.Offset,
		UnixMicro: t.UnixMicro() + engine.Seconds(vm.TimeOffsetS).Duration().Microseconds(),
		Quality:   feed.QAbsoluteTime,
	})
}

// join reads cols and joins them with "/" as one interned id.
func (c *converter) join(r row, cols []string) (string, bool) {
	c.buf = c.buf[:0]
	for i, col := range cols {
		v, ok := r.get(col)
		if !ok || v == "" {
			return "", false
		}
		if i > 0 {
			c.buf = append(c.buf, '/')
		}
		c.buf = append(c.buf, v...)
	}
	return c.intern.Intern(c.buf), len(cols) > 0
}

// parseFloat reads a number, refusing NaN and infinities spelled out.
func parseFloat(s string) (float64, error) {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, err
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("not a finite number: %q", s)
	}
	return v, nil
}
