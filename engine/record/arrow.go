package record

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
)

// crs84 is the PROJJSON of OGC:CRS84 (WGS 84, lon/lat), the CRS of every
// geometry column we write.
const crs84 = `{"$schema":"https://proj.org/schemas/v0.7/projjson.schema.json","type":"GeographicCRS","name":"WGS 84 (CRS84)","datum_ensemble":{"name":"World Geodetic System 1984 ensemble","members":[{"name":"World Geodetic System 1984 (Transit)"},{"name":"World Geodetic System 1984 (G730)"},{"name":"World Geodetic System 1984 (G873)"},{"name":"World Geodetic System 1984 (G1150)"},{"name":"World Geodetic System 1984 (G1674)"},{"name":"World Geodetic System 1984 (G1762)"},{"name":"World Geodetic System 1984 (G2139)"}],"ellipsoid":{"name":"WGS 84","semi_major_axis":6378137,"inverse_flattening":298.257223563},"accuracy":"2.0"},"coordinate_system":{"subtype":"ellipsoidal","axis":[{"name":"Geodetic longitude","abbreviation":"Lon","direction":"east","unit":"degree"},{"name":"Geodetic latitude","abbreviation":"Lat","direction":"north","unit":"degree"}]},"scope":"Not known.","area":"World.","bbox":{"south_latitude":-90,"west_longitude":-180,"north_latitude":90,"east_longitude":180},"id":{"authority":"OGC","code":"CRS84"}}`

// arrowSchema maps the table to an Arrow schema. Units go into each
// field's metadata under "unit"; geometry columns are WKB binary with the
// GeoArrow extension name geoarrow.wkb.
func arrowSchema(t *Table) *arrow.Schema {
	fields := make([]arrow.Field, len(t.Columns))
	for i, c := range t.Columns {
		var keys, vals []string
		if c.Unit != "" {
			keys, vals = append(keys, "unit"), append(vals, c.Unit)
		}
		f := arrow.Field{Name: c.Name, Nullable: c.Valid != nil || c.Type == Geometry}
		switch c.Type {
		case Int64:
			f.Type = arrow.PrimitiveTypes.Int64
		case Float64:
			f.Type = arrow.PrimitiveTypes.Float64
		case String:
			f.Type = arrow.BinaryTypes.String
		case Bool:
			f.Type = arrow.FixedWidthTypes.Boolean
		case Geometry:
			f.Type = arrow.BinaryTypes.Binary
			keys = append(keys, "ARROW:extension:name", "ARROW:extension:metadata")
			vals = append(vals, "geoarrow.wkb", `{"crs":`+crs84+`}`)
		}
		if keys != nil {
			f.Metadata = arrow.NewMetadata(keys, vals)
		}
		fields[i] = f
	}
	return arrow.NewSchema(fields, nil)
}

// arrowRecord builds one record batch holding the whole table.
func arrowRecord(t *Table, schema *arrow.Schema, n int) arrow.RecordBatch {
	mem := memory.DefaultAllocator
	cols := make([]arrow.Array, len(t.Columns))
	for i, c := range t.Columns {
		cols[i] = arrowArray(mem, c, n)
	}
	rec := array.NewRecordBatch(schema, cols, int64(n))
	for _, a := range cols {
		a.Release()
	}
	return rec
}

func arrowArray(mem memory.Allocator, c *Column, n int) arrow.Array {
	switch c.Type {
	case Int64:
		b := array.NewInt64Builder(mem)
		defer b.Release()
		b.AppendValues(c.Ints, c.Valid)
		return b.NewArray()
	case Float64:
		b := array.NewFloat64Builder(mem)
		defer b.Release()
		b.AppendValues(c.Floats, c.Valid)
		return b.NewArray()
	case String:
		b := array.NewStringBuilder(mem)
		defer b.Release()
		b.AppendValues(c.Strings, c.Valid)
		return b.NewArray()
	case Bool:
		b := array.NewBooleanBuilder(mem)
		defer b.Release()
		b.AppendValues(c.Bools, c.Valid)
		return b.NewArray()
	}
	b := array.NewBinaryBuilder(mem, arrow.BinaryTypes.Binary)
	defer b.Release()
	for r := 0; r < n; r++ {
		if c.null(r) || c.Geoms[r] == nil {
			b.AppendNull()
			continue
		}
		data, err := wkb.Marshal(c.Geoms[r])
		if err != nil {
			b.AppendNull()
			continue
		}
		b.Append(data)
	}
	return b.NewArray()
}

