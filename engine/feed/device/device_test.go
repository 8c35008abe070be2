package device

import (
	"math"
	"math/rand/v2"
	"testing"

	"citytwin/engine"
	"citytwin/engine/feed"
	"citytwin/engine/feed/codec"
)

func fleet(seed uint64, format string) *Fleet {
	specs := []Spec{
		{ID: "loop-1", Kind: InductionLoop, Interval: engine.Minute, Base: 20},
		{ID: "bay-1", Kind: ParkingBay, Interval: 30 * engine.Second},
		{ID: "bin-1", Kind: BinUltrasonic, Interval: 10 * engine.Minute, Base: 45, Noise: 1},
		{ID: "meter-1", Kind: SmartMeter, Interval: 15 * engine.Minute, Base: 3, Noise: 0.05, Dropout: 0.2},
		{ID: "pl-1", Kind: PressureLogger, Interval: 5 * engine.Minute, Base: 50, Noise: 0.1, DriftDay: 1, DrainPct: 1},
	}
	f := &Fleet{Epoch: feed.Epoch(1_700_000_000_000_000)}
	for i, s := range specs {
		s.Format = format
		f.Devices = append(f.Devices, New(s, rand.New(rand.NewPCG(seed, uint64(i))), 0))
	}
	return f
}

// TestFleet checks time order, determinism, dropout, battery and drift,
// and that every payload decodes back to the value sent.
func TestFleet(t *testing.T) {
	for _, format := range []string{"senml", "ngsi-ld"} {
		t.Run(format, func(t *testing.T) {
			var in feed.Interner
			run := func() ([]float64, map[string]int) {
				f := fleet(7, format)
				var vals []float64
				per := map[string]int{}
				last := engine.Time(-1)
				err := f.Emit(2*engine.Day, func(m *Message) error {
					if m.Time < last {
						t.Fatalf("message at %v after %v", m.Time, last)
					}
					last = m.Time
					var obs []feed.Observation
					var err error
					if format == "senml" {
						obs, err = codec.SenML(nil, m.Payload, 0, &in)
					} else {
						obs, err = codec.NGSILD(nil, m.Payload, &in)
					}
					if err != nil || len(obs) == 0 {
						t.Fatalf("%s: %q: %v", m.Device.ID, m.Payload, err)
					}
					if obs[0].Quantity == feed.QtyBattery {
						obs = obs[1:]
					}
					want := m.Value
					if m.Device.Kind == ParkingBay {
						want = math.Round(want)
					}
					if math.Abs(obs[0].Value-want) > 1e-9*max(1, math.Abs(want)) || obs[0].UnixMicro != f.Epoch.Unix(m.Time) {
						t.Fatalf("%s: decoded %v at %d, sent %v at %v", m.Device.ID, obs[0].Value, obs[0].UnixMicro, m.Value, m.Time)
					}
					vals = append(vals, m.Value)
					per[m.Device.ID]++
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
				return vals, per
			}
			a, per := run()
			b, _ := run()
			if len(a) != len(b) {
				t.Fatal("not deterministic")
			}
			for i := range a {
				if a[i] != b[i] {
					t.Fatalf("message %d differs between runs: %v vs %v", i, a[i], b[i])
				}
			}
			if per["loop-1"] != 2*1440+1 || per["bay-1"] != 2*2880+1 {
				t.Errorf("loop %d, bay %d messages", per["loop-1"], per["bay-1"])
			}
			// 193 readings at 20 % dropout: expect about 154 (binomial sd 5.6).
			if n := per["meter-1"]; n < 130 || n > 178 {
				t.Errorf("meter sent %d of 193 readings at 20%% dropout", n)
			}
			// The logger drains 1 % per message: it stops after 100.
			if per["pl-1"] != 100 {
				t.Errorf("pressure logger sent %d, want 100 before its battery died", per["pl-1"])
			}
		})
	}
}
