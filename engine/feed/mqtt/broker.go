// Package mqtt connects the twin to MQTT 3.1.1 brokers with
// github.com/eclipse/paho.mqtt.golang: a Subscriber that decodes sensor
// payloads into a bounded feed.Queue, a Publisher for virtual devices, and
// an embedded broker (github.com/mochi-mqtt/server/v2) for running the live
// twin without one.
package mqtt

import (
	"fmt"
	"io"
	"log/slog"
	"net"

	mochi "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/hooks/auth"
	"github.com/mochi-mqtt/server/v2/listeners"
)

// Broker is an embedded MQTT broker listening on one TCP address. It
// accepts every client (loopback use: the live twin on one machine); put a
// real broker (Mosquitto) with authentication in front of devices in the
// field.
type Broker struct {
	srv  *mochi.Server
	addr string
}

// StartBroker starts an embedded broker on addr ("127.0.0.1:0" picks a
// free port; Addr tells which).
func StartBroker(addr string) (*Broker, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("mqtt: broker: %w", err)
	}
	addr = ln.Addr().String()
	ln.Close()
	caps := mochi.NewDefaultServerCapabilities()
	caps.MaximumClientWritesPending = 1 << 16 // per-client outbound buffer before QoS 0 messages are dropped
	srv := mochi.New(&mochi.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Capabilities: caps})
	if err := srv.AddHook(new(auth.AllowHook), nil); err != nil {
		return nil, fmt.Errorf("mqtt: broker: %w", err)
	}
	if err := srv.AddListener(listeners.NewTCP(listeners.Config{ID: "tcp", Address: addr})); err != nil {
		return nil, fmt.Errorf("mqtt: broker: %w", err)
	}
	if err := srv.Serve(); err != nil {
		return nil, fmt.Errorf("mqtt: broker: %w", err)
	}
	return &Broker{srv: srv, addr: addr}, nil
}

// Addr is the broker's host:port.
func (b *Broker) Addr() string { return b.addr }

// URL is the broker's address as tcp://host:port.
func (b *Broker) URL() string { return "tcp://" + b.addr }

// Close stops the broker.
func (b *Broker) Close() error { return b.srv.Close() }
