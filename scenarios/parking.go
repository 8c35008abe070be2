package scenarios

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"

	"citytwin/engine"
	"citytwin/engine/record"
	"citytwin/models/parking"
)

func init() { registerModel("parking", buildParking) }

// parkingConfig is the scenario's models.parking section.
type parkingConfig struct {
	Guidance            string   `yaml:"guidance"`             // none (default), nearest or score
	EstimateResidential *bool    `yaml:"estimate_residential"` // kerb parking along untagged residential streets (default true)
	Background          float64  `yaml:"background_per_h"`     // background arrivals per hour (default 0)
	EVShare             *float64 `yaml:"ev_share"`             // share of arrivals that are EVs wanting to charge (default 0.1)
	MaxWalkM            float64  `yaml:"max_walk_m"`
	MaxSearch           Duration `yaml:"max_search"`
	Sample              Duration `yaml:"sample"`  // occupancy series interval (default 5m)
	Events              *bool    `yaml:"events"`  // keep the parking events table (default true)
	Prefill             float64  `yaml:"prefill"` // share of bays occupied at the start (residents, long stays; default 0)
	// CarParks is a car-park register (models/parking/doc.go describes
	// its columns) that replaces the city's facilities of the kinds it
	// lists, or with mode add adds to them: "car_parks: FILE.csv" or
	// "car_parks: {file: FILE.csv, mode: add}".
	CarParks carParksSource `yaml:"car_parks"`
}

// carParksSource is the car_parks key: a file name, or a mapping with
// the file and the mode (replace, the default, or add).
type carParksSource struct {
	File string `yaml:"file"`
	Mode string `yaml:"mode"`
}

// UnmarshalYAML reads a scalar file name or a {file, mode} mapping.
func (c *carParksSource) UnmarshalYAML(node ast.Node) error {
	switch node.Type() {
	case ast.StringType:
		c.File = strings.Trim(strings.TrimSpace(node.String()), `"'`)
		return nil
	case ast.MappingType:
	default:
		return NodeError(node, "car_parks: want a file name or {file: FILE.csv, mode: replace|add}")
	}
	var m struct {
		File string `yaml:"file"`
		Mode string `yaml:"mode"`
	}
	if err := yaml.NodeToValue(node, &m, yaml.Strict()); err != nil {
		return err
	}
	if m.File == "" {
		return NodeError(node, "car_parks: want a file")
	}
	c.File, c.Mode = m.File, m.Mode
	return nil
}

// parkingModel adapts models/parking to the scenario: it is the model
// itself, built from the city with the section's settings.
type parkingModel struct{ *parking.Model }

func buildParking(env *Env, key string, node ast.Node) (engine.Model, error) {
	var c parkingConfig
	if err := env.Decode(node, &c); err != nil {
		return nil, err
	}
	if err := env.positive(key, keyed{"max_search", c.MaxSearch}, keyed{"sample", c.Sample}); err != nil {
		return nil, err
	}
	g, err := parking.ParseGuidance(c.Guidance)
	if err != nil {
		return nil, env.Invalid(key+".guidance", "%v", err)
	}
	if c.Background < 0 || c.MaxWalkM < 0 {
		return nil, env.Invalid(key, "background_per_h and max_walk_m must not be negative")
	}
	if c.Prefill < 0 || c.Prefill > 1 {
		return nil, env.Invalid(key+".prefill", "want a share between 0 and 1, got %v", c.Prefill)
	}
	cfg := parking.Config{Guidance: g, Background: c.Background, MaxWalkM: c.MaxWalkM, EVShare: 0.1,
		MaxSearchS: c.MaxSearch.D.Seconds(), SampleS: c.Sample.D.Seconds(), EventsTable: true, Prefill: c.Prefill}
	if c.EVShare != nil {
		if *c.EVShare < 0 || *c.EVShare > 1 {
			return nil, env.Invalid(key+".ev_share", "want a share between 0 and 1, got %v", *c.EVShare)
		}
		cfg.EVShare = *c.EVShare
	}
	if c.Events != nil {
		cfg.EventsTable = *c.Events
	}
	st := env.Start
	cfg.DayOffsetS = float64(st.Hour()*3600 + st.Minute()*60 + st.Second())
	opt := parking.SupplyOptions{EstimateResidential: c.EstimateResidential == nil || *c.EstimateResidential}
	fac := parking.SupplyFromCity(env.City, opt)
	if c.CarParks.File != "" {
		if fac, err = withRegister(env, key+".car_parks", c.CarParks, fac); err != nil {
			return nil, err
		}
	}
	m, err := parking.New(env.City, fac, cfg, nil)
	if err != nil {
		return nil, err
	}
	if err := parkingChanges(env, m); err != nil {
		return nil, err
	}
	return parkingModel{m}, nil
}

