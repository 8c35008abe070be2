package record

import (
	"database/sql"
	"encoding/json"
	"path/filepath"
	"testing"

	_ "github.com/duckdb/duckdb-go/v2"
)

// TestParquetOpensInDuckDB: what planners do with our files: DuckDB reads
// the rows back, types the geometry column from the GeoParquet metadata,
// and finds that metadata as we wrote it.
func TestParquetOpensInDuckDB(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path, err := WriteTable(dir, sample(), FormatParquet)
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	var sumID int64
	var nullArrive int
	q := "SELECT count(*), sum(id), count(*) FILTER (WHERE arrive_s IS NULL) FROM read_parquet('" + filepath.ToSlash(path) + "')"
	if err := db.QueryRow(q).Scan(&n, &sumID, &nullArrive); err != nil {
		t.Fatal(err)
	}
	if n != 3 || sumID != 6 || nullArrive != 1 {
		t.Fatalf("DuckDB read %d rows, sum(id) %d, %d null arrivals", n, sumID, nullArrive)
	}
	// DuckDB reads the geo metadata itself: the column comes back typed
	// as a geometry in OGC:CRS84, holding our WKB.
	var name, typ string
	var nullGeom int
	if err := db.QueryRow("SELECT first(name ORDER BY id), first(typeof(geometry)), count(*) FILTER (WHERE geometry IS NULL) FROM read_parquet('"+filepath.ToSlash(path)+"')").Scan(&name, &typ, &nullGeom); err != nil {
		t.Fatal(err)
	}
	if name != "a" || typ != "GEOMETRY('OGC:CRS84')" || nullGeom != 1 {
		t.Fatalf("name %q, geometry of type %s, %d null geometries", name, typ, nullGeom)
	}
	var geo string
	if err := db.QueryRow("SELECT decode(value) FROM parquet_kv_metadata('" + filepath.ToSlash(path) + "') WHERE decode(key) = 'geo'").Scan(&geo); err != nil {
		t.Fatal(err)
	}
	var meta struct {
		Version       string `json:"version"`
		PrimaryColumn string `json:"primary_column"`
		Columns       map[string]struct {
			Encoding string    `json:"encoding"`
			BBox     []float64 `json:"bbox"`
		} `json:"columns"`
	}
	if err := json.Unmarshal([]byte(geo), &meta); err != nil {
		t.Fatalf("geo metadata %q: %v", geo, err)
	}
	if meta.Version != "1.1.0" || meta.PrimaryColumn != "geometry" || meta.Columns["geometry"].Encoding != "WKB" || len(meta.Columns["geometry"].BBox) != 4 {
		t.Fatalf("geo metadata %+v", meta)
	}
}
