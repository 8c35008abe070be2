package cvrp

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// File is a TSPLIB/CVRPLIB .vrp file as read, before distances are computed.
// The keywords follow Reinelt (1995), "TSPLIB 95" (Universität Heidelberg),
// with the CVRP extensions used by CVRPLIB: CAPACITY, VEHICLES, DISTANCE
// (route length limit) and SERVICE_TIME (Christofides, Mingozzi and Toth
// 1979 instances).
type File struct {
	Name          string
	Comment       string
	Type          string // CVRP or ACVRP
	Dimension     int    // number of nodes, depot included
	Capacity      float64
	Vehicles      int     // 0 when not given
	Distance      float64 // route length limit, 0 when not given
	ServiceTime   float64 // service time of every customer, 0 when not given
	WeightType    string  // EDGE_WEIGHT_TYPE: EUC_2D, CEIL_2D, ATT, GEO, EXPLICIT
	WeightFormat  string  // EDGE_WEIGHT_FORMAT for EXPLICIT
	DisplayType   string
	Coords        [][2]float64 // per node (index = id-1), nil without NODE_COORD_SECTION
	Weights       []float64    // EDGE_WEIGHT_SECTION numbers in file order
	Demands       []float64    // per node (index = id-1)
	Depot         int          // 0-based node index of the depot
	coordSeen     []bool
	demandSeen    []bool
	haveDepot     bool
	haveDimension bool
}

// maxDimension bounds DIMENSION so that a hostile file cannot make the
// reader or the distance matrix allocate without limit.
const maxDimension = 20000

// ReadFile reads a .vrp file from disk.
func ReadFile(path string) (*File, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	return Read(fh, path)
}

// vrpReader holds the state of one parse.
type vrpReader struct {
	f       *File
	name    string
	line    int
	section string
}

func (p *vrpReader) errf(keyword, format string, args ...any) error {
	return fmt.Errorf("vrp: %s: line %d: %s: %s", p.name, p.line, keyword, fmt.Sprintf(format, args...))
}

