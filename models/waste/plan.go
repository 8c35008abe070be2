package waste

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"citytwin/engine"
	"citytwin/models/waste/cvrp"
)

// due reports whether the policy empties bin i today, at time now (s).
// Bins without a sensor follow the fixed schedule under every policy.
func (m *Model) due(i int, now float64) bool {
	st := &m.st
	b := m.bins[i]
	if m.cfg.Policy == Fixed || !st.Sensor[i] || math.IsNaN(st.BeliefS[i]) {
		n := m.cfg.EveryDays[b.Kind]
		return (st.Day-i%n)%n == 0
	}
	if m.cfg.Policy == Threshold {
		return st.Belief[i] >= m.cfg.Threshold
	}
	// Predictive: the latest a visit can come if not today is the end of
	// tomorrow's shift.
	horizon := now + 86400 + m.cfg.ShiftS
	return m.forecast(i, horizon) >= 1
}

// forecast is the fill of bin i expected at time t (s) from its readings.
func (m *Model) forecast(i int, t float64) float64 {
	st := &m.st
	return st.Belief[i] + m.rate(i)*(t-st.BeliefS[i])
}

// rate is the predictive policy's fill rate of bin i, share per s: the
// least-squares slope of its readings since the last emptying, else the
// slope of its previous cycle, else the kind's prior.
func (m *Model) rate(i int) float64 {
	if r, ok := m.st.Reg[i].Slope(); ok {
		return math.Max(0, r) / 3600
	}
	if m.st.RateEst[i] > 0 {
		return m.st.RateEst[i]
	}
	return m.cfg.PriorRate[m.bins[i].Kind] / 86400
}

// expectedL is the volume the route plan expects at bin i: the forecast
// at the shift's midpoint for sensed bins, the prior rate since the last
// emptying for the others.
func (m *Model) expectedL(i int, now float64) float64 {
	b := m.bins[i]
	var f float64
	if m.st.Sensor[i] && !math.IsNaN(m.st.BeliefS[i]) {
		f = m.forecast(i, now+m.cfg.ShiftS/2)
	} else {
		f = m.cfg.PriorRate[b.Kind] * (now - m.st.LastEmptyS[i]) / 86400
	}
	return math.Min(m.cfg.CapacityL, b.VolumeL*math.Max(0.05, math.Min(1, f)))
}

// plan runs at the start of a shift: the policy picks the bins, the
// routes are solved, and every idle truck with a route leaves.
func (m *Model) plan(s *engine.Sim) error {
	now := s.Now().Seconds()
	var pick []int
	for i := range m.bins {
		if !m.st.Planned[i] && m.due(i, now) {
			pick = append(pick, i)
		}
	}
	m.st.Day++
	var idle []int
	for k, t := range m.st.Trucks {
		if !t.Busy {
			idle = append(idle, k)
		}
	}
	if len(pick) == 0 || len(idle) == 0 {
		m.st.Deferred += int64(len(pick))
		return nil
	}
	routes, err := m.solve(s, pick, now)
	if err != nil {
		return err
	}
	for r, route := range routes {
		if r >= len(idle) {
			m.st.Deferred += int64(len(route))
			continue
		}
		m.dispatch(s, idle[r], route, now)
	}
	return nil
}

// solve plans routes for the picked bins as a CVRP on driving times with
// the shift as the duration limit and an unlimited fleet, then orders the
// routes by expected load, largest first: when there are more routes than
// trucks, the last ones wait for another day.
func (m *Model) solve(s *engine.Sim, pick []int, now float64) ([][]int32, error) {
	n := len(pick)
	in := &cvrp.Instance{Name: fmt.Sprintf("waste-day-%d", m.st.Day), N: n, Capacity: m.cfg.CapacityL,
		Dist: make([]float64, (n+1)*(n+1)), Demand: make([]float64, n+1), Service: make([]float64, n+1),
		MaxRouteDuration: m.cfg.ShiftS, Coords: make([][2]float64, n+1)}
	point := func(a int) int {
		if a == 0 {
			return 0
		}
		return pick[a-1] + 1
	}
	in.Coords[0] = [2]float64(m.city.Roads.NodeXY[m.city.Roads.To[m.depot]])
	for a := 0; a <= n; a++ {
		row := m.timeRow(point(a))
		for c := 0; c <= n; c++ {
			in.Dist[a*(n+1)+c] = row[point(c)]
		}
		if a > 0 {
			i := pick[a-1]
			in.Demand[a] = m.expectedL(i, now)
			in.Service[a] = m.serviceS(i)
			in.Coords[a] = [2]float64(m.bins[i].XY)
		}
	}
	sol, err := cvrp.Solve(in, cvrp.Options{Seed: s.Stream("waste/routes").Uint64(), MaxIterations: m.cfg.Iterations,
		Params: &solverParams})
	if err != nil && !errors.Is(err, cvrp.ErrNoFeasible) {
		return nil, fmt.Errorf("waste: day %d: routing %d bins: %w", m.st.Day, n, err)
	}
	load := func(r []int) float64 {
		var l float64
		for _, c := range r {
			l += in.Demand[c]
		}
		return l
	}
	order := make([]int, len(sol.Routes))
	for r := range order {
		order[r] = r
	}
	slices.SortStableFunc(order, func(a, b int) int {
		la, lb := load(sol.Routes[a]), load(sol.Routes[b])
		switch {
		case la > lb:
			return -1
		case la < lb:
			return 1
		}
		return 0
	})
	out := make([][]int32, 0, len(order))
	for _, r := range order {
		if len(sol.Routes[r]) == 0 {
			continue
		}
		route := make([]int32, len(sol.Routes[r]))
		for k, c := range sol.Routes[r] {
			route[k] = int32(pick[c-1])
		}
		out = append(out, route)
	}
	return out, nil
}

// solverParams is the route solver's effort for a daily plan: a smaller
// population than Vidal's (2022) defaults (mu 10, lambda 15, 20 initial
// individuals, half of them from nearest-neighbour tours), since a day's
// plan is solved every simulated day and a few hundred iterations must
// take well under a second.
var solverParams = func() cvrp.Params {
	p := cvrp.DefaultParams()
	p.Mu, p.Lambda, p.InitialPopulation, p.GreedyShare = 10, 15, 20, 0.5
	return p
}()

// serviceS is the time spent at bin i, s.
func (m *Model) serviceS(i int) float64 {
	b := m.bins[i]
	s := m.cfg.ServiceS[b.Kind]
	if b.Kind == Household {
		s += m.cfg.ServicePerContainerS * float64(b.Containers)
	}
	return s
}
