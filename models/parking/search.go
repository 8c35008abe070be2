package parking

import (
	"math"
	"slices"

	"citytwin/engine"
	"citytwin/models/city"
)

// arrive starts the search of a vehicle that reached destination edge e.
func (m *Model) arrive(s *engine.Sim, vehicle int32, e city.EdgeID) {
	rng := s.Stream("parking/demand")
	g := m.city.Roads
	sr := Searcher{Vehicle: vehicle, DestEdge: int32(e), Dest: midpoint(g.Geom[e]), ArriveUS: int64(s.Now()),
		Edge: int32(e), Facility: -1, Bay: -1}
	hour := m.hourOf(s.Now())
	if m.cfg.FlatDemand {
		hour = 12
	}
	sr.Purpose = drawPurpose(rng, hour)
	sr.DwellS = purposeDwell[sr.Purpose].Draw(rng) * 3600
	if rng.Float64() < m.cfg.EVShare {
		sr.EV = true
		sr.Rapid = rng.Float64() < 0.2 // share of sessions wanting a rapid charger: an assumption
		if ses, ok := m.sessions.Draw(rng, sr.Rapid, hour); ok {
			sr.EnergyKWh, sr.DwellS = ses.EnergyKWh, ses.DurationH*3600
		}
	}
	m.st.Stats.Arrivals++
	idx := int32(len(m.st.Searchers))
	m.st.Searchers = append(m.st.Searchers, sr)
	m.logEvent(s.Now(), idx, "arrive", -1)
	m.next(s, idx)
}

// walkM is the walking distance from facility f to the searcher's
// destination, m.
func (m *Model) walkM(sr *Searcher, f int) float64 {
	p := m.st.Facilities[f].XY
	return m.cfg.WalkFactor * math.Hypot(p[0]-sr.Dest[0], p[1]-sr.Dest[1])
}

// usable reports whether facility f can take the searcher at all (open,
// bays, EV-only charger bays, not yet tried).
func (m *Model) usable(sr *Searcher, f int) bool {
	fc := &m.st.Facilities[f]
	if fc.Closed || fc.Capacity <= 0 || (fc.Kind == Charger && !sr.EV) {
		return false
	}
	return !slices.Contains(sr.Visited, int32(f))
}

// free reports whether facility f has a bay the searcher may take now.
func (m *Model) free(sr *Searcher, f int) bool { return m.freeBay(sr, f) >= 0 }

// freeBay is a free bay of f for the searcher: a charging bay first for
// an EV, never a charging bay for others when a plain one is free.
func (m *Model) freeBay(sr *Searcher, f int) int {
	fc := &m.st.Facilities[f]
	if int(m.st.Occupied[f]) >= fc.Capacity {
		return -1 // full (cars on removed bays count too)
	}
	bays := m.st.Bays[f][:min(fc.Capacity, len(m.st.Bays[f]))]
	plain := -1
	for b, v := range bays {
		if v != 0 {
			continue
		}
		if b < fc.Chargers {
			if sr.EV {
				return b
			}
			if plain < 0 && fc.Kind != Charger {
				plain = b // a car may take a charging bay when nothing else is free
			}
			continue
		}
		if !sr.EV {
			return b
		}
		if plain < 0 || plain < fc.Chargers {
			plain = b
		}
	}
	return plain
}

// priceCostS is the price of staying dwell seconds at f as seconds of
// driving time.
func (m *Model) priceCostS(sr *Searcher, f int) float64 {
	return m.st.Facilities[f].PricePerH * sr.DwellS / 3600 / m.cfg.ValuePerH * 3600
}

// next chooses where the searcher goes now, or ends its search.
func (m *Model) next(s *engine.Sim, idx int32) {
	sr := &m.st.Searchers[idx]
	f := -1
	searchS := float64(int64(s.Now())-sr.ArriveUS) / 1e6
	giveUp := sr.GaveUp || int(sr.Visits) >= m.cfg.MaxVisits || searchS >= m.cfg.MaxSearchS
	if giveUp && int(sr.Visits) >= m.cfg.MaxVisits+m.cfg.FallbackVisits {
		m.turnAway(s, idx)
		return
	}
	switch {
	case giveUp:
		sr.GaveUp = true
		f = m.bestFree(sr, false, m.cfg.FallbackM)
	case m.cfg.Guidance == GuidanceNone:
		f = m.bestUninformed(sr)
		if f < 0 { // nothing left within the walk: give up
			sr.GaveUp = true
			f = m.bestFree(sr, false, m.cfg.FallbackM)
		}
	case m.cfg.Guidance == GuidanceNearest:
		f = m.bestFree(sr, false, m.cfg.FallbackM)
	default:
		f = m.bestFree(sr, true, m.cfg.FallbackM)
	}
	if f < 0 {
		m.turnAway(s, idx)
		return
	}
	m.driveTo(s, idx, f)
}

