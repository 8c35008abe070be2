package scenarios

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
)

// Change is one what-if change of a variant scenario, applied by the model
// it concerns at time At (and undone at Until when given). Which fields a
// change uses depends on its Kind; a field another kind would use is an
// error, as is a street, node, link or branch the city or network lacks.
//
// Kinds:
//   - close_street (traffic): Street (a name) or Way (an OSM way id), At, Until
//   - close_lane (traffic): Street or Way, Lane (0 = rightmost), At, Until
//   - speed_limit (traffic): Street or Way, KMH, At, Until
//   - scale_demand (traffic): Factor on the number of trips
//   - pipe_burst (water): Node (junction id), Coefficient (emitter, network units), At, Until
//   - close_pipe (water): Link (pipe or valve id), At, Until
//   - pump_outage (water): Link (pump id), At, Until
//   - water_demand (water): Factor on every demand, At, Until
//   - load_growth (grid): Factor on every building load
//   - line_outage (grid): Branch (1-based row of the grid's branch table), At, Until
//   - pv_share (grid): Share of buildings with rooftop PV (0..1)
//   - heat_pump_share (grid): Share of residential floor area heated by heat pumps
//   - ev_share (grid): Share of residents' cars that are electric and charge at home
//   - close_car_park (parking): CarPark (a name)
//   - add_capacity (parking): CarPark, Spaces (may be negative)
//   - add_chargers (parking): CarPark ("*" for every car park), Count per car park, KW
//   - parking_guidance (parking): Policy (none, nearest or score)
//   - parking_price (parking): CarPark ("*" for every car park), PricePerH
//   - collection_policy (waste): Policy (fixed, threshold or predictive), Threshold (fill share 0..1, threshold policy)
//   - fleet_size (waste): Count of trucks
//   - depot (waste): Location [lon, lat] of the trucks' depot
//   - sensor_coverage (waste): Share of bins with a fill sensor (0..1)
//
// Parking and waste changes hold for the whole run.
type Change struct {
	Kind        string    `yaml:"kind"`
	Street      string    `yaml:"street"`
	Way         int64     `yaml:"way"`
	Lane        *int      `yaml:"lane"`
	KMH         float64   `yaml:"kmh"`
	Factor      float64   `yaml:"factor"`
	CarPark     string    `yaml:"car_park"`
	Spaces      int       `yaml:"spaces"`
	Count       int       `yaml:"count"`
	KW          float64   `yaml:"kw"`
	Policy      string    `yaml:"policy"`
	PricePerH   *float64  `yaml:"price_per_h"`
	Share       *float64  `yaml:"share"`
	Node        string    `yaml:"node"`
	Link        string    `yaml:"link"`
	Branch      int       `yaml:"branch"`
	Coefficient float64   `yaml:"coefficient"`
	Threshold   *float64  `yaml:"threshold"`
	Location    []float64 `yaml:"location"`
	At          Clock     `yaml:"at"`
	Until       Clock     `yaml:"until"`
	key         string    // "changes[i]" for errors
	model       string    // the model that applies it
	fields      []string  // keys given, for the applies-to check
}

// Clock is a time in a scenario: a local time of day on the start date
// ("08:00", "08:30:15") or an offset from the start ("+90m", "+1d2h").
type Clock struct {
	Set    bool
	Offset time.Duration // from the scenario start, resolved by resolveClock
	text   string
}

// UnmarshalYAML keeps the text; it is resolved against the start later.
func (c *Clock) UnmarshalYAML(node ast.Node) error {
	c.text = strings.Trim(strings.TrimSpace(node.String()), `"'`)
	c.Set = c.text != ""
	return nil
}

