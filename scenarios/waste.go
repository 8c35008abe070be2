package scenarios

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml/ast"
	"github.com/paulmach/orb"

	"citytwin/engine"
	"citytwin/models/city"
	"citytwin/models/waste"
)

func init() { registerModel("waste", buildWaste) }

// wasteConfig is the scenario's models.waste section.
type wasteConfig struct {
	Policy         string         `yaml:"policy"`          // fixed (default), threshold or predictive
	Threshold      *float64       `yaml:"threshold"`       // threshold policy: fill share 0..1 (default 0.7)
	EveryDays      map[string]int `yaml:"every_days"`      // fixed schedule per kind, days (basket 2, household 7, recycling 7)
	FleetSize      *int           `yaml:"fleet_size"`      // trucks (default 6)
	Depot          []float64      `yaml:"depot"`           // [lon, lat]; default the road nearest the city's centroid
	SensorCoverage *float64       `yaml:"sensor_coverage"` // share of bins with a fill sensor (default 1)
	SensorNoise    *float64       `yaml:"sensor_noise"`    // reading noise, share of the bin (default 0.03)
	SensorInterval Duration       `yaml:"sensor_interval"` // reporting interval, whole hours (default 1h)
	SensorDropout  *float64       `yaml:"sensor_dropout"`  // probability a reading is lost (default 0.05)
	ShiftStart     string         `yaml:"shift_start"`     // local time the daily shift starts (default "07:00")
	Shift          Duration       `yaml:"shift"`           // shift length (default 8h)
	CapacityL      float64        `yaml:"truck_capacity_l"`
	Baskets        *bool          `yaml:"baskets"`    // the city's waste baskets (default true)
	Households     *bool          `yaml:"households"` // household containers per residential building (default true)
	Recycling      *bool          `yaml:"recycling"`  // recycling banks (default true)
	Bins           string         `yaml:"bins"`       // CSV register id,lon,lat,volume_l,kind instead of the city's bins
	Iterations     int            `yaml:"iterations"` // route solver iterations per day (default 100)
}

// wasteModel adapts models/waste to the scenario.
type wasteModel struct{ *waste.Model }

func buildWaste(env *Env, key string, node ast.Node) (engine.Model, error) {
	bins, cfg, err := wasteSetup(env, key, node, true)
	if err != nil {
		return nil, err
	}
	m, err := waste.New(env.City, bins, cfg)
	if err != nil {
		return nil, env.Invalid(key, "%v", err)
	}
	return wasteModel{m}, nil
}

// wasteSetup reads the section and the scenario's waste changes into the
// model's configuration and, when withBins, its bins (which needs the
// city).
func wasteSetup(env *Env, key string, node ast.Node, withBins bool) ([]waste.Bin, waste.Config, error) {
	var c wasteConfig
	if err := env.Decode(node, &c); err != nil {
		return nil, waste.Config{}, err
	}
	cfg, err := wasteConfigOf(env, key, c)
	if err != nil {
		return nil, cfg, err
	}
	if err := wasteChanges(env, &cfg); err != nil {
		return nil, cfg, err
	}
	if !withBins {
		return nil, cfg, nil
	}
	bins, err := wasteBins(env, key, c)
	return bins, cfg, err
}

func wasteConfigOf(env *Env, key string, c wasteConfig) (waste.Config, error) {
	p, err := waste.ParsePolicy(c.Policy)
	if err != nil {
		return waste.Config{}, env.Invalid(key+".policy", "%v", err)
	}
	st := env.Start
	if c.FleetSize != nil && *c.FleetSize <= 0 {
		return waste.Config{}, env.Invalid(key+".fleet_size", "want at least one truck, got %d", *c.FleetSize)
	}
	if err := env.positive(key, keyed{"shift", c.Shift}, keyed{"sensor_interval", c.SensorInterval}); err != nil {
		return waste.Config{}, err
	}
	cfg := waste.Config{Policy: p, CapacityL: c.CapacityL, Iterations: c.Iterations,
		ShiftS: c.Shift.D.Seconds(), Sensor: waste.Sensor{Coverage: 1, Dropout: 0.05, IntervalS: c.SensorInterval.D.Seconds()},
		DayOffsetS: float64(st.Hour()*3600 + st.Minute()*60 + st.Second())}
	if c.FleetSize != nil {
		cfg.Fleet = *c.FleetSize
	}
	if c.CapacityL < 0 || c.Iterations < 0 {
		return cfg, env.Invalid(key, "truck_capacity_l and iterations must not be negative")
	}
	shares := []struct {
		name string
		v    *float64
		dst  *float64
	}{{"threshold", c.Threshold, &cfg.Threshold}, {"sensor_coverage", c.SensorCoverage, &cfg.Sensor.Coverage},
		{"sensor_noise", c.SensorNoise, &cfg.Sensor.NoiseSD}, {"sensor_dropout", c.SensorDropout, &cfg.Sensor.Dropout}}
	for _, s := range shares {
		if s.v == nil {
			continue
		}
		if *s.v < 0 || *s.v > 1 {
			return cfg, env.Invalid(key+"."+s.name, "want a share between 0 and 1, got %v", *s.v)
		}
		*s.dst = *s.v
	}
	for kind, n := range c.EveryDays {
		k, err := waste.ParseKind(kind)
		if err != nil || n < 1 {
			return cfg, env.Invalid(key+".every_days", "want basket, household or recycling: a number of days >= 1, got %s: %d", kind, n)
		}
		cfg.EveryDays[k] = n
	}
	if c.Depot != nil {
		if cfg.DepotLL, err = lonLat(c.Depot); err != nil {
			return cfg, env.Invalid(key+".depot", "%v", err)
		}
	}
	if c.ShiftStart != "" {
		s, err := clockOfDay(c.ShiftStart)
		if err != nil {
			return cfg, env.Invalid(key+".shift_start", "%v", err)
		}
		cfg.ShiftStartS = s
	}
	return cfg, nil
}

