package synth

import (
	"fmt"

	"github.com/paulmach/orb"

	"citytwin/models/city"
)

// SourceKind is where the network's water comes from.
type SourceKind int8

// Source kinds, in the order they are preferred.
const (
	FromWaterWorks SourceKind = iota // tagged water works: reservoir and pump
	FromWaterTower                   // tagged water tower: fixed head, gravity
	FromSynthetic                    // none tagged: reservoir and pump at the demand centre
)

func (k SourceKind) String() string {
	return [...]string{"water_works", "water_tower", "synthetic"}[k]
}

// Source is the network's source as placed.
type Source struct {
	Kind     SourceKind
	OSMID    int64     // the tagged facility, 0 for a synthetic source
	Name     string    // its name=* tag
	XY       orb.Point // local metres
	Junction int       // index of the junction it feeds
}

// chooseSource picks the tagged water works nearest the demand centre, else
// the nearest water tower, else a synthetic source at the junction nearest
// the centre.
func chooseSource(c *city.City, xy []orb.Point, centre orb.Point) Source {
	near := newNearest(xy)
	for _, cand := range []struct {
		kind SourceKind
		fs   []city.Facility
	}{{FromWaterWorks, c.WaterWorks}, {FromWaterTower, c.WaterTowers}} {
		best := -1
		for i, f := range cand.fs {
			if best < 0 || dist(f.XY, centre) < dist(cand.fs[best].XY, centre) {
				best = i
			}
		}
		if best >= 0 {
			f := cand.fs[best]
			return Source{Kind: cand.kind, OSMID: f.OSMID, Name: f.Name, XY: f.XY, Junction: near.find(f.XY)}
		}
	}
	j := near.find(centre)
	return Source{Kind: FromSynthetic, XY: xy[j], Junction: j}
}

// Gap says what a synthetic source stands for, "" for a tagged one.
func (s Source) Gap(c *city.City) string {
	if s.Kind != FromSynthetic {
		return ""
	}
	ll := c.Proj.ToLonLat(s.XY)
	return fmt.Sprintf("water: no water works or water tower tagged: synthetic reservoir and pump at the demand centre (%.5f, %.5f)", ll[0], ll[1])
}