// changeKinds maps each kind to its model and the fields it may use.
var changeKinds = map[string]struct {
	model  string
	fields []string
}{
	"close_street":      {"traffic", []string{"street", "way", "at", "until"}},
	"close_lane":        {"traffic", []string{"street", "way", "lane", "at", "until"}},
	"speed_limit":       {"traffic", []string{"street", "way", "kmh", "at", "until"}},
	"scale_demand":      {"traffic", []string{"factor"}},
	"pipe_burst":        {"water", []string{"node", "coefficient", "at", "until"}},
	"close_pipe":        {"water", []string{"link", "at", "until"}},
	"pump_outage":       {"water", []string{"link", "at", "until"}},
	"water_demand":      {"water", []string{"factor", "at", "until"}},
	"load_growth":       {"grid", []string{"factor"}},
	"line_outage":       {"grid", []string{"branch", "at", "until"}},
	"pv_share":          {"grid", []string{"share"}},
	"heat_pump_share":   {"grid", []string{"share"}},
	"ev_share":          {"grid", []string{"share"}},
	"close_car_park":    {"parking", []string{"car_park"}},
	"add_capacity":      {"parking", []string{"car_park", "spaces"}},
	"add_chargers":      {"parking", []string{"car_park", "count", "kw"}},
	"parking_guidance":  {"parking", []string{"policy"}},
	"parking_price":     {"parking", []string{"car_park", "price_per_h"}},
	"collection_policy": {"waste", []string{"policy", "threshold"}},
	"fleet_size":        {"waste", []string{"count"}},
	"depot":             {"waste", []string{"location"}},
	"sensor_coverage":   {"waste", []string{"share"}},
}

// variant is the part of a scenario file that may extend another.
type variant struct {
	Extends string `yaml:"extends"`
}

// loadWithBase reads path; when it extends a base scenario, the base is
// read first (recursively) and the variant's top-level keys replace the
// base's, except models, whose sections replace the base's one by one,
// and changes, which are appended.
func loadWithBase(path string, data []byte, seen map[string]bool) ([]byte, error) {
	var v variant
	if err := unmarshalYAML(fileAt(path), data, &v); err != nil {
		return nil, err
	}
	if v.Extends == "" {
		return data, nil
	}
	basePath := v.Extends
	if !filepath.IsAbs(basePath) {
		basePath = filepath.Join(filepath.Dir(path), basePath)
	}
	abs, _ := filepath.Abs(basePath)
	if seen[abs] {
		return nil, fmt.Errorf("%w: %s: extends: %s is extended in a cycle", ErrInvalid, path, v.Extends)
	}
	seen[abs] = true
	baseData, err := os.ReadFile(basePath)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: extends: %v", ErrInvalid, path, err)
	}
	baseData, err = loadWithBase(basePath, baseData, seen)
	if err != nil {
		return nil, err
	}
	return mergeYAML(path, basePath, baseData, data)
}

// mergeYAML overlays the variant document on the base one, as maps.
func mergeYAML(path, basePath string, baseData, data []byte) ([]byte, error) {
	var base, over yaml.MapSlice
	if err := unmarshalYAML(fileAt(basePath), baseData, &base, yaml.UseOrderedMap()); err != nil {
		return nil, err
	}
	if err := unmarshalYAML(fileAt(path), data, &over, yaml.UseOrderedMap()); err != nil {
		return nil, err
	}
	// Relative paths of the base stay relative to the base's folder.
	rebase, err := filepath.Rel(filepath.Dir(path), filepath.Dir(basePath))
	if err != nil {
		rebase = filepath.Dir(basePath)
	}
	base = rebasePaths(base, rebase)
	for _, item := range over {
		key := fmt.Sprint(item.Key)
		switch key {
		case "extends":
			continue
		case "models":
			base = setKey(base, "models", mergeMaps(getKey(base, "models"), item.Value))
		case "changes":
			base = setKey(base, "changes", appendSeq(getKey(base, "changes"), item.Value))
		default:
			base = setKey(base, key, item.Value)
		}
	}
	return yaml.Marshal(base)
}

func getKey(m yaml.MapSlice, key string) any {
	for _, it := range m {
		if fmt.Sprint(it.Key) == key {
			return it.Value
		}
	}
	return nil
}

func setKey(m yaml.MapSlice, key string, v any) yaml.MapSlice {
	for i, it := range m {
		if fmt.Sprint(it.Key) == key {
			m[i].Value = v
			return m
		}
	}
	return append(m, yaml.MapItem{Key: key, Value: v})
}

func mergeMaps(base, over any) any {
	b, ok1 := base.(yaml.MapSlice)
	o, ok2 := over.(yaml.MapSlice)
	if !ok1 || !ok2 {
		return over
	}
	out := append(yaml.MapSlice(nil), b...)
	for _, it := range o {
		out = setKey(out, fmt.Sprint(it.Key), it.Value)
	}
	return out
}

func appendSeq(base, over any) any {
	b, _ := base.([]any)
	o, ok := over.([]any)
	if !ok {
		return over
	}
	return append(append([]any(nil), b...), o...)
}

