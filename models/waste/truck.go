package waste

import (
	"math"

	"citytwin/engine"
	"citytwin/models/city"
)

// legTimeout is how long a truck waits for the traffic model to bring it
// to its stop before moving on at free-flow time (a vehicle the traffic
// model could not route never arrives): three times the free-flow time
// plus 15 minutes.
func legTimeout(freeS float64) float64 { return 3*freeS + 900 }

// dispatch sends truck k on a route from the depot.
func (m *Model) dispatch(s *engine.Sim, k int, route []int32, now float64) {
	for _, b := range route {
		m.st.Planned[b] = true
	}
	m.st.Trucks[k] = Truck{Stops: route, Edge: int32(m.depot), Busy: true, StartS: now, Leg: -1, Day: m.st.Day - 1}
	m.startLeg(s, k)
}

// stopEdge is the edge of truck t's stop j (the depot after the last bin).
func (m *Model) stopEdge(t *Truck, j int) city.EdgeID {
	if j >= len(t.Stops) {
		return m.depot
	}
	return m.bins[t.Stops[j]].Edge
}

// startLeg drives truck k to its next stop: through the traffic model
// when it runs (which drives from the start of the origin edge to the end
// of the destination edge and reports the time), else at the free-flow
// time from the end of the origin edge to the end of the destination
// edge. Either way the km are those of the fastest free-flow path from
// the end of the origin edge (driveLeg).
func (m *Model) startLeg(s *engine.Sim, k int) {
	t := &m.st.Trucks[k]
	from, to := city.EdgeID(t.Edge), m.stopEdge(t, t.Next)
	m.st.LegSeq++
	t.Leg, t.LegFrom, t.Driving = m.st.LegSeq, int32(from), true
	if from == to {
		s.At(m.id, s.Now(), engine.PhaseModel, kindArrive, int32(k), int64(t.Leg), 0)
		return
	}
	free := m.legFreeS(from, to)
	if m.traffic {
		s.Send(m.id, m.trafficID, engine.MsgInjectVehicle, t.Leg, int64(from)<<32|int64(to), 0)
		s.At(m.id, s.Now()+engine.Seconds(legTimeout(free)), engine.PhaseModel, kindArrive, int32(k), int64(t.Leg), -1)
		return
	}
	s.At(m.id, s.Now()+engine.Seconds(free), engine.PhaseModel, kindArrive, int32(k), int64(t.Leg), free)
}

// legFreeS is the free-flow time of a leg, s, from the matrix.
func (m *Model) legFreeS(from, to city.EdgeID) float64 {
	path, _, ok := m.router.Route(from, to, m.path[:0])
	m.path = path
	if !ok {
		return 0
	}
	var s float64
	for _, e := range path[1:] {
		s += m.city.Roads.FreeFlowS(e)
	}
	return s
}

// arriveLeg ends truck k's leg: travelS is the time it took (negative:
// the traffic model did not bring it in time; free-flow time counts). A
// stale leg (already ended) is ignored.
func (m *Model) arriveLeg(s *engine.Sim, k int, leg int32, travelS float64, timer bool) {
	t := &m.st.Trucks[k]
	if !t.Driving || t.Leg != leg {
		return
	}
	from, to := city.EdgeID(t.LegFrom), m.stopEdge(t, t.Next)
	if timer && travelS < 0 {
		m.st.Timeouts++
		travelS = m.legFreeS(from, to)
	}
	t.Driving = false
	m.driveLeg(t, from, to, travelS)
	t.Edge = int32(to)
	now := s.Now().Seconds()
	if t.Next >= len(t.Stops) {
		m.finish(k, now)
		return
	}
	i := int(t.Stops[t.Next])
	m.empty(i, k, now)
	svc := m.serviceS(i)
	t.ServiceS += svc
	m.st.ServiceS += svc
	t.Next++
	s.At(m.id, s.Now()+engine.Seconds(svc), engine.PhaseModel, kindDepart, int32(k), 0, 0)
}

// driveLeg books a leg's length, time and shape on truck t.
func (m *Model) driveLeg(t *Truck, from, to city.EdgeID, travelS float64) {
	t.DriveS += travelS
	m.st.DriveS += travelS
	if from == to {
		return
	}
	path, _, ok := m.router.Route(from, to, m.path[:0])
	m.path = path
	if !ok {
		return
	}
	g := m.city.Roads
	for _, e := range path[1:] {
		t.DriveM += g.LengthM[e]
		m.st.DriveM += g.LengthM[e]
		for j, p := range g.Geom[e] {
			if j == 0 && len(t.Path) > 0 {
				continue
			}
			t.Path = append(t.Path, m.city.Proj.ToLonLat(p))
		}
	}
}

// empty records the emptying of bin i by truck k at time now.
func (m *Model) empty(i, k int, now float64) {
	st := &m.st
	b := m.bins[i]
	f := st.Fill[i]
	belief := math.NaN()
	if st.Sensor[i] && !math.IsNaN(st.BeliefS[i]) {
		belief = st.Belief[i]
	}
	st.Collections = append(st.Collections, Collection{TimeS: now, Bin: int32(i), Truck: int32(k), Fill: f,
		Belief: belief, VolumeL: f * b.VolumeL})
	st.FillAtEmptySum += f
	st.EmptiedVolume += f * b.VolumeL
	st.Trucks[k].LoadL += f * b.VolumeL
	if st.FullSinceS[i] >= 0 {
		st.OverflowS += now - st.FullSinceS[i]
		st.FullSinceS[i] = -1
	}
	if r, ok := st.Reg[i].Slope(); ok && r > 0 {
		st.RateEst[i] = r / 3600
	}
	st.Fill[i], st.Planned[i], st.LastEmptyS[i] = 0, false, now
	st.Reg[i] = Regression{}
	if st.Sensor[i] {
		st.Belief[i], st.BeliefS[i] = 0, now
	}
}

// finish closes truck k's route at the depot.
func (m *Model) finish(k int, now float64) {
	t := &m.st.Trucks[k]
	m.st.Routes = append(m.st.Routes, RouteRecord{Day: t.Day, Truck: int32(k), StartS: t.StartS, EndS: now,
		Stops: len(t.Stops), DriveM: t.DriveM, DriveS: t.DriveS, ServiceS: t.ServiceS, LoadL: t.LoadL, Path: t.Path})
	*t = Truck{Leg: -1, Edge: int32(m.depot)}
}
