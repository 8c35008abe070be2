package codec

import (
	"math"
	"testing"

	"citytwin/engine/feed"
)

// The fuzz targets check that no payload panics and that every
// observation returned without error has a sensor and a finite time.
func FuzzSenML(f *testing.F) {
	f.Add([]byte(`[{"bn":"a:","bt":1.7e9,"n":"x","v":1},{"n":"y","vs":"2"}]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var in feed.Interner
		obs, err := SenML(nil, b, 1_700_000_000_000_000, &in)
		if err == nil {
			for _, o := range obs {
				if o.Sensor == "" || math.IsNaN(o.Value) || math.IsInf(o.Value, 0) || o.UnixMicro < -1e17 || o.UnixMicro > 1e17 {
					t.Fatalf("observation %+v from %q", o, b)
				}
			}
		}
	})
}

func FuzzNGSILD(f *testing.F) {
	f.Add([]byte(`{"id":"x","type":"WasteContainer","fillingLevel":0.5,"dateObserved":"2018-01-01T10:00:00Z"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var in feed.Interner
		obs, err := NGSILD(nil, b, &in)
		if err == nil {
			for _, o := range obs {
				if o.Sensor == "" || math.IsNaN(o.Value) || math.IsInf(o.Value, 0) || o.UnixMicro < -1e17 || o.UnixMicro > 1e17 {
					t.Fatalf("observation %+v from %q", o, b)
				}
			}
		}
	})
}

func FuzzTTS(f *testing.F) {
	f.Add([]byte(`{"end_device_ids":{"device_id":"d"},"received_at":"2020-01-01T00:00:00Z","uplink_message":{"decoded_payload":{"a":1}}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var in feed.Interner
		obs, err := TTS(nil, b, nil, &in)
		if err == nil {
			for _, o := range obs {
				if o.Sensor == "" || math.IsNaN(o.Value) || math.IsInf(o.Value, 0) || o.UnixMicro < -1e17 || o.UnixMicro > 1e17 {
					t.Fatalf("observation %+v from %q", o, b)
				}
			}
		}
	})
}

// FuzzSenMLFast holds the scanning fast path to encoding/json: whenever
// the scanner accepts a payload, both give the same observations and
// errors.
func FuzzSenMLFast(f *testing.F) {
	f.Add([]byte(`[{"bn":"a:","bt":1.7e9,"n":"x","v":1},{"n":"y","vs":"2"}]`))
	f.Add([]byte(`[{"bn":"a:","bt":1.7e9,"bv":-0.5,"n":"x","v":1e2,"t":-1.25},{"n":"y","vb":false,"u":"%"},{"n":"z","s":0}]`))
	f.Add([]byte(` [ { "n" : "x" , "v" : 0 , "t" : 1700000000 } ] `))
	f.Fuzz(func(t *testing.T, b []byte) {
		var sc senmlScanner
		if !sc.scan(b) {
			return
		}
		var in1, in2 feed.Interner
		fast, err1 := resolveSenML(nil, sc.recs[:sc.n], 1_700_000_000_000_000, &in1)
		slow, err2 := senmlSlow(nil, b, 1_700_000_000_000_000, &in2)
		if (err1 == nil) != (err2 == nil) {
			t.Fatalf("%q: fast error %v, slow error %v", b, err1, err2)
		}
		if len(fast) != len(slow) {
			t.Fatalf("%q: fast %d observations, slow %d", b, len(fast), len(slow))
		}
		for i := range fast {
			if fast[i] != slow[i] {
				t.Fatalf("%q: [%d] fast %+v, slow %+v", b, i, fast[i], slow[i])
			}
		}
	})
}
