package feed

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
)

// Errors of signed envelopes.
var (
	ErrNoSignature  = errors.New("feed: message not signed")
	ErrBadSignature = errors.New("feed: bad signature")
)

// Envelope is the wire form of a signed message: the device id, the
// base64 HMAC-SHA256 of the exact bytes of Msg under the device's key, and
// the payload itself (SenML, NGSI-LD, ...) embedded unchanged.
//
//	{"dev":"bay-17","sig":"3q2+7w==...","msg":[{"bn":"bay-17:","n":"status","v":1}]}
type Envelope struct {
	Device string          `json:"dev"`
	Sig    string          `json:"sig"`
	Msg    json.RawMessage `json:"msg"`
}

// Sign wraps payload in an Envelope signed with key.
func Sign(device string, key, payload []byte) ([]byte, error) {
	m := hmac.New(sha256.New, key)
	m.Write(payload)
	return json.Marshal(Envelope{Device: device, Sig: base64.StdEncoding.EncodeToString(m.Sum(nil)), Msg: payload})
}

// Keys holds per-device HMAC keys. A device without a key sends plain
// payloads; a device with a key must send signed envelopes. Keys are
// secrets: Keys never prints them.
type Keys map[string][]byte

// String hides the key material (so a logged Keys shows device ids only).
func (k Keys) String() string { return fmt.Sprintf("feed.Keys(%d devices)", len(k)) }

// Open checks a payload. If it is an Envelope, its signature must match
// the device's key and Open returns the inner payload and the device id.
// If it is not an Envelope, Open returns it unchanged, or ErrNoSignature
// when requireFor names a keyed device (the caller knows which device a
// topic belongs to).
func (k Keys) Open(payload []byte, requireFor string) (inner []byte, device string, err error) {
	if len(payload) > 0 && payload[0] == '{' {
		if env, ok := envelopeOf(payload); ok {
			return k.verify(env)
		}
	}
	if _, keyed := k[requireFor]; keyed {
		return nil, requireFor, ErrNoSignature
	}
	return payload, "", nil
}

// envelopeOf decodes payload as a signed Envelope (apart from Open, so
// that plain payloads, the common case, allocate nothing).
func envelopeOf(payload []byte) (Envelope, bool) {
	var env Envelope
	ok := json.Unmarshal(payload, &env) == nil && env.Sig != "" && len(env.Msg) > 0
	return env, ok
}

// verify checks env's signature with its device's key.
func (k Keys) verify(env Envelope) (inner []byte, device string, err error) {
	key, ok := k[env.Device]
	if !ok {
		return nil, env.Device, fmt.Errorf("%w: no key for device %q", ErrBadSignature, env.Device)
	}
	sig, err := base64.StdEncoding.DecodeString(env.Sig)
	if err != nil {
		return nil, env.Device, fmt.Errorf("%w: %v", ErrBadSignature, err)
	}
	m := hmac.New(sha256.New, key)
	m.Write(env.Msg)
	if !hmac.Equal(sig, m.Sum(nil)) {
		return nil, env.Device, ErrBadSignature
	}
	return env.Msg, env.Device, nil
}
