package scenarios

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml/ast"

	"citytwin/engine"
	"citytwin/models/city"
	"citytwin/models/traffic"
)

func init() { registerModel("traffic", buildTraffic) }

// trafficConfig is the scenario's models.traffic section.
type trafficConfig struct {
	Step       Duration `yaml:"step"`        // time step (default 0.5s)
	Teleport   Duration `yaml:"teleport"`    // standstill before a stuck vehicle is moved on and counted (default 300s)
	Reroute    Duration `yaml:"reroute"`     // re-route on current travel times this often (default off)
	EdgeSeries Duration `yaml:"edge_series"` // interval of the per-edge time series (default 5m)
	Positions  Duration `yaml:"positions"`   // vehicle positions for the viewer this often (default off)
	Actuated   bool     `yaml:"actuated"`    // actuated signals instead of fixed time
	// Routing is how trips are routed: "astar" (A* with landmarks, the
	// default) or "hierarchy" (a contraction hierarchy of the road graph,
	// built when the run starts: far faster queries on large cities, the
	// same route costs; it applies while the edge costs are the free-flow
	// times, A* otherwise).
	Routing string `yaml:"routing"`
	Demand  struct {
		Trips        string   `yaml:"trips"`         // trips CSV: id,depart_s,from_lon,from_lat,to_lon,to_lat (relative to the scenario)
		RandomTrips  int      `yaml:"random_trips"`  // this many random trips, uniform over road length
		DepartWithin Duration `yaml:"depart_within"` // random trips depart uniformly within this window (default 1h)
		MinDistanceM float64  `yaml:"min_distance_m"`
		// Buildings draws home-work trips from the city's buildings with a
		// time-of-day profile (traffic.BuildingDemand), scaled by this
		// factor (1 = the documented full demand; 0 = off).
		Buildings float64 `yaml:"buildings"`
		// The assumptions of the building demand (traffic.BuildingDemand),
		// each defaulting to its documented value; Counts, a CSV of
		// recorded hourly counts (hour,count), replaces Profile by their
		// shape, and with CountsAreTrips also sets the day's number of
		// trips to their total (counts of every car trip in the area,
		// such as a cordon count or a travel survey's trip table).
		TripsPerHomeM2 *float64 `yaml:"trips_per_home_m2"`
		HomeWorkShare  *float64 `yaml:"home_work_share"`
		// DecayM, m: destinations by a gravity model with exponential
		// distance decay (traffic.BuildingDemand.DecayM); 0 or absent
		// draws them by floor area alone.
		DecayM         *float64  `yaml:"decay_m"`
		Profile        []float64 `yaml:"profile"`
		Counts         string    `yaml:"counts"`
		CountsAreTrips bool      `yaml:"counts_are_trips"`
	} `yaml:"demand"`
}

// trafficModel builds models/traffic's engine model when the run starts
// (its vehicles' speed factors and the random trips come from the run's
// streams) and delegates to it.
type trafficModel struct {
	env     *Env
	cfg     traffic.Config
	net     *traffic.Network
	trips   []traffic.TripLL
	c       trafficConfig
	whatIfs []traffic.WhatIf
	scale   float64 // demand factor of scale_demand changes (1 = none)
	bd      traffic.BuildingDemand
	*traffic.Model
}

