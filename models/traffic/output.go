package traffic

import (
	"math"
	"slices"

	"citytwin/engine/record"
)

// TripsTable is the per-trip table "trips": id, planned and actual
// departure, arrival (null when the vehicle did not arrive), travel time
// (arrival minus actual departure, as SUMO's tripinfo duration), route
// length driven, time loss against the desired speed, waiting time
// (v < 0.1 m/s), teleports and the status (arrived, running, waiting,
// pending, no_route). Rows are in the order trips were added.
func (t *Traffic) TripsTable() *record.Table {
	v := &t.v
	n := v.n()
	depart := make([]float64, n)
	arrive := make([]float64, n)
	travel := make([]float64, n)
	okDep := make([]bool, n)
	okArr := make([]bool, n)
	status := make([]string, n)
	tele := make([]int64, n)
	route := make([]float64, n)
	loss, waiting := make([]float64, n), make([]float64, n)
	for i := 0; i < n; i++ {
		depart[i], okDep[i] = v.departS[i], v.departS[i] >= 0
		arrive[i], okArr[i] = v.arriveS[i], v.h[i].state == stateArrived
		if okArr[i] {
			travel[i] = v.arriveS[i] - v.departS[i]
		}
		status[i] = stateName(v.h[i].state)
		tele[i] = int64(v.teleports[i])
		route[i] = round3(v.h[i].drivenM)
		loss[i], waiting[i] = round3(v.h[i].lossS), round3(v.h[i].waitingS)
	}
	tb := record.NewTable("trips")
	tb.Str("id", v.id)
	tb.Float("depart_s", "s", depart).Valid = okDep
	tb.Float("arrive_s", "s", arrive).Valid = okArr
	tb.Float("travel_time_s", "s", travel).Valid = okArr
	tb.Float("route_m", "m", route)
	tb.Float("time_loss_s", "s", loss)
	tb.Float("waiting_s", "s", waiting)
	tb.Float("planned_depart_s", "s", v.plannedS)
	tb.Int("teleports", "", tele)
	tb.Str("status", status)
	return tb
}

func round3(x float64) float64 { return math.Round(x*1000) / 1000 }

func stateName(s uint8) string {
	switch s {
	case statePending:
		return "pending"
	case stateWaiting:
		return "waiting"
	case stateRunning:
		return "running"
	case stateArrived:
		return "arrived"
	}
	return "no_route"
}

// EdgesTable is the per-edge time series "edge_series": interval start
// and end, edge, flow out of the edge (veh/h), space-mean speed (m/s),
// density (veh/km over all lanes), mean and maximum queue (m, halting
// vehicles from the stop line). Only edges that saw a vehicle have rows.
// The interval in progress is closed first.
func (t *Traffic) EdgesTable() *record.Table {
	t.stats.flush(t)
	r := &t.stats.rows
	tb := record.NewTable("edge_series")
	tb.Float("t0_s", "s", r.t0)
	tb.Float("t1_s", "s", r.t1)
	tb.Int("edge", "", r.edge)
	tb.Float("flow_vph", "veh/h", r.flowVph)
	tb.Float("speed_mps", "m/s", r.speedMps)
	tb.Float("density_vpkm", "veh/km", r.densityVpk)
	tb.Float("queue_m", "m", r.queueM)
	tb.Float("queue_max_m", "m", r.queueMaxM)
	return tb
}

// LoopsTable is the induction loop table "loops": loop name, edge,
// interval, vehicle count, mean speed (null when none passed) and
// occupancy (0..1).
func (t *Traffic) LoopsTable() *record.Table {
	var name []string
	var edge, count []int64
	var t0, t1, speed, occ []float64
	var ok []bool
	for k := range t.loops {
		lp := &t.loops[k]
		for j := range lp.rows.t0 {
			name = append(name, lp.Name)
			edge = append(edge, int64(lp.Edge))
			t0 = append(t0, lp.rows.t0[j])
			t1 = append(t1, lp.rows.t1[j])
			count = append(count, lp.rows.count[j])
			s := lp.rows.speed[j]
			ok = append(ok, !math.IsNaN(s))
			if math.IsNaN(s) {
				s = 0
			}
			speed = append(speed, s)
			occ = append(occ, lp.rows.occ[j])
		}
	}
	tb := record.NewTable("loops")
	tb.Str("loop", name)
	tb.Int("edge", "", edge)
	tb.Float("t0_s", "s", t0)
	tb.Float("t1_s", "s", t1)
	tb.Int("count", "veh", count)
	tb.Float("speed_mps", "m/s", speed).Valid = ok
	tb.Float("occupancy", "", occ)
	return tb
}

// PositionsTable is the vehicle positions table "positions" (time,
// vehicle, trip id, edge, position along the edge, speed, lon, lat),
// empty unless Config.PositionsS > 0.
func (t *Traffic) PositionsTable() *record.Table {
	p := &t.positions
	ids := make([]string, len(p.veh))
	lon := make([]float64, len(p.x))
	lat := make([]float64, len(p.y))
	for k := range p.veh {
		ids[k] = t.v.id[p.veh[k]]
		lon[k], lat[k] = p.x[k], p.y[k]
		if t.net.LonLat != nil {
			lon[k], lat[k] = t.net.LonLat(p.x[k], p.y[k])
		}
	}
	tb := record.NewTable("positions")
	tb.Float("t_s", "s", p.t)
	tb.Int("vehicle", "", p.veh)
	tb.Str("id", ids)
	tb.Int("edge", "", p.edge)
	tb.Float("pos_m", "m", p.posM)
	tb.Float("speed_mps", "m/s", p.speedMps)
	tb.Float("lon", "deg", lon)
	tb.Float("lat", "deg", lat)
	return tb
}