// withRegister reads the car-park register of the section and combines
// it with the city's facilities.
func withRegister(env *Env, key string, src carParksSource, fac []parking.Facility) ([]parking.Facility, error) {
	mode, err := parking.ParseRegisterMode(src.Mode)
	if err != nil {
		return nil, env.Invalid(key+".mode", "%v", err)
	}
	f, err := os.Open(env.Scenario.Resolve(src.File))
	if err != nil {
		return nil, env.Invalid(key, "%v", err)
	}
	defer f.Close()
	entries, err := parking.ReadRegister(f, src.File)
	if err == nil {
		var reg []parking.Facility
		if reg, err = parking.PlaceRegister(env.City, entries, src.File); err == nil {
			return parking.MergeRegister(fac, reg, mode), nil
		}
	}
	return nil, fmt.Errorf("%w: %s: %v", ErrInvalid, env.Scenario.Position(key), err)
}

// parkingChanges applies the scenario's parking changes for the whole run;
// a car park the city lacks is an error that names it.
func parkingChanges(env *Env, m *parking.Model) error {
	for _, ch := range env.Scenario.ChangesFor("parking") {
		if ch.Kind == "parking_guidance" {
			g, err := parking.ParseGuidance(ch.Policy)
			if err != nil {
				return env.Invalid(ch.key+".policy", "%v", err)
			}
			m.SetGuidance(g)
			continue
		}
		targets := carParks(m, ch.CarPark)
		if len(targets) == 0 {
			return env.Invalid(ch.key+".car_park", "no car park named %q in %s", ch.CarPark, env.City.Name)
		}
		for _, f := range targets {
			var err error
			switch ch.Kind {
			case "close_car_park":
				err = m.Close(f, true)
			case "add_capacity":
				err = m.SetCapacity(f, max(0, m.Facilities()[f].Capacity+ch.Spaces))
			case "add_chargers":
				if ch.Count <= 0 || ch.KW <= 0 {
					return env.Invalid(ch.key, "add_chargers wants a positive count and kw")
				}
				err = m.AddChargers(f, ch.Count, ch.KW)
			case "parking_price":
				err = m.SetPrice(f, *ch.PricePerH)
			}
			if err != nil {
				return env.Invalid(ch.key, "%v", err)
			}
		}
	}
	return nil
}

// carParks finds the car parks (not on-street strips) named name, or all
// of them for "*".
func carParks(m *parking.Model, name string) []int {
	var out []int
	for i, f := range m.Facilities() {
		if f.Kind != parking.CarPark {
			continue
		}
		if name == "*" || strings.EqualFold(f.Name, name) {
			out = append(out, i)
		}
	}
	return out
}

// The adapter reports and checkpoints through the model.
var (
	_ engine.Reporter = parkingModel{}
	_ engine.Stater   = parkingModel{}
)

func (p parkingModel) KPIs() []engine.KPI          { return p.Model.KPIs() }
func (p parkingModel) Tables() []*record.Table     { return p.Model.Tables() }
func (p parkingModel) SaveState(w io.Writer) error { return p.Model.SaveState(w) }
func (p parkingModel) LoadState(r io.Reader) error { return p.Model.LoadState(r) }