func buildTraffic(env *Env, key string, node ast.Node) (engine.Model, error) {
	var c trafficConfig
	if err := env.Decode(node, &c); err != nil {
		return nil, err
	}
	cfg := traffic.DefaultConfig()
	// routes in batches on all cores, the next batch in the background:
	// the twelve Osterbro scenarios give byte-identical outputs with it
	// on and off (measured when it was turned on)
	cfg.ParallelRoutes = true
	if err := env.positive(key, keyed{"step", c.Step}, keyed{"teleport", c.Teleport},
		keyed{"edge_series", c.EdgeSeries}, keyed{"demand.depart_within", c.Demand.DepartWithin}); err != nil {
		return nil, err
	}
	if c.Step.D > 0 {
		cfg.StepS = c.Step.D.Seconds()
	}
	if c.Teleport.D > 0 {
		cfg.TeleportS = c.Teleport.D.Seconds()
	}
	cfg.RerouteS, cfg.PositionsS = c.Reroute.D.Seconds(), c.Positions.D.Seconds()
	if c.EdgeSeries.D > 0 {
		cfg.EdgeIntervalS = c.EdgeSeries.D.Seconds()
	}
	cfg.Signals.Actuated = c.Actuated
	switch c.Routing {
	case "", "astar", "hierarchy":
	default:
		return nil, env.Invalid(key+".routing", "want astar or hierarchy, got %q", c.Routing)
	}
	if c.Demand.RandomTrips < 0 || c.Demand.Buildings < 0 {
		return nil, env.Invalid(key+".demand", "random_trips and buildings must not be negative")
	}
	if c.Demand.Trips == "" && c.Demand.RandomTrips <= 0 && c.Demand.Buildings <= 0 {
		return nil, env.Invalid(key+".demand", "give trips (a CSV file), random_trips or buildings")
	}
	if c.Demand.DepartWithin.D <= 0 {
		c.Demand.DepartWithin.D = engine.Hour.Duration()
	}
	net, err := traffic.FromCity(env.City)
	if err != nil {
		return nil, err
	}
	m := &trafficModel{env: env, cfg: cfg, net: net, c: c, scale: 1}
	if m.bd, err = buildingDemand(env, key+".demand", c); err != nil {
		return nil, err
	}
	if err := m.changes(env); err != nil {
		return nil, err
	}
	if c.Demand.Trips != "" {
		path := env.Scenario.Resolve(c.Demand.Trips)
		f, err := os.Open(path)
		if err != nil {
			return nil, env.Invalid(key+".demand.trips", "%v", err)
		}
		defer f.Close()
		if m.trips, err = traffic.ReadTrips(f, path); err != nil {
			return nil, env.Invalid(key+".demand.trips", "%v", err)
		}
	}
	return m, nil
}

// Init makes the vehicles, the trips file's and the random ones (drawn
// from the stream traffic/demand; speed factors from traffic/vehicles),
// then starts the model's periodic step.
func (m *trafficModel) Init(s *engine.Sim, id engine.ModelID) error {
	router := traffic.NewCityRouter(m.env.City)
	if m.c.Routing == "hierarchy" {
		router.R.UseHierarchy(true)
	}
	t, err := traffic.New(m.net, router, m.cfg, s.Stream("traffic/vehicles").Uint64())
	if err != nil {
		return err
	}
	trips := scaleTrips(m.trips, m.scale, s.Stream("traffic/scale"))
	if n := int(math.Round(float64(m.c.Demand.RandomTrips) * m.scale)); n > 0 {
		trips = append(trips, traffic.RandomTrips(m.net, n, m.c.Demand.DepartWithin.D.Seconds(), m.c.Demand.MinDistanceM, nil, s.Stream("traffic/demand"))...)
	}
	if f := m.c.Demand.Buildings * m.scale; f > 0 {
		// Building trips are drawn day by day, in seconds after local
		// midnight; the run starts sinceMidnight into its first day.
		st := m.env.Start
		sinceMidnight := float64(st.Hour()*3600 + st.Minute()*60 + st.Second())
		end := sinceMidnight + m.env.Scenario.Duration.D.Seconds()
		rng := s.Stream("traffic/buildings")
		for day := 0.0; day*86400 < end; day++ {
			from, to := math.Max(sinceMidnight-day*86400, 0), math.Min(end-day*86400, 86400)
			for _, tr := range m.bd.Trips(m.env.City, from, to, f, rng) {
				tr.DepartS += day*86400 - sinceMidnight
				trips = append(trips, tr)
			}
		}
	}
	snapped, err := traffic.SnapTrips(trips, traffic.SnapCity(m.env.City))
	if err != nil {
		return err
	}
	for _, tr := range snapped {
		if _, err := t.AddTrip(tr); err != nil {
			return err
		}
	}
	for _, w := range m.whatIfs {
		if !t.Schedule(w) {
			return fmt.Errorf("traffic: what-if %+v refused", w)
		}
	}
	m.Model = traffic.NewModel(t)
	if _, ok := s.ModelByName("parking"); !ok {
		// Without parking, arrivals are messages to traffic itself, so
		// that the event log (and its digest) follows the vehicles.
		m.Model.ArrivalsTo = "traffic"
	}
	return m.Model.Init(s, id)
}

