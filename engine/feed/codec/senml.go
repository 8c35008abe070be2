// Package codec decodes sensor payloads into feed.Observations: SenML JSON
// (RFC 8428), FIWARE Smart Data Models in NGSI-LD (normalized and
// keyValues), and The Things Stack uplink messages. Decoders append to a
// caller's slice and return errors for malformed payloads; they never panic.
// Decoders fill Sensor, Quantity, Unit, Value, UnixMicro and Quality; the
// receiver resolves the entity and the scenario time.
package codec

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"

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
//
// Plain packs (the fields above with exact lower-case keys, ASCII strings
// without escapes) take a scanning fast path that allocates nothing once
// the names are interned; anything else is decoded by encoding/json, with
// the same result (a differential fuzz test holds the two together).
func SenML(dst []feed.Observation, payload []byte, nowMicro int64, in *feed.Interner) ([]feed.Observation, error) {
	var sc senmlScanner
	if sc.scan(payload) {
		return resolveSenML(dst, sc.recs[:sc.n], nowMicro, in)
	}
	return senmlSlow(dst, payload, nowMicro, in)
}

// senmlSlow decodes with encoding/json.
func senmlSlow(dst []feed.Observation, payload []byte, nowMicro int64, in *feed.Interner) ([]feed.Observation, error) {
	var pack []senmlRecord
	if err := json.Unmarshal(payload, &pack); err != nil {
		return dst, fmt.Errorf("%w: senml: %v", ErrPayload, err)
	}
	flat := make([]flatRecord, len(pack))
	for i := range pack {
		flat[i] = pack[i].flat()
	}
	return resolveSenML(dst, flat, nowMicro, in)
}

// flatRecord is a SenML record without pointers: has says which fields
// were present.
type flatRecord struct {
	bn, bu, n, u, vs []byte
	bt, bv, v, s, t  float64
	vb               bool
	has              uint16
}

// Presence bits of flatRecord.has.
const (
	hasBN uint16 = 1 << iota
	hasBT
	hasBU
	hasBV
	hasN
	hasU
	hasV
	hasVS
	hasVB
	hasS
	hasT
)

func (r *senmlRecord) flat() flatRecord {
	f := flatRecord{bn: []byte(r.BaseName), bu: []byte(r.BaseUnit), n: []byte(r.Name), u: []byte(r.Unit)}
	set := func(p *float64, dst *float64, bit uint16) {
		if p != nil {
			*dst, f.has = *p, f.has|bit
		}
	}
	set(r.BaseTime, &f.bt, hasBT)
	set(r.BaseValue, &f.bv, hasBV)
	set(r.Value, &f.v, hasV)
	set(r.Sum, &f.s, hasS)
	set(r.Time, &f.t, hasT)
	if r.StrValue != nil {
		f.vs, f.has = []byte(*r.StrValue), f.has|hasVS
	}
	if r.BoolValue != nil {
		f.vb, f.has = *r.BoolValue, f.has|hasVB
	}
	if r.BaseName != "" {
		f.has |= hasBN
	}
	if r.BaseUnit != "" {
		f.has |= hasBU
	}
	return f
}

// resolveSenML applies the base fields and appends the observations.
func resolveSenML(dst []feed.Observation, pack []flatRecord, nowMicro int64, in *feed.Interner) ([]feed.Observation, error) {
	var bn, bu []byte
	var bt, bv float64
	for i := range pack {
		r := &pack[i]
		if len(r.bn) > 0 {
			bn = r.bn
		}
		if r.has&hasBT != 0 {
			bt = r.bt
		}
		if len(r.bu) > 0 {
			bu = r.bu
		}
		if r.has&hasBV != 0 {
			bv = r.bv
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

func senmlObs(r *flatRecord, i int, bn, bu []byte, bt, bv float64, nowMicro int64, in *feed.Interner) (feed.Observation, bool, error) {
	var o feed.Observation
	if len(bn)+len(r.n) == 0 {
		return o, false, fmt.Errorf("%w: senml: record %d: empty name", ErrPayload, i)
	}
	var v float64
	switch {
	case r.has&hasV != 0:
		v = r.v + bv
	case r.has&hasS != 0:
		v = r.s
	case r.has&hasVB != 0:
		if r.vb {
			v = 1
		}
	case r.has&hasVS != 0:
		f, err := parseNumber(string(r.vs))
		if err != nil {
			return o, false, nil
		}
		v = f
	default:
		if len(r.bn) > 0 || len(r.bu) > 0 || r.has&(hasBT|hasBV) != 0 {
			return o, false, nil // a record holding only base fields
		}
		return o, false, fmt.Errorf("%w: senml: record %d (%s%s): no value", ErrPayload, i, bn, r.n)
	}
	if math.IsInf(v, 0) || math.IsNaN(v) {
		return o, false, fmt.Errorf("%w: senml: record %d (%s%s): value %v", ErrPayload, i, bn, r.n, v)
	}
	t := bt
	if r.has&hasT != 0 {
		t += r.t
	}
	if math.IsNaN(t) || math.IsInf(t, 0) || math.Abs(t) > 1e11 {
		return o, false, fmt.Errorf("%w: senml: record %d (%s%s): time %v", ErrPayload, i, bn, r.n, t)
	}
	us := int64(math.Round(t * 1e6))
	if t < relativeLimit {
		if nowMicro == 0 {
			return o, false, fmt.Errorf("%w: senml: record %d (%s%s): relative time %v s with no clock", ErrPayload, i, bn, r.n, t)
		}
		us += nowMicro
	}
	var sensor, qty string
	if len(bn) == 0 {
		sensor = in.Intern(r.n)
		qty = sensor
	} else {
		base := bytes.TrimRight(bn, ":/")
		if len(base) == 0 {
			return o, false, fmt.Errorf("%w: senml: record %d: base name %q names no sensor", ErrPayload, i, bn)
		}
		sensor, qty = in.Intern(base), in.Intern(r.n)
	}
	u := r.u
	if len(u) == 0 {
		u = bu
	}
	o = feed.Observation{Sensor: sensor, Quantity: qty, Unit: in.Intern(u), Value: v, UnixMicro: us, Quality: feed.QAbsoluteTime}
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
