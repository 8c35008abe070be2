package codec

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"citytwin/engine/feed"
)

// attrRule maps one Smart Data Model attribute to a quantity.
type attrRule struct {
	attr, qty, unit string
	scale           float64 // value * scale; 0 means 1
	enum            map[string]float64
}

// sdmRules are the attributes read per entity type (FIWARE Smart Data
// Models: dataModel.Parking, dataModel.WasteManagement,
// dataModel.Transportation, dataModel.WaterQuality, dataModel.Device).
// Ratios 0..1 (fillingLevel, batteryLevel) become percent.
var sdmRules = map[string][]attrRule{
	"ParkingSpot": {{attr: "status", qty: feed.QtyStatus, unit: "1",
		enum: map[string]float64{"free": 0, "occupied": 1}}},
	"OffStreetParking": {
		{attr: "totalSpotNumber", qty: feed.QtyCapacity, unit: "count"},
		{attr: "occupiedSpotNumber", qty: feed.QtyOccupancy, unit: "count"},
		{attr: "availableSpotNumber", qty: "available", unit: "count"},
	},
	"WasteContainer": {
		{attr: "fillingLevel", qty: feed.QtyFill, unit: "%", scale: 100},
		{attr: "temperature", qty: "temperature", unit: "Cel"},
	},
	"TrafficFlowObserved": {
		{attr: "intensity", qty: feed.QtyVehicleCount, unit: "count"},
		{attr: "averageVehicleSpeed", qty: feed.QtySpeed, unit: "km/h"},
		{attr: "occupancy", qty: "lane_occupancy", unit: "%", scale: 100},
	},
	"WaterQualityObserved": {
		{attr: "temperature", qty: "temperature", unit: "Cel"},
		{attr: "pH", qty: "ph", unit: "pH"},
		{attr: "conductivity", qty: "conductivity", unit: "S/m"},
		{attr: "turbidity", qty: "turbidity", unit: "NTU"},
		{attr: "flow", qty: feed.QtyFlow, unit: "m3/h"},
		{attr: "pressure", qty: feed.QtyPressure, unit: "m"},
	},
	"EVChargingStation": {
		{attr: "capacity", qty: feed.QtyCapacity, unit: "count"},
		{attr: "availableCapacity", qty: "available", unit: "count"},
		{attr: "power", qty: feed.QtyPower, unit: "kW"},
	},
	"Device": {
		{attr: "batteryLevel", qty: feed.QtyBattery, unit: "%", scale: 100},
		{attr: "value", qty: "value"},
	},
}

