package mqtt

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net/url"
	"time"

	paho "github.com/eclipse/paho.mqtt.golang"
)

// ErrTimeout is returned when the broker does not answer in time.
var ErrTimeout = errors.New("mqtt: timeout")

// Config says how to reach a broker. Password is a secret: Config's String
// and every error this package returns leave it out.
type Config struct {
	Broker   string // tcp://host:1883, ssl://host:8883 (TLS), ws://...
	ClientID string // fixed id: with CleanSession false, the broker keeps the session across reconnects
	Username string
	Password string
	TLS      *tls.Config // for ssl:// brokers; nil = system roots
	QoS      byte        // 0 or 1
	// CleanSession false asks the broker to keep subscriptions and queued
	// QoS 1 messages while the client is away (persistent session).
	CleanSession bool
	KeepAlive    time.Duration // default 30 s
	Timeout      time.Duration // connect / subscribe wait; default 10 s
}

// String describes c without the password.
func (c Config) String() string {
	pw := ""
	if c.Password != "" {
		pw = " password=***"
	}
	return fmt.Sprintf("mqtt %s client=%s user=%q%s qos=%d clean=%v", c.Broker, c.ClientID, c.Username, pw, c.QoS, c.CleanSession)
}

func (c Config) timeout() time.Duration {
	if c.Timeout > 0 {
		return c.Timeout
	}
	return 10 * time.Second
}

// options builds paho's options: auto-reconnect with a short backoff, and
// retry of the first connection, so a broker restart is ridden out.
func (c Config) options() *paho.ClientOptions {
	o := paho.NewClientOptions().AddBroker(c.Broker).SetClientID(c.ClientID).
		SetCleanSession(c.CleanSession).SetAutoReconnect(true).SetConnectRetry(true).
		SetConnectRetryInterval(200 * time.Millisecond).SetMaxReconnectInterval(time.Second).
		SetOrderMatters(true).SetProtocolVersion(4)
	if c.KeepAlive > 0 {
		o.SetKeepAlive(c.KeepAlive)
	}
	if c.Username != "" {
		o.SetUsername(c.Username)
		o.SetPassword(c.Password)
	}
	if c.TLS != nil {
		o.SetTLSConfig(c.TLS)
	}
	if u, err := url.Parse(c.Broker); err == nil && u.Scheme != "ws" && u.Scheme != "wss" {
		o.SetCustomOpenConnectionFn(openBuffered)
	}
	return o
}

// wait waits for tok within d.
func wait(tok paho.Token, d time.Duration, what string) error {
	if !tok.WaitTimeout(d) {
		return fmt.Errorf("%w: %s", ErrTimeout, what)
	}
	if err := tok.Error(); err != nil {
		return fmt.Errorf("mqtt: %s: %w", what, err)
	}
	return nil
}

// Publisher publishes raw payloads, as a device would.
type Publisher struct {
	c   paho.Client
	cfg Config
}

// NewPublisher connects to the broker.
func NewPublisher(cfg Config) (*Publisher, error) {
	c := paho.NewClient(cfg.options())
	if err := wait(c.Connect(), cfg.timeout(), "connect "+cfg.Broker); err != nil {
		c.Disconnect(0) // stop the connect retries
		return nil, err
	}
	return &Publisher{c: c, cfg: cfg}, nil
}

// Publish sends payload on topic at the configured QoS and returns the
// token (QoS 1: done when the broker acknowledged; while reconnecting the
// message is stored and sent on reconnect).
func (p *Publisher) Publish(topic string, payload []byte) paho.Token {
	return p.c.Publish(topic, p.cfg.QoS, false, payload)
}

// PublishWait is Publish and waiting for the acknowledgement.
func (p *Publisher) PublishWait(topic string, payload []byte) error {
	return wait(p.Publish(topic, payload), p.cfg.timeout(), "publish "+topic)
}

// Close disconnects, letting in-flight messages finish for up to 250 ms.
func (p *Publisher) Close() { p.c.Disconnect(250) }
