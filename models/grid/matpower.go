package grid

import (
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
)

// ErrCase is wrapped by every error about the content of a case file.
var ErrCase = errors.New("grid: invalid case")

// maxCaseBytes bounds the size of a case file read into memory.
const maxCaseBytes = 256 << 20

// ReadCaseFile reads a MATPOWER version 2 case file. The case is named
// after the file; errors name the path as given.
func ReadCaseFile(path string) (*Case, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	c, err := ReadCase(f, path)
	if err != nil {
		return nil, err
	}
	c.Name = strings.TrimSuffix(filepath.Base(path), ".m")
	return c, nil
}

// ReadCase reads a MATPOWER version 2 case (the .m file format described in
// MATPOWER's caseformat): mpc.baseMVA, mpc.bus, mpc.gen and mpc.branch, the
// idx_bus/idx_brch/idx_gen column names and simple column conversions such
// as those at the end of case33bw.m. Other fields (gencost, bus_name, ...)
// are parsed and ignored. Errors name the file (name) and the line.
func ReadCase(r io.Reader, name string) (*Case, error) {
	src, err := io.ReadAll(io.LimitReader(r, maxCaseBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(src) > maxCaseBytes {
		return nil, fmt.Errorf("%s: %w: file larger than %d bytes", name, ErrCase, maxCaseBytes)
	}
	c, err := parseCase(string(src))
	if err != nil {
		return nil, fmt.Errorf("%s: %w: %w", name, ErrCase, err)
	}
	c.Name = strings.TrimSuffix(name, ".m")
	return c, nil
}

func parseCase(src string) (*Case, error) {
	toks, err := tokenize(src)
	if err != nil {
		return nil, err
	}
	p := newParser(toks)
	if err := p.run(); err != nil {
		return nil, err
	}
	if v, ok := p.fields["version"]; ok {
		if !(v.isStr && v.str == "2") && !(v.isScalar() && v.s == 2) {
			return nil, errors.New("mpc.version: only version 2 case files are supported")
		}
	}
	c := &Case{}
	base, ok := p.fields["baseMVA"]
	if !ok || !base.isScalar() || !(base.s > 0) || math.IsInf(base.s, 0) {
		return nil, errors.New("mpc.baseMVA: missing or not a positive number")
	}
	c.BaseMVA = base.s
	if c.Buses, err = readBuses(p); err != nil {
		return nil, err
	}
	if c.Gens, err = readGens(p); err != nil {
		return nil, err
	}
	if c.Branches, err = readBranches(p); err != nil {
		return nil, err
	}
	if err := checkReferences(c, p); err != nil {
		return nil, err
	}
	if err := requireMatrices(p); err != nil {
		return nil, err
	}
	return c, checkTopology(c)
}

// requireMatrices reports the data matrices a case lacks: MATPOWER's
// loadcase needs mpc.gen and mpc.branch beside mpc.baseMVA and mpc.bus
// (often a file cut short).
func requireMatrices(p *parser) error {
	var missing []string
	for _, field := range []string{"gen", "branch"} {
		if _, ok := p.fields[field]; !ok {
			missing = append(missing, "mpc."+field)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return fmt.Errorf("%s: %w (a case needs mpc.baseMVA, mpc.bus, mpc.gen and mpc.branch)", strings.Join(missing, " and "), errNoData)
}

// matrixRows returns the rows of field with at least minCols columns.
func matrixRows(p *parser, field string, minCols int, required bool) (mval, error) {
	m, ok := p.fields[field]
	if !ok {
		if required {
			return m, fmt.Errorf("mpc.%s: %w", field, errNoData)
		}
		return mval{}, nil
	}
	if m.isStr {
		return m, fmt.Errorf("mpc.%s: a string, not a matrix", field)
	}
	m = m.materialize()
	if m.r > 0 && m.c < minCols {
		return m, fmt.Errorf("%s: mpc.%s has %d columns, at least %d needed", p.rowPos(field, 0), field, m.c, minCols)
	}
	return m, nil
}

// rowPos names row i of a data matrix with its source line.
func (p *parser) rowPos(field string, i int) string {
	if lines := p.rowLine[field]; i < len(lines) {
		return fmt.Sprintf("line %d: mpc.%s row %d", lines[i], field, i+1)
	}
	return fmt.Sprintf("mpc.%s row %d", field, i+1)
}

func readBuses(p *parser) ([]Bus, error) {
	m, err := matrixRows(p, "bus", 13, true)
	if err != nil {
		return nil, err
	}
	buses := make([]Bus, m.r)
	for i := range buses {
		row := m.d[i*m.c : (i+1)*m.c]
		if err := finite(row[:13]); err != nil {
			return nil, fmt.Errorf("%s: %w", p.rowPos("bus", i), err)
		}
		id, ok := asInt(row[0])
		typ, okT := asInt(row[1])
		if !ok || id < 1 {
			return nil, fmt.Errorf("%s: bus number %g is not a positive integer", p.rowPos("bus", i), row[0])
		}
		if !okT || typ < 1 || typ > 4 {
			return nil, fmt.Errorf("%s: bus type %g is not 1, 2, 3 or 4", p.rowPos("bus", i), row[1])
		}
		area, _ := asInt(row[6])
		zone, _ := asInt(row[10])
		buses[i] = Bus{ID: id, Type: BusType(typ), Pd: row[2], Qd: row[3], Gs: row[4], Bs: row[5], Area: area,
			Vm: row[7], Va: row[8], BaseKV: row[9], Zone: zone, Vmax: row[11], Vmin: row[12]}
	}
	return buses, nil
}

func readGens(p *parser) ([]Gen, error) {
	m, err := matrixRows(p, "gen", 10, false)
	if err != nil {
		return nil, err
	}
	gens := make([]Gen, m.r)
	for i := range gens {
		row := m.d[i*m.c : (i+1)*m.c]
		if err := finiteExcept(row[:10], 3, 4, 8, 9); err != nil { // Q and P limits may be ±Inf
			return nil, fmt.Errorf("%s: %w", p.rowPos("gen", i), err)
		}
		bus, ok := asInt(row[0])
		if !ok || bus < 1 {
			return nil, fmt.Errorf("%s: bus number %g is not a positive integer", p.rowPos("gen", i), row[0])
		}
		gens[i] = Gen{Bus: bus, Pg: row[1], Qg: row[2], Qmax: row[3], Qmin: row[4], Vg: row[5], MBase: row[6],
			InService: row[7] > 0, Pmax: row[8], Pmin: row[9]}
	}
	return gens, nil
}

func readBranches(p *parser) ([]Branch, error) {
	m, err := matrixRows(p, "branch", 11, false)
	if err != nil {
		return nil, err
	}
	branches := make([]Branch, m.r)
	for i := range branches {
		row := m.d[i*m.c : (i+1)*m.c]
		if err := finite(row[:11]); err != nil {
			return nil, fmt.Errorf("%s: %w", p.rowPos("branch", i), err)
		}
		f, okF := asInt(row[0])
		t, okT := asInt(row[1])
		if !okF || !okT || f < 1 || t < 1 {
			return nil, fmt.Errorf("%s: bus numbers %g, %g are not positive integers", p.rowPos("branch", i), row[0], row[1])
		}
		br := Branch{From: f, To: t, R: row[2], X: row[3], B: row[4], RateA: row[5], RateB: row[6], RateC: row[7],
			Ratio: row[8], Angle: row[9], InService: row[10] > 0, AngMin: -360, AngMax: 360}
		if m.c >= 13 {
			br.AngMin, br.AngMax = row[11], row[12]
		}
		branches[i] = br
	}
	return branches, nil
}

// checkReferences verifies unique bus numbers, that generators and branches
// name existing buses, and that in-service branches have an impedance.
func checkReferences(c *Case, p *parser) error {
	idx := make(map[int]int, len(c.Buses))
	for i, b := range c.Buses {
		if j, dup := idx[b.ID]; dup {
			return fmt.Errorf("%s: bus %d already defined in row %d", p.rowPos("bus", i), b.ID, j+1)
		}
		idx[b.ID] = i
	}
	for i, g := range c.Gens {
		if _, ok := idx[g.Bus]; !ok {
			return fmt.Errorf("%s: generator at unknown bus %d", p.rowPos("gen", i), g.Bus)
		}
	}
	for i, br := range c.Branches {
		for _, b := range [2]int{br.From, br.To} {
			if _, ok := idx[b]; !ok {
				return fmt.Errorf("%s: branch to unknown bus %d", p.rowPos("branch", i), b)
			}
		}
		if br.InService && br.R == 0 && br.X == 0 {
			return fmt.Errorf("%s: in-service branch %d-%d has zero impedance", p.rowPos("branch", i), br.From, br.To)
		}
	}
	return nil
}

func asInt(v float64) (int, bool) {
	if v != math.Trunc(v) || math.Abs(v) > 1<<40 {
		return 0, false
	}
	return int(v), true
}

func finite(row []float64) error { return finiteExcept(row) }

// finiteExcept rejects NaN anywhere and ±Inf outside the listed columns.
func finiteExcept(row []float64, infOK ...int) error {
	for j, v := range row {
		if math.IsNaN(v) {
			return fmt.Errorf("column %d is NaN", j+1)
		}
		if math.IsInf(v, 0) && !contains(infOK, j) {
			return fmt.Errorf("column %d is infinite", j+1)
		}
	}
	return nil
}

func contains(s []int, v int) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}
