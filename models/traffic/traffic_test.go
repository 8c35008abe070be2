package traffic

import (
	"bytes"
	"math"
	"testing"
)

// TestIDMCapacity checks that a single lane reproduces the IDM's
// theoretical capacity: the maximum over v of the stationary flow
// v / (s*(v) + l) with s*(v) = (s0 + vT)/sqrt(1 - (v/v0)^4) (Treiber,
// Hennecke, Helbing 2000; Treiber & Kesting, Traffic Flow Dynamics, 2013,
// ch. 11). The road is a closed ring (36 straight edges, no junction
// control) filled at the capacity density; an induction loop must count
// the capacity flow within 5 %.
func TestIDMCapacity(t *testing.T) {
	p := DefaultIDM()
	const v0 = 13.89
	// The IDM equilibrium gap, written out here rather than taken from the
	// model: s*(v) = (s0 + vT) / sqrt(1 - (v/v0)^delta), delta = 4.
	const delta = 4.0
	gap := func(v float64) float64 {
		return (p.S0 + v*p.T) / math.Sqrt(1-math.Pow(v/v0, delta))
	}
	// The model's dynamics must use the same delta: a vehicle at speed v
	// behind a leader at the same speed and gap s*(v) neither speeds up
	// nor slows down.
	for _, v := range []float64{1, 5, 8, 12, 13.5} {
		if acc := p.Accel(v, v0, gap(v), 0); math.Abs(acc) > 1e-9 {
			t.Fatalf("Accel at the equilibrium gap for v=%g: %g m/s², want 0 (delta is not %g)", v, acc, delta)
		}
	}
	qmax, vopt := p.Capacity(v0)
	// the analytic optimum for these parameters on a fine grid: about
	// 0.47 veh/s (1700 veh/h) at 9.3 m/s
	best, vbest := 0.0, 0.0
	for v := 0.01; v < v0; v += 0.001 {
		if q := v / (gap(v) + p.LengthM); q > best {
			best, vbest = q, v
		}
	}
	if math.Abs(best-qmax) > 1e-6 || math.Abs(vbest-vopt) > 0.01 {
		t.Fatalf("Capacity %g veh/s at %g m/s, grid %g veh/s at %g m/s", qmax, vopt, best, vbest)
	}
	spacing := gap(vopt) + p.LengthM
	const nVeh = 40
	circ := nVeh * spacing
	const nEdges = 36
	r := circ / (2 * math.Sin(math.Pi/nEdges)) / nEdges
	xy := make([][2]float64, nEdges)
	for k := range xy {
		a := 2 * math.Pi * float64(k) / nEdges
		xy[k] = [2]float64{r * math.Cos(a), r * math.Sin(a)}
	}
	net := NewNetwork(xy)
	for k := 0; k < nEdges; k++ {
		net.AddEdge(int32(k), int32((k+1)%nEdges), v0, 1, 3)
	}
	if err := net.Finish(); err != nil {
		t.Fatal(err)
	}
	cfg := DefaultConfig()
	cfg.SpeedFactorSD = 0
	tr, err := New(net, nil, cfg, 1)
	if err != nil {
		t.Fatal(err)
	}
	// place the vehicles evenly at vopt, each with a route of 20 laps
	total := net.LengthM[0] * nEdges
	for j := 0; j < nVeh; j++ {
		s := total - float64(j)*spacing - 1
		e := int32(s / net.LengthM[0])
		pos := s - float64(e)*net.LengthM[0]
		var route []int32
		for k := 0; k < 20*nEdges; k++ {
			route = append(route, (e+int32(k))%nEdges)
		}
		i, err := tr.AddTrip(Trip{ID: "v", From: e, To: route[len(route)-1], FromPosM: pos, ToPosM: 1})
		if err != nil {
			t.Fatal(err)
		}
		if !tr.SetRoute(i, route) {
			t.Fatal("route rejected")
		}
		tr.place(i, pos, vopt)
	}
	const warm, measure = 60.0, 600.0
	tr.Run(warm)
	loop := tr.AddLoop("ring", 5, net.LengthM[5]/2, measure)
	tr.Run(warm + measure)
	checkLanes(t, tr)
	got := float64(tr.loops[loop].rows.count[0]) / measure
	if rel := math.Abs(got-qmax) / qmax; rel > 0.05 {
		t.Errorf("flow %.4f veh/s, IDM capacity %.4f veh/s (v=%.2f m/s): off by %.1f %%", got, qmax, vopt, 100*rel)
	}
	t.Logf("IDM capacity %.1f veh/h at %.2f m/s; measured %.1f veh/h", qmax*3600, vopt, got*3600)
}