// lonLat reads a [lon, lat] pair.
func lonLat(v []float64) (orb.Point, error) {
	if len(v) != 2 || v[0] < -180 || v[0] > 180 || v[1] < -90 || v[1] > 90 {
		return orb.Point{}, fmt.Errorf("want [lon, lat] in degrees, got %v", v)
	}
	return orb.Point{v[0], v[1]}, nil
}

// clockOfDay reads "HH:MM" as seconds after midnight; midnight itself is
// taken as a tiny offset so that zero keeps meaning "default".
func clockOfDay(s string) (float64, error) {
	hh, mm, ok := strings.Cut(s, ":")
	h, err1 := strconv.Atoi(hh)
	m, err2 := strconv.Atoi(mm)
	if !ok || err1 != nil || err2 != nil || h < 0 || h > 23 || m < 0 || m > 59 {
		return 0, fmt.Errorf("want HH:MM, got %q", s)
	}
	return max(1e-3, float64(h*3600+m*60)), nil
}

// wasteChanges applies the scenario's waste changes (they hold for the
// whole run).
func wasteChanges(env *Env, cfg *waste.Config) error {
	for _, ch := range env.Scenario.ChangesFor("waste") {
		switch ch.Kind {
		case "collection_policy":
			p, err := waste.ParsePolicy(ch.Policy)
			if err != nil {
				return env.Invalid(ch.key+".policy", "%v", err)
			}
			cfg.Policy = p
			if ch.Threshold != nil {
				if *ch.Threshold < 0 || *ch.Threshold > 1 {
					return env.Invalid(ch.key+".threshold", "want a fill share between 0 and 1, got %v", *ch.Threshold)
				}
				cfg.Threshold = *ch.Threshold
			}
		case "fleet_size":
			if ch.Count < 1 {
				return env.Invalid(ch.key+".count", "want at least one truck, got %d", ch.Count)
			}
			cfg.Fleet = ch.Count
		case "depot":
			ll, err := lonLat(ch.Location)
			if err != nil {
				return env.Invalid(ch.key+".location", "%v", err)
			}
			cfg.DepotLL = ll
		case "sensor_coverage":
			if ch.Share == nil || *ch.Share < 0 || *ch.Share > 1 {
				return env.Invalid(ch.key+".share", "want a share between 0 and 1")
			}
			cfg.Sensor.Coverage = *ch.Share
		}
	}
	return nil
}

// wasteBins are the register's bins when the section names one, else the
// city's.
func wasteBins(env *Env, key string, c wasteConfig) ([]waste.Bin, error) {
	if c.Bins == "" {
		on := func(b *bool) bool { return b == nil || *b }
		return waste.BinsFromCity(env.City, waste.BinOptions{Baskets: on(c.Baskets), Households: on(c.Households),
			Recycling: on(c.Recycling)}), nil
	}
	path := env.Scenario.Resolve(c.Bins)
	f, err := os.Open(path)
	if err != nil {
		return nil, env.Invalid(key+".bins", "%v", err)
	}
	defer f.Close()
	bins, err := waste.ReadBins(f, path)
	if err != nil {
		return nil, env.Invalid(key+".bins", "%v", err)
	}
	if err := waste.SnapBins(env.City, bins, 500); err != nil {
		return nil, env.Invalid(key+".bins", "%v", err)
	}
	return bins, nil
}

// WasteExperiment runs the scenario's waste model alone (no traffic:
// trucks at free-flow times) for the given weeks under each policy, with
// the scenario's city, bins, settings and seed.
func WasteExperiment(sc *Scenario, weeks float64, policies []waste.Policy) ([]waste.ExperimentRow, error) {
	node := sc.Models["waste"] // nil: the model's defaults
	c, err := city.Load(sc.Resolve(sc.City.OSM))
	if err != nil {
		return nil, fmt.Errorf("%w: %s: city.osm: %v", ErrInvalid, sc.Position("city.osm"), err)
	}
	env := &Env{Scenario: sc, City: c, Start: sc.StartTime}
	bins, cfg, err := wasteSetup(env, "models.waste", node, true)
	if err != nil {
		return nil, err
	}
	return waste.Experiment(c, bins, cfg, sc.Seed, weeks, policies)
}
