package viz

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
	"github.com/paulmach/orb/encoding/wkt"
)

// ErrColumn is returned when a table lacks a column the viewer needs or
// holds a value of the wrong type in it.
var ErrColumn = errors.New("viz: bad column")

// Table is a results table read back for display: columns by name, each
// decoded lazily into the type the viewer asks for. It reads what
// engine/record writes: Arrow IPC files, GeoParquet and CSV (WKT geometry).
type Table struct {
	Name string
	Path string
	Rows int
	cols map[string]column
}

// column is one column of any file format: text cells (CSV) or an Arrow
// array chunk list.
type column struct {
	text   []string
	chunks []arrow.Array
}

// tableExts are the file extensions tried, in order, for a table name.
var tableExts = []string{".arrow", ".parquet", ".csv"}

// ReadTable reads the table called name in run folder dir, whatever its
// format. found is false (and err nil) when the run has no such table.
func ReadTable(dir, name string) (t *Table, found bool, err error) {
	for _, ext := range tableExts {
		path := filepath.Join(dir, name+ext)
		if _, err := os.Stat(path); err != nil {
			continue
		}
		switch ext {
		case ".arrow":
			t, err = readArrow(path)
		case ".parquet":
			t, err = readParquet(path)
		default:
			t, err = readCSVFile(path)
		}
		if err != nil {
			return nil, true, fmt.Errorf("viz: %s: %w", path, err)
		}
		t.Name, t.Path = name, path
		return t, true, nil
	}
	return nil, false, nil
}

func readCSVFile(path string) (*Table, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ReadCSV(f)
}

// ReadCSV reads a CSV table with a header row, as engine/record writes it.
func ReadCSV(r io.Reader) (*Table, error) {
	cr := csv.NewReader(r)
	cr.ReuseRecord = false
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	cells := make([][]string, len(header))
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		for i := range header {
			cells[i] = append(cells[i], rec[i])
		}
	}
	t := &Table{cols: make(map[string]column, len(header))}
	for i, name := range header {
		t.cols[name] = column{text: cells[i]}
		t.Rows = len(cells[i])
	}
	return t, nil
}

// ErrCorrupt is returned for a table file whose contents contradict
// themselves (arrow-go does not check buffer offsets when it reads IPC
// files, and panics on them; we turn that into this error).
var ErrCorrupt = errors.New("viz: corrupt table file")

// guard turns a panic of the Arrow library on corrupt input into
// ErrCorrupt in *err.
func guard(err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("%w: %v", ErrCorrupt, r)
	}
}

func readArrow(path string) (t *Table, err error) {
	defer guard(&err)
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if err := checkArrowFooter(f); err != nil {
		return nil, err
	}
	fr, err := ipc.NewFileReader(f, ipc.WithAllocator(memory.NewGoAllocator()))
	if err != nil {
		return nil, err
	}
	defer fr.Close()
	var recs []arrow.RecordBatch
	for i := 0; i < fr.NumRecords(); i++ {
		rec, err := fr.RecordBatch(i)
		if err != nil {
			return nil, fmt.Errorf("record batch %d: %w", i, err)
		}
		// The IPC reader takes each array's length from the file as it is:
		// one that disagrees with its batch is a corrupt file.
		for j, col := range rec.Columns() {
			if int64(col.Len()) != rec.NumRows() {
				return nil, fmt.Errorf("%w: record batch %d: column %d has %d values for %d rows", ErrCorrupt, i, j, col.Len(), rec.NumRows())
			}
		}
		rec.Retain()
		recs = append(recs, rec)
	}
	return tableFromBatches(fr.Schema(), recs), nil
}

func tableFromBatches(schema *arrow.Schema, recs []arrow.RecordBatch) *Table {
	t := &Table{cols: map[string]column{}}
	for i, field := range schema.Fields() {
		var c column
		for _, rec := range recs {
			c.chunks = append(c.chunks, rec.Column(i))
		}
		t.cols[field.Name] = c
	}
	for _, rec := range recs {
		t.Rows += int(rec.NumRows())
	}
	return t
}

func readParquet(path string) (t *Table, err error) {
	defer guard(&err)
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	pf, err := file.NewParquetReader(f, file.WithReadProps(parquet.NewReaderProperties(nil)))
	if err != nil {
		return nil, err
	}
	// The Arrow schema stored in the file's metadata is an IPC message,
	// read by the same unchecked code as an Arrow file's footer.
	if s := pf.MetaData().KeyValueMetadata().FindValue("ARROW:schema"); s != nil {
		if err := checkArrowSchemaMeta(*s); err != nil {
			return nil, err
		}
	}
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{}, memory.NewGoAllocator())
	if err != nil {
		return nil, err
	}
	tbl, err := fr.ReadTable(context.Background())
	if err != nil {
		return nil, err
	}
	t = &Table{cols: map[string]column{}, Rows: int(tbl.NumRows())}
	for i, field := range tbl.Schema().Fields() {
		t.cols[field.Name] = column{chunks: tbl.Column(i).Data().Chunks()}
	}
	return t, nil
}