// place puts vehicle i (with its route set) running on its first edge at
// pos with speed sp, bypassing the insertion rule (tests only).
func (t *Traffic) place(i int32, pos, sp float64) {
	t.sortDue()
	t.v.h[i].state = stateRunning
	t.v.departS[i] = t.nowS
	l := t.net.laneStart[t.v.from[i]]
	idx := 0
	for idx < len(t.lanes[l]) && t.v.h[t.lanes[l][idx]].pos >= pos {
		idx++
	}
	t.insertAt(l, idx, i)
	t.v.h[i].edge, t.v.h[i].lane, t.v.h[i].pos, t.v.h[i].speed = t.v.from[i], l, pos, sp
	t.setTurn(i)
}

func runTrips(t *testing.T, net *Network, cfg Config, seed uint64, trips []Trip, until float64) *Traffic {
	t.Helper()
	tr, err := New(net, newTestRouter(net), cfg, seed)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range trips {
		if _, err := tr.AddTrip(x); err != nil {
			t.Fatal(err)
		}
	}
	for tr.Now() < until && !(tr.Now() > 0 && tr.Done()) {
		tr.Step()
		checkLanes(t, tr)
	}
	return tr
}

func TestFreeFlowTravelTime(t *testing.T) {
	net := lineNet(t, 5, 200, 13.89, 1)
	cfg := DefaultConfig()
	cfg.SpeedFactorSD = 0
	tr := runTrips(t, net, cfg, 1, []Trip{{ID: "a", From: 0, To: 4, FromPosM: 0, ToPosM: 200}}, 600)
	s := tr.Summarize()
	if s.Arrived != 1 {
		t.Fatalf("arrived %d", s.Arrived)
	}
	// 995 m from a standstill to 13.89 m/s: at least 995/13.89 = 71.6 s,
	// plus about v0/(2a) ≈ 5-8 s lost accelerating with δ = 4.
	if s.MeanTravelS < 71.6 || s.MeanTravelS > 82 {
		t.Errorf("travel time %g s", s.MeanTravelS)
	}
	if math.Abs(tr.v.h[0].drivenM-995) > 1 {
		t.Errorf("route length %g m, want 995", tr.v.h[0].drivenM)
	}
}

func TestSignalStopsTraffic(t *testing.T) {
	net := crossNet(t, 300, true, 5, 5)
	var trips []Trip
	for k := 0; k < 40; k++ {
		trips = append(trips,
			Trip{ID: "ew", DepartS: float64(k) * 4, From: into(1), To: outOf(3), FromPosM: 0, ToPosM: 300},
			Trip{ID: "ns", DepartS: float64(k)*4 + 1, From: into(2), To: outOf(4), FromPosM: 0, ToPosM: 300})
	}
	tr := runTrips(t, net, DefaultConfig(), 3, trips, 3600)
	s := tr.Summarize()
	if s.Arrived != len(trips) || s.Teleports != 0 {
		t.Fatalf("arrived %d of %d, teleports %d", s.Arrived, len(trips), s.Teleports)
	}
	if s.MeanWaitingS < 5 {
		t.Errorf("mean waiting %g s: the signal stopped nobody", s.MeanWaitingS)
	}
}

func TestYieldMinorRoad(t *testing.T) {
	// east-west is the major road; north-south vehicles give way.
	net := crossNet(t, 300, false, 6, 3)
	if len(net.foes(into(2))) != 2 || len(net.foes(into(1))) != 0 {
		t.Fatalf("foes of minor %v, of major %v", net.foes(into(2)), net.foes(into(1)))
	}
	// from the north (heading south), the eastern arm is on the left: a
	// right turn (to the west) joins only that stream.
	for k, f := range net.foes(into(2)) {
		if left := net.foeLeft[net.foeStart[into(2)]+int32(k)]; left != (f == into(1)) {
			t.Errorf("foe %d: from the left %v", f, left)
		}
	}
	var trips []Trip
	for k := 0; k < 30; k++ {
		trips = append(trips,
			Trip{ID: "major", DepartS: float64(k) * 3, From: into(1), To: outOf(3), FromPosM: 0, ToPosM: 300},
			Trip{ID: "minor", DepartS: float64(k) * 3, From: into(2), To: outOf(4), FromPosM: 0, ToPosM: 300})
	}
	tr := runTrips(t, net, DefaultConfig(), 3, trips, 3600)
	s := tr.Summarize()
	if s.Arrived != len(trips) {
		t.Fatalf("arrived %d of %d", s.Arrived, len(trips))
	}
	var majW, minW float64
	for i := 0; i < tr.v.n(); i++ {
		if tr.v.id[i] == "major" {
			majW += tr.v.h[i].waitingS
		} else {
			minW += tr.v.h[i].waitingS
		}
	}
	if minW <= majW {
		t.Errorf("minor road waited %g s, major %g s", minW, majW)
	}
}

