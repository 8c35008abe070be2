package main

import (
	"compress/gzip"
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"os"
	"regexp"
	"strconv"
	"strings"
)

// sumoNet is what the harness needs from a SUMO .net.xml: the normal
// edges open to passenger cars with the shape of their rightmost lane,
// and the projection (UTM zone and net offset).
type sumoNet struct {
	ids     []string
	shapes  [][][2]float64
	lengths []float64 // lane length as SUMO uses it for positions, m
	zone    int
	offX    float64
	offY    float64
	grid    map[[2]int32][]segRef
}

type segRef struct{ edge, seg int32 }

const cellM = 50.0

type xmlLane struct {
	Index    int     `xml:"index,attr"`
	Allow    string  `xml:"allow,attr"`
	Disallow string  `xml:"disallow,attr"`
	Length   float64 `xml:"length,attr"`
	Shape    string  `xml:"shape,attr"`
}

type xmlEdge struct {
	ID       string    `xml:"id,attr"`
	Function string    `xml:"function,attr"`
	Lanes    []xmlLane `xml:"lane"`
}

type xmlLocation struct {
	NetOffset string `xml:"netOffset,attr"`
	Proj      string `xml:"projParameter,attr"`
}

func allowsPassenger(l xmlLane) bool {
	if l.Allow != "" {
		return hasWord(l.Allow, "passenger") || hasWord(l.Allow, "all")
	}
	return !hasWord(l.Disallow, "passenger") && !hasWord(l.Disallow, "all")
}

func hasWord(s, w string) bool {
	for _, f := range strings.Fields(s) {
		if f == w {
			return true
		}
	}
	return false
}

// readSumoNet reads the edges and location of a SUMO network file.
func readSumoNet(path string) (*sumoNet, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(path, ".gz") {
		gz, err := gzip.NewReader(f)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		r = gz
	}
	n := &sumoNet{grid: map[[2]int32][]segRef{}}
	dec := xml.NewDecoder(r)
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch se.Name.Local {
		case "location":
			var loc xmlLocation
			if err := dec.DecodeElement(&loc, &se); err != nil {
				return nil, fmt.Errorf("%s: location: %w", path, err)
			}
			if err := n.setLocation(loc); err != nil {
				return nil, fmt.Errorf("%s: %w", path, err)
			}
		case "edge":
			var e xmlEdge
			if err := dec.DecodeElement(&e, &se); err != nil {
				return nil, fmt.Errorf("%s: edge: %w", path, err)
			}
			n.addEdge(e)
		}
	}
	return n, nil
}

func (n *sumoNet) setLocation(loc xmlLocation) error {
	m := regexp.MustCompile(`\+zone=(\d+)`).FindStringSubmatch(loc.Proj)
	if m == nil {
		return fmt.Errorf("projection %q is not UTM", loc.Proj)
	}
	n.zone, _ = strconv.Atoi(m[1])
	parts := strings.Split(loc.NetOffset, ",")
	if len(parts) != 2 {
		return fmt.Errorf("netOffset %q", loc.NetOffset)
	}
	n.offX, _ = strconv.ParseFloat(parts[0], 64)
	n.offY, _ = strconv.ParseFloat(parts[1], 64)
	return nil
}

func (n *sumoNet) addEdge(e xmlEdge) {
	if e.Function != "" && e.Function != "normal" {
		return
	}
	var lane *xmlLane
	for k := range e.Lanes {
		if allowsPassenger(e.Lanes[k]) && (lane == nil || e.Lanes[k].Index < lane.Index) {
			lane = &e.Lanes[k]
		}
	}
	if lane == nil {
		return
	}
	var shape [][2]float64
	for _, p := range strings.Fields(lane.Shape) {
		xy := strings.Split(p, ",")
		if len(xy) < 2 {
			continue
		}
		x, _ := strconv.ParseFloat(xy[0], 64)
		y, _ := strconv.ParseFloat(xy[1], 64)
		shape = append(shape, [2]float64{x, y})
	}
	if len(shape) < 2 {
		return
	}
	id := int32(len(n.ids))
	n.ids = append(n.ids, e.ID)
	n.shapes = append(n.shapes, shape)
	n.lengths = append(n.lengths, lane.Length)
	for s := 0; s+1 < len(shape); s++ {
		a, b := shape[s], shape[s+1]
		x0, x1 := cell(math.Min(a[0], b[0])), cell(math.Max(a[0], b[0]))
		y0, y1 := cell(math.Min(a[1], b[1])), cell(math.Max(a[1], b[1]))
		for cx := x0; cx <= x1; cx++ {
			for cy := y0; cy <= y1; cy++ {
				k := [2]int32{cx, cy}
				n.grid[k] = append(n.grid[k], segRef{id, int32(s)})
			}
		}
	}
}

