package parking

import (
	"bytes"
	"errors"
	"math"
	"sync"
	"testing"

	"citytwin/engine"
	"citytwin/models/city"
)

const trianglen = "../../scenarios/data/osm/copenhagen_osterbro_trianglen_1km2.osm"

var (
	smallOnce sync.Once
	smallCity *city.City
	smallErr  error
)

// small loads the 1 km² Trianglen extract once for all tests.
func small(t testing.TB) *city.City {
	smallOnce.Do(func() { smallCity, smallErr = city.Load(trianglen) })
	if smallErr != nil {
		t.Fatal(smallErr)
	}
	return smallCity
}

// gridProbe stands in for the grid model: it records charger power
// messages.
type gridProbe struct {
	last map[int32]float64
	msgs int
}

func (g *gridProbe) Name() string                                { return "grid" }
func (g *gridProbe) Init(s *engine.Sim, id engine.ModelID) error { return nil }
func (g *gridProbe) Handle(s *engine.Sim, ev engine.Event) error {
	if ev.Kind == engine.MsgChargerPower {
		g.last[ev.Target] = ev.Val
		g.msgs++
	}
	return nil
}

// runSmall runs the model alone (plus the grid probe) on the small city.
func runSmall(t testing.TB, cfg Config, seed uint64, until engine.Time) (*Model, *gridProbe, *engine.Sim) {
	c := small(t)
	m, err := New(c, SupplyFromCity(c, SupplyOptions{EstimateResidential: true}), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	g := &gridProbe{last: map[int32]float64{}}
	sim := engine.New(seed)
	sim.Add(m)
	sim.Add(g)
	if err := sim.Init(); err != nil {
		t.Fatal(err)
	}
	if err := sim.RunUntil(until); err != nil {
		t.Fatal(err)
	}
	return m, g, sim
}

func kpis(m *Model) map[string]float64 {
	out := map[string]float64{}
	for _, k := range m.KPIs() {
		out[k.Name] = k.Value
	}
	return out
}

func TestSupplyFromCity(t *testing.T) {
	t.Parallel()
	c := small(t)
	fac := SupplyFromCity(c, SupplyOptions{EstimateResidential: true})
	plain := SupplyFromCity(c, SupplyOptions{})
	count := map[FacilityKind]int{}
	for _, f := range fac {
		count[f.Kind]++
		if f.Capacity <= 0 || f.Edge == city.NoEdge {
			t.Fatalf("facility %+v", f)
		}
		if f.Kind == Charger && (f.Chargers != f.Capacity || !(f.ChargerKW > 0)) {
			t.Fatalf("charger %+v", f)
		}
	}
	if count[CarPark] == 0 || count[OnStreet] == 0 || count[Estimated] == 0 || count[Charger] == 0 {
		t.Fatalf("kinds %v", count)
	}
	if len(plain) != len(fac)-count[Estimated] {
		t.Fatalf("estimation changed other facilities: %d vs %d", len(plain), len(fac))
	}
}

// TestGuidancePolicies: with demand above supply, guidance cuts the
// cruising distance of unguided search, and the score keeps the walk
// below nearest-free guidance's.
func TestGuidancePolicies(t *testing.T) {
	t.Parallel()
	res := map[Guidance]map[string]float64{}
	for _, g := range []Guidance{GuidanceNone, GuidanceNearest, GuidanceScore} {
		cfg := Config{Guidance: g, Background: 2500, FlatDemand: true, DayOffsetS: 10 * 3600, Prefill: 0.85}
		m, _, _ := runSmall(t, cfg, 5, engine.Hour)
		res[g] = kpis(m)
		t.Logf("%s: %v", g, res[g])
	}
	none, near, score := res[GuidanceNone], res[GuidanceNearest], res[GuidanceScore]
	if none["parked"] < 1000 {
		t.Fatalf("parked %v", none["parked"])
	}
	if !(near["cruising_distance_mean"] < none["cruising_distance_mean"]) || !(score["cruising_distance_mean"] < none["cruising_distance_mean"]) {
		t.Errorf("guidance does not cut cruising: none %.0f nearest %.0f score %.0f", none["cruising_distance_mean"], near["cruising_distance_mean"], score["cruising_distance_mean"])
	}
	if !(score["walking_distance_mean"] < near["walking_distance_mean"]) {
		t.Errorf("score walks %.0f m, nearest %.0f m", score["walking_distance_mean"], near["walking_distance_mean"])
	}
}

// TestChargingLoad: every charging session's power goes to the grid and
// comes back to zero when the cars leave; the energy KPI is positive and
// bounded by the sessions' draw.
func TestChargingLoad(t *testing.T) {
	t.Parallel()
	cfg := Config{Background: 300, EVShare: 1, DayOffsetS: 8 * 3600}
	m, g, _ := runSmall(t, cfg, 3, 10*engine.Hour)
	k := kpis(m)
	if k["charging_sessions"] < 10 || !(k["charging_energy"] > 0) || g.msgs < 20 {
		t.Fatalf("sessions %v energy %v messages %d", k["charging_sessions"], k["charging_energy"], g.msgs)
	}
	if k["charging_energy"] > 50*k["charging_sessions"] {
		t.Fatalf("%.0f kWh in %v sessions", k["charging_energy"], k["charging_sessions"])
	}
	for f, kw := range g.last {
		if kw < 0 || math.Abs(kw-m.st.ChargeKW[f]) > 1e-9 {
			t.Fatalf("facility %d: grid saw %v kW, model has %v", f, kw, m.st.ChargeKW[f])
		}
	}
}

// TestDeterministicAndCheckpoint: same seed, same run; a kernel
// checkpoint half-way restored into a fresh sim continues to the same
// digest and KPIs.
func TestDeterministicAndCheckpoint(t *testing.T) {
	t.Parallel()
	cfg := Config{Background: 800, EVShare: 0.3, Guidance: GuidanceScore, EventsTable: true}
	a, _, sa := runSmall(t, cfg, 9, 3*engine.Hour)
	b, _, sb := runSmall(t, cfg, 9, 3*engine.Hour)
	if sa.Digest() != sb.Digest() || kpis(a)["search_time_mean"] != kpis(b)["search_time_mean"] {
		t.Fatal("two runs with the same seed differ")
	}

	var buf bytes.Buffer
	c := small(t)
	m2, _ := New(c, SupplyFromCity(c, SupplyOptions{EstimateResidential: true}), cfg, nil)
	solo := engine.New(9)
	solo.Add(m2)
	if err := solo.Init(); err != nil {
		t.Fatal(err)
	}
	if err := solo.RunUntil(90 * engine.Minute); err != nil {
		t.Fatal(err)
	}
	if err := solo.Checkpoint(&buf); err != nil {
		t.Fatal(err)
	}
	m3, _ := New(c, SupplyFromCity(c, SupplyOptions{EstimateResidential: true}), cfg, nil)
	restored := engine.New(9)
	restored.Add(m3)
	if err := restored.Init(); err != nil {
		t.Fatal(err)
	}
	if err := restored.Restore(bytes.NewReader(buf.Bytes())); err != nil {
		t.Fatal(err)
	}
	for _, s := range []*engine.Sim{solo, restored} {
		if err := s.RunUntil(3 * engine.Hour); err != nil {
			t.Fatal(err)
		}
	}
	if solo.Digest() != restored.Digest() || kpis(m2)["parked"] != kpis(m3)["parked"] || kpis(m2)["walking_distance_mean"] != kpis(m3)["walking_distance_mean"] {
		t.Fatalf("restored run differs: %v vs %v", kpis(m2), kpis(m3))
	}
	if len(m3.Tables()) != 3 {
		t.Fatal("tables")
	}
}

func TestWhatIfs(t *testing.T) {
	t.Parallel()
	c := small(t)
	fac := SupplyFromCity(c, SupplyOptions{})
	m, err := New(c, fac, Config{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.SetCapacity(0, fac[0].Capacity+5); err != nil {
		t.Fatal(err)
	}
	bays, _ := m.BayStatus(0, nil)
	if len(bays) != fac[0].Capacity+5 {
		t.Fatalf("%d bays", len(bays))
	}
	if err := m.AddChargers(0, 2, 22); err != nil || m.Facilities()[0].Chargers != 2 {
		t.Fatal("chargers", err)
	}
	if err := m.Close(1, true); err != nil || !m.Facilities()[1].Closed {
		t.Fatal("close", err)
	}
	if err := m.SetPrice(0, 30); err != nil || m.Facilities()[0].PricePerH != 30 {
		t.Fatal("price", err)
	}
	m.SetGuidance(GuidanceNearest)
	for _, bad := range []error{m.SetCapacity(-1, 3), m.Close(len(fac), true), m.SetPrice(0, -1), m.AddChargers(0, 1, 0)} {
		if !errors.Is(bad, ErrFacility) {
			t.Fatalf("bad what-if accepted: %v", bad)
		}
	}
	if _, _, err := m.Occupancy(len(fac)); !errors.Is(err, ErrFacility) {
		t.Fatal(err)
	}
}

// TestClosedFacilityStaysEmpty: a closed car park takes no cars.
func TestClosedFacilityStaysEmpty(t *testing.T) {
	t.Parallel()
	c := small(t)
	fac := SupplyFromCity(c, SupplyOptions{EstimateResidential: true})
	big := 0
	for i, f := range fac {
		if f.Kind == CarPark && f.Capacity > fac[big].Capacity {
			big = i
		}
	}
	fac[big].Closed = true
	m, _ := New(c, fac, Config{Background: 3000, FlatDemand: true}, nil)
	sim := engine.New(1)
	sim.Add(m)
	if err := sim.Init(); err != nil {
		t.Fatal(err)
	}
	if err := sim.RunUntil(engine.Hour); err != nil {
		t.Fatal(err)
	}
	if occ, _, _ := m.Occupancy(big); occ != 0 {
		t.Fatalf("closed car park holds %d cars", occ)
	}
}

func BenchmarkArrivals(b *testing.B) {
	b.ReportAllocs()
	for _, g := range []Guidance{GuidanceNone, GuidanceScore} {
		b.Run(g.String(), func(b *testing.B) {
			b.ReportAllocs()
			var parked int64
			for i := 0; i < b.N; i++ {
				m, _, _ := runSmall(b, Config{Guidance: g, Background: 2000, FlatDemand: true, Prefill: 0.8}, uint64(i), engine.Hour)
				parked += m.Stats().Parked
			}
			b.ReportMetric(float64(parked)/float64(b.N), "parked/run")
		})
	}
}
