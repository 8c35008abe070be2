package record

import (
	"bufio"
	"encoding/csv"
	"io"
	"strconv"

	"github.com/paulmach/orb/encoding/wkt"
)

// WriteCSV writes t as CSV with a header row of column names. Floats use the
// shortest representation that reads back to the same float64; nulls are
// empty fields; geometry is WKT in lon/lat.
func WriteCSV(w io.Writer, t *Table) error {
	n, err := t.Rows()
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	cw := csv.NewWriter(bw)
	rec := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		rec[i] = c.Name
	}
	if err := cw.Write(rec); err != nil {
		return err
	}
	buf := make([]byte, 0, 32)
	for r := 0; r < n; r++ {
		for i, c := range t.Columns {
			rec[i] = csvField(c, r, buf)
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

func csvField(c *Column, r int, buf []byte) string {
	if c.null(r) {
		return ""
	}
	switch c.Type {
	case Int64:
		return string(strconv.AppendInt(buf[:0], c.Ints[r], 10))
	case Float64:
		return FormatFloat(c.Floats[r])
	case String:
		return c.Strings[r]
	case Bool:
		return strconv.FormatBool(c.Bools[r])
	case Geometry:
		if c.Geoms[r] == nil {
			return ""
		}
		return wkt.MarshalString(c.Geoms[r])
	}
	return ""
}

// FormatFloat is the project's text form of a float: the shortest decimal
// that reads back to the same bits.
func FormatFloat(v float64) string {
	return strconv.FormatFloat(v, 'g', -1, 64)
}
