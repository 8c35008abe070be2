package traffic

import (
	"testing"
)

func TestSpeedLimitWhatIf(t *testing.T) {
	net := lineNet(t, 2, 500, 13.89, 1)
	run := func(limit bool) float64 {
		tr, _ := New(net, newTestRouter(net), DefaultConfig(), 1)
		tr.AddTrip(Trip{ID: "a", From: 0, To: 1, ToPosM: 500})
		if limit && !tr.Schedule(WhatIf{Kind: SpeedLimit, Edge: 1, SpeedMps: 30 / 3.6}) {
			t.Fatal("refused")
		}
		tr.Run(300)
		return tr.Summarize().MeanTravelS
	}
	free, slow := run(false), run(true)
	// 500 m at 30 instead of 50 km/h costs about 500/8.33 - 500/13.89 = 24 s
	if d := slow - free; d < 18 || d > 30 {
		t.Errorf("speed limit added %.1f s, want about 24", d)
	}
}

func TestCloseLaneAndLoop(t *testing.T) {
	net := lineNet(t, 2, 400, 13.89, 2)
	tr, _ := New(net, newTestRouter(net), DefaultConfig(), 1)
	for k := 0; k < 40; k++ {
		tr.AddTrip(Trip{ID: "v", DepartS: float64(k) * 3, From: 0, To: 1, ToPosM: 400})
	}
	tr.Schedule(WhatIf{Kind: CloseLane, Edge: 1, Lane: 1, AtS: 0})
	loop := tr.AddLoop("l", 1, 200, 60)
	for tr.Now() < 600 {
		tr.Step()
		checkLanes(t, tr)
		if n := len(tr.lanes[tr.net.laneStart[1]+1]); n > 0 {
			t.Fatalf("t=%g: %d vehicles on the closed lane", tr.Now(), n)
		}
	}
	s := tr.Summarize()
	if s.Arrived != 40 {
		t.Fatalf("arrived %d", s.Arrived)
	}
	var count int64
	for _, c := range tr.loops[loop].rows.count {
		count += c
	}
	if count != 40 {
		t.Errorf("loop counted %d vehicles, want 40", count)
	}
	tb := tr.LoopsTable()
	if n, err := tb.Rows(); err != nil || n != 10 {
		t.Errorf("loops table: %d rows, %v", n, err)
	}
}

func TestActuatedSignalServesDemand(t *testing.T) {
	// traffic from the east only: actuated control keeps that approach
	// green, fixed time stops it for half of each cycle.
	net := crossNet(t, 300, true, 5, 5)
	var trips []Trip
	for k := 0; k < 60; k++ {
		trips = append(trips, Trip{ID: "e", DepartS: float64(k) * 6, From: into(1), To: outOf(3), ToPosM: 300})
	}
	cfg := DefaultConfig()
	fixed := runTrips(t, net, cfg, 1, trips, 3600).Summarize()
	cfg.Signals.Actuated = true
	act := runTrips(t, net, cfg, 1, trips, 3600).Summarize()
	if fixed.Arrived != 60 || act.Arrived != 60 {
		t.Fatalf("arrived %d / %d", fixed.Arrived, act.Arrived)
	}
	if act.MeanWaitingS >= fixed.MeanWaitingS/2 {
		t.Errorf("waiting: actuated %.1f s, fixed %.1f s", act.MeanWaitingS, fixed.MeanWaitingS)
	}
}

func TestSignalPlanWhatIf(t *testing.T) {
	net := crossNet(t, 300, true, 5, 5)
	tr, _ := New(net, newTestRouter(net), DefaultConfig(), 1)
	nodes, groups := tr.SignalNodes()
	if len(nodes) != 1 || groups[0] != 2 {
		t.Fatalf("controllers %v groups %v", nodes, groups)
	}
	p := Plan{GreenS: []float64{80, 5}, AmberS: 3, AllRedS: 2}
	if !tr.Schedule(WhatIf{Kind: SignalPlan, Node: nodes[0], Plan: p}) {
		t.Fatal("refused")
	}
	if tr.Schedule(WhatIf{Kind: SignalPlan, Node: 1, Plan: p}) {
		t.Error("accepted a plan for a node without signal")
	}
	tr.Step()
	if tr.sig.plan[0].GreenS[0] != 80 {
		t.Errorf("plan not applied: %+v", tr.sig.plan[0])
	}
}

func TestClosureReroutes(t *testing.T) {
	// from the stub 5->0 to node 4: a short way through 1 and a longer one
	// through 2. Closing 1->3 must send everyone round by 2.
	xy := [][2]float64{{0, 0}, {500, 100}, {500, -400}, {1000, 0}, {1500, 0}, {-500, 0}}
	net := NewNetwork(xy)
	net.AddEdge(0, 1, 13.89, 1, 4) // 0
	net.AddEdge(1, 3, 13.89, 1, 4) // 1
	net.AddEdge(0, 2, 13.89, 1, 4) // 2
	net.AddEdge(2, 3, 13.89, 1, 4) // 3
	net.AddEdge(3, 4, 13.89, 1, 4) // 4
	net.AddEdge(5, 0, 13.89, 1, 4) // 5
	if err := net.Finish(); err != nil {
		t.Fatal(err)
	}
	tr, _ := New(net, newTestRouter(net), DefaultConfig(), 1)
	for k := 0; k < 10; k++ {
		tr.AddTrip(Trip{ID: "v", DepartS: float64(k) * 3, From: 5, To: 4, FromPosM: 10, ToPosM: 400})
	}
	tr.Schedule(WhatIf{Kind: CloseEdge, Edge: 1, AtS: 20})
	tr.RunToEnd(2000)
	s := tr.Summarize()
	if s.Arrived != 10 || s.Teleports != 0 {
		t.Fatalf("arrived %d, teleports %d", s.Arrived, s.Teleports)
	}
	// every vehicle is still before node 0 at the closure and goes round:
	// 490 + 640 + 640 + 400 m instead of 490 + 510 + 510 + 400 m.
	for i := 0; i < 10; i++ {
		if d := tr.v.h[i].drivenM; d < 2150 || d > 2190 {
			t.Errorf("vehicle %d drove %.0f m, want about 2170", i, d)
		}
	}
}
