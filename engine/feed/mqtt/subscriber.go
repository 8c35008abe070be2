package mqtt

import (
	"bytes"
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	paho "github.com/eclipse/paho.mqtt.golang"

	"citytwin/engine/feed"
	"citytwin/engine/feed/codec"
)

// Format names a payload codec.
type Format string

// Payload formats. Auto tells SenML (a JSON array), The Things Stack
// uplinks (an object with end_device_ids) and NGSI-LD (any other object)
// apart by their first bytes.
const (
	Auto   Format = "auto"
	SenML  Format = "senml"
	NGSILD Format = "ngsi-ld"
	TTS    Format = "tts"
)

// Sink receives the decoded observations of the Subscriber: normally a
// feed.Queue (Put), which applies backpressure when full.
type Sink interface {
	Put(ctx context.Context, o *feed.Observation) (bool, error)
}

// Subscriber receives sensor messages: it verifies signatures, decodes
// the payload, resolves each observation's entity and scenario time, and
// puts it into the Sink. Messages it cannot use are counted on the
// Checker by reason (decode, signature, unknown sensor); everything else
// is judged by the Checker in the simulation goroutine.
type Subscriber struct {
	cfg      Config
	topics   []string
	format   Format
	sink     Sink
	check    *feed.Checker
	registry feed.Registry // nil: every sensor is accepted, Entity.ID = sensor
	model    string        // entity model for sensors not in a registry
	keys     feed.Keys
	epoch    feed.Epoch
	units    map[string]string

	mu     sync.Mutex
	in     feed.Interner
	buf    []feed.Observation
	ctx    context.Context
	cancel context.CancelFunc
	client paho.Client

	messages atomic.Uint64
}

// SubscriberOptions configure a Subscriber beyond the connection.
type SubscriberOptions struct {
	Topics   []string // e.g. "city/+/senml"; default "#"
	Format   Format   // default Auto
	Registry feed.Registry
	Model    string     // entity model when Registry is nil
	Keys     feed.Keys  // per-device HMAC keys; keyed devices must sign
	Epoch    feed.Epoch // absolute time of scenario time 0
	Units    map[string]string
}

// NewSubscriber prepares a subscriber writing into sink and counting
// rejects on check. Start connects it.
func NewSubscriber(cfg Config, opt SubscriberOptions, sink Sink, check *feed.Checker) *Subscriber {
	if len(opt.Topics) == 0 {
		opt.Topics = []string{"#"}
	}
	if opt.Format == "" {
		opt.Format = Auto
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Subscriber{cfg: cfg, topics: opt.Topics, format: opt.Format, sink: sink, check: check,
		registry: opt.Registry, model: opt.Model, keys: opt.Keys, epoch: opt.Epoch, units: opt.Units,
		ctx: ctx, cancel: cancel}
}

// Start connects and subscribes. With auto-reconnect, paho subscribes
// again after every reconnect (OnConnect), and with CleanSession false the
// broker delivers what was queued meanwhile.
func (s *Subscriber) Start() error {
	opts := s.cfg.options()
	filters := map[string]byte{}
	for _, t := range s.topics {
		filters[t] = s.cfg.QoS
	}
	opts.SetOnConnectHandler(func(c paho.Client) {
		c.SubscribeMultiple(filters, s.handle)
	})
	opts.SetDefaultPublishHandler(s.handle) // messages of a resumed session before the subscription is renewed
	s.client = paho.NewClient(opts)
	return wait(s.client.Connect(), s.cfg.timeout(), "connect "+s.cfg.Broker)
}

// Messages is the number of MQTT messages received.
func (s *Subscriber) Messages() uint64 { return s.messages.Load() }

// Close disconnects and stops any Put waiting for room.
func (s *Subscriber) Close() {
	s.cancel()
	if s.client != nil {
		s.client.Disconnect(250)
	}
}

// handle is paho's message callback (one goroutine, in order).
func (s *Subscriber) handle(_ paho.Client, m paho.Message) {
	s.messages.Add(1)
	s.Handle(m.Topic(), m.Payload(), time.Now().UnixNano())
}

// Handle processes one payload received on topic at wall time recvNs.
// Exported so that other transports (HTTP, files) share the pipeline.
func (s *Subscriber) Handle(topic string, payload []byte, recvNs int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	inner, _, err := s.keys.Open(payload, deviceOf(topic))
	if err != nil {
		s.reject(feed.ReasonSignature)
		return
	}
	signed := len(inner) != len(payload)
	s.buf, err = s.decode(s.buf[:0], inner)
	if err != nil {
		s.reject(feed.ReasonDecode)
		return
	}
	for i := range s.buf {
		o := &s.buf[i]
		if s.registry != nil {
			if !s.registry.Resolve(o) {
				s.reject(feed.ReasonUnknownSensor)
				continue
			}
		} else {
			o.Entity = feed.Entity{Model: s.model, ID: o.Sensor, Index: -1}
		}
		if signed {
			o.Quality |= feed.QSigned
		}
		o.Time = s.epoch.Time(o.UnixMicro)
		o.Received = recvNs
		if _, err := s.sink.Put(s.ctx, o); err != nil && !errors.Is(err, context.Canceled) {
			return
		}
	}
}

func (s *Subscriber) reject(r feed.Reason) {
	if s.check != nil {
		s.check.Reject(r)
	}
}

func (s *Subscriber) decode(dst []feed.Observation, p []byte) ([]feed.Observation, error) {
	f := s.format
	if f == Auto {
		t := bytes.TrimSpace(p)
		switch {
		case len(t) > 0 && t[0] == '[' && !bytes.Contains(t[:min(len(t), 64)], []byte(`"id"`)):
			f = SenML
		case bytes.Contains(t, []byte(`"end_device_ids"`)):
			f = TTS
		default:
			f = NGSILD
		}
	}
	switch f {
	case SenML:
		return codec.SenML(dst, p, time.Now().UnixMicro(), &s.in)
	case TTS:
		return codec.TTS(dst, p, s.units, &s.in)
	default:
		return codec.NGSILD(dst, p, &s.in)
	}
}

// deviceOf is the device a topic belongs to by the convention
// <prefix>/<device>/<format>: the second-to-last level.
func deviceOf(topic string) string {
	end := len(topic)
	for i := len(topic) - 1; i >= 0; i-- {
		if topic[i] == '/' {
			if end != len(topic) {
				return topic[i+1 : end]
			}
			end = i
		}
	}
	if end != len(topic) {
		return topic[:end]
	}
	return ""
}
