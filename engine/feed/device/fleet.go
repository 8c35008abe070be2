package device

import (
	"citytwin/engine"
	"citytwin/engine/feed"
)

// Message is one payload a device sends.
type Message struct {
	Device  *Device
	Topic   string
	Payload []byte
	Time    engine.Time // observation time (scenario)
	Value   float64
}

// Fleet is a set of devices whose readings are produced in time order
// (ties by device order), all relative to one epoch.
type Fleet struct {
	Devices []*Device
	Epoch   feed.Epoch
	Keys    feed.Keys // devices with a key sign their messages
}

// Emit produces every message due up to and including until, in time
// order, calling send for each; it stops at send's first error. The
// payload buffer is reused: send must not keep it.
func (f *Fleet) Emit(until engine.Time, send func(m *Message) error) error {
	var buf []byte
	for {
		d := f.earliest()
		if d == nil || d.Next() > until {
			return nil
		}
		t, v, ok := d.Reading()
		if !ok {
			continue
		}
		buf = d.Payload(buf[:0], f.Epoch.Unix(t), v)
		payload := buf
		if key, keyed := f.Keys[d.ID]; keyed {
			signed, err := feed.Sign(d.ID, key, buf)
			if err != nil {
				return err
			}
			payload = signed
		}
		if err := send(&Message{Device: d, Topic: d.Topic(), Payload: payload, Time: t, Value: v}); err != nil {
			return err
		}
	}
}

func (f *Fleet) earliest() *Device {
	var best *Device
	for _, d := range f.Devices {
		if best == nil || d.Next() < best.Next() {
			best = d
		}
	}
	return best
}