// SupportedTypes lists the NGSI-LD entity types NGSILD reads.
func SupportedTypes() []string {
	out := make([]string, 0, len(sdmRules))
	for k := range sdmRules {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// NGSILD decodes one NGSI-LD entity or an array of them, in normalized
// form ({"status": {"type": "Property", "value": "free", "observedAt":
// ...}}) or keyValues form ({"status": "free"}). The sensor is the entity
// id. The time is the attribute's observedAt, else the entity's
// dateObserved (for an interval "start/end", its end), else
// dateLastValueReported, else observedAt at the top level; an observation
// without a time is an error. Unknown types are an error; unknown
// attributes are ignored.
func NGSILD(dst []feed.Observation, payload []byte, in *feed.Interner) ([]feed.Observation, error) {
	payload = bytes.TrimSpace(payload)
	if len(payload) > 0 && payload[0] == '[' {
		var ents []map[string]json.RawMessage
		if err := json.Unmarshal(payload, &ents); err != nil {
			return dst, fmt.Errorf("%w: ngsi-ld: %v", ErrPayload, err)
		}
		for i, e := range ents {
			var err error
			if dst, err = ngsiEntity(dst, e, in); err != nil {
				return dst, fmt.Errorf("entity %d: %w", i, err)
			}
		}
		return dst, nil
	}
	var e map[string]json.RawMessage
	if err := json.Unmarshal(payload, &e); err != nil {
		return dst, fmt.Errorf("%w: ngsi-ld: %v", ErrPayload, err)
	}
	return ngsiEntity(dst, e, in)
}

func ngsiEntity(dst []feed.Observation, e map[string]json.RawMessage, in *feed.Interner) ([]feed.Observation, error) {
	var id, typ string
	if json.Unmarshal(e["id"], &id) != nil || id == "" {
		return dst, fmt.Errorf("%w: ngsi-ld: no id", ErrPayload)
	}
	if json.Unmarshal(e["type"], &typ) != nil {
		return dst, fmt.Errorf("%w: ngsi-ld: %s: no type", ErrPayload, id)
	}
	typ = typ[strings.LastIndexAny(typ, "/#")+1:] // full IRIs as well as short names
	rules, ok := sdmRules[typ]
	if !ok {
		return dst, fmt.Errorf("%w: ngsi-ld: %s: unsupported type %q", ErrPayload, id, typ)
	}
	entityTime, hasEntityTime := ngsiEntityTime(e)
	for _, r := range rules {
		raw, ok := e[r.attr]
		if !ok {
			continue
		}
		v, unit, at, ok, err := ngsiAttr(raw, r)
		if err != nil {
			return dst, fmt.Errorf("%w: ngsi-ld: %s: %s: %v", ErrPayload, id, r.attr, err)
		}
		if !ok {
			continue
		}
		if at == 0 {
			if !hasEntityTime {
				return dst, fmt.Errorf("%w: ngsi-ld: %s: %s: no observation time", ErrPayload, id, r.attr)
			}
			at = entityTime
		}
		if unit == "" {
			unit = r.unit
		}
		dst = append(dst, feed.Observation{Sensor: in.String(id), Quantity: in.String(r.qty), Unit: in.String(unit),
			Value: v, UnixMicro: at, Quality: feed.QAbsoluteTime})
	}
	return dst, nil
}

// ngsiEntityTime finds the entity-level observation time.
func ngsiEntityTime(e map[string]json.RawMessage) (int64, bool) {
	for _, key := range []string{"dateObserved", "dateLastValueReported", "observedAt"} {
		raw, ok := e[key]
		if !ok {
			continue
		}
		var s string
		if json.Unmarshal(raw, &s) != nil {
			var p struct {
				Value json.RawMessage `json:"value"`
			}
			if json.Unmarshal(raw, &p) != nil || ngsiDateValue(p.Value, &s) != nil {
				continue
			}
		}
		if i := strings.IndexByte(s, '/'); i >= 0 {
			s = s[i+1:] // an interval: its end
		}
		if t, err := parseTime(s); err == nil {
			return t, true
		}
	}
	return 0, false
}

// ngsiDateValue reads a date value: a string or {"@type":"DateTime","@value":...}.
func ngsiDateValue(raw json.RawMessage, s *string) error {
	if json.Unmarshal(raw, s) == nil {
		return nil
	}
	var typed struct {
		Value string `json:"@value"`
	}
	if err := json.Unmarshal(raw, &typed); err != nil {
		return err
	}
	*s = typed.Value
	return nil
}

// ngsiAttr reads a normalized Property or a keyValues value.
func ngsiAttr(raw json.RawMessage, r attrRule) (v float64, unit string, at int64, ok bool, err error) {
	val := raw
	var prop struct {
		Type       string          `json:"type"`
		Value      json.RawMessage `json:"value"`
		ObservedAt string          `json:"observedAt"`
		UnitCode   string          `json:"unitCode"`
	}
	if bytes.HasPrefix(bytes.TrimSpace(raw), []byte("{")) {
		if err := json.Unmarshal(raw, &prop); err != nil {
			return 0, "", 0, false, err
		}
		if prop.Value == nil {
			return 0, "", 0, false, nil
		}
		val, unit = prop.Value, prop.UnitCode
		if prop.ObservedAt != "" {
			if at, err = parseTime(prop.ObservedAt); err != nil {
				return 0, "", 0, false, err
			}
		}
	}
	v, ok, err = ngsiNumber(val, r)
	return v, unit, at, ok, err
}

func ngsiNumber(val json.RawMessage, r attrRule) (float64, bool, error) {
	var f float64
	if err := json.Unmarshal(val, &f); err == nil {
		if r.scale != 0 {
			f *= r.scale
		}
		return f, true, nil
	}
	var s string
	if err := json.Unmarshal(val, &s); err != nil {
		return 0, false, nil // an object or array value we do not read
	}
	if r.enum != nil {
		f, ok := r.enum[s]
		return f, ok, nil // "closed", "unknown": no reading
	}
	f, err := parseNumber(s)
	if err != nil {
		return 0, false, nil
	}
	if r.scale != 0 {
		f *= r.scale
	}
	return f, true, nil
}

// AppendNGSILD appends a normalized NGSI-LD entity of typ with one numeric
// Property per attribute (names as in the Smart Data Model), each observed
// at unixMicro. Used by virtual devices.
func AppendNGSILD(b []byte, id, typ string, unixMicro int64, attrs ...NGSIAttr) []byte {
	b = append(b, `{"id":`...)
	b = appendJSONString(b, id)
	b = append(b, `,"type":`...)
	b = appendJSONString(b, typ)
	for _, a := range attrs {
		b = append(b, ',')
		b = appendJSONString(b, a.Name)
		b = append(b, `:{"type":"Property","value":`...)
		if a.Text != "" {
			b = appendJSONString(b, a.Text)
		} else {
			b = appendFloat(b, a.Value)
		}
		b = append(b, `,"observedAt":"`...)
		b = appendRFC3339(b, unixMicro)
		b = append(b, `"}`...)
	}
	return append(b, '}')
}

// NGSIAttr is one attribute to encode: Text if set, else Value.
type NGSIAttr struct {
	Name  string
	Value float64
	Text  string
}
