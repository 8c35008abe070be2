package mqtt

import (
	"bytes"
	"context"
	"errors"
	"fmt"
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

	shards  []*shard
	ctx     context.Context
	cancel  context.CancelFunc
	clients []paho.Client

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
	// Connections > 1 opens that many client connections (ids
	// ClientID-0, ClientID-1, ...) sharing the topics as an MQTT shared
	// subscription ($share/<ClientID>/<topic>, served by Mosquitto and
	// mochi also to MQTT 3.1.1 clients): each decodes on its own, so
	// throughput scales with cores. Readings of one sensor may then arrive
	// out of order; the Checker's idempotence by (sensor, time) absorbs it.
	Connections int
}

// shard is the decoding state of one connection.
type shard struct {
	mu  sync.Mutex
	in  feed.Interner
	buf []feed.Observation
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
	n := max(opt.Connections, 1)
	s := &Subscriber{cfg: cfg, topics: opt.Topics, format: opt.Format, sink: sink, check: check,
		registry: opt.Registry, model: opt.Model, keys: opt.Keys, epoch: opt.Epoch, units: opt.Units,
		ctx: ctx, cancel: cancel}
	for i := 0; i < n; i++ {
		s.shards = append(s.shards, &shard{})
	}
	return s
}

// Start connects and subscribes, and returns once the broker has
// acknowledged the subscription. With auto-reconnect, paho subscribes
// again after every reconnect (OnConnect), and with CleanSession false the
// broker delivers what was queued meanwhile.
func (s *Subscriber) Start() error {
	filters := map[string]byte{}
	for _, t := range s.topics {
		if len(s.shards) > 1 {
			t = "$share/" + s.cfg.ClientID + "/" + t
		}
		filters[t] = s.cfg.QoS
	}
	for i, sh := range s.shards {
		cfg := s.cfg
		if len(s.shards) > 1 {
			cfg.ClientID = fmt.Sprintf("%s-%d", s.cfg.ClientID, i)
		}
		handle := func(_ paho.Client, m paho.Message) {
			s.messages.Add(1)
			s.handleOn(sh, m.Topic(), m.Payload(), time.Now().UnixNano())
		}
		opts := cfg.options()
		subscribed := make(chan paho.Token, 1)
		opts.SetOnConnectHandler(func(c paho.Client) {
			// No per-subscription callback: paho then matches no routes
			// (a route match splits both topics into levels, two
			// allocations per message) and hands every message to the
			// default handler below.
			tok := c.SubscribeMultiple(filters, nil)
			select {
			case subscribed <- tok: // the first subscription, awaited by Start
			default:
			}
		})
		opts.SetDefaultPublishHandler(handle) // every message, also those of a resumed session before the subscription is renewed
		c := paho.NewClient(opts)
		s.clients = append(s.clients, c)
		if err := wait(c.Connect(), cfg.timeout(), "connect "+cfg.Broker); err != nil {
			c.Disconnect(0)
			return err
		}
		select {
		case tok := <-subscribed:
			if err := wait(tok, cfg.timeout(), "subscribe"); err != nil {
				return err
			}
		case <-time.After(cfg.timeout()):
			return fmt.Errorf("%w: subscribe", ErrTimeout)
		}
	}
	return nil
}

// Messages is the number of MQTT messages received.
func (s *Subscriber) Messages() uint64 { return s.messages.Load() }

// Close disconnects and stops any Put waiting for room.
func (s *Subscriber) Close() {
	s.cancel()
	for _, c := range s.clients {
		c.Disconnect(250)
	}
}

// Handle processes one payload received on topic at wall time recvNs.
// Exported so that other transports (HTTP, files) share the pipeline.
func (s *Subscriber) Handle(topic string, payload []byte, recvNs int64) {
	s.handleOn(s.shards[0], topic, payload, recvNs)
}

func (s *Subscriber) handleOn(sh *shard, topic string, payload []byte, recvNs int64) {
	sh.mu.Lock()
	defer sh.mu.Unlock()
	inner, _, err := s.keys.Open(payload, deviceOf(topic))
	if err != nil {
		s.reject(feed.ReasonSignature)
		return
	}
	signed := len(inner) != len(payload)
	sh.buf, err = s.decode(sh, sh.buf[:0], inner)
	if err != nil {
		s.reject(feed.ReasonDecode)
		return
	}
	for i := range sh.buf {
		o := &sh.buf[i]
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

func (s *Subscriber) decode(sh *shard, dst []feed.Observation, p []byte) ([]feed.Observation, error) {
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
		return codec.SenML(dst, p, time.Now().UnixMicro(), &sh.in)
	case TTS:
		return codec.TTS(dst, p, s.units, &sh.in)
	default:
		return codec.NGSILD(dst, p, &sh.in)
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
