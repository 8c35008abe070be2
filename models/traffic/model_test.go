package traffic

import (
	"testing"

	"citytwin/engine"
)

// sink counts the arrivals handed to it and can inject one vehicle.
type sink struct {
	name     string
	arrivals []engine.Event
	inject   int64 // origin<<32|dest, 0 = none
}

func (s *sink) Name() string { return s.name }
func (s *sink) Init(sim *engine.Sim, id engine.ModelID) error {
	if s.inject != 0 {
		sim.At(id, engine.Seconds(10), engine.PhaseControl, 2000, 0, 0, 0)
	}
	return nil
}
func (s *sink) Handle(sim *engine.Sim, ev engine.Event) error {
	switch ev.Kind {
	case 2000:
		to, _ := sim.ModelByName("traffic")
		sim.Send(ev.Dst, to, engine.MsgInjectVehicle, 77, s.inject, 0)
	case engine.MsgVehicleArrived:
		s.arrivals = append(s.arrivals, ev)
	}
	return nil
}

func TestEngineCoupling(t *testing.T) {
	net := lineNet(t, 3, 200, 13.89, 1)
	tr, err := New(net, newTestRouter(net), DefaultConfig(), 1)
	if err != nil {
		t.Fatal(err)
	}
	for k := 0; k < 3; k++ {
		tr.AddTrip(Trip{ID: "c", DepartS: float64(k) * 5, From: 0, To: 2, ToPosM: 150})
	}
	sim := engine.New(7)
	sim.Add(NewModel(tr))
	parking := &sink{name: "parking"}
	trucks := &sink{name: "waste", inject: 1<<32 | 2}
	sim.Add(parking)
	sim.Add(trucks)
	if err := sim.Init(); err != nil {
		t.Fatal(err)
	}
	if err := sim.RunUntil(engine.Seconds(300)); err != nil {
		t.Fatal(err)
	}
	if len(parking.arrivals) != 3 {
		t.Fatalf("parking got %d arrivals, want 3", len(parking.arrivals))
	}
	for _, ev := range parking.arrivals {
		if ev.Arg != 2 || ev.Val < 30 || ev.Val > 60 {
			t.Errorf("arrival %+v: want edge 2 and a travel time of 30-60 s", ev)
		}
	}
	if len(trucks.arrivals) != 1 || trucks.arrivals[0].Target != 77 {
		t.Fatalf("injecting model got %+v, want one arrival of its vehicle 77", trucks.arrivals)
	}
	if got := tr.Summarize().Trips; got != 4 {
		t.Errorf("%d trips, want 4", got)
	}
}
