package scenarios

import (
	"bytes"
	"strings"
	"testing"

	"citytwin/engine"
)

const parkingScenario = minimal + `models:
  traffic:
    demand:
      random_trips: 150
      depart_within: 20m
      min_distance_m: 200
  parking:
    guidance: score
    background_per_h: 200
    ev_share: 0.3
    prefill: 0.4
`

// TestParkingCoupledWithTraffic: vehicles that arrive in the traffic model
// park in the same run, and a checkpoint taken half-way continues exactly
// like the original run.
func TestParkingCoupledWithTraffic(t *testing.T) {
	t.Parallel()
	run := func(checkpointAt engine.Time) (map[string]float64, string) {
		sc, err := Parse("p.yaml", []byte(parkingScenario))
		if err != nil {
			t.Fatal(err)
		}
		_, models, err := Build(sc)
		if err != nil {
			t.Fatal(err)
		}
		sim := engine.New(sc.Seed)
		for _, m := range models {
			sim.Add(m)
		}
		if err := sim.Init(); err != nil {
			t.Fatal(err)
		}
		p := models[len(models)-1].(parkingModel)
		if checkpointAt > 0 {
			if err := sim.RunUntil(checkpointAt); err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := p.SaveState(&buf); err != nil {
				t.Fatal(err)
			}
			st := p.Model.Stats()
			if err := p.LoadState(bytes.NewReader(buf.Bytes())); err != nil {
				t.Fatal(err)
			}
			if got := p.Model.Stats(); got.Arrivals != st.Arrivals || got.SearchS != st.SearchS {
				t.Fatalf("state changed by save/load: %+v vs %+v", got.Arrivals, st.Arrivals)
			}
			if err := p.LoadState(strings.NewReader("not gob")); err == nil {
				t.Fatal("garbage state loaded")
			}
		}
		if err := sim.RunUntil(40 * engine.Minute); err != nil {
			t.Fatal(err)
		}
		kpi := map[string]float64{}
		for _, k := range p.KPIs() {
			kpi[k.Name] = k.Value
		}
		return kpi, sim.Digest()
	}
	a, da := run(0)
	b, db := run(15 * engine.Minute)
	if a["arrivals"] < 100 || a["parked"] < 50 {
		t.Fatalf("too few arrivals or parked cars: %v", a)
	}
	if da != db || a["search_time_mean"] != b["search_time_mean"] || a["parked"] != b["parked"] {
		t.Fatalf("save/load changed the run: %v %v", a, b)
	}
}

func TestParkingBadGuidance(t *testing.T) {
	t.Parallel()
	doc := strings.Replace(parkingScenario, "guidance: score", "guidance: psychic", 1)
	sc, err := Parse("p.yaml", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := Build(sc); err == nil || !strings.Contains(err.Error(), "models.parking.guidance") {
		t.Fatalf("error %v", err)
	}
}
