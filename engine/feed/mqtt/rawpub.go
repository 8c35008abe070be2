package mqtt

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/url"
	"time"
)

// rawPublisher is a minimal MQTT 3.1.1 QoS 0 publisher for load
// generation only: it buffers PUBLISH packets and writes them in batches,
// as a gateway aggregating many devices would, so that the load generator
// is not what limits a throughput test. (paho's client writes one packet
// per system call, about 20,000 messages per second per client here.)
type rawPublisher struct {
	conn net.Conn
	w    *bufio.Writer
	hdr  []byte
}

// dialRaw connects to a tcp:// broker URL and sends CONNECT (clean
// session, no credentials), waiting for CONNACK.
func dialRaw(broker, clientID string) (*rawPublisher, error) {
	u, err := url.Parse(broker)
	if err != nil {
		return nil, fmt.Errorf("mqtt: raw: %w", err)
	}
	conn, err := net.DialTimeout("tcp", u.Host, 5*time.Second)
	if err != nil {
		return nil, fmt.Errorf("mqtt: raw: %w", err)
	}
	// CONNECT: protocol "MQTT" level 4, clean session, keep-alive 60 s.
	var vh []byte
	vh = append(vh, 0, 4, 'M', 'Q', 'T', 'T', 4, 0x02, 0, 60)
	vh = append(vh, byte(len(clientID)>>8), byte(len(clientID)))
	vh = append(vh, clientID...)
	pkt := appendRemLen([]byte{0x10}, len(vh))
	pkt = append(pkt, vh...)
	if _, err := conn.Write(pkt); err != nil {
		conn.Close()
		return nil, fmt.Errorf("mqtt: raw: connect: %w", err)
	}
	ack := make([]byte, 4)
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.ReadFull(conn, ack); err != nil || ack[0] != 0x20 || ack[3] != 0 {
		conn.Close()
		return nil, fmt.Errorf("mqtt: raw: no CONNACK (%v, % x)", err, ack)
	}
	conn.SetReadDeadline(time.Time{})
	go io.Copy(io.Discard, conn) // PINGRESP and anything else
	return &rawPublisher{conn: conn, w: bufio.NewWriterSize(conn, 64<<10)}, nil
}

// publish buffers one QoS 0 PUBLISH.
func (p *rawPublisher) publish(topic string, payload []byte) error {
	p.hdr = appendRemLen(append(p.hdr[:0], 0x30), 2+len(topic)+len(payload))
	p.hdr = append(p.hdr, byte(len(topic)>>8), byte(len(topic)))
	if _, err := p.w.Write(p.hdr); err != nil {
		return err
	}
	if _, err := p.w.WriteString(topic); err != nil {
		return err
	}
	_, err := p.w.Write(payload)
	return err
}

func (p *rawPublisher) flush() error { return p.w.Flush() }

// close sends DISCONNECT and closes.
func (p *rawPublisher) close() {
	p.w.Write([]byte{0xe0, 0})
	p.w.Flush()
	p.conn.Close()
}

// appendRemLen appends MQTT's variable-length "remaining length".
func appendRemLen(b []byte, n int) []byte {
	for {
		d := byte(n % 128)
		n /= 128
		if n > 0 {
			d |= 0x80
		}
		b = append(b, d)
		if n == 0 {
			return b
		}
	}
}