// bestUninformed is the untried facility within the acceptable walk with
// the lowest walk and price cost, -1 if none.
func (m *Model) bestUninformed(sr *Searcher) int {
	best, bestC := -1, math.Inf(1)
	for f := range m.st.Facilities {
		if !m.usable(sr, f) {
			continue
		}
		w := m.walkM(sr, f)
		if w > m.cfg.MaxWalkM {
			continue
		}
		c := m.cfg.WalkWeight*w/m.cfg.WalkMps + m.priceCostS(sr, f)
		if c < bestC {
			best, bestC = f, c
		}
	}
	return best
}

// bestFree is the free facility within maxWalk with the lowest driving
// time from where the searcher is (plus walking and price when score).
func (m *Model) bestFree(sr *Searcher, score bool, maxWalk float64) int {
	// The candidates first (free, within walking distance, with what the
	// score adds to the drive), then one search that stops as soon as no
	// candidate not yet reached can beat the best one reached.
	m.cand, m.candEdge, m.candExtra = m.cand[:0], m.candEdge[:0], m.candExtra[:0]
	for f := range m.st.Facilities {
		if !m.usable(sr, f) || !m.free(sr, f) {
			continue
		}
		w := m.walkM(sr, f)
		if w > maxWalk {
			continue
		}
		x := 0.0
		if score {
			x = m.cfg.WalkWeight*w/m.cfg.WalkMps + m.priceCostS(sr, f)
		}
		m.cand = append(m.cand, f)
		m.candEdge = append(m.candEdge, m.st.Facilities[f].Edge)
		m.candExtra = append(m.candExtra, x)
	}
	if len(m.cand) == 0 {
		return -1
	}
	if cap(m.candTime) < len(m.cand) {
		m.candTime = make([]float64, len(m.cand), 2*len(m.cand))
	}
	m.candTime = m.candTime[:len(m.cand)]
	m.router.TimeToBest(city.EdgeID(sr.Edge), m.candEdge, m.candExtra, m.candTime)
	best, bestC := -1, math.Inf(1)
	for i, f := range m.cand {
		d := m.candTime[i]
		if math.IsInf(d, 1) {
			continue
		}
		if c := d + m.candExtra[i]; c < bestC {
			best, bestC = f, c
		}
	}
	return best
}

// driveTo routes the searcher to facility f and schedules the visit.
func (m *Model) driveTo(s *engine.Sim, idx int32, f int) {
	sr := &m.st.Searchers[idx]
	to := m.st.Facilities[f].Edge
	var driveS, driveM float64
	if city.EdgeID(sr.Edge) != to {
		path, cost, ok := m.router.Route(city.EdgeID(sr.Edge), to, nil)
		if !ok {
			sr.Visited = append(sr.Visited, int32(f))
			m.next(s, idx)
			return
		}
		g := m.city.Roads
		driveS = cost - g.FreeFlowS(city.EdgeID(sr.Edge))
		for _, e := range path[1:] {
			driveM += g.LengthM[e]
		}
	}
	if sr.Visits > 0 { // cruising: driving on after the first choice was full
		sr.DriveS += driveS
		sr.DriveM += driveM
	}
	sr.Edge = int32(to)
	s.At(m.id, s.Now()+engine.Seconds(driveS+m.cfg.CheckS), engine.PhaseModel, kindVisit, idx, int64(f), 0)
	sr.Visited = append(sr.Visited, int32(f))
	sr.Visits++
}

// visit: the searcher is at the facility of its last visit and parks if
// a bay is free.
func (m *Model) visit(s *engine.Sim, idx int32) {
	if idx < 0 || int(idx) >= len(m.st.Searchers) {
		return
	}
	sr := &m.st.Searchers[idx]
	f := int(sr.Visited[len(sr.Visited)-1])
	if b := m.freeBay(sr, f); b >= 0 && !m.st.Facilities[f].Closed {
		m.park(s, idx, f, b)
		return
	}
	m.next(s, idx)
}

// park puts the searcher in bay b of facility f.
func (m *Model) park(s *engine.Sim, idx int32, f, b int) {
	sr := &m.st.Searchers[idx]
	sr.Facility, sr.Bay, sr.ParkedUS = int32(f), int32(b), int64(s.Now())
	m.st.Bays[f][b] = idx + 1
	m.st.Occupied[f]++
	st := &m.st.Stats
	st.Parked++
	search := float64(sr.ParkedUS-sr.ArriveUS) / 1e6
	walk := m.walkM(sr, f)
	st.SearchS += search
	st.SearchSMax = math.Max(st.SearchSMax, search)
	st.SearchHist = append(st.SearchHist, search)
	st.CruiseM += sr.DriveM
	st.WalkM += walk
	if sr.GaveUp || walk > m.cfg.MaxWalkM {
		st.Elsewhere++
	}
	fc := &m.st.Facilities[f]
	if sr.EV && b < fc.Chargers && sr.EnergyKWh > 0 {
		m.startCharging(s, idx, f)
	}
	s.At(m.id, s.Now()+engine.Seconds(max(sr.DwellS, 1)), engine.PhaseModel, kindDepart, idx, 0, 0)
	m.logEvent(s.Now(), idx, "park", int32(f))
}

