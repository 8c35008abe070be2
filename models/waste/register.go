package waste

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/paulmach/orb"

	"citytwin/models/city"
)

// ReadBins reads a CSV register of bins with the header
// id,lon,lat,volume_l,kind (in any order; other columns are ignored):
// id a unique text, lon/lat in degrees (WGS84), volume_l the bin's volume
// in litres (> 0), kind basket, household or recycling. A household row is
// one container unless volume_l is a multiple of 660 l. Errors name the
// file, line and column ("bins.csv:4:3: lat: ..."). Positions are not on
// the road graph yet: see SnapBins.
func ReadBins(r io.Reader, name string) ([]Bin, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	var col map[string]int
	var bins []Bin
	seen := map[string]int{}
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(text) == "" || strings.HasPrefix(text, "#") {
			continue
		}
		f := strings.Split(text, ",")
		if col == nil {
			var err error
			if col, err = header(f, "id", "lon", "lat", "volume_l", "kind"); err != nil {
				return nil, fmt.Errorf("%w: %s:%d: %v", ErrData, name, line, err)
			}
			continue
		}
		b, err := parseBin(f, col)
		if err != nil {
			return nil, fmt.Errorf("%w: %s:%d:%v", ErrData, name, line, err)
		}
		if first, dup := seen[b.ID]; dup {
			return nil, fmt.Errorf("%w: %s:%d:%d: id %q already on line %d", ErrData, name, line, col["id"]+1, b.ID, first)
		}
		seen[b.ID] = line
		bins = append(bins, b)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrData, name, err)
	}
	if col == nil {
		return nil, fmt.Errorf("%w: %s: no header", ErrData, name)
	}
	return bins, nil
}

func parseBin(f []string, col map[string]int) (Bin, error) {
	var b Bin
	id, ci, err := field(f, col, "id")
	if err != nil {
		return b, err
	}
	if id == "" {
		return b, fmt.Errorf("%d: id: empty", ci)
	}
	num := func(c string, lo, hi float64) (float64, error) {
		s, ci, err := field(f, col, c)
		if err != nil {
			return 0, err
		}
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(v) || v < lo || v > hi {
			return 0, fmt.Errorf("%d: %s: %q is not a number in [%g, %g]", ci, c, s, lo, hi)
		}
		return v, nil
	}
	lon, err := num("lon", -180, 180)
	if err != nil {
		return b, err
	}
	lat, err := num("lat", -90, 90)
	if err != nil {
		return b, err
	}
	vol, err := num("volume_l", 1e-3, 1e6)
	if err != nil {
		return b, err
	}
	ks, ci, err := field(f, col, "kind")
	if err != nil {
		return b, err
	}
	k, err := ParseKind(ks)
	if err != nil {
		return b, fmt.Errorf("%d: kind: %v", ci, err)
	}
	n := 1
	if k == Household && vol >= ContainerL && math.Mod(vol, ContainerL) == 0 {
		n = int(vol / ContainerL)
	}
	return Bin{ID: id, Kind: k, VolumeL: vol, Containers: n, LonLat: orb.Point{lon, lat}, Edge: city.NoEdge}, nil
}

// SnapBins places register bins on the city: local coordinates and the
// nearest road edge (of the largest strongly connected component). A bin
// farther than maxM metres from any road is an error naming it.
func SnapBins(c *city.City, bins []Bin, maxM float64) error {
	for i := range bins {
		b := &bins[i]
		e, _, d, ok := c.SnapLonLat(b.LonLat)
		if !ok || d > maxM {
			return fmt.Errorf("waste: bin %s at %v: no road of %s within %g m", b.ID, b.LonLat, c.Name, maxM)
		}
		b.Edge, b.XY = e, c.Proj.ToXY(b.LonLat)
	}
	return nil
}
