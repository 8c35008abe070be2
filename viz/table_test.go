package viz

import (
	"bytes"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"citytwin/engine/record"
)

// TestCSVAgreesWithArrow reads the same tables written as Arrow IPC and
// as CSV and checks every value agrees.
func TestCSVAgreesWithArrow(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ table, id, value string }{
		{"road_nodes", "node", "traffic_signals"},
		{"grid_bus_series", "bus_id", "vm"},
	} {
		t.Run(c.table, func(t *testing.T) {
			a, found, err := ReadTable(testRun, c.table)
			if err != nil || !found {
				t.Fatalf("arrow: found %v, %v", found, err)
			}
			b, found, err := ReadTable(filepath.Join("testdata", "csv"), c.table)
			if err != nil || !found {
				t.Fatalf("csv: found %v, %v", found, err)
			}
			if a.Rows != b.Rows || a.Rows == 0 {
				t.Fatalf("rows: arrow %d, csv %d", a.Rows, b.Rows)
			}
			ia, _ := a.Strings(c.id)
			ib, _ := b.Strings(c.id)
			va, err := a.Floats(c.value)
			if err != nil {
				t.Fatal(err)
			}
			vb, err := b.Floats(c.value)
			if err != nil {
				t.Fatal(err)
			}
			for i := range ia {
				if ia[i] != ib[i] || va[i] != vb[i] {
					t.Fatalf("row %d: arrow (%s, %v), csv (%s, %v)", i, ia[i], va[i], ib[i], vb[i])
				}
			}
		})
	}
}

func TestGeometryAgrees(t *testing.T) {
	t.Parallel()
	a, _, _ := ReadTable(testRun, "road_nodes")
	b, _, _ := ReadTable(filepath.Join("testdata", "csv"), "road_nodes")
	ga, err := a.Geoms("geometry")
	if err != nil {
		t.Fatal(err)
	}
	gb, err := b.Geoms("geometry")
	if err != nil {
		t.Fatal(err)
	}
	for i := range ga {
		if ga[i].(orb.Point) != gb[i].(orb.Point) {
			t.Fatalf("row %d: arrow %v, csv %v", i, ga[i], gb[i])
		}
	}
}

func TestReadCSVErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, in, col, want string
		geom                bool
	}{
		{"empty", "", "", "header", false},
		{"ragged", "a,b\n1\n", "", "wrong number of fields", false},
		{"not a number", "a\nx\n", "a", "row 1: column a", false},
		{"bad wkt", "g\nPOINT(1\n", "g", "row 1: column g", true},
		{"missing column", "a\n1\n", "b", "no column", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			tb, err := ReadCSV(strings.NewReader(c.in))
			if err == nil && c.col != "" {
				if c.geom {
					_, err = tb.Geoms(c.col)
				} else {
					_, err = tb.Floats(c.col)
				}
			}
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one containing %q", err, c.want)
			}
		})
	}
}

func TestNullsAreNaN(t *testing.T) {
	t.Parallel()
	tb, err := ReadCSV(strings.NewReader("a,g\n1.5,\n,POINT(1 2)\ntrue,\n"))
	if err != nil {
		t.Fatal(err)
	}
	v, err := tb.Floats("a")
	if err != nil {
		t.Fatal(err)
	}
	if v[0] != 1.5 || !math.IsNaN(v[1]) || v[2] != 1 {
		t.Fatalf("floats %v", v)
	}
	g, _ := tb.Geoms("g")
	if g[0] != nil || g[1].(orb.Point) != (orb.Point{1, 2}) {
		t.Fatalf("geoms %v", g)
	}
}

// FuzzReadCSV: any bytes give a table or an error, never a panic, and
// every column decodes or errors.
func FuzzReadCSV(f *testing.F) {
	f.Add([]byte("t_s,vehicle,lon,lat,geometry\n5,1,12.5,55.7,POINT(12.5 55.7)\n"))
	f.Add([]byte("a,b\n\"x\",1e309\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		tb, err := ReadCSV(bytes.NewReader(data))
		if err != nil {
			return
		}
		checkColumns(t, tb)
	})
}