// Summary is the run's key figures.
type Summary struct {
	Trips           int     `json:"trips"`
	Departed        int     `json:"departed"`
	Arrived         int     `json:"arrived"`
	Running         int     `json:"running"`
	WaitingToEnter  int     `json:"waiting_to_enter"`
	NoRoute         int     `json:"no_route"`
	Teleports       int64   `json:"teleports"`
	Stuck           int     `json:"stuck"` // not arrived at the end (running, waiting) or teleported at least once
	MeanTravelS     float64 `json:"mean_travel_time_s"`
	P95TravelS      float64 `json:"p95_travel_time_s"`
	MeanSpeedMps    float64 `json:"mean_speed_mps"` // over arrived trips: total route length / total travel time
	VehicleKm       float64 `json:"vehicle_km"`
	VehicleHours    float64 `json:"vehicle_hours"`
	MeanTimeLossS   float64 `json:"mean_time_loss_s"`
	MeanWaitingS    float64 `json:"mean_waiting_s"`
	CO2Kg           float64 `json:"co2_kg"`
	VehicleUpdates  int64   `json:"vehicle_updates"`
	SimulatedS      float64 `json:"simulated_s"`
	StepS           float64 `json:"step_s"`
	EmergencyBrakes int64   `json:"emergency_brakes"`
}

// Summarize computes the KPIs over all vehicles. Travel time statistics
// are over arrived trips; vehicle-km and vehicle-hours over everything
// driven; CO2 from the average-speed curve of each vehicle (CO2Curve).
func (t *Traffic) Summarize() Summary {
	v := &t.v
	s := Summary{Trips: v.n(), Teleports: t.teleports, VehicleUpdates: t.updates, SimulatedS: t.nowS, StepS: t.cfg.StepS, EmergencyBrakes: t.emergency}
	var tts []float64
	var dist, loss, wait float64
	for i := 0; i < v.n(); i++ {
		switch v.h[i].state {
		case stateArrived:
			s.Arrived++
			tt := v.arriveS[i] - v.departS[i]
			tts = append(tts, tt)
			dist += v.h[i].drivenM
			loss += v.h[i].lossS
			wait += v.h[i].waitingS
		case stateRunning:
			s.Running++
		case stateWaiting:
			s.WaitingToEnter++
		case stateNoRoute:
			s.NoRoute++
		}
		if v.departS[i] >= 0 {
			s.Departed++
			end := t.nowS
			if v.h[i].state == stateArrived {
				end = v.arriveS[i]
			}
			h := (end - v.departS[i]) / 3600
			km := v.h[i].drivenM / 1000
			s.VehicleHours += h
			s.VehicleKm += km
			if h > 0 {
				s.CO2Kg += CO2GramsPerKm(km/h) * km / 1000
			}
		}
		if v.h[i].state == stateRunning || v.h[i].state == stateWaiting || v.teleports[i] > 0 {
			s.Stuck++
		}
	}
	if len(tts) > 0 {
		sum := 0.0
		for _, x := range tts {
			sum += x
		}
		s.MeanTravelS = sum / float64(len(tts))
		s.MeanSpeedMps = dist / sum
		s.MeanTimeLossS = loss / float64(len(tts))
		s.MeanWaitingS = wait / float64(len(tts))
		s.P95TravelS = percentile(tts, 0.95)
	}
	return s
}

// percentile is the p-quantile of xs (linear interpolation between order
// statistics, as numpy's default); xs is sorted in place.
func percentile(xs []float64, p float64) float64 {
	slices.Sort(xs)
	h := p * float64(len(xs)-1)
	lo := int(math.Floor(h))
	if lo+1 >= len(xs) {
		return xs[len(xs)-1]
	}
	return xs[lo] + (h-float64(lo))*(xs[lo+1]-xs[lo])
}

// CO2GramsPerKm is the CO2 emission of an average passenger car at
// average trip speed vKmh, g/km. The curve has the form of the COPERT
// average-speed emission functions (EMEP/EEA air pollutant emission
// inventory guidebook, 1.A.3.b.i, hot exhaust emissions as a function of
// mean travel speed): EF(V) = a + b·V + c·V² + d/V, with our own
// coefficients giving about 330 g/km at 10 km/h, 160 g/km at 30 km/h and a
// minimum near 125 g/km at 70-80 km/h, the range of the guidebook's Euro
// 5/6 petrol and diesel cars. V is clipped to 5..130 km/h.
func CO2GramsPerKm(vKmh float64) float64 {
	v := clamp(vKmh, 5, 130)
	const a, b, c, d = 85.0, -0.45, 0.0075, 2520.0
	return a + b*v + c*v*v + d/v
}

// VehicleUpdates is the number of single-vehicle updates done so far.
func (t *Traffic) VehicleUpdates() int64 { return t.updates }

// Teleports is the number of teleports so far.
func (t *Traffic) Teleports() int64 { return t.teleports }