func TestSpillbackAndClosure(t *testing.T) {
	net := lineNet(t, 3, 100, 13.89, 1)
	var trips []Trip
	for k := 0; k < 30; k++ {
		trips = append(trips, Trip{ID: "q", DepartS: float64(k) * 2, From: 0, To: 2, FromPosM: 0, ToPosM: 100})
	}
	tr, err := New(net, newTestRouter(net), DefaultConfig(), 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range trips {
		tr.AddTrip(x)
	}
	if !tr.Schedule(WhatIf{Kind: CloseEdge, Edge: 2, AtS: 0, UntilS: 200}) {
		t.Fatal("schedule refused")
	}
	maxOn := 0
	for tr.Now() < 190 {
		tr.Step()
		checkLanes(t, tr)
		maxOn = max(maxOn, len(tr.lanes[1]))
		if len(tr.lanes[2]) != 0 {
			t.Fatalf("t=%g: vehicle on closed edge", tr.Now())
		}
	}
	// edge 1 (100 m) holds at most 100/7 ≈ 14 standing cars; the rest
	// queue back onto edge 0 and into the insertion queue.
	if maxOn > 15 || maxOn < 12 {
		t.Errorf("edge 1 held at most %d vehicles", maxOn)
	}
	for tr.Now() < 900 && !tr.Done() {
		tr.Step()
		checkLanes(t, tr)
	}
	if s := tr.Summarize(); s.Arrived != len(trips) || s.Teleports != 0 {
		t.Errorf("arrived %d of %d, teleports %d", s.Arrived, len(trips), s.Teleports)
	}
}

func TestTeleportCountsStuckVehicles(t *testing.T) {
	net := lineNet(t, 3, 100, 13.89, 1)
	trips := []Trip{{ID: "a", From: 0, To: 2, ToPosM: 100}, {ID: "b", DepartS: 5, From: 0, To: 2, ToPosM: 100}}
	tr, _ := New(net, newTestRouter(net), DefaultConfig(), 1)
	for _, x := range trips {
		tr.AddTrip(x)
	}
	tr.Schedule(WhatIf{Kind: CloseEdge, Edge: 2, AtS: 0}) // for good
	tr.Run(1000)
	s := tr.Summarize()
	if s.Teleports < 1 || s.Arrived != 2 || s.Stuck != 2 {
		t.Errorf("teleports %d, arrived %d, stuck %d", s.Teleports, s.Arrived, s.Stuck)
	}
}

func TestLaneChangeToTurnLane(t *testing.T) {
	// a two-lane approach to a T: the left turn must be taken from lane 1.
	xy := [][2]float64{{-400, 0}, {0, 0}, {0, 300}, {0, -300}}
	net := NewNetwork(xy)
	net.AddEdge(0, 1, 13.89, 2, 5) // 0
	net.AddEdge(1, 2, 13.89, 1, 5) // 1 north (left)
	net.AddEdge(1, 3, 13.89, 1, 5) // 2 south (right)
	if err := net.Finish(); err != nil {
		t.Fatal(err)
	}
	if lo, hi := net.turnLanes(0, 1); lo != 1 || hi != 1 {
		t.Fatalf("left turn lanes %d..%d", lo, hi)
	}
	if lo, hi := net.turnLanes(0, 2); lo != 0 || hi != 0 {
		t.Fatalf("right turn lanes %d..%d", lo, hi)
	}
	tr, _ := New(net, newTestRouter(net), DefaultConfig(), 1)
	tr.AddTrip(Trip{ID: "l", From: 0, To: 1, ToPosM: 300})
	tr.cfg.LaneChangeS = 1
	sawLeft := false
	for tr.Now() < 200 && !tr.Done() {
		tr.Step()
		checkLanes(t, tr)
		if tr.v.h[0].state == stateRunning && tr.v.h[0].edge == 0 && tr.v.h[0].lane == 1 {
			sawLeft = true
		}
	}
	if !sawLeft || tr.v.h[0].state != stateArrived {
		t.Errorf("left lane reached %v, state %s", sawLeft, stateName(tr.v.h[0].state))
	}
}

func TestDeterministicTrips(t *testing.T) {
	net := crossNet(t, 250, false, 4, 4)
	var trips []Trip
	for k := 0; k < 60; k++ {
		a, b := int32(k%4+1), int32((k+1+k/4)%4+1)
		if a == b {
			b = a%4 + 1
		}
		trips = append(trips, Trip{ID: "t", DepartS: float64(k) * 2.5, From: into(a), To: outOf(b), FromPosM: 10, ToPosM: 200})
	}
	first := tripsCSV(t, runTrips(t, net, DefaultConfig(), 42, trips, 3600))
	again := tripsCSV(t, runTrips(t, net, DefaultConfig(), 42, trips, 3600))
	if !bytes.Equal(first, again) {
		t.Fatal("same seed, different trips table")
	}
	other := tripsCSV(t, runTrips(t, net, DefaultConfig(), 43, trips, 3600))
	if bytes.Equal(first, other) {
		t.Error("a different seed changed nothing (speed factors unused?)")
	}
}