// startCharging: the EV draws min(charger, on-board limit) until its
// session energy is delivered or it leaves.
func (m *Model) startCharging(s *engine.Sim, idx int32, f int) {
	sr := &m.st.Searchers[idx]
	kw := m.st.Facilities[f].ChargerKW
	if kw <= 22 {
		kw = math.Min(kw, 11) // on-board AC charger limit of most cars: 11 kW three-phase
	} else {
		kw = math.Min(kw, 50)
	}
	if kw <= 0 {
		return
	}
	sr.PowerKW = kw
	chargeS := math.Min(sr.EnergyKWh/kw*3600, sr.DwellS)
	m.st.ChargeKW[f] += kw
	m.st.Stats.Sessions++
	m.sendLoad(s, f)
	s.At(m.id, s.Now()+engine.Seconds(max(chargeS, 1)), engine.PhaseModel, kindChargeEnd, idx, 0, 0)
}

// chargeEnd stops the searcher's charging (if it still charges).
func (m *Model) chargeEnd(s *engine.Sim, idx int32) {
	if idx < 0 || int(idx) >= len(m.st.Searchers) {
		return
	}
	sr := &m.st.Searchers[idx]
	if sr.PowerKW == 0 || sr.Facility < 0 {
		return
	}
	f := int(sr.Facility)
	delivered := sr.PowerKW * float64(int64(s.Now())-sr.ParkedUS) / 3.6e9
	delivered = math.Min(delivered, sr.EnergyKWh)
	sr.Charged = delivered
	m.st.Stats.ChargedKWh += delivered
	m.st.ChargeKW[f] = math.Max(0, m.st.ChargeKW[f]-sr.PowerKW)
	sr.PowerKW = 0
	m.sendLoad(s, f)
}

// sendLoad tells the grid the charging load of facility f when it
// changed: engine.MsgChargerPower with Target = facility index, Arg = the
// road node at the end of the facility's edge (its place, as the grid
// adapter reads it), Val = kW.
func (m *Model) sendLoad(s *engine.Sim, f int) {
	kw := m.st.ChargeKW[f]
	if math.Abs(kw) < 1e-9 {
		kw = 0
		m.st.ChargeKW[f] = 0
	}
	if kw == m.st.SentKW[f] {
		return
	}
	m.st.SentKW[f] = kw
	if m.hasGrid {
		node := m.city.Roads.To[m.st.Facilities[f].Edge]
		s.Send(m.id, m.gridID, engine.MsgChargerPower, int32(f), int64(node), kw)
	}
}

// depart frees the searcher's bay.
func (m *Model) depart(s *engine.Sim, idx int32) {
	if idx < 0 || int(idx) >= len(m.st.Searchers) {
		return
	}
	sr := &m.st.Searchers[idx]
	if sr.Facility < 0 || sr.Done {
		return
	}
	m.chargeEnd(s, idx)
	f := int(sr.Facility)
	m.st.Bays[f][sr.Bay] = 0
	m.st.Occupied[f]--
	sr.Done = true
	m.st.Stats.Departed++
	m.logEvent(s.Now(), idx, "depart", int32(f))
	sr.Visited = nil
}

// turnAway ends a search without a space.
func (m *Model) turnAway(s *engine.Sim, idx int32) {
	sr := &m.st.Searchers[idx]
	sr.Done = true
	m.st.Stats.TurnedAway++
	m.logEvent(s.Now(), idx, "turned_away", -1)
	sr.Visited = nil
}

// sample records every facility's occupancy.
func (m *Model) sample(s *engine.Sim) {
	t := int64(s.Now() / engine.Second)
	st := &m.st.Stats
	var occ, capTotal float64
	for f, fc := range m.st.Facilities {
		ser := &m.st.Series
		ser.TimeS = append(ser.TimeS, t)
		ser.Facility = append(ser.Facility, int32(f))
		ser.Occupied = append(ser.Occupied, m.st.Occupied[f])
		ser.Charging = append(ser.Charging, int32(math.Round(m.st.ChargeKW[f])))
		if fc.Kind != Charger && !fc.Closed {
			occ += float64(m.st.Occupied[f])
			capTotal += float64(fc.Capacity)
		}
	}
	if capTotal > 0 {
		st.OccSum += occ / capTotal
		st.OccSamples++
		st.OccPeak = math.Max(st.OccPeak, occ/capTotal)
	}
}

func (m *Model) logEvent(t engine.Time, idx int32, kind string, f int32) {
	if !m.cfg.EventsTable {
		return
	}
	sr := &m.st.Searchers[idx]
	e := &m.st.Events
	e.TimeS = append(e.TimeS, t.Seconds())
	e.Vehicle = append(e.Vehicle, sr.Vehicle)
	e.Kind = append(e.Kind, kind)
	e.Facility = append(e.Facility, f)
	var search, walk float64
	if kind == "park" {
		search = float64(sr.ParkedUS-sr.ArriveUS) / 1e6
		walk = m.walkM(sr, int(f))
	}
	e.SearchS = append(e.SearchS, search)
	e.CruiseM = append(e.CruiseM, sr.DriveM)
	e.WalkM = append(e.WalkM, walk)
	e.Energy = append(e.Energy, sr.Charged)
}
