package mqtt

import (
	"bufio"
	"crypto/tls"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	paho "github.com/eclipse/paho.mqtt.golang"
)

// bufConn reads through a buffer. paho reads each packet with several
// small reads straight from the connection (one system call each); a
// buffered reader turns a burst of messages into a few system calls, which
// is most of the difference between about 10,000 and over 50,000 messages
// per second on loopback.
type bufConn struct {
	net.Conn
	r *bufio.Reader
}

func (c *bufConn) Read(p []byte) (int, error) { return c.r.Read(p) }

// openBuffered dials tcp:// (and mqtt://) or ssl:// (tls://, mqtts://)
// brokers and wraps the connection in a bufConn. Other schemes (ws://)
// are refused here; Config leaves them to paho's own dialer.
func openBuffered(uri *url.URL, opts paho.ClientOptions) (net.Conn, error) {
	d := &net.Dialer{Timeout: opts.ConnectTimeout}
	if d.Timeout == 0 {
		d.Timeout = 30 * time.Second
	}
	var conn net.Conn
	var err error
	switch uri.Scheme {
	case "tcp", "mqtt": // the schemes ParseBroker accepts, less ws and wss
		conn, err = d.Dial("tcp", uri.Host)
	case "ssl", "tls", "mqtts", "tcps":
		cfg := opts.TLSConfig
		if cfg == nil {
			cfg = &tls.Config{}
		}
		conn, err = tls.DialWithDialer(d, "tcp", uri.Host, cfg)
	default:
		return nil, fmt.Errorf("mqtt: scheme %q not supported by the buffered dialer", uri.Scheme)
	}
	if err != nil {
		return nil, err
	}
	return &bufConn{Conn: conn, r: bufio.NewReaderSize(conn, 64<<10)}, nil
}

// ParseBroker checks a broker address as a user gives it and returns the
// URL to dial: host:port alone is tcp://host:port (as paho reads it), and
// the scheme must be one a client here dials (openBuffered's, or ws and
// wss, which paho dials itself), so that a mistyped address fails at once
// instead of after the connect timeout.
func ParseBroker(s string) (string, error) {
	if !strings.Contains(s, "://") {
		s = "tcp://" + s
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return "", fmt.Errorf("mqtt: broker %q: want a URL like tcp://host:1883", s)
	}
	switch u.Scheme {
	case "tcp", "mqtt", "ssl", "tls", "mqtts", "tcps", "ws", "wss":
		return s, nil
	}
	return "", fmt.Errorf("mqtt: broker %q: scheme %q: want tcp, mqtt, ssl, tls, mqtts, tcps, ws or wss", s, u.Scheme)
}