// changes turns the scenario's traffic changes into the model's what-ifs,
// resolving streets by name or OSM way id; a street the city lacks is an
// error that names it.
func (m *trafficModel) changes(env *Env) error {
	g := env.City.Roads
	for _, ch := range env.Scenario.ChangesFor("traffic") {
		if ch.Kind == "scale_demand" {
			if ch.Factor <= 0 {
				return env.Invalid(ch.key+".factor", "want a positive factor")
			}
			m.scale *= ch.Factor
			continue
		}
		var edges []int32
		for e := 0; e < g.NumEdges(); e++ {
			if ch.Way != 0 && g.WayOSM[e] == ch.Way || ch.Street != "" && strings.EqualFold(g.Name[e], ch.Street) {
				edges = append(edges, int32(e))
			}
		}
		if len(edges) == 0 {
			what := fmt.Sprintf("street %q", ch.Street)
			if ch.Way != 0 {
				what = fmt.Sprintf("way %d", ch.Way)
			}
			return env.Invalid(ch.key, "%s: no drivable road of that name or id in %s", what, env.City.Name)
		}
		at, until := ch.At.Offset.Seconds(), ch.Until.Offset.Seconds()
		for _, e := range edges {
			w := traffic.WhatIf{AtS: at, UntilS: until, Edge: e}
			switch ch.Kind {
			case "close_street":
				w.Kind = traffic.CloseEdge
			case "close_lane":
				w.Kind = traffic.CloseLane
				if ch.Lane != nil {
					w.Lane = int8(*ch.Lane)
				}
				if int(w.Lane) >= int(g.Lanes[e]) {
					continue // this direction has fewer lanes
				}
			case "speed_limit":
				if ch.KMH <= 0 {
					return env.Invalid(ch.key+".kmh", "want a positive speed")
				}
				w.Kind, w.SpeedMps = traffic.SpeedLimit, ch.KMH/3.6
			}
			m.whatIfs = append(m.whatIfs, w)
		}
	}
	return nil
}

// scaleTrips keeps a share f of the trips (f < 1, a random subset) or adds
// copies of randomly drawn trips (f > 1), in the file's order.
func scaleTrips(trips []traffic.TripLL, f float64, rng *rand.Rand) []traffic.TripLL {
	if f == 1 || len(trips) == 0 {
		return trips
	}
	var out []traffic.TripLL
	for _, tr := range trips {
		if f < 1 && rng.Float64() >= f {
			continue
		}
		out = append(out, tr)
	}
	for extra := int(math.Round(float64(len(trips)) * (f - 1))); extra > 0; extra-- {
		tr := trips[rng.IntN(len(trips))]
		tr.ID += fmt.Sprintf("+%d", extra)
		out = append(out, tr)
	}
	return out
}