// Has reports whether the table has the named column.
func (t *Table) Has(name string) bool {
	_, ok := t.cols[name]
	return ok
}

// First returns the first of names that the table has, or "".
func (t *Table) First(names ...string) string {
	for _, n := range names {
		if t.Has(n) {
			return n
		}
	}
	return ""
}

func (t *Table) col(name string) (column, error) {
	c, ok := t.cols[name]
	if !ok {
		return c, fmt.Errorf("%w: table %s has no column %q", ErrColumn, t.Name, name)
	}
	return c, nil
}

// Floats decodes a numeric column (float, integer or boolean) as float64;
// nulls and empty cells are NaN.
func (t *Table) Floats(name string) (_ []float64, err error) {
	defer guard(&err)
	c, err := t.col(name)
	if err != nil {
		return nil, err
	}
	out := make([]float64, 0, min(t.Rows, 1<<20))
	if c.chunks == nil {
		for r, s := range c.text {
			if s == "" {
				out = append(out, math.NaN())
				continue
			}
			v, err := strconv.ParseFloat(s, 64)
			if err != nil {
				if b, berr := strconv.ParseBool(s); berr == nil {
					v = boolFloat(b)
				} else {
					return nil, fmt.Errorf("%w: table %s: row %d: column %s: %v", ErrColumn, t.Name, r+1, name, err)
				}
			}
			out = append(out, v)
		}
		return out, nil
	}
	for _, ch := range c.chunks {
		for r := 0; r < ch.Len(); r++ {
			v, err := arrowFloat(ch, r)
			if err != nil {
				return nil, fmt.Errorf("%w: table %s: column %s: %v", ErrColumn, t.Name, name, err)
			}
			out = append(out, v)
		}
	}
	return out, nil
}

func boolFloat(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func arrowFloat(a arrow.Array, r int) (float64, error) {
	if a.IsNull(r) {
		return math.NaN(), nil
	}
	switch a := a.(type) {
	case *array.Float64:
		return a.Value(r), nil
	case *array.Float32:
		return float64(a.Value(r)), nil
	case *array.Int64:
		return float64(a.Value(r)), nil
	case *array.Int32:
		return float64(a.Value(r)), nil
	case *array.Boolean:
		return boolFloat(a.Value(r)), nil
	case *array.String:
		return strconv.ParseFloat(a.Value(r), 64)
	}
	return 0, fmt.Errorf("type %s is not numeric", a.DataType())
}

// Strings decodes a column as text (numbers formatted); nulls are "".
func (t *Table) Strings(name string) (_ []string, err error) {
	defer guard(&err)
	c, err := t.col(name)
	if err != nil {
		return nil, err
	}
	if c.chunks == nil {
		return c.text, nil
	}
	out := make([]string, 0, min(t.Rows, 1<<20))
	for _, ch := range c.chunks {
		for r := 0; r < ch.Len(); r++ {
			if ch.IsNull(r) {
				out = append(out, "")
				continue
			}
			out = append(out, ch.ValueStr(r))
		}
	}
	return out, nil
}

// Geoms decodes a geometry column (WKB in Arrow and Parquet, WKT in CSV);
// nulls are nil.
func (t *Table) Geoms(name string) (_ []orb.Geometry, err error) {
	defer guard(&err)
	c, err := t.col(name)
	if err != nil {
		return nil, err
	}
	out := make([]orb.Geometry, 0, min(t.Rows, 1<<20))
	if c.chunks == nil {
		for r, s := range c.text {
			if s == "" {
				out = append(out, nil)
				continue
			}
			g, err := wkt.Unmarshal(s)
			if err != nil {
				return nil, fmt.Errorf("%w: table %s: row %d: column %s: %v", ErrColumn, t.Name, r+1, name, err)
			}
			out = append(out, g)
		}
		return out, nil
	}
	for _, ch := range c.chunks {
		bin, ok := ch.(*array.Binary)
		if !ok {
			return nil, fmt.Errorf("%w: table %s: column %s: type %s is not WKB", ErrColumn, t.Name, name, ch.DataType())
		}
		for r := 0; r < bin.Len(); r++ {
			if bin.IsNull(r) {
				out = append(out, nil)
				continue
			}
			g, err := wkb.Unmarshal(bin.Value(r))
			if err != nil {
				return nil, fmt.Errorf("%w: table %s: column %s: row %d: %v", ErrColumn, t.Name, name, len(out)+1, err)
			}
			out = append(out, g)
		}
	}
	return out, nil
}
