package mqtt

import (
	"fmt"
	"math/rand/v2"
	"net"
	"strconv"
	"sync"
	"testing"
	"time"

	paho "github.com/eclipse/paho.mqtt.golang"

	"citytwin/engine"
	"citytwin/engine/feed"
	"citytwin/engine/feed/codec"
	"citytwin/engine/feed/device"
	"citytwin/engine/feed/mqtt/mqtttest"
)

// tally records what reached state.
type tally struct {
	mu      sync.Mutex
	applied map[feed.Key]int
}

func (ta *tally) deliver(_ *engine.Sim, _ engine.ModelID, o *feed.Observation) error {
	ta.mu.Lock()
	ta.applied[o.Key()]++
	ta.mu.Unlock()
	return nil
}

// runEndToEnd publishes the messages of a virtual fleet at QoS 1 to the
// broker at url, optionally restarting the broker halfway, and checks that
// every message is accounted for: the primary reading of each message
// reached state exactly once, and received = applied + late + duplicate +
// quarantined.
func runEndToEnd(t *testing.T, url string, restart func(), connections int) {
	epoch := feed.Epoch(time.Date(2024, 3, 22, 6, 0, 0, 0, time.UTC).UnixMicro())
	q := feed.NewQueue(1<<14, feed.Block)
	check := feed.NewChecker(nil)
	id := "twin-e2e-" + strconv.Itoa(freePortNoT())
	sub := NewSubscriber(Config{Broker: url, ClientID: id, QoS: 1, CleanSession: false},
		SubscriberOptions{Topics: []string{"city/#"}, Model: "city", Epoch: epoch, Connections: connections}, q, check)
	if err := sub.Start(); err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	pub, err := NewPublisher(Config{Broker: url, ClientID: id + "-devices", QoS: 1, CleanSession: false})
	if err != nil {
		t.Fatal(err)
	}
	defer pub.Close()

	fleet := &device.Fleet{Epoch: epoch}
	kinds := []device.Kind{device.InductionLoop, device.ParkingBay, device.BinUltrasonic, device.SmartMeter, device.PressureLogger}
	for i := 0; i < 50; i++ {
		k := kinds[i%len(kinds)]
		fleet.Devices = append(fleet.Devices, device.New(device.Spec{ID: fmt.Sprintf("%s-%d", k, i), Kind: k,
			Interval: engine.Minute, Base: 30, Noise: 0.5, Dropout: 0.05}, rand.New(rand.NewPCG(1, uint64(i))), 0))
	}
	sent := map[feed.Key]bool{}
	var tokens []paho.Token
	publish := func(until engine.Time) {
		err := fleet.Emit(until, func(m *device.Message) error {
			qty, _ := m.Device.Quantity()
			sent[feed.Key{Sensor: m.Device.ID, Quantity: qty, Time: m.Time}] = true
			tokens = append(tokens, pub.Publish(m.Topic, append([]byte(nil), m.Payload...)))
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	ta := &tally{applied: map[feed.Key]int{}}
	live := feed.NewLive("live", q, check, engine.Second)
	live.SetDeliver(ta.deliver)

	publish(20 * engine.Minute)
	if restart != nil {
		waitTokens(t, tokens)
		restart()
	}
	publish(40 * engine.Minute)
	// Malformed and implausible messages: quarantined, never applied.
	for i := 0; i < 3; i++ {
		tokens = append(tokens, pub.Publish("city/junk/senml", []byte(`[{"bn":"junk:","v":`)))
	}
	for i := 0; i < 2; i++ {
		tokens = append(tokens, pub.Publish("city/bad-bin/senml",
			codec.AppendSenML(nil, "bad-bin:", epoch.Unix(engine.Time(i)*engine.Minute), codec.SenMLRecord{Name: feed.QtyFill, Unit: "%", Value: 500})))
	}
	waitTokens(t, tokens)

	// Junk is published last and rejected in the subscriber's goroutines
	// (decode) or by Pump (range), so wait, besides every good reading,
	// for all five rejections and for every published message to have
	// reached the subscriber (QoS 1 may deliver some twice).
	awaitAccounted(t, live, func() (string, bool) {
		ta.mu.Lock()
		done := 0
		for k := range sent {
			if ta.applied[k] > 0 {
				done++
			}
		}
		ta.mu.Unlock()
		c := check.Counts()
		state := fmt.Sprintf("%d/%d readings applied, %d/%d messages received, %d/5 quarantined %v",
			done, len(sent), sub.Messages(), len(tokens), c.Quarantined, c.ByReason)
		return state, done == len(sent) && sub.Messages() >= uint64(len(tokens)) && c.Quarantined >= 5
	})
	live.Pump(nil)
	for k := range sent {
		if n := ta.applied[k]; n != 1 {
			t.Errorf("%v applied %d times, want 1", k, n)
		}
	}
	c := check.Counts()
	if c.Received != c.Applied+c.Late+c.Duplicate+c.Quarantined {
		t.Errorf("counts do not add up: %+v", c)
	}
	if c.ByReason["decode"] != 3 || c.ByReason["range"] != 2 || c.Quarantined != 5 {
		t.Errorf("quarantined %v, want 3 decode and 2 range", c.ByReason)
	}
	if got := uint64(len(ta.applied)); got != c.Applied+c.Late {
		t.Errorf("%d keys reached state, checker applied %d + late %d", got, c.Applied, c.Late)
	}
	t.Logf("%d messages published (%d readings), %d MQTT messages received, checker %+v, queue %+v",
		len(tokens), len(sent), sub.Messages(), c, q.Stats())
}

// awaitAccounted pumps live until accounted reports true, failing the
// test with the last state after a generous deadline.
func awaitAccounted(t *testing.T, live *feed.Live, accounted func() (string, bool)) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		if _, err := live.Pump(nil); err != nil {
			t.Fatal(err)
		}
		state, ok := accounted()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("not every message accounted for after 2m: %s", state)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func freePortNoT() int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func waitTokens(t *testing.T, tokens []paho.Token) {
	t.Helper()
	for i, tok := range tokens {
		if err := wait(tok, 20*time.Second, "publish"); err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
	}
}

func TestEndToEndMosquitto(t *testing.T) {
	m := mqtttest.StartMosquitto(t)
	runEndToEnd(t, m.URL(), nil, 1)
}

// TestEndToEndMosquittoShared: three subscriber connections share the
// subscription; readings of a sensor may arrive out of order, and still
// each is applied exactly once.
func TestEndToEndMosquittoShared(t *testing.T) {
	m := mqtttest.StartMosquitto(t)
	runEndToEnd(t, m.URL(), nil, 3)
}

// TestEndToEndMosquittoRestart stops the broker after the first half of
// the messages and starts it again: the persistent sessions of the
// subscriber (CleanSession false, fixed client id) and Mosquitto's
// persistence carry the queued messages across.
func TestEndToEndMosquittoRestart(t *testing.T) {
	m := mqtttest.StartMosquitto(t)
	runEndToEnd(t, m.URL(), func() {
		m.Stop()
		m.Start()
	}, 1)
}

func TestEndToEndEmbedded(t *testing.T) {
	b, err := StartBroker("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	runEndToEnd(t, b.URL(), nil, 1)
}
