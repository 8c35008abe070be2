package mqtt

import (
	"strings"
	"testing"
	"time"
)

func TestConfigHidesPassword(t *testing.T) {
	c := Config{Broker: "tcp://127.0.0.1:1", ClientID: "twin", Username: "op", Password: "hunter2", Timeout: 300 * time.Millisecond}
	if s := c.String(); strings.Contains(s, "hunter2") || !strings.Contains(s, "***") {
		t.Errorf("Config.String() = %q", s)
	}
	// A failed connection's error must not carry the password either.
	if _, err := NewPublisher(c); err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("connect to a closed port: %v", err)
	}
}

func TestDeviceOfTopic(t *testing.T) {
	for topic, want := range map[string]string{"city/bay-1/senml": "bay-1", "bay-1/senml": "bay-1", "x": "", "a/b/c/d": "c"} {
		if got := deviceOf(topic); got != want {
			t.Errorf("deviceOf(%q) = %q, want %q", topic, got, want)
		}
	}
}

// TestParseBroker: host:port means tcp://, the client's schemes pass, and
// an unknown scheme or a URL without a host is refused.
func TestParseBroker(t *testing.T) {
	for in, want := range map[string]string{
		"localhost:1883": "tcp://localhost:1883", "tcp://h:1": "tcp://h:1", "ssl://h:8883": "ssl://h:8883",
		"mqtts://h:8883": "mqtts://h:8883", "ws://h:80/mqtt": "ws://h:80/mqtt",
	} {
		if got, err := ParseBroker(in); err != nil || got != want {
			t.Errorf("%s: %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"foo://h:1", "tcp://", "http://h:80"} {
		if got, err := ParseBroker(in); err == nil {
			t.Errorf("%s: accepted as %q", in, got)
		}
	}
}
