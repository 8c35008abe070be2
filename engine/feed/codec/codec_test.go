package codec

import (
	"errors"
	"testing"
	"time"

	"citytwin/engine/feed"
)

func us(s string) int64 {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t.UnixMicro()
}

type want struct {
	sensor, qty, unit string
	value             float64
	at                int64
}

func check(t *testing.T, got []feed.Observation, err error, ws []want) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(ws) {
		t.Fatalf("got %d observations %+v, want %d", len(got), got, len(ws))
	}
	for i, w := range ws {
		o := got[i]
		if o.Sensor != w.sensor || o.Quantity != w.qty || o.Unit != w.unit || o.Value != w.value || o.UnixMicro != w.at {
			t.Errorf("[%d] = %s %s %s %v @%d, want %+v", i, o.Sensor, o.Quantity, o.Unit, o.Value, o.UnixMicro, w)
		}
	}
}

// The pack of RFC 8428 §5.1.2 (multiple data points, base fields), and
// base value/relative time resolution as in §4.6.
func TestSenML(t *testing.T) {
	var in feed.Interner
	pack := `[
	 {"bn":"urn:dev:ow:10e2073a01080063:","bt":1.320067464e+09,"bu":"%RH","v":20},
	 {"u":"lon","v":24.30621},
	 {"u":"lat","v":60.07965},
	 {"t":60,"v":20.3},
	 {"u":"lon","t":60,"v":24.30622},
	 {"u":"lat","t":60,"v":60.07965},
	 {"t":120,"v":20.7}]`
	got, err := SenML(nil, []byte(pack), 0, &in)
	s, t0 := "urn:dev:ow:10e2073a01080063", int64(1320067464)*1e6
	check(t, got, err, []want{{s, "", "%RH", 20, t0}, {s, "", "lon", 24.30621, t0}, {s, "", "lat", 60.07965, t0},
		{s, "", "%RH", 20.3, t0 + 60e6}, {s, "", "lon", 24.30622, t0 + 60e6}, {s, "", "lat", 60.07965, t0 + 60e6},
		{s, "", "%RH", 20.7, t0 + 120e6}})

	pack = `[{"bn":"bay-17/","bv":10,"n":"occupancy","v":2,"t":-5},{"n":"battery","u":"%EL","vs":"87.5"},{"n":"ok","vb":true},{"n":"note","vs":"hello"}]`
	now := us("2024-01-01T00:00:00Z")
	got, err = SenML(nil, []byte(pack), now, &in)
	check(t, got, err, []want{{"bay-17", "occupancy", "", 12, now - 5e6}, {"bay-17", "battery", "%EL", 87.5, now}, {"bay-17", "ok", "", 1, now}})

	for name, bad := range map[string]string{
		"not json": `{`, "object": `{"n":"x","v":1}`, "no name": `[{"v":1,"t":1.7e9}]`,
		"no value": `[{"n":"x","t":1.7e9}]`, "relative without clock": `[{"n":"x","v":1}]`, "huge time": `[{"n":"x","v":1,"t":1e300}]`,
		"value overflows": `[{"n":"x","bv":1e308,"v":1e308,"t":1.7e9}]`, "base name only a colon": `[{"bn":":","v":1,"t":1.7e9}]`,
	} {
		if _, err := SenML(nil, []byte(bad), 0, &in); !errors.Is(err, ErrPayload) {
			t.Errorf("%s: err %v, want ErrPayload", name, err)
		}
	}
}

func TestSenMLRoundTrip(t *testing.T) {
	var in feed.Interner
	at := us("2024-03-22T07:15:00.25Z")
	b := AppendSenML(nil, "loop-\"3\":", at, SenMLRecord{"vehicle_count", "count", 17}, SenMLRecord{"speed", "km/h", 42.5})
	got, err := SenML(nil, b, 0, &in)
	check(t, got, err, []want{{"loop-\"3\"", "vehicle_count", "count", 17, at}, {"loop-\"3\"", "speed", "km/h", 42.5, at}})
}

