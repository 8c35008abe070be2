package city

import (
	"sort"
	"strings"

	"github.com/paulmach/osm"
)

// defaultChargerKW is the power of a charging point whose output is not
// tagged, kW: 11 kW, three-phase 16 A AC on a Type 2 socket, the common
// public street charger in Denmark (IEC 61851-1 mode 3).
const defaultChargerKW = 11.0

// Charger is an EV charging station (amenity=charging_station).
type Charger struct {
	Feature
	Capacity int     // vehicles that can charge at once: capacity, else the sum of socket:<type>=N, else 1
	Sockets  string  // socket types and counts, "type2:2;chademo:1", sorted
	PowerKW  float64 // highest tagged output (socket:*:output, charging_station:output), else defaultChargerKW
	Operator string
	Motorcar bool // motorcar=yes or untagged (not a bicycle-only station)
}

// chargers returns every amenity=charging_station element.
func (c *City) chargers(raw *rawOSM) []Charger {
	var out []Charger
	for _, s := range raw.shapes(c.Proj, tagIs("amenity", "charging_station")) {
		ch := Charger{Feature: c.feature(s), Operator: s.tags.Find("operator"), PowerKW: defaultChargerKW}
		ch.Motorcar = s.tags.Find("motorcar") != "no"
		sockets, total, kw := sockets(s.tags)
		ch.Sockets = sockets
		if kw > 0 {
			ch.PowerKW = kw
		}
		switch n, ok := parseNumber(s.tags.Find("capacity")); {
		case ok && n >= 1 && n < 1e4:
			ch.Capacity = int(n)
		case total > 0:
			ch.Capacity = total
		default:
			ch.Capacity = 1
		}
		out = append(out, ch)
	}
	return out
}

// sockets reads socket:<type>=<count> and socket:<type>:output=<power>
// (and charging_station:output) tags.
func sockets(tags osm.Tags) (desc string, total int, maxKW float64) {
	var parts []string
	for _, t := range tags {
		k := t.Key
		if kw, ok := parsePowerKW(t.Value); ok && (strings.HasSuffix(k, ":output") && strings.HasPrefix(k, "socket:") || k == "charging_station:output") {
			maxKW = max(maxKW, kw)
			continue
		}
		if !strings.HasPrefix(k, "socket:") || strings.Count(k, ":") != 1 {
			continue
		}
		if n, ok := parseNumber(t.Value); ok && n >= 1 && n < 1000 {
			parts = append(parts, strings.TrimPrefix(k, "socket:")+":"+strings.TrimSpace(t.Value))
			total += int(n)
		}
	}
	sort.Strings(parts)
	return strings.Join(parts, ";"), total, maxKW
}

// parsePowerKW reads "22 kW", "50kW", "350 kW", "3.7 kW", "7400 W".
func parsePowerKW(v string) (float64, bool) {
	v = strings.ToLower(strings.TrimSpace(v))
	if i := strings.IndexAny(v, ";|"); i >= 0 {
		v = strings.TrimSpace(v[:i])
	}
	factor := 1.0
	switch {
	case strings.HasSuffix(v, "kw"):
		v = strings.TrimSuffix(v, "kw")
	case strings.HasSuffix(v, "mw"):
		v, factor = strings.TrimSuffix(v, "mw"), 1000
	case strings.HasSuffix(v, "w"):
		v, factor = strings.TrimSuffix(v, "w"), 0.001
	default:
		return 0, false
	}
	x, ok := parseNumber(v)
	if !ok || x == 0 {
		return 0, false
	}
	return x * factor, true
}
