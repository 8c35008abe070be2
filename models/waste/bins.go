package waste

import (
	"fmt"
	"math"
	"strconv"

	"github.com/paulmach/orb"

	"citytwin/models/city"
)

// Kind is the kind of a bin; it sets the fill profile, service time and
// schedule defaults.
type Kind uint8

// The bin kinds.
const (
	// Basket is a public litter bin (OSM amenity=waste_basket), 100 l.
	Basket Kind = iota
	// Household is the residual-waste containers of one building (660 l
	// wheeled containers, as many as the estimate of HouseholdContainers).
	Household
	// Recycling is a recycling bank (OSM amenity=recycling,
	// recycling_type=container), 2,500 l.
	Recycling
	numKinds
)

var kindNames = [numKinds]string{"basket", "household", "recycling"}

// String is the kind's name in registers and tables.
func (k Kind) String() string {
	if k < numKinds {
		return kindNames[k]
	}
	return "kind" + strconv.Itoa(int(k))
}

// ParseKind reads "basket", "household" or "recycling".
func ParseKind(s string) (Kind, error) {
	for k, n := range kindNames {
		if n == s {
			return Kind(k), nil
		}
	}
	return 0, fmt.Errorf("waste: kind %q: want basket, household or recycling", s)
}

// Volumes of one container of each kind, litres. A public litter basket
// holds 50-120 l (Copenhagen's standard street bin is about 100 l); a
// household residual-waste container is the EN 840 four-wheel 660 l size;
// a recycling bank ("igloo") holds 2.5 m3.
const (
	BasketL      = 100.0
	ContainerL   = 660.0
	RecyclingL   = 2500.0
	personFloorM = 40.0 // residential floor area per resident, m2 (Copenhagen: about 40 m2 per person)
	// residualLPerPersonDay is the loose volume of residual household
	// waste per resident and day: about 180 kg per person and year
	// (Copenhagen) at a bulk density of about 100 kg/m3 in the container,
	// so 5 l a day.
	residualLPerPersonDay = 5.0
	// containerDesignFill is the share of a container a week's waste is
	// meant to fill when containers are sized for weekly collection.
	containerDesignFill = 0.8
)

// Bin is one collection point: a litter basket, the household containers
// of one building, or a recycling bank. Household containers of a
// building are one point (emptied together) of Containers x 660 l.
type Bin struct {
	ID         string
	Kind       Kind
	VolumeL    float64   // total volume of the point, l
	Containers int       // containers at the point (1 except households)
	LonLat     orb.Point // degrees
	XY         orb.Point // local metres
	Edge       city.EdgeID
	// RateL is the mean deposit volume per day, l; 0 means the kind's
	// default (Config.Rates) times VolumeL.
	RateL float64
}

// HouseholdContainers estimates the number of 660 l containers of a
// residential building from its floor area: residents = floor area / 40 m2,
// a week of residual waste at 5 l per resident and day, containers sized
// so that the week fills them to 80 %. It returns the containers and the
// daily volume in litres.
func HouseholdContainers(floorAreaM2 float64) (int, float64) {
	if !(floorAreaM2 > 0) {
		return 0, 0
	}
	perDay := floorAreaM2 / personFloorM * residualLPerPersonDay
	n := int(math.Ceil(perDay * 7 / (ContainerL * containerDesignFill)))
	return max(n, 1), perDay
}

// BinOptions chooses which of the city's features become bins.
type BinOptions struct {
	Baskets, Households, Recycling bool
}

// BinsFromCity makes the bins of a city: every waste basket, every
// recycling container (recycling centres are sites, not bins, and are
// left out) and the household containers of every residential building,
// in that order, each in OSM id order. Features without a road edge are
// skipped.
func BinsFromCity(c *city.City, opt BinOptions) []Bin {
	var bins []Bin
	add := func(f city.Feature, k Kind, volL float64, n int, rateL float64) {
		if f.Edge == city.NoEdge {
			return
		}
		id := kindNames[k] + "-" + f.OSMType + "-" + strconv.FormatInt(f.OSMID, 10)
		bins = append(bins, Bin{ID: id, Kind: k, VolumeL: volL, Containers: n, LonLat: f.LonLat,
			XY: f.XY, Edge: f.Edge, RateL: rateL})
	}
	if opt.Baskets {
		for _, f := range c.WasteBaskets {
			add(f.Feature, Basket, BasketL, 1, 0)
		}
	}
	if opt.Recycling {
		for _, f := range c.Recycling {
			if f.Kind == "container" {
				add(f.Feature, Recycling, RecyclingL, 1, 0)
			}
		}
	}
	if opt.Households {
		for _, b := range c.Buildings {
			if b.Use != "residential" {
				continue
			}
			n, perDay := HouseholdContainers(b.FloorAreaM2)
			if n > 0 {
				add(b.Feature, Household, float64(n)*ContainerL, n, perDay)
			}
		}
	}
	return bins
}
