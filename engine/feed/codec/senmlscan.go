package codec

import (
	"strconv"
)

// maxFastRecords bounds the fast path's fixed record array; longer packs
// go the encoding/json way.
const maxFastRecords = 16

// senmlScanner is the allocation-free fast path of SenML: it accepts only
// a pack of flat records with exact lower-case keys it knows, ASCII strings
// without escapes and numbers in strict JSON syntax, and reports false for
// anything else, which the caller then decodes with encoding/json.
type senmlScanner struct {
	b    []byte
	i    int
	recs [maxFastRecords]flatRecord
	n    int
}

func (sc *senmlScanner) ws() {
	for sc.i < len(sc.b) {
		switch sc.b[sc.i] {
		case ' ', '\t', '\n', '\r':
			sc.i++
		default:
			return
		}
	}
}

// eat consumes c after spaces.
func (sc *senmlScanner) eat(c byte) bool {
	sc.ws()
	if sc.i < len(sc.b) && sc.b[sc.i] == c {
		sc.i++
		return true
	}
	return false
}

func (sc *senmlScanner) scan(b []byte) bool {
	sc.b, sc.i, sc.n = b, 0, 0
	if !sc.eat('[') {
		return false
	}
	if sc.eat(']') {
		sc.ws()
		return sc.i == len(sc.b)
	}
	for {
		if sc.n == maxFastRecords || !sc.record(&sc.recs[sc.n]) {
			return false
		}
		sc.n++
		if sc.eat(',') {
			continue
		}
		if !sc.eat(']') {
			return false
		}
		sc.ws()
		return sc.i == len(sc.b)
	}
}

func (sc *senmlScanner) record(r *flatRecord) bool {
	*r = flatRecord{}
	if !sc.eat('{') {
		return false
	}
	if sc.eat('}') {
		return true
	}
	for {
		key, ok := sc.str()
		if !ok || !sc.eat(':') || !sc.field(r, key) {
			return false
		}
		if sc.eat(',') {
			continue
		}
		return sc.eat('}')
	}
}

// field reads the value of key into r.
func (sc *senmlScanner) field(r *flatRecord, key []byte) bool {
	var ok bool
	switch string(key) {
	case "bn":
		r.bn, ok = sc.str()
		r.has |= hasBN
	case "bu":
		r.bu, ok = sc.str()
		r.has |= hasBU
	case "n":
		r.n, ok = sc.str()
		r.has |= hasN
	case "u":
		r.u, ok = sc.str()
		r.has |= hasU
	case "vs":
		r.vs, ok = sc.str()
		r.has |= hasVS
	case "bt":
		r.bt, ok = sc.num()
		r.has |= hasBT
	case "bv":
		r.bv, ok = sc.num()
		r.has |= hasBV
	case "v":
		r.v, ok = sc.num()
		r.has |= hasV
	case "s":
		r.s, ok = sc.num()
		r.has |= hasS
	case "t":
		r.t, ok = sc.num()
		r.has |= hasT
	case "vb":
		r.vb, ok = sc.boolean()
		r.has |= hasVB
	}
	return ok
}

// str reads a string of printable ASCII without escapes.
func (sc *senmlScanner) str() ([]byte, bool) {
	if !sc.eat('"') {
		return nil, false
	}
	start := sc.i
	for sc.i < len(sc.b) {
		c := sc.b[sc.i]
		if c == '"' {
			sc.i++
			return sc.b[start : sc.i-1], true
		}
		if c < 0x20 || c >= 0x80 || c == '\\' {
			return nil, false
		}
		sc.i++
	}
	return nil, false
}

func (sc *senmlScanner) boolean() (bool, bool) {
	sc.ws()
	rest := sc.b[sc.i:]
	switch {
	case len(rest) >= 4 && string(rest[:4]) == "true":
		sc.i += 4
		return true, true
	case len(rest) >= 5 && string(rest[:5]) == "false":
		sc.i += 5
		return false, true
	}
	return false, false
}

// num reads a number in strict JSON syntax:
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (sc *senmlScanner) num() (float64, bool) {
	sc.ws()
	b, start := sc.b, sc.i
	i := start
	digits := func() int {
		n := 0
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
			n++
		}
		return n
	}
	if i < len(b) && b[i] == '-' {
		i++
	}
	if i < len(b) && b[i] == '0' {
		i++
	} else if i >= len(b) || b[i] < '1' || b[i] > '9' || digits() == 0 {
		return 0, false
	}
	if i < len(b) && b[i] == '.' {
		i++
		if digits() == 0 {
			return 0, false
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if digits() == 0 {
			return 0, false
		}
	}
	f, err := strconv.ParseFloat(string(b[start:i]), 64)
	if err != nil {
		return 0, false
	}
	sc.i = i
	return f, true
}
