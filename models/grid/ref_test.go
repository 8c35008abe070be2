package grid

import (
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// refTable is a MATPOWER reference CSV: header and numeric rows.
type refTable struct {
	cols map[string]int
	rows [][]float64
}

func readRef(t testing.TB, name string) refTable {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "ref", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	tab := refTable{cols: map[string]int{}}
	for j, h := range recs[0] {
		tab.cols[h] = j
	}
	for _, rec := range recs[1:] {
		row := make([]float64, len(rec))
		for j, s := range rec {
			if row[j], err = strconv.ParseFloat(s, 64); err != nil {
				row[j] = math.NaN() // text column (case name)
			}
		}
		tab.rows = append(tab.rows, row)
	}
	return tab
}

func (r refTable) get(i int, col string) float64 { return r.rows[i][r.cols[col]] }

// summaryRow returns the SUMMARY.csv row of a case.
func summaryRow(t testing.TB, name string) map[string]string {
	t.Helper()
	f, err := os.Open("testdata/ref/SUMMARY.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, rec := range recs[1:] {
		if rec[0] == name {
			m := map[string]string{}
			for j, h := range recs[0] {
				m[h] = rec[j]
			}
			return m
		}
	}
	t.Fatalf("%s not in SUMMARY.csv", name)
	return nil
}

func atoi(t testing.TB, s string) int {
	t.Helper()
	v, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

var refCases = []string{"case9", "case14", "case30", "case33bw"}

func loadCase(t testing.TB, name string) *Case {
	t.Helper()
	c, err := ReadCaseFile(filepath.Join("testdata", name+".m"))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// checkAgainstRef compares an AC result with the MATPOWER reference files.
func checkAgainstRef(t *testing.T, name string, res *Result) {
	t.Helper()
	bus := readRef(t, name+"_bus.csv")
	for i := range bus.rows {
		id := int(bus.get(i, "bus_id"))
		if id != res.Case.Buses[i].ID {
			t.Fatalf("bus row %d: id %d, ref %d", i, res.Case.Buses[i].ID, id)
		}
		if d := math.Abs(res.Vm[i] - bus.get(i, "Vm_pu")); d > 1e-6 {
			t.Errorf("bus %d: Vm %.10f, ref %.10f", id, res.Vm[i], bus.get(i, "Vm_pu"))
		}
		if d := math.Abs(res.Va[i] - bus.get(i, "Va_deg")); d > 1e-4 {
			t.Errorf("bus %d: Va %.8f, ref %.8f", id, res.Va[i], bus.get(i, "Va_deg"))
		}
	}
	br := readRef(t, name+"_branch.csv")
	for k := range br.rows {
		got := []float64{res.Pf[k], res.Qf[k], res.Pt[k], res.Qt[k], res.Ploss[k], res.Qloss[k]}
		for j, col := range []string{"Pf_MW", "Qf_MVAr", "Pt_MW", "Qt_MVAr", "Ploss_MW", "Qloss_MVAr"} {
			if d := math.Abs(got[j] - br.get(k, col)); d > 1e-4 {
				t.Errorf("branch %d: %s %.8f, ref %.8f", k+1, col, got[j], br.get(k, col))
			}
		}
	}
}

func TestNewtonAgainstMatpower(t *testing.T) {
	for _, name := range refCases {
		for _, flat := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/flat=%v", name, flat), func(t *testing.T) {
				t.Parallel()
				res, err := SolveAC(loadCase(t, name), Options{FlatStart: flat})
				if err != nil {
					t.Fatal(err)
				}
				checkAgainstRef(t, name, res)
				sum := summaryRow(t, name)
				maxIt := atoi(t, sum["nr_iter_case_init"])
				if flat {
					maxIt = atoi(t, sum["nr_iter_flat_start"])
				}
				if res.Iterations > maxIt {
					t.Errorf("%d iterations, MATPOWER %d", res.Iterations, maxIt)
				}
				p, q := res.Losses()
				wp, _ := strconv.ParseFloat(sum["Ploss_MW"], 64)
				wq, _ := strconv.ParseFloat(sum["Qloss_MVAr"], 64)
				if math.Abs(p-wp) > 1e-5 || math.Abs(q-wq) > 1e-5 {
					t.Errorf("losses %.6f MW %.6f MVAr, ref %.6f %.6f", p, q, wp, wq)
				}
			})
		}
	}
}

func TestCase33bwBaranWu(t *testing.T) {
	res, err := SolveAC(loadCase(t, "case33bw"), Options{FlatStart: true})
	if err != nil {
		t.Fatal(err)
	}
	p, _ := res.Losses()
	vmin, bus, _, _ := res.VoltageExtremes()
	if math.Abs(p*1000-202.68) > 0.005 || math.Abs(vmin-0.91309) > 5e-6 || bus != 18 {
		t.Errorf("losses %.3f kW, Vmin %.6f at bus %d; want 202.68 kW, 0.91309 at 18", p*1000, vmin, bus)
	}
}
