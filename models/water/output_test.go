package water

import (
	"encoding/csv"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"citytwin/engine/record"
)

// TestSimulateFileCSV runs Net1 end to end into CSV files and checks the
// header, the row count and a value against EPANET's reference.
func TestSimulateFileCSV(t *testing.T) {
	res, _, err := SimulateFile("testdata/Net1.inp", KeepDuration)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := res.Write(dir, record.FormatCSV); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		file, header string
		rows         int
	}{
		{"nodes.csv", "time_s,node_id,node_type,demand,head,pressure,quality", 25 * 11},
		{"links.csv", "time_s,link_id,link_type,flow,velocity,headloss,status,setting,quality", 25 * 13},
	} {
		f, err := os.Open(filepath.Join(dir, c.file))
		if err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(f).ReadAll()
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		if got := len(recs) - 1; got != c.rows {
			t.Errorf("%s: %d rows, want %d", c.file, got, c.rows)
		}
		if h := joinCSV(recs[0]); h != c.header {
			t.Errorf("%s header %q", c.file, h)
		}
		if c.file == "links.csv" {
			// 43200,9,PUMP: EPANET flow 1757.035553 GPM
			found := 0
			for _, r := range recs[1:] {
				if r[0] == "43200" && r[1] == "9" {
					found++
					q, err := strconv.ParseFloat(r[3], 64)
					if err != nil || !flowOK(q, 1757.035553) || r[2] != "PUMP" || r[6] != "OPEN" {
						t.Errorf("pump row %v (%v)", r, err)
					}
				}
			}
			if found != 1 {
				t.Errorf("links.csv: %d rows for pump 9 at 43200 s, want 1", found)
			}
		}
	}
}

func joinCSV(r []string) string {
	s := ""
	for i, f := range r {
		if i > 0 {
			s += ","
		}
		s += f
	}
	return s
}

func TestSimulateFileSnapshot(t *testing.T) {
	res, _, err := SimulateFile("testdata/Net1.inp", 0)
	if err != nil {
		t.Fatal(err)
	}
	nodes, links := res.Tables()
	if n, _ := nodes.Rows(); n != 11 {
		t.Errorf("snapshot has %d node rows, want 11", n)
	}
	if n, _ := links.Rows(); n != 13 {
		t.Errorf("snapshot has %d link rows, want 13", n)
	}
}

func TestSimulateFileBadInput(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bad.inp")
	if err := os.WriteFile(path, []byte("[JUNCTIONS]\nJ1 0\n[PIPES]\nP1 J1 J9 1 1 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, err := SimulateFile(path, KeepDuration)
	var ie *InputError
	if !errors.As(err, &ie) || ie.Line != 4 || ie.File != path || !errors.Is(err, ErrInput) {
		t.Fatalf("err = %v", err)
	}
}