// WriteArrow writes t as one Arrow IPC file (the random-access "Feather
// v2" format).
func WriteArrow(w io.Writer, t *Table) error {
	n, err := t.Rows()
	if err != nil {
		return err
	}
	schema := arrowSchema(t)
	rec := arrowRecord(t, schema, n)
	defer rec.Release()
	fw, err := ipc.NewFileWriter(w, ipc.WithSchema(schema))
	if err != nil {
		return err
	}
	if err := fw.Write(rec); err != nil {
		fw.Close()
		return err
	}
	return fw.Close()
}

// WriteParquet writes t as Parquet with zstd compression. A table with
// geometry columns is a GeoParquet 1.1 file: WKB geometry and the "geo"
// file metadata naming the primary column, encoding, types, bbox and CRS
// (OGC:CRS84, lon/lat).
func WriteParquet(w io.Writer, t *Table) error {
	n, err := t.Rows()
	if err != nil {
		return err
	}
	schema := arrowSchema(t)
	rec := arrowRecord(t, schema, n)
	defer rec.Release()
	props := parquet.NewWriterProperties(parquet.WithCompression(compress.Codecs.Zstd),
		parquet.WithCreatedBy("citytwin"), parquet.WithMaxRowGroupLength(1<<20))
	fw, err := pqarrow.NewFileWriter(schema, w, props, pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema()))
	if err != nil {
		return err
	}
	if n > 0 {
		if err := fw.Write(rec); err != nil {
			fw.Close()
			return err
		}
	}
	if geo := geoMetadata(t); geo != "" {
		if err := fw.AppendKeyValueMetadata("geo", geo); err != nil {
			fw.Close()
			return err
		}
	}
	return fw.Close()
}

// geoMetadata is the GeoParquet 1.1 "geo" metadata of t, or "" when t has no
// geometry column.
func geoMetadata(t *Table) string {
	type colMeta struct {
		Encoding      string          `json:"encoding"`
		GeometryTypes []string        `json:"geometry_types"`
		CRS           json.RawMessage `json:"crs"`
		BBox          []float64       `json:"bbox,omitempty"`
	}
	cols := map[string]colMeta{}
	primary := ""
	for _, c := range t.Columns {
		if c.Type != Geometry {
			continue
		}
		if primary == "" {
			primary = c.Name
		}
		m := colMeta{Encoding: "WKB", GeometryTypes: geometryTypes(c.Geoms), CRS: json.RawMessage(crs84)}
		if b, ok := bounds(c.Geoms); ok {
			m.BBox = []float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]}
		}
		cols[c.Name] = m
	}
	if primary == "" {
		return ""
	}
	out, err := json.Marshal(map[string]any{"version": "1.1.0", "primary_column": primary, "columns": cols})
	if err != nil {
		panic(fmt.Sprintf("record: geo metadata: %v", err)) // static types; cannot fail
	}
	return string(out)
}

func geometryTypes(gs []orb.Geometry) []string {
	seen := map[string]bool{}
	var out []string
	for _, g := range gs {
		if g == nil {
			continue
		}
		if name := g.GeoJSONType(); !seen[name] {
			seen[name] = true
			out = append(out, name)
		}
	}
	sortStrings(out)
	if out == nil {
		out = []string{}
	}
	return out
}

func bounds(gs []orb.Geometry) (orb.Bound, bool) {
	var b orb.Bound
	ok := false
	for _, g := range gs {
		if g == nil {
			continue
		}
		if !ok {
			b, ok = g.Bound(), true
			continue
		}
		b = b.Union(g.Bound())
	}
	return b, ok
}