// buildingDemand is the documented building demand with the section's
// replacements of its assumptions.
func buildingDemand(env *Env, key string, c trafficConfig) (traffic.BuildingDemand, error) {
	d := traffic.DefaultBuildingDemand()
	if v := c.Demand.TripsPerHomeM2; v != nil {
		if *v < 0 {
			return d, env.Invalid(key+".trips_per_home_m2", "must not be negative")
		}
		d.TripsPerHomeM2 = *v
	}
	if v := c.Demand.HomeWorkShare; v != nil {
		if *v < 0 || *v > 1 {
			return d, env.Invalid(key+".home_work_share", "want a share between 0 and 1, got %v", *v)
		}
		d.HomeWorkShare = *v
	}
	if v := c.Demand.DecayM; v != nil {
		if !(*v >= 0) || math.IsInf(*v, 0) {
			return d, env.Invalid(key+".decay_m", "want a distance >= 0 in m, got %v", *v)
		}
		d.DecayM = *v
	}
	if c.Demand.Profile != nil {
		if err := setProfile(&d, c.Demand.Profile); err != nil {
			return d, env.Invalid(key+".profile", "%v", err)
		}
	}
	if c.Demand.Counts != "" {
		path := env.Scenario.Resolve(c.Demand.Counts)
		counts, err := readHourlyCounts(path)
		if err == nil {
			err = setProfile(&d, counts[:])
		}
		if err != nil {
			return d, env.Invalid(key+".counts", "%v", err)
		}
		if c.Demand.CountsAreTrips {
			area := homeFloorArea(env.City)
			if area <= 0 {
				return d, env.Invalid(key+".counts_are_trips", "the city has no residential floor area to scale")
			}
			var total float64
			for _, n := range counts {
				total += n
			}
			d.TripsPerHomeM2 = total / area
		}
	}
	return d, nil
}

// homeFloorArea is the residential floor area the building demand draws
// homes from (buildings with a floor area near a road), m².
func homeFloorArea(c *city.City) float64 {
	var area float64
	for _, b := range c.Buildings {
		if b.Use == "residential" && b.Edge != city.NoEdge && b.FloorAreaM2 > 0 {
			area += b.FloorAreaM2
		}
	}
	return area
}

// setProfile replaces the departure profile: 24 non-negative weights, not
// all zero.
func setProfile(d *traffic.BuildingDemand, p []float64) error {
	if len(p) != 24 {
		return fmt.Errorf("want 24 hourly values, got %d", len(p))
	}
	var sum float64
	for h, v := range p {
		if v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("hour %d: want a non-negative number, got %v", h, v)
		}
		sum += v
	}
	if sum == 0 {
		return errors.New("all hours are zero")
	}
	copy(d.Profile[:], p)
	return nil
}

// readHourlyCounts reads the counts file at path (readCounts).
func readHourlyCounts(path string) ([24]float64, error) {
	f, err := os.Open(path)
	if err != nil {
		return [24]float64{}, err
	}
	defer f.Close()
	return readCounts(f, path)
}

// readCounts sums a CSV of recorded counts by hour of day: a header with
// the columns hour (0-23) and count (vehicles), other columns ignored,
// several rows per hour (days, detectors) added up. path names the file
// in errors.
func readCounts(in io.Reader, path string) ([24]float64, error) {
	var out [24]float64
	r := csv.NewReader(in)
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err != nil {
		return out, fmt.Errorf("%s: header: %w", path, err)
	}
	hourCol, countCol := slices.Index(header, "hour"), slices.Index(header, "count")
	if hourCol < 0 || countCol < 0 {
		return out, fmt.Errorf("%s: want columns hour and count, got %v", path, header)
	}
	for line := 2; ; line++ {
		rec, err := r.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, fmt.Errorf("%s: %w", path, err)
		}
		if len(rec) <= max(hourCol, countCol) {
			return out, fmt.Errorf("%s: line %d: too few fields", path, line)
		}
		h, err1 := strconv.Atoi(strings.TrimSpace(rec[hourCol]))
		n, err2 := strconv.ParseFloat(strings.TrimSpace(rec[countCol]), 64)
		if err1 != nil || h < 0 || h > 23 {
			return out, fmt.Errorf("%s: line %d: hour: want 0..23, got %q", path, line, rec[hourCol])
		}
		if err2 != nil || n < 0 || math.IsNaN(n) || math.IsInf(n, 0) {
			return out, fmt.Errorf("%s: line %d: count: want a non-negative number, got %q", path, line, rec[countCol])
		}
		out[h] += n
	}
}