func TestNGSILD(t *testing.T) {
	var in feed.Interner
	normalized := `{"id":"urn:ngsi-ld:OffStreetParking:Downtown1","type":"OffStreetParking",
	 "name":{"type":"Property","value":"Downtown One"},
	 "availableSpotNumber":{"type":"Property","value":121,"observedAt":"2017-07-29T12:05:02Z"},
	 "totalSpotNumber":{"type":"Property","value":200},
	 "dateObserved":{"type":"Property","value":{"@type":"DateTime","@value":"2017-07-29T12:00:00Z"}},
	 "@context":["https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context.jsonld"]}`
	got, err := NGSILD(nil, []byte(normalized), &in)
	id := "urn:ngsi-ld:OffStreetParking:Downtown1"
	check(t, got, err, []want{{id, "capacity", "count", 200, us("2017-07-29T12:00:00Z")}, {id, "available", "count", 121, us("2017-07-29T12:05:02Z")}})

	keyValues := `[{"id":"urn:ngsi-ld:WasteContainer:wc1","type":"WasteContainer","fillingLevel":0.42,"dateObserved":"2018-01-01T10:00:00Z"},
	 {"id":"urn:ngsi-ld:ParkingSpot:p1","type":"https://smartdatamodels.org/dataModel.Parking/ParkingSpot","status":"occupied","dateObserved":"2018-01-01T10:00:00Z"},
	 {"id":"urn:ngsi-ld:ParkingSpot:p2","type":"ParkingSpot","status":"closed","dateObserved":"2018-01-01T10:00:00Z"},
	 {"id":"urn:ngsi-ld:TrafficFlowObserved:t1","type":"TrafficFlowObserved","intensity":197,"averageVehicleSpeed":52.6,"dateObserved":"2016-12-07T11:10:00Z/2016-12-07T11:15:00Z"},
	 {"id":"urn:ngsi-ld:Device:d1","type":"Device","batteryLevel":0.75,"value":"3.5","dateLastValueReported":"2018-01-01T10:00:00Z"},
	 {"id":"urn:ngsi-ld:EVChargingStation:e1","type":"EVChargingStation","capacity":4,"availableCapacity":1,"dateObserved":"2018-01-01T10:00:00Z"},
	 {"id":"urn:ngsi-ld:WaterQualityObserved:w1","type":"WaterQualityObserved","pH":7.2,"temperature":11.5,"dateObserved":"2018-01-01T10:00:00Z"}]`
	got, err = NGSILD(nil, []byte(keyValues), &in)
	t1 := us("2018-01-01T10:00:00Z")
	check(t, got, err, []want{
		{"urn:ngsi-ld:WasteContainer:wc1", "fill", "%", 42, t1},
		{"urn:ngsi-ld:ParkingSpot:p1", "status", "1", 1, t1},
		{"urn:ngsi-ld:TrafficFlowObserved:t1", "vehicle_count", "count", 197, us("2016-12-07T11:15:00Z")},
		{"urn:ngsi-ld:TrafficFlowObserved:t1", "speed", "km/h", 52.6, us("2016-12-07T11:15:00Z")},
		{"urn:ngsi-ld:Device:d1", "battery", "%", 75, t1},
		{"urn:ngsi-ld:Device:d1", "value", "", 3.5, t1},
		{"urn:ngsi-ld:EVChargingStation:e1", "capacity", "count", 4, t1},
		{"urn:ngsi-ld:EVChargingStation:e1", "available", "count", 1, t1},
		{"urn:ngsi-ld:WaterQualityObserved:w1", "temperature", "Cel", 11.5, t1},
		{"urn:ngsi-ld:WaterQualityObserved:w1", "ph", "pH", 7.2, t1},
	})

	for name, bad := range map[string]string{
		"not json": `[`, "no id": `{"type":"ParkingSpot"}`, "unknown type": `{"id":"x","type":"Building"}`,
		"no time":        `{"id":"x","type":"WasteContainer","fillingLevel":0.5}`,
		"bad observedAt": `{"id":"x","type":"WasteContainer","fillingLevel":{"type":"Property","value":0.5,"observedAt":"noon"}}`,
	} {
		if _, err := NGSILD(nil, []byte(bad), &in); !errors.Is(err, ErrPayload) {
			t.Errorf("%s: err %v, want ErrPayload", name, err)
		}
	}
}

func TestNGSILDRoundTrip(t *testing.T) {
	var in feed.Interner
	at := us("2024-05-01T08:00:00.5Z")
	b := AppendNGSILD(nil, "urn:ngsi-ld:ParkingSpot:b1", "ParkingSpot", at, NGSIAttr{Name: "status", Text: "free"})
	got, err := NGSILD(nil, b, &in)
	check(t, got, err, []want{{"urn:ngsi-ld:ParkingSpot:b1", "status", "1", 0, at}})
}

// An uplink as The Things Stack v3 documents it (data formats, uplink
// messages), trimmed.
func TestTTS(t *testing.T) {
	var in feed.Interner
	up := `{"end_device_ids":{"device_id":"bin-sensor-7","application_ids":{"application_id":"city"},"dev_eui":"0004A30B001C0530"},
	 "received_at":"2020-12-31T23:59:59.9Z",
	 "uplink_message":{"f_port":2,"frm_payload":"AAE=","decoded_payload":{"distance_mm":412,"fill":63.5,"battery":3.6,"tilt":false,"label":"x"},
	  "rx_metadata":[{"gateway_ids":{"gateway_id":"gw1"},"time":"2020-12-31T23:59:58.5Z","rssi":-42}],"received_at":"2020-12-31T23:59:59Z"}}`
	got, err := TTS(nil, []byte(up), map[string]string{"fill": "%", "battery": "V"}, &in)
	at := us("2020-12-31T23:59:58.5Z")
	check(t, got, err, []want{{"bin-sensor-7", "battery", "V", 3.6, at}, {"bin-sensor-7", "distance_mm", "", 412, at},
		{"bin-sensor-7", "fill", "%", 63.5, at}, {"bin-sensor-7", "tilt", "", 0, at}})
	for name, bad := range map[string]string{
		"not json": `x`, "no device": `{"uplink_message":{"decoded_payload":{}}}`,
		"no payload": `{"end_device_ids":{"device_id":"d"},"uplink_message":{}}`,
		"no time":    `{"end_device_ids":{"device_id":"d"},"uplink_message":{"decoded_payload":{"a":1}}}`,
	} {
		if _, err := TTS(nil, []byte(bad), nil, &in); !errors.Is(err, ErrPayload) {
			t.Errorf("%s: err %v, want ErrPayload", name, err)
		}
	}
}

func BenchmarkSenML(b *testing.B) {
	var in feed.Interner
	p := AppendSenML(nil, "meter-17:", 1_700_000_000_123_456, SenMLRecord{Name: "power", Unit: "kW", Value: 3.25})
	dst := make([]feed.Observation, 0, 4)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		var err error
		if dst, err = SenML(dst[:0], p, 0, &in); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkNGSILD(b *testing.B) {
	var in feed.Interner
	p := AppendNGSILD(nil, "urn:ngsi-ld:WasteContainer:w1", "WasteContainer", 1_700_000_000_123_456, NGSIAttr{Name: "fillingLevel", Value: 0.42})
	dst := make([]feed.Observation, 0, 4)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		var err error
		if dst, err = NGSILD(dst[:0], p, &in); err != nil {
			b.Fatal(err)
		}
	}
}