func cell(v float64) int32 { return int32(math.Floor(v / cellM)) }

// snap finds the passenger edge nearest lon/lat and the position along it
// (m, on SUMO's lane length scale). Ties go to the lower edge id string.
func (n *sumoNet) snap(lon, lat float64) (string, float64, bool) {
	x, y := utm(lon, lat, n.zone)
	x += n.offX
	y += n.offY
	cx, cy := cell(x), cell(y)
	best, bestSeg, bestT, bestD := int32(-1), int32(0), 0.0, math.Inf(1)
	for r := int32(0); r <= 20; r++ {
		for ix := cx - r; ix <= cx+r; ix++ {
			for iy := cy - r; iy <= cy+r; iy++ {
				if max(abs32(ix-cx), abs32(iy-cy)) != r {
					continue
				}
				for _, s := range n.grid[[2]int32{ix, iy}] {
					sh := n.shapes[s.edge]
					d, t := pointSeg(x, y, sh[s.seg], sh[s.seg+1])
					if d < bestD-1e-9 || (math.Abs(d-bestD) <= 1e-9 && n.ids[s.edge] < n.ids[best]) {
						best, bestSeg, bestT, bestD = s.edge, s.seg, t, d
					}
				}
			}
		}
		if best >= 0 && bestD <= float64(r)*cellM {
			break
		}
	}
	if best < 0 {
		return "", 0, false
	}
	sh := n.shapes[best]
	along, total := 0.0, 0.0
	for k := 0; k+1 < len(sh); k++ {
		l := math.Hypot(sh[k+1][0]-sh[k][0], sh[k+1][1]-sh[k][1])
		if int32(k) < bestSeg {
			along += l
		} else if int32(k) == bestSeg {
			along += bestT * l
		}
		total += l
	}
	pos := along
	if total > 0 {
		pos = along / total * n.lengths[best]
	}
	return n.ids[best], pos, true
}

func abs32(v int32) int32 {
	if v < 0 {
		return -v
	}
	return v
}

// pointSeg is the distance from (x, y) to segment ab and the parameter
// (0..1) of the nearest point.
func pointSeg(x, y float64, a, b [2]float64) (float64, float64) {
	dx, dy := b[0]-a[0], b[1]-a[1]
	l2 := dx*dx + dy*dy
	t := 0.0
	if l2 > 0 {
		t = math.Max(0, math.Min(1, ((x-a[0])*dx+(y-a[1])*dy)/l2))
	}
	return math.Hypot(x-a[0]-t*dx, y-a[1]-t*dy), t
}

// utm projects WGS84 lon/lat to UTM easting/northing in zone (m), with the
// series of Snyder, Map Projections: A Working Manual (USGS Professional
// Paper 1395, 1987), eqs. 8-9 to 8-10: sub-millimetre within a zone, the
// projection netconvert uses for these extracts (+proj=utm).
func utm(lon, lat float64, zone int) (float64, float64) {
	const a, f, k0 = 6378137.0, 1 / 298.257223563, 0.9996
	e2 := f * (2 - f)
	ep2 := e2 / (1 - e2)
	lon0 := float64((zone-1)*6-180+3) * math.Pi / 180
	phi, lam := lat*math.Pi/180, lon*math.Pi/180
	sin := math.Sin(phi)
	nn := a / math.Sqrt(1-e2*sin*sin)
	t := math.Tan(phi) * math.Tan(phi)
	c := ep2 * math.Cos(phi) * math.Cos(phi)
	aa := math.Cos(phi) * (lam - lon0)
	m := a * ((1-e2/4-3*e2*e2/64-5*e2*e2*e2/256)*phi -
		(3*e2/8+3*e2*e2/32+45*e2*e2*e2/1024)*math.Sin(2*phi) +
		(15*e2*e2/256+45*e2*e2*e2/1024)*math.Sin(4*phi) -
		(35*e2*e2*e2/3072)*math.Sin(6*phi))
	x := k0*nn*(aa+(1-t+c)*math.Pow(aa, 3)/6+(5-18*t+t*t+72*c-58*ep2)*math.Pow(aa, 5)/120) + 500000
	y := k0 * (m + nn*math.Tan(phi)*(aa*aa/2+(5-t+9*c+4*c*c)*math.Pow(aa, 4)/24+
		(61-58*t+t*t+600*c-330*ep2)*math.Pow(aa, 6)/720))
	return x, y
}