// pathKeys are the keys whose values are file paths relative to the
// scenario file.
var pathKeys = map[string]bool{"osm": true, "inp": true, "trips": true, "profiles": true, "case": true}

// rebasePaths prefixes the relative file paths of a base scenario so they
// stay right when read from the variant's folder.
func rebasePaths(m yaml.MapSlice, rel string) yaml.MapSlice {
	if rel == "." || rel == "" {
		return m
	}
	for i, it := range m {
		switch v := it.Value.(type) {
		case yaml.MapSlice:
			m[i].Value = rebasePaths(v, rel)
		case string:
			if pathKeys[fmt.Sprint(it.Key)] && v != "" && !filepath.IsAbs(v) {
				m[i].Value = filepath.Join(rel, v)
			}
		}
	}
	return m
}

// checkChanges validates every change's kind and fields and resolves its
// times against the start.
func (sc *Scenario) checkChanges() error {
	for i := range sc.Changes {
		ch := &sc.Changes[i]
		ch.key = fmt.Sprintf("changes[%d]", i)
		kind, ok := changeKinds[ch.Kind]
		if !ok {
			return sc.fieldError(ch.key+".kind", "unknown change kind %q", ch.Kind)
		}
		ch.model = kind.model
		for _, f := range ch.given() {
			if !contains(kind.fields, f) {
				return sc.fieldError(ch.key+"."+f, "does not apply to a %s change (it takes %s)", ch.Kind, strings.Join(kind.fields, ", "))
			}
		}
		if _, ok := sc.Models[ch.model]; !ok {
			return sc.fieldError(ch.key+".kind", "a %s change needs the %s model, which this scenario does not run", ch.Kind, ch.model)
		}
		for _, c := range []*Clock{&ch.At, &ch.Until} {
			if err := sc.resolveClock(c); err != nil {
				return sc.fieldError(ch.key, "%v", err)
			}
		}
		if ch.Until.Set && ch.Until.Offset <= ch.At.Offset {
			return sc.fieldError(ch.key+".until", "not after at")
		}
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// given lists the fields of the change that are set.
func (ch *Change) given() []string {
	var out []string
	add := func(name string, set bool) {
		if set {
			out = append(out, name)
		}
	}
	add("street", ch.Street != "")
	add("way", ch.Way != 0)
	add("lane", ch.Lane != nil)
	add("kmh", ch.KMH != 0)
	add("factor", ch.Factor != 0)
	add("share", ch.Share != nil)
	add("car_park", ch.CarPark != "")
	add("spaces", ch.Spaces != 0)
	add("count", ch.Count != 0)
	add("kw", ch.KW != 0)
	add("policy", ch.Policy != "")
	add("price_per_h", ch.PricePerH != nil)
	add("node", ch.Node != "")
	add("link", ch.Link != "")
	add("branch", ch.Branch != 0)
	add("coefficient", ch.Coefficient != 0)
	add("threshold", ch.Threshold != nil)
	add("location", ch.Location != nil)
	add("at", ch.At.Set)
	add("until", ch.Until.Set)
	return out
}

// resolveClock turns "HH:MM[:SS]" (local time on the start date, or the
// next day when earlier than the start) or "+DURATION" into an offset.
func (sc *Scenario) resolveClock(c *Clock) error {
	if !c.Set {
		return nil
	}
	if strings.HasPrefix(c.text, "+") {
		d, err := ParseDuration(c.text[1:])
		if err != nil {
			return err
		}
		c.Offset = d
		return nil
	}
	var h, m, s int
	if n, _ := fmt.Sscanf(c.text, "%d:%d:%d", &h, &m, &s); n < 2 || h > 23 || m > 59 || s > 59 || h < 0 || m < 0 || s < 0 {
		return fmt.Errorf("time %q: want HH:MM, HH:MM:SS or +DURATION", c.text)
	}
	st := sc.StartTime
	at := time.Date(st.Year(), st.Month(), st.Day(), h, m, s, 0, st.Location())
	if at.Before(st) {
		at = at.AddDate(0, 0, 1)
	}
	c.Offset = at.Sub(st)
	return nil
}

// ChangesFor returns the changes the named model applies.
func (sc *Scenario) ChangesFor(model string) []Change {
	var out []Change
	for _, ch := range sc.Changes {
		if ch.model == model {
			out = append(out, ch)
		}
	}
	return out
}
