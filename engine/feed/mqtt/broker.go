// Package mqtt connects the twin to MQTT 3.1.1 brokers with
// github.com/eclipse/paho.mqtt.golang: a Subscriber that decodes sensor
// payloads into a bounded feed.Queue, a Publisher for virtual devices, and
// an embedded broker (github.com/mochi-mqtt/server/v2) for running the live
// twin without one.
package mqtt

import (
	"crypto/tls"
	"fmt"
	"io"
	"log/slog"
	"net"
	"slices"

	mochi "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/hooks/auth"
	"github.com/mochi-mqtt/server/v2/listeners"
)

// Broker is an embedded MQTT broker listening on one TCP address. It
// accepts every client (loopback use: the live twin on one machine); put a
// real broker (Mosquitto) with authentication in front of devices in the
// field.
type Broker struct {
	srv    *mochi.Server
	addr   string
	scheme string
}

// StartBroker starts an embedded broker on addr ("127.0.0.1:0" picks a
// free port; Addr tells which).
func StartBroker(addr string) (*Broker, error) { return StartBrokerWith(addr, BrokerOptions{}) }

// StartBrokerTLS is StartBroker with a TLS listener when cfg is not nil
// (clients then connect to ssl://host:port).
func StartBrokerTLS(addr string, cfg *tls.Config) (*Broker, error) {
	return StartBrokerWith(addr, BrokerOptions{TLS: cfg})
}

// BrokerOptions secure the embedded broker.
type BrokerOptions struct {
	TLS *tls.Config // TLS listener when set
	// Users, when not empty, are the only accepted username/password
	// pairs; otherwise every client is accepted (loopback use).
	Users map[string]string
}

// StartBrokerWith starts an embedded broker with options.
func StartBrokerWith(addr string, opt BrokerOptions) (*Broker, error) {
	cfg := opt.TLS
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("mqtt: broker: %w", err)
	}
	addr = ln.Addr().String()
	ln.Close()
	caps := mochi.NewDefaultServerCapabilities()
	caps.MaximumClientWritesPending = 1 << 16 // per-client outbound buffer before QoS 0 messages are dropped
	srv := mochi.New(&mochi.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Capabilities: caps})
	if err := addAuth(srv, opt.Users); err != nil {
		return nil, fmt.Errorf("mqtt: broker: %w", err)
	}
	if err := srv.AddListener(listeners.NewTCP(listeners.Config{ID: "tcp", Address: addr, TLSConfig: cfg})); err != nil {
		return nil, fmt.Errorf("mqtt: broker: %w", err)
	}
	if err := srv.Serve(); err != nil {
		return nil, fmt.Errorf("mqtt: broker: %w", err)
	}
	scheme := "tcp://"
	if cfg != nil {
		scheme = "ssl://"
	}
	return &Broker{srv: srv, addr: addr, scheme: scheme}, nil
}

// Addr is the broker's host:port.
func (b *Broker) Addr() string { return b.addr }

// URL is the broker's address as tcp://host:port (ssl:// with TLS).
func (b *Broker) URL() string { return b.scheme + b.addr }

// Close stops the broker.
func (b *Broker) Close() error { return b.srv.Close() }

// addAuth allows everyone, or exactly the given users (passwords compared
// by mochi's ledger; never logged).
func addAuth(srv *mochi.Server, users map[string]string) error {
	if len(users) == 0 {
		return srv.AddHook(new(auth.AllowHook), nil)
	}
	names := make([]string, 0, len(users))
	for u := range users {
		names = append(names, u)
	}
	slices.Sort(names)
	var rules auth.AuthRules
	for _, u := range names {
		rules = append(rules, auth.AuthRule{Username: auth.RString(u), Password: auth.RString(users[u]), Allow: true})
	}
	return srv.AddHook(new(auth.Hook), &auth.Options{Ledger: &auth.Ledger{Auth: rules}})
}
