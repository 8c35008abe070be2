package record

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"github.com/paulmach/orb"
)

func sample() *Table {
	t := NewTable("trips")
	t.Int("id", "", []int64{1, 2, 3})
	arr := t.Float("arrive_s", "s", []float64{10.5, 0, 1e-7})
	arr.Valid = []bool{true, false, true}
	t.Str("name", []string{"a", "b,c", `q"uote`})
	t.BoolCol("ok", []bool{true, false, true})
	t.Geom("geometry", []orb.Geometry{orb.Point{12.5, 55.7}, orb.LineString{{12.5, 55.7}, {12.6, 55.8}}, nil})
	return t
}

func TestCSV(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	if err := WriteCSV(&b, sample()); err != nil {
		t.Fatal(err)
	}
	want := "id,arrive_s,name,ok,geometry\n" +
		"1,10.5,a,true,POINT(12.5 55.7)\n" +
		"2,,\"b,c\",false,\"LINESTRING(12.5 55.7,12.6 55.8)\"\n" +
		"3,1e-07,\"q\"\"uote\",true,\n"
	if b.String() != want {
		t.Fatalf("got\n%s\nwant\n%s", b.String(), want)
	}
}

func TestRowsMismatch(t *testing.T) {
	t.Parallel()
	tb := NewTable("bad")
	tb.Int("a", "", []int64{1, 2})
	tb.Int("b", "", []int64{1})
	if _, err := WriteTable(t.TempDir(), tb, FormatCSV); err == nil || !strings.Contains(err.Error(), "column b") {
		t.Fatalf("err = %v", err)
	}
}

func TestArrowRoundTrip(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path, err := WriteTable(dir, sample(), FormatArrow)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := ipc.NewFileReader(f, ipc.WithAllocator(memory.DefaultAllocator))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	rec, err := r.Record(0)
	if err != nil {
		t.Fatal(err)
	}
	if rec.NumRows() != 3 || rec.NumCols() != 5 {
		t.Fatalf("%d rows, %d cols", rec.NumRows(), rec.NumCols())
	}
	arrive := rec.Column(1).(*array.Float64)
	if arrive.Value(0) != 10.5 || !arrive.IsNull(1) {
		t.Fatalf("arrive_s = %v", arrive)
	}
	if u, _ := rec.Schema().Field(1).Metadata.GetValue("unit"); u != "s" {
		t.Fatalf("unit metadata %q", u)
	}
	geom := rec.Schema().Field(4)
	if name, _ := geom.Metadata.GetValue("ARROW:extension:name"); name != "geoarrow.wkb" {
		t.Fatalf("geometry extension name %q", name)
	}
	if rec.Column(4).DataType().ID() != arrow.BINARY || !rec.Column(4).IsNull(2) {
		t.Fatal("geometry column is not nullable WKB binary")
	}
}

func TestParquetGeoMetadata(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path, err := WriteTable(dir, sample(), FormatParquet)
	if err != nil {
		t.Fatal(err)
	}
	pf, err := file.OpenParquetFile(path, false)
	if err != nil {
		t.Fatal(err)
	}
	defer pf.Close()
	geo := pf.MetaData().KeyValueMetadata().FindValue("geo")
	if geo == nil || !strings.Contains(*geo, `"primary_column":"geometry"`) || !strings.Contains(*geo, `"encoding":"WKB"`) ||
		!strings.Contains(*geo, `"bbox":[12.5,55.7,12.6,55.8]`) || !strings.Contains(*geo, `"CRS84"`) {
		t.Fatalf("geo metadata %v", geo)
	}
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{}, memory.DefaultAllocator)
	if err != nil {
		t.Fatal(err)
	}
	tbl, err := fr.ReadTable(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer tbl.Release()
	if tbl.NumRows() != 3 {
		t.Fatalf("%d rows", tbl.NumRows())
	}
}

func TestAtomicLeavesNothingOnFailure(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "x.csv")
	boom := errors.New("boom")
	err := WriteFileAtomic(path, func(w io.Writer) error {
		w.Write([]byte("half"))
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v", err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 0 {
		t.Fatalf("left %v behind", entries)
	}
}

func TestParseFormat(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"csv", "arrow", "parquet"} {
		f, err := ParseFormat(s)
		if err != nil || f.String() != s {
			t.Errorf("%s: %v %v", s, f, err)
		}
	}
	if _, err := ParseFormat("xlsx"); !errors.Is(err, ErrFormat) {
		t.Errorf("xlsx: %v", err)
	}
}

// TestClearRun: the files an earlier manifest lists go with it; other
// files stay, and names that are not plain file names are not followed.
func TestClearRun(t *testing.T) {
	dir := t.TempDir()
	outside := filepath.Join(t.TempDir(), "keep.csv")
	for _, p := range []string{filepath.Join(dir, "a.arrow"), filepath.Join(dir, "b.arrow"), filepath.Join(dir, "notes.txt"), outside} {
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	m := &Manifest{Files: []FileRecord{{Name: "a.arrow"}, {Name: "b.arrow"}, {Name: "gone.arrow"}, {Name: "sub"}, {Name: ".."}, {Name: "."},
		{Name: "../" + filepath.Base(filepath.Dir(outside)) + "/keep.csv"}}}
	if err := WriteManifest(dir, m); err != nil {
		t.Fatal(err)
	}
	if err := ClearRun(dir); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"a.arrow", "b.arrow", "manifest.json"} {
		if _, err := os.Stat(filepath.Join(dir, p)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s still there (%v)", p, err)
		}
	}
	for _, p := range []string{filepath.Join(dir, "notes.txt"), filepath.Join(dir, "sub"), outside} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("%s removed: %v", p, err)
		}
	}
	if err := ClearRun(dir); err != nil {
		t.Errorf("a folder without a manifest: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "manifest.json"), []byte("{trunc"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := ClearRun(dir); err != nil {
		t.Errorf("an unreadable manifest: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "manifest.json")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("unreadable manifest kept (%v)", err)
	}
}
