// Package codec decodes sensor payloads into feed.Observations: SenML JSON
// (RFC 8428), FIWARE Smart Data Models in NGSI-LD (normalized and
// keyValues), and The Things Stack uplink messages. Decoders append to a
// caller's slice and return errors for malformed payloads; they never panic.
// Decoders fill Sensor, Quantity, Unit, Value, UnixMicro and Quality; the
// receiver resolves the entity and the scenario time.
package codec

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"

	"citytwin/engine/feed"
)

// ErrPayload is returned (wrapped) for a payload that cannot be decoded.
var ErrPayload = errors.New("codec: bad payload")

// senmlRecord is one SenML record with the fields we read (RFC 8428 §4).
type senmlRecord struct {
	BaseName  string   `json:"bn"`
	BaseTime  *float64 `json:"bt"`
	BaseUnit  string   `json:"bu"`
	BaseValue *float64 `json:"bv"`
	Name      string   `json:"n"`
	Unit      string   `json:"u"`
	Value     *float64 `json:"v"`
	StrValue  *string  `json:"vs"`
	BoolValue *bool    `json:"vb"`
	Sum       *float64 `json:"s"`
	Time      *float64 `json:"t"`
}

// relativeLimit: SenML times below 2^28 s are relative to now (RFC 8428 §4.5.3).
const relativeLimit = 1 << 28

// SenML decodes a SenML JSON pack. Base fields apply to the records that
// follow until changed; each record becomes one observation with the
// resolved name split into sensor (the base name without a trailing ':'
// or '/', or the name itself when there is no base name) and quantity (the
// record's name). Times below 2^28 s are relative to nowMicro (µs since
// 1970); with nowMicro 0 they are an error. Records with only a string
// value are kept when the string is a number (vs: "12.5"); other string
// and data values are skipped.
func SenML(dst []feed.Observation, payload []byte, nowMicro int64, in *feed.Interner) ([]feed.Observation, error) {
	var pack []senmlRecord
	if err := json.Unmarshal(payload, &pack); err != nil {
		return dst, fmt.Errorf("%w: senml: %v", ErrPayload, err)
	}
	var bn, bu string
	var bt, bv float64
	for i := range pack {
		r := &pack[i]
		if r.BaseName != "" {
			bn = r.BaseName
		}
		if r.BaseTime != nil {
			bt = *r.BaseTime
		}
		if r.BaseUnit != "" {
			bu = r.BaseUnit
		}
		if r.BaseValue != nil {
			bv = *r.BaseValue
		}
		o, ok, err := senmlObs(r, i, bn, bu, bt, bv, nowMicro, in)
		if err != nil {
			return dst, err
		}
		if ok {
			dst = append(dst, o)
		}
	}
	return dst, nil
}

func senmlObs(r *senmlRecord, i int, bn, bu string, bt, bv float64, nowMicro int64, in *feed.Interner) (feed.Observation, bool, error) {
	var o feed.Observation
	name := bn + r.Name
	if name == "" {
		return o, false, fmt.Errorf("%w: senml: record %d: empty name", ErrPayload, i)
	}
	var v float64
	switch {
	case r.Value != nil:
		v = *r.Value + bv
	case r.Sum != nil:
		v = *r.Sum
	case r.BoolValue != nil:
		if *r.BoolValue {
			v = 1
		}
	case r.StrValue != nil:
		f, err := parseNumber(*r.StrValue)
		if err != nil {
			return o, false, nil
		}
		v = f
	default:
		if r.BaseName != "" || r.BaseTime != nil || r.BaseUnit != "" || r.BaseValue != nil {
			return o, false, nil // a record holding only base fields
		}
		return o, false, fmt.Errorf("%w: senml: record %d (%s): no value", ErrPayload, i, name)
	}
	t := bt
	if r.Time != nil {
		t += *r.Time
	}
	if math.IsNaN(t) || math.IsInf(t, 0) || math.Abs(t) > 1e11 {
		return o, false, fmt.Errorf("%w: senml: record %d (%s): time %v", ErrPayload, i, name, t)
	}
	us := int64(math.Round(t * 1e6))
	if t < relativeLimit {
		if nowMicro == 0 {
			return o, false, fmt.Errorf("%w: senml: record %d (%s): relative time %v s with no clock", ErrPayload, i, name, t)
		}
		us += nowMicro
	}
	sensor, qty := strings.TrimRight(bn, ":/"), r.Name
	if bn == "" {
		sensor, qty = name, name
	}
	u := r.Unit
	if u == "" {
		u = bu
	}
	o = feed.Observation{Sensor: in.String(sensor), Quantity: in.String(qty), Unit: in.String(u),
		Value: v, UnixMicro: us, Quality: feed.QAbsoluteTime}
	return o, true, nil
}

// SenMLRecord is one record to encode.
type SenMLRecord struct {
	Name  string
	Unit  string
	Value float64
}

// AppendSenML appends a SenML pack to b: base name bn (e.g. "bay-17:"),
// base time unixMicro, and the records. It allocates nothing when b has
// room. Values are printed with the shortest round-trip text.
func AppendSenML(b []byte, bn string, unixMicro int64, recs ...SenMLRecord) []byte {
	b = append(b, `[{"bn":`...)
	b = appendJSONString(b, bn)
	b = append(b, `,"bt":`...)
	b = appendSeconds(b, unixMicro)
	for i, r := range recs {
		if i > 0 {
			b = append(b, `},{`...)
		} else {
			b = append(b, ',')
		}
		b = append(b, `"n":`...)
		b = appendJSONString(b, r.Name)
		if r.Unit != "" {
			b = append(b, `,"u":`...)
			b = appendJSONString(b, r.Unit)
		}
		b = append(b, `,"v":`...)
		b = appendFloat(b, r.Value)
	}
	return append(b, "}]"...)
}
