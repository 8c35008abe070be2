// Package mqtttest starts a real Mosquitto broker for tests of the live
// path (the Debian package mosquitto); tests skip when it is not
// installed.
package mqtttest

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// Mosquitto is a Mosquitto broker on a free loopback port with its
// configuration and persistence in a test's temporary folder.
type Mosquitto struct {
	t    testing.TB
	bin  string
	conf string
	port int
	cmd  *exec.Cmd
}

// StartMosquitto starts a broker (anonymous, persistent sessions, no
// queue limits) and stops it when the test ends; the test is skipped when
// the mosquitto binary is missing.
func StartMosquitto(t testing.TB) *Mosquitto {
	t.Helper()
	bin, err := exec.LookPath("mosquitto")
	if err != nil {
		bin = ""
		for _, p := range []string{"/usr/sbin/mosquitto", "/usr/local/sbin/mosquitto"} {
			if _, err := os.Stat(p); err == nil {
				bin = p
			}
		}
	}
	if bin == "" {
		t.Skip("mosquitto not installed (Debian package mosquitto)")
	}
	dir := t.TempDir()
	m := &Mosquitto{t: t, bin: bin, port: FreePort(t), conf: filepath.Join(dir, "mosquitto.conf")}
	conf := fmt.Sprintf("listener %d 127.0.0.1\nallow_anonymous true\npersistence true\npersistence_location %s/\n"+
		"max_queued_messages 0\nmax_inflight_messages 0\nlog_dest none\nuser root\n", m.port, dir)
	if err := os.WriteFile(m.conf, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	m.Start()
	t.Cleanup(m.Stop)
	return m
}

// FreePort is a free TCP port on loopback.
func FreePort(t testing.TB) int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// URL is the broker's tcp:// address.
func (m *Mosquitto) URL() string { return "tcp://127.0.0.1:" + strconv.Itoa(m.port) }

// Start (re)starts the broker and waits for its port to open.
func (m *Mosquitto) Start() {
	m.cmd = exec.Command(m.bin, "-c", m.conf)
	if err := m.cmd.Start(); err != nil {
		m.t.Fatal(err)
	}
	for i := 0; i < 100; i++ { // up to 5 s for the port to open
		if c, err := net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(m.port)); err == nil {
			c.Close()
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	m.t.Fatal("mosquitto did not start")
}

// Stop ends the broker with SIGTERM, which makes it save its persistence.
func (m *Mosquitto) Stop() {
	if m.cmd == nil || m.cmd.Process == nil {
		return
	}
	m.cmd.Process.Signal(syscall.SIGTERM)
	m.cmd.Wait()
	m.cmd = nil
}
