package scenarios

import (
	"os"

	"github.com/goccy/go-yaml/ast"

	"citytwin/engine"
	"citytwin/engine/record"
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
	Demand     struct {
		Trips        string   `yaml:"trips"`         // trips CSV: id,depart_s,from_lon,from_lat,to_lon,to_lat (relative to the scenario)
		RandomTrips  int      `yaml:"random_trips"`  // this many random trips, uniform over road length
		DepartWithin Duration `yaml:"depart_within"` // random trips depart uniformly within this window (default 1h)
		MinDistanceM float64  `yaml:"min_distance_m"`
	} `yaml:"demand"`
}

// trafficModel runs models/traffic as a periodic process of the kernel:
// one event per time step advances every vehicle.
type trafficModel struct {
	env   *Env
	cfg   traffic.Config
	net   *traffic.Network
	trips []traffic.TripLL
	c     trafficConfig
	t     *traffic.Traffic
	id    engine.ModelID
}

const kindTrafficStep engine.Kind = 1000

func buildTraffic(env *Env, key string, node ast.Node) (engine.Model, error) {
	var c trafficConfig
	if err := env.Decode(node, &c); err != nil {
		return nil, err
	}
	cfg := traffic.DefaultConfig()
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
	if c.Demand.Trips == "" && c.Demand.RandomTrips <= 0 {
		return nil, env.Invalid(key+".demand", "give trips (a CSV file) or random_trips")
	}
	if c.Demand.DepartWithin.D <= 0 {
		c.Demand.DepartWithin.D = engine.Hour.Duration()
	}
	net, err := traffic.FromCity(env.City)
	if err != nil {
		return nil, err
	}
	m := &trafficModel{env: env, cfg: cfg, net: net, c: c}
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

func (m *trafficModel) Name() string { return "traffic" }

// Init makes the vehicles: the trips file's and the random ones, drawn
// from the stream traffic/demand; vehicle speed factors come from
// traffic/vehicles.
func (m *trafficModel) Init(s *engine.Sim, id engine.ModelID) error {
	m.id = id
	t, err := traffic.New(m.net, traffic.NewCityRouter(m.env.City), m.cfg, s.Stream("traffic/vehicles").Uint64())
	if err != nil {
		return err
	}
	m.t = t
	trips := m.trips
	if n := m.c.Demand.RandomTrips; n > 0 {
		trips = append(trips, traffic.RandomTrips(m.net, n, m.c.Demand.DepartWithin.D.Seconds(), m.c.Demand.MinDistanceM, nil, s.Stream("traffic/demand"))...)
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
	// Every arrival is an event: a message to the parking model when one
	// runs, else to traffic itself, so the event log (and its digest)
	// follows the vehicles, not only the clock.
	dst := id
	if p, ok := s.ModelByName("parking"); ok {
		dst = p
	}
	t.OnArrive(func(veh, edge int32, travelS float64) {
		s.Send(id, dst, engine.MsgVehicleArrived, veh, int64(edge), travelS)
	})
	step := engine.Seconds(m.cfg.StepS)
	s.Every(id, step, step, engine.PhaseModel, kindTrafficStep, 0)
	return nil
}

// Handle advances the traffic by one step.
func (m *trafficModel) Handle(s *engine.Sim, ev engine.Event) error {
	if ev.Kind == kindTrafficStep {
		m.t.Step()
	}
	return nil
}

// KPIs are the traffic summary's figures.
func (m *trafficModel) KPIs() []engine.KPI {
	sum := m.t.Summarize()
	return []engine.KPI{
		{Name: "trips", Value: float64(sum.Trips)},
		{Name: "arrived", Value: float64(sum.Arrived)},
		{Name: "running", Value: float64(sum.Running)},
		{Name: "stuck", Value: float64(sum.Stuck)},
		{Name: "teleports", Value: float64(sum.Teleports)},
		{Name: "mean_travel_time", Unit: "s", Value: sum.MeanTravelS},
		{Name: "p95_travel_time", Unit: "s", Value: sum.P95TravelS},
		{Name: "mean_speed", Unit: "m/s", Value: sum.MeanSpeedMps},
		{Name: "vehicle_km", Unit: "km", Value: sum.VehicleKm},
		{Name: "vehicle_updates", Value: float64(sum.VehicleUpdates)},
	}
}

// Tables are the trips table and the per-edge series (and positions when
// asked for).
func (m *trafficModel) Tables() []*record.Table {
	out := []*record.Table{m.t.TripsTable(), m.t.EdgesTable()}
	if m.cfg.PositionsS > 0 {
		out = append(out, m.t.PositionsTable())
	}
	return out
}
