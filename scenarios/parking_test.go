package scenarios

import (
	"bytes"
	"os"
	"path/filepath"
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
		sim, models := buildSim(t, "p.yaml", parkingScenario)
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

// parkingWithRegister is the parking scenario with a car_parks key.
func parkingWithRegister(value string) string {
	return strings.Replace(parkingScenario, "    prefill: 0.4\n", "    prefill: 0.4\n    car_parks: "+value+"\n", 1)
}

// kindCounts builds the scenario and counts its parking facilities by kind.
func kindCounts(t *testing.T, doc string) (map[string]int, error) {
	t.Helper()
	sc, err := Parse("p.yaml", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	_, models, err := Build(sc)
	if err != nil {
		return nil, err
	}
	n := map[string]int{}
	for _, f := range models[len(models)-1].(parkingModel).Facilities() {
		n[f.Kind.String()]++
	}
	return n, nil
}

// TestParkingRegister: a car-park register replaces the city's car parks
// (and the other kinds it lists), or with mode add adds to them; a bad
// register or mode is an error that names the file, line and column.
func TestParkingRegister(t *testing.T) {
	t.Parallel()
	city, err := kindCounts(t, parkingScenario)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := kindCounts(t, parkingWithRegister("data/parking/trianglen_car_parks.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if rep["car_park"] != 2 || rep["on_street"] != 1 || rep["charger"] != 1 || rep["estimated_on_street"] != city["estimated_on_street"] {
		t.Errorf("replace: %v (city %v)", rep, city)
	}
	add, err := kindCounts(t, parkingWithRegister("{file: data/parking/trianglen_car_parks.csv, mode: add}"))
	if err != nil {
		t.Fatal(err)
	}
	if add["car_park"] != city["car_park"]+2 || add["charger"] != city["charger"]+1 {
		t.Errorf("add: %v (city %v)", add, city)
	}
	badFile := filepath.Join(t.TempDir(), "bad.csv")
	doc := "id,name,lon,lat,capacity,chargers,charger_kw,kind\na,A,12.5776,55.6995,many,0,,car_park\n"
	if err := os.WriteFile(badFile, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	farFile := filepath.Join(t.TempDir(), "far.csv")
	doc = "id,name,lon,lat,capacity,chargers,charger_kw,kind\nx,X,12.5776,55.6995,5,0,,car_park\naarhus,A,10.2,56.15,5,0,,car_park\n"
	if err := os.WriteFile(farFile, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	bad := []struct{ name, value, want string }{
		{"missing file", "data/parking/none.csv", "models.parking.car_parks"},
		{"bad mode", "{file: data/parking/trianglen_car_parks.csv, mode: merge}", "models.parking.car_parks.mode"},
		{"mapping without file", "{mode: add}", "want a file"},
		{"unknown key", "{file: data/parking/trianglen_car_parks.csv, colour: red}", `unknown field "colour"`},
		{"a list", "[a.csv, b.csv]", "want a file name or {file"},
		{"bad row", badFile, "bad.csv:2:5: capacity"},
		{"far from the city", farFile, "far.csv:3: aarhus"},
	}
	for _, c := range bad {
		if _, err := kindCounts(t, parkingWithRegister(c.value)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one naming %q", c.name, err, c.want)
		}
	}
}