// FuzzReadArrow: any bytes in an .arrow file give a table or an error,
// never a panic.
func FuzzReadArrow(f *testing.F) {
	seed, err := os.ReadFile(filepath.Join(testRun, "road_nodes.arrow"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	f.Add(seed[:len(seed)/2])
	f.Add([]byte("ARROW1\x00\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "x.arrow"), data, 0o644); err != nil {
			t.Fatal(err)
		}
		tb, _, err := ReadTable(dir, "x")
		if err != nil {
			return
		}
		checkColumns(t, tb)
	})
}

// checkColumns decodes every column of tb as each kind; a column that
// decodes holds one value per row.
func checkColumns(t *testing.T, tb *Table) {
	t.Helper()
	for name := range tb.cols {
		if v, err := tb.Floats(name); err == nil && len(v) != tb.Rows {
			t.Fatalf("column %s: %d floats for %d rows", name, len(v), tb.Rows)
		}
		if v, err := tb.Strings(name); err == nil && len(v) != tb.Rows {
			t.Fatalf("column %s: %d strings for %d rows", name, len(v), tb.Rows)
		}
		if v, err := tb.Geoms(name); err == nil && len(v) != tb.Rows {
			t.Fatalf("column %s: %d geometries for %d rows", name, len(v), tb.Rows)
		}
	}
}

// TestCorruptArrowFiles: 3,000 corruptions of a results table (bytes
// changed or set to 0xff, the file cut short), drawn from a fixed seed,
// each give a table whose columns hold one value per row, or an error.
// Before the footer check, one of them made arrow-go ask for 68 GB and
// the process died of it.
func TestCorruptArrowFiles(t *testing.T) {
	seed, err := os.ReadFile(filepath.Join(testRun, "road_nodes.arrow"))
	if err != nil {
		t.Fatal(err)
	}
	readCorrupted(t, seed, ".arrow", 3000)
}

// TestCorruptParquetFiles: the same for a Parquet table with integer,
// float, string and geometry columns. (One of these corrupts the Arrow
// schema a Parquet file keeps in its metadata; before that was checked it
// made arrow-go allocate gigabytes, for 2 to 15 s, and then fail.)
func TestCorruptParquetFiles(t *testing.T) {
	rt := record.NewTable("x")
	const n = 200
	ids, vs, ss, gs := make([]int64, n), make([]float64, n), make([]string, n), make([]orb.Geometry, n)
	for i := range n {
		ids[i], vs[i], ss[i], gs[i] = int64(i), float64(i)/3, strings.Repeat("s", i%7), orb.Point{12 + float64(i)/1000, 55}
	}
	rt.Int("id", "", ids)
	rt.Float("v", "m", vs)
	rt.Str("s", ss)
	rt.Geom("geometry", gs)
	var buf bytes.Buffer
	if err := record.WriteParquet(&buf, rt); err != nil {
		t.Fatal(err)
	}
	// The file as written reads back whole.
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "x.parquet"), buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	tb, _, err := ReadTable(dir, "x")
	if err != nil {
		t.Fatal(err)
	}
	v, errV := tb.Floats("v")
	g, errG := tb.Geoms("geometry")
	s, errS := tb.Strings("s")
	if tb.Rows != n || errV != nil || errG != nil || errS != nil {
		t.Fatalf("read back %d rows: %v, %v, %v", tb.Rows, errV, errG, errS)
	}
	if v[3] != 1 || g[5] != (orb.Point{12.005, 55}) || s[6] != "ssssss" {
		t.Fatalf("read back v %v, geometry %v, s %q", v[3], g[5], s[6])
	}
	readCorrupted(t, buf.Bytes(), ".parquet", 1000)
}

// readCorrupted reads n corruptions of seed as a table file with the
// extension ext: each must read as a table with one value per row in
// every column, or fail with an error; some must fail.
func readCorrupted(t *testing.T, seed []byte, ext string, n int) {
	t.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	dir := t.TempDir()
	path := filepath.Join(dir, "x"+ext)
	refused := 0
	for range n {
		data := append([]byte(nil), seed...)
		for range 1 + rng.IntN(4) {
			if len(data) == 0 {
				break
			}
			p := rng.IntN(len(data))
			switch rng.IntN(3) {
			case 0:
				data[p] = byte(rng.IntN(256))
			case 1:
				data[p] = 0xff
			case 2:
				data = data[:p]
			}
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		tb, _, err := ReadTable(dir, "x")
		if err != nil {
			refused++
			continue
		}
		checkColumns(t, tb)
	}
	if refused == 0 {
		t.Error("no corruption was refused")
	}
}
