package traffic

import (
	"fmt"
	"strconv"

	"citytwin/engine"
	"citytwin/engine/record"
)

// KindStep is the traffic model's own periodic tick (1000 + 100·k, k = 0
// for traffic, as engine/msg.go asks of model-private kinds).
const KindStep engine.Kind = 1000

var _ engine.Model = (*Model)(nil)
var _ engine.Reporter = (*Model)(nil)

// Model runs a Traffic inside the engine: a periodic tick of Config.StepS
// in PhaseModel advances every vehicle. It hands arriving vehicles over
// with engine.MsgVehicleArrived (Target = vehicle, Arg = destination edge,
// Val = travel time in s) to the model named ArrivalsTo when one is in the
// simulation (the parking model). Other models inject vehicles with
// engine.MsgInjectVehicle (Target = the sender's own vehicle id, Arg =
// origin edge<<32 | destination edge); such a vehicle departs at once
// from the start of its origin edge, and its arrival is reported to the
// sender instead, with Target = the sender's id.
type Model struct {
	T          *Traffic
	ArrivalsTo string // name of the model that takes arriving vehicles ("parking")

	id     engine.ModelID
	sim    *engine.Sim
	dst    engine.ModelID
	hasDst bool
	owner  map[int32][2]int64 // injected vehicle -> (sender model, sender's id)
}

// NewModel wraps t for the engine.
func NewModel(t *Traffic) *Model { return &Model{T: t, ArrivalsTo: "parking"} }

// Name is "traffic".
func (m *Model) Name() string { return "traffic" }

// Init starts the periodic step and looks up the model that takes arrivals.
func (m *Model) Init(s *engine.Sim, id engine.ModelID) error {
	m.id, m.sim = id, s
	m.owner = map[int32][2]int64{}
	if m.ArrivalsTo != "" {
		m.dst, m.hasDst = s.ModelByName(m.ArrivalsTo)
	}
	m.T.OnArrive(m.arrived)
	s.Every(id, engine.Seconds(m.T.nowS), engine.Seconds(m.T.cfg.StepS), engine.PhaseModel, KindStep, 0)
	return nil
}

func (m *Model) arrived(veh, edge int32, travelS float64) {
	if o, ok := m.owner[veh]; ok {
		m.sim.Send(m.id, engine.ModelID(o[0]), engine.MsgVehicleArrived, int32(o[1]), int64(edge), travelS)
		delete(m.owner, veh)
		return
	}
	if m.hasDst {
		m.sim.Send(m.id, m.dst, engine.MsgVehicleArrived, veh, int64(edge), travelS)
	}
}

// Handle steps the model on its tick and takes injected vehicles.
func (m *Model) Handle(s *engine.Sim, ev engine.Event) error {
	switch ev.Kind {
	case KindStep:
		m.T.Step()
	case engine.MsgInjectVehicle:
		from, to := int32(ev.Arg>>32), int32(uint32(ev.Arg))
		id := "inj-" + strconv.Itoa(int(ev.Src)) + "-" + strconv.Itoa(int(ev.Target))
		veh, err := m.T.AddTrip(Trip{ID: id, DepartS: s.Now().Seconds(), From: from, To: to, ToPosM: 1e12})
		if err != nil {
			return fmt.Errorf("traffic: inject from model %d: %w", ev.Src, err)
		}
		m.owner[veh] = [2]int64{int64(ev.Src), int64(ev.Target)}
	}
	return nil
}

// KPIs are the run's key figures (see Summary).
func (m *Model) KPIs() []engine.KPI {
	s := m.T.Summarize()
	return []engine.KPI{
		{Name: "trips", Value: float64(s.Trips)},
		{Name: "arrived", Value: float64(s.Arrived)},
		{Name: "stuck", Value: float64(s.Stuck)},
		{Name: "teleports", Value: float64(s.Teleports)},
		{Name: "mean_travel_time", Unit: "s", Value: s.MeanTravelS},
		{Name: "p95_travel_time", Unit: "s", Value: s.P95TravelS},
		{Name: "mean_time_loss", Unit: "s", Value: s.MeanTimeLossS},
		{Name: "vehicle_km", Unit: "km", Value: s.VehicleKm},
		{Name: "vehicle_hours", Unit: "h", Value: s.VehicleHours},
		{Name: "co2", Unit: "kg", Value: s.CO2Kg},
	}
}

// Tables are the trips, edge series, loops and positions tables.
func (m *Model) Tables() []*record.Table {
	return []*record.Table{m.T.TripsTable(), m.T.EdgesTable(), m.T.LoopsTable(), m.T.PositionsTable()}
}