// Read parses a .vrp file; name is used in error messages. Lines may end in
// LF or CRLF and fields may be separated by spaces or tabs.
func Read(r io.Reader, name string) (*File, error) {
	p := &vrpReader{f: &File{Depot: -1}, name: name}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
	for sc.Scan() {
		p.line++
		done, err := p.parseLine(strings.TrimSpace(sc.Text()))
		if err != nil {
			return nil, err
		}
		if done {
			break
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("vrp: %s: line %d: %w", name, p.line+1, err)
	}
	return p.f, p.finish()
}

// parseLine handles one line; it reports true at EOF.
func (p *vrpReader) parseLine(line string) (bool, error) {
	if line == "" {
		return false, nil
	}
	fields := strings.Fields(line)
	head := strings.ToUpper(strings.TrimSuffix(fields[0], ":"))
	if head == "EOF" {
		return true, nil
	}
	if strings.HasSuffix(head, "_SECTION") {
		return false, p.startSection(head, fields[1:])
	}
	if key, value, ok := strings.Cut(line, ":"); ok && !isNumber(fields[0]) {
		p.section = ""
		return false, p.keyword(strings.ToUpper(strings.TrimSpace(key)), strings.TrimSpace(value))
	}
	if p.section == "" {
		return false, p.errf(head, "unknown line outside any section")
	}
	return false, p.sectionLine(fields)
}

func isNumber(s string) bool {
	_, err := strconv.ParseFloat(s, 64)
	return err == nil
}

func (p *vrpReader) startSection(head string, rest []string) error {
	switch head {
	case "NODE_COORD_SECTION", "EDGE_WEIGHT_SECTION", "DEMAND_SECTION", "DEPOT_SECTION", "DISPLAY_DATA_SECTION":
	default:
		return p.errf(head, "unsupported section")
	}
	if !p.f.haveDimension {
		return p.errf(head, "section before DIMENSION")
	}
	p.section = head
	if len(rest) > 0 {
		return p.sectionLine(rest)
	}
	return nil
}

// keyword handles a "KEY : VALUE" specification line.
func (p *vrpReader) keyword(key, value string) error {
	f := p.f
	var err error
	switch key {
	case "NAME":
		f.Name = value
	case "COMMENT":
		f.Comment = value
	case "TYPE":
		f.Type = strings.ToUpper(value)
		if f.Type != "CVRP" && f.Type != "ACVRP" {
			return p.errf(key, "unsupported type %q (want CVRP or ACVRP)", value)
		}
	case "DIMENSION":
		if p.f.haveDimension {
			return p.errf(key, "given twice")
		}
		f.Dimension, err = strconv.Atoi(value)
		if err != nil || f.Dimension < 2 || f.Dimension > maxDimension {
			return p.errf(key, "want an integer in 2..%d, got %q", maxDimension, value)
		}
		p.f.haveDimension = true
		f.coordSeen = make([]bool, f.Dimension)
		f.demandSeen = make([]bool, f.Dimension)
	case "CAPACITY":
		return p.positive(key, value, &f.Capacity)
	case "DISTANCE":
		return p.positive(key, value, &f.Distance)
	case "SERVICE_TIME":
		return p.nonNegative(key, value, &f.ServiceTime)
	case "VEHICLES":
		f.Vehicles, err = strconv.Atoi(value)
		if err != nil || f.Vehicles < 1 {
			return p.errf(key, "want a positive integer, got %q", value)
		}
	case "EDGE_WEIGHT_TYPE":
		f.WeightType = strings.ToUpper(value)
		switch f.WeightType {
		case "EUC_2D", "CEIL_2D", "ATT", "GEO", "EXPLICIT":
		default:
			return p.errf(key, "unsupported %q (want EUC_2D, CEIL_2D, ATT, GEO or EXPLICIT)", value)
		}
	case "EDGE_WEIGHT_FORMAT":
		f.WeightFormat = strings.ToUpper(value)
		if _, ok := weightFormats[f.WeightFormat]; !ok {
			return p.errf(key, "unsupported %q", value)
		}
	case "DISPLAY_DATA_TYPE", "NODE_COORD_TYPE":
		f.DisplayType = value
	default:
		return p.errf(key, "unknown keyword")
	}
	return nil
}

func (p *vrpReader) positive(key, value string, dst *float64) error {
	v, err := strconv.ParseFloat(value, 64)
	if err != nil || !(v > 0) || v > 1e300 {
		return p.errf(key, "want a positive number, got %q", value)
	}
	*dst = v
	return nil
}

func (p *vrpReader) nonNegative(key, value string, dst *float64) error {
	v, err := strconv.ParseFloat(value, 64)
	if err != nil || !(v >= 0) || v > 1e300 {
		return p.errf(key, "want a non-negative number, got %q", value)
	}
	*dst = v
	return nil
}

// sectionLine handles one data line of the current section.
func (p *vrpReader) sectionLine(fields []string) error {
	nums := make([]float64, len(fields))
	for i, s := range fields {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || v != v || v > 1e300 || v < -1e300 {
			return p.errf(p.section, "bad number %q", s)
		}
		nums[i] = v
	}
	switch p.section {
	case "NODE_COORD_SECTION":
		return p.coordLine(nums)
	case "DEMAND_SECTION":
		return p.demandLine(nums)
	case "DEPOT_SECTION":
		return p.depotLine(nums)
	case "DISPLAY_DATA_SECTION":
		return p.displayLine(nums)
	default:
		return p.weightLine(nums)
	}
}

// nodeIndex turns a 1-based node id into a 0-based index.
func (p *vrpReader) nodeIndex(v float64) (int, error) {
	id := int(v)
	if float64(id) != v || id < 1 || id > p.f.Dimension {
		return 0, p.errf(p.section, "node id %g not in 1..%d", v, p.f.Dimension)
	}
	return id - 1, nil
}

func (p *vrpReader) coordLine(nums []float64) error {
	if len(nums) != 3 && len(nums) != 4 {
		return p.errf(p.section, "want id x y, got %d fields", len(nums))
	}
	i, err := p.nodeIndex(nums[0])
	if err != nil {
		return err
	}
	if p.f.coordSeen[i] {
		return p.errf(p.section, "node %d given twice", i+1)
	}
	if p.f.Coords == nil {
		p.f.Coords = make([][2]float64, p.f.Dimension)
	}
	p.f.coordSeen[i] = true
	p.f.Coords[i] = [2]float64{nums[1], nums[2]}
	return nil
}

// displayLine checks a DISPLAY_DATA_SECTION line (coordinates for drawing
// only, which the solver does not use).
func (p *vrpReader) displayLine(nums []float64) error {
	if len(nums) != 3 && len(nums) != 4 {
		return p.errf(p.section, "want id x y, got %d fields", len(nums))
	}
	_, err := p.nodeIndex(nums[0])
	return err
}

func (p *vrpReader) demandLine(nums []float64) error {
	if len(nums) != 2 {
		return p.errf(p.section, "want id demand, got %d fields", len(nums))
	}
	i, err := p.nodeIndex(nums[0])
	if err != nil {
		return err
	}
	if p.f.demandSeen[i] {
		return p.errf(p.section, "node %d given twice", i+1)
	}
	if nums[1] < 0 {
		return p.errf(p.section, "negative demand %g of node %d", nums[1], i+1)
	}
	if p.f.Demands == nil {
		p.f.Demands = make([]float64, p.f.Dimension)
	}
	p.f.demandSeen[i] = true
	p.f.Demands[i] = nums[1]
	return nil
}

func (p *vrpReader) depotLine(nums []float64) error {
	for _, v := range nums {
		if v == -1 {
			p.section = ""
			return nil
		}
		i, err := p.nodeIndex(v)
		if err != nil {
			return err
		}
		if p.f.haveDepot {
			return p.errf(p.section, "more than one depot (nodes %d and %d)", p.f.Depot+1, i+1)
		}
		p.f.Depot, p.f.haveDepot = i, true
	}
	return nil
}

func (p *vrpReader) weightLine(nums []float64) error {
	want, err := weightCount(p.f.WeightFormat, p.f.Dimension)
	if err != nil {
		return p.errf(p.section, "%v", err)
	}
	for _, v := range nums {
		if len(p.f.Weights) >= want {
			return p.errf(p.section, "more than the %d weights %s needs", want, p.f.WeightFormat)
		}
		if v < 0 {
			return p.errf(p.section, "negative weight %g", v)
		}
		p.f.Weights = append(p.f.Weights, v)
	}
	return nil
}

// errMissing is wrapped by finish when a required part is absent.
var errMissing = errors.New("missing")

// finish checks that the file is complete and consistent.
func (p *vrpReader) finish() error {
	f := p.f
	p.line = 0
	fail := func(key, format string, args ...any) error {
		return fmt.Errorf("vrp: %s: %s: %w", p.name, key, fmt.Errorf(format, args...))
	}
	switch {
	case !f.haveDimension:
		return fail("DIMENSION", "%w", errMissing)
	case f.Capacity == 0:
		return fail("CAPACITY", "%w", errMissing)
	case f.WeightType == "":
		return fail("EDGE_WEIGHT_TYPE", "%w", errMissing)
	case f.Demands == nil:
		return fail("DEMAND_SECTION", "%w", errMissing)
	}
	for i, ok := range f.demandSeen {
		if !ok {
			return fail("DEMAND_SECTION", "no demand for node %d", i+1)
		}
	}
	if !f.haveDepot {
		if p.section == "DEPOT_SECTION" {
			// The section was opened and never given a depot or its -1:
			// the file was cut short.
			return fail("DEPOT_SECTION", "no depot before the end of the file")
		}
		f.Depot = 0 // TSPLIB default: the first node
	}
	if f.WeightType == "EXPLICIT" {
		want, err := weightCount(f.WeightFormat, f.Dimension)
		if err != nil {
			return fail("EDGE_WEIGHT_FORMAT", "%v", err)
		}
		if len(f.Weights) != want {
			return fail("EDGE_WEIGHT_SECTION", "%d weights, %s needs %d", len(f.Weights), f.WeightFormat, want)
		}
		return nil
	}
	if f.Coords == nil {
		return fail("NODE_COORD_SECTION", "%w for EDGE_WEIGHT_TYPE %s", errMissing, f.WeightType)
	}
	for i, ok := range f.coordSeen {
		if !ok {
			return fail("NODE_COORD_SECTION", "no coordinates for node %d", i+1)
		}
	}
	return nil
}
