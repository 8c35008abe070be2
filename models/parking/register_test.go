package parking

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

// testRegister reads testdata/car_parks.csv.
func testRegister(t *testing.T) []RegisterEntry {
	t.Helper()
	f, err := os.Open("testdata/car_parks.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	entries, err := ReadRegister(f, "car_parks.csv")
	if err != nil {
		t.Fatal(err)
	}
	return entries
}

func TestReadRegister(t *testing.T) {
	t.Parallel()
	got := testRegister(t)
	want := []RegisterEntry{
		{ID: "trianglen-p", Name: "Trianglen P-hus", LonLat: orb.Point{12.5776, 55.6995}, Capacity: 120, Chargers: 10, ChargerKW: 11, Kind: CarPark, Line: 2},
		{ID: "oster-kerb", Name: "Østerbrogade kerb", LonLat: orb.Point{12.5790, 55.6985}, Capacity: 14, Kind: OnStreet, Line: 3},
		{ID: "fast-1", LonLat: orb.Point{12.5760, 55.7005}, Capacity: 4, Chargers: 4, ChargerKW: 50, Kind: Charger, Line: 4},
	}
	if len(got) != len(want) {
		t.Fatalf("%d entries, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("entry %d: %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestReadRegisterColumnsInAnyOrder(t *testing.T) {
	t.Parallel()
	doc := "kind,capacity,id,lat,lon,chargers,charger_kw,name\ncar_park,50,a,55.7,12.57,0,,A\n"
	got, err := ReadRegister(strings.NewReader(doc), "r.csv")
	if err != nil || len(got) != 1 || got[0].Capacity != 50 || got[0].LonLat != (orb.Point{12.57, 55.7}) || got[0].Name != "A" {
		t.Fatalf("%+v, %v", got, err)
	}
}

func TestReadRegisterErrors(t *testing.T) {
	t.Parallel()
	const header = "id,name,lon,lat,capacity,chargers,charger_kw,kind\n"
	const good = "a,A,12.57,55.70,50,2,22,car_park\n"
	cases := []struct {
		name, doc, want string
	}{
		{"empty file", "", "r.csv:1:1: empty file"},
		{"unknown column", "id,name,lon,lat,capacity,chargers,charger_kw,kind,colour\n", "r.csv:1:9: unknown column \"colour\""},
		{"missing column", "id,name,lon,lat,capacity,chargers,kind\n", "r.csv:1:1: missing column \"charger_kw\""},
		{"repeated column", "id,name,lon,lat,capacity,chargers,charger_kw,kind,id\n", "r.csv:1:9: column \"id\" repeated"},
		{"short row", header + good + "b,B,12.57,55.70\n", "r.csv:3:"},
		{"bad quote", header + "a,\"A,12.57\n", "r.csv:2:"},
		{"empty id", header + ",A,12.57,55.70,50,0,,car_park\n", "r.csv:2:1: id: empty"},
		{"repeated id", header + good + good, "r.csv:3:1: id: \"a\" already on line 2"},
		{"bad lon", header + "a,A,east,55.70,50,0,,car_park\n", "r.csv:2:3: lon:"},
		{"lat out of range", header + "a,A,12.57,95,50,0,,car_park\n", "r.csv:2:4: lat:"},
		{"NaN lat", header + "a,A,12.57,NaN,50,0,,car_park\n", "r.csv:2:4: lat:"},
		{"zero capacity", header + "a,A,12.57,55.70,0,0,,car_park\n", "r.csv:2:5: capacity:"},
		{"chargers above capacity", header + "a,A,12.57,55.70,5,6,22,car_park\n", "r.csv:2:6: chargers:"},
		{"chargers without power", header + "a,A,12.57,55.70,5,2,,car_park\n", "r.csv:2:7: charger_kw:"},
		{"power without chargers", header + "a,A,12.57,55.70,5,0,22,car_park\n", "r.csv:2:7: charger_kw:"},
		{"negative power", header + "a,A,12.57,55.70,5,2,-3,car_park\n", "r.csv:2:7: charger_kw:"},
		{"unknown kind", header + "a,A,12.57,55.70,5,0,,garage\n", "r.csv:2:8: kind: \"garage\""},
		{"charger with plain bays", header + "a,A,12.57,55.70,5,2,22,charger\n", "r.csv:2:6: chargers: a charger's bays"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			_, err := ReadRegister(strings.NewReader(c.doc), "r.csv")
			if !errors.Is(err, ErrRegister) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one containing %q", err, c.want)
			}
		})
	}
}

// TestPlaceRegister: the register's entries reach the road graph of the
// city; replace drops the city's facilities of the kinds it lists, add
// keeps them; an entry far from every road is an error naming its line.
func TestPlaceRegister(t *testing.T) {
	c := small(t)
	entries := testRegister(t)
	reg, err := PlaceRegister(c, entries, "car_parks.csv")
	if err != nil {
		t.Fatal(err)
	}
	for i, fc := range reg {
		if fc.Edge < 0 || int(fc.Edge) >= c.Roads.NumEdges() || fc.Capacity != entries[i].Capacity {
			t.Errorf("%+v", fc)
		}
	}
	if reg[2].Name != "fast-1" {
		t.Errorf("unnamed entry named %q, want its id", reg[2].Name)
	}
	osm := SupplyFromCity(c, SupplyOptions{EstimateResidential: true})
	count := func(fs []Facility) map[FacilityKind]int {
		n := map[FacilityKind]int{}
		for _, f := range fs {
			n[f.Kind]++
		}
		return n
	}
	o, rep, add := count(osm), count(MergeRegister(osm, reg, RegisterReplace)), count(MergeRegister(osm, reg, RegisterAdd))
	if o[CarPark] == 0 || o[Estimated] == 0 {
		t.Fatalf("the test city has no car parks or kerb estimates: %v", o)
	}
	if rep[CarPark] != 1 || rep[OnStreet] != 1 || rep[Charger] != 1 || rep[Estimated] != o[Estimated] {
		t.Errorf("replace: %v (city %v)", rep, o)
	}
	if add[CarPark] != o[CarPark]+1 || add[OnStreet] != o[OnStreet]+1 || add[Charger] != o[Charger]+1 {
		t.Errorf("add: %v (city %v)", add, o)
	}
	far := []RegisterEntry{{ID: "aarhus", LonLat: orb.Point{10.2, 56.15}, Capacity: 10, Kind: CarPark, Line: 7}}
	if _, err := PlaceRegister(c, far, "r.csv"); !errors.Is(err, ErrRegister) || !strings.Contains(err.Error(), "r.csv:7: aarhus") {
		t.Fatalf("far entry: %v", err)
	}
}

// FuzzReadRegister: any input gives entries that keep the reader's
// promises, or an error; never a panic.
func FuzzReadRegister(f *testing.F) {
	seed, err := os.ReadFile("testdata/car_parks.csv")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	f.Add([]byte("id,name,lon,lat,capacity,chargers,charger_kw,kind\n"))
	f.Fuzz(func(t *testing.T, doc []byte) {
		got, err := ReadRegister(strings.NewReader(string(doc)), "f.csv")
		if err != nil {
			if !errors.Is(err, ErrRegister) {
				t.Fatalf("error not wrapping ErrRegister: %v", err)
			}
			return
		}
		ids := map[string]bool{}
		for _, e := range got {
			if e.ID == "" || ids[e.ID] || e.Capacity < 1 || e.Chargers < 0 || e.Chargers > e.Capacity ||
				(e.Chargers > 0) != (e.ChargerKW > 0) || e.Kind < CarPark || e.Kind > Charger || e.Line < 2 {
				t.Fatalf("entry breaks the reader's promises: %+v", e)
			}
			ids[e.ID] = true
		}
	})
}

// BenchmarkReadRegister: a register of 1,000 car parks.
func BenchmarkReadRegister(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("id,name,lon,lat,capacity,chargers,charger_kw,kind\n")
	for i := range 1000 {
		fmt.Fprintf(&sb, "p%d,Car park %d,12.57%03d,55.70%03d,%d,2,22,car_park\n", i, i, i, i, 50+i)
	}
	doc := sb.String()
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ReadRegister(strings.NewReader(doc), "b.csv"); err != nil {
			b.Fatal(err)
		}
	}
}
