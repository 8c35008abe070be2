// Command feed measures the live feed path: messages per second into the
// twin's queue and publish-to-state latency, through the embedded broker
// or a Mosquitto it starts on a loopback port (or any broker URL).
//
//	go run ./bench/feed -broker embedded -duration 60s -rate 50000
//	go run ./bench/feed -broker mosquitto -duration 60s -rate 50000
package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"

	"citytwin/engine/feed/mqtt"
)

func main() {
	broker := flag.String("broker", "embedded", "embedded, mosquitto (started here on a free loopback port) or a broker URL")
	duration := flag.Duration("duration", 10*time.Second, "how long to publish")
	rate := flag.Float64("rate", 50000, "messages per second in total (0 = as fast as possible)")
	qos := flag.Int("qos", 0, "QoS 0 or 1")
	pubs := flag.Int("publishers", 2, "publishing connections")
	conns := flag.Int("connections", 1, "subscriber connections sharing the subscription")
	sensors := flag.Int("sensors", 1000, "distinct sensors")
	flag.Parse()
	if err := run(*broker, mqtt.LoadConfig{Duration: *duration, Rate: *rate, QoS: byte(*qos), Publishers: *pubs,
		Connections: *conns, Sensors: *sensors}); err != nil {
		fmt.Fprintln(os.Stderr, "feed bench:", err)
		os.Exit(1)
	}
}

func run(broker string, cfg mqtt.LoadConfig) error {
	switch broker {
	case "embedded":
		b, err := mqtt.StartBroker("127.0.0.1:0")
		if err != nil {
			return err
		}
		defer b.Close()
		cfg.Broker = b.URL()
	case "mosquitto":
		url, stop, err := startMosquitto()
		if err != nil {
			return err
		}
		defer stop()
		cfg.Broker = url
	default:
		cfg.Broker = broker
	}
	res, err := mqtt.RunLoad(context.Background(), cfg)
	fmt.Printf("broker=%s qos=%d rate=%.0f duration=%v publishers=%d connections=%d sensors=%d\n%s\n",
		broker, cfg.QoS, cfg.Rate, cfg.Duration, cfg.Publishers, cfg.Connections, cfg.Sensors, res)
	fmt.Printf("checker: %+v\n", res.Counts)
	return err
}

// startMosquitto runs mosquitto on a free loopback port with a config in
// a temporary folder; stop ends it.
func startMosquitto() (string, func(), error) {
	bin, err := exec.LookPath("mosquitto")
	if err != nil {
		bin = "/usr/sbin/mosquitto"
	}
	dir, err := os.MkdirTemp("", "feedbench")
	if err != nil {
		return "", nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	conf := filepath.Join(dir, "mosquitto.conf")
	body := fmt.Sprintf("listener %d 127.0.0.1\nallow_anonymous true\nmax_queued_messages 0\nlog_dest none\n", port)
	if err := os.WriteFile(conf, []byte(body), 0o644); err != nil {
		return "", nil, err
	}
	cmd := exec.Command(bin, "-c", conf)
	if err := cmd.Start(); err != nil {
		return "", nil, fmt.Errorf("mosquitto: %w", err)
	}
	stop := func() {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
		os.RemoveAll(dir)
	}
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	for i := 0; i < 100; i++ {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return "tcp://" + addr, stop, nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	stop()
	return "", nil, fmt.Errorf("mosquitto did not start on %s", addr)
}
