package mqtt

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"citytwin/engine/feed"
	"citytwin/engine/feed/codec"
)

// LoadConfig sets up a load test: publishers send SenML power readings
// of Sensors sensors through a broker to a Subscriber, whose queue a Live
// model drains; each reading carries its publish time, so the latency
// from publish to the moment it reaches state is measured.
type LoadConfig struct {
	Broker      string        // broker URL
	QoS         byte          // 0 or 1
	Publishers  int           // publishing clients (default 2)
	Sensors     int           // distinct sensors (default 1000)
	Rate        float64       // total messages per second; 0 = as fast as possible
	Duration    time.Duration // how long to publish
	QueueCap    int           // twin queue capacity (default 65536)
	Paho        bool          // publish with paho clients even at QoS 0 (default: a batching raw publisher)
	Connections int           // subscriber connections sharing the subscription (default 1)
}

// LoadResult is what a load test measured.
type LoadResult struct {
	Published    uint64
	Applied      uint64
	Elapsed      time.Duration // from the first publish to the last reading applied
	PerSecond    float64       // applied / Elapsed
	P50, P99     time.Duration // publish-to-state latency
	Max          time.Duration
	HeapMaxBytes uint64 // largest HeapInuse sampled (every 250 ms)
	Queue        feed.QueueStats
	Counts       feed.Counts
}

func (r LoadResult) String() string {
	return fmt.Sprintf("published %d applied %d in %.1f s: %.0f msg/s; latency p50 %v p99 %v max %v; heap max %.1f MiB; queue max %d dropped %d blocked %d",
		r.Published, r.Applied, r.Elapsed.Seconds(), r.PerSecond, r.P50, r.P99, r.Max,
		float64(r.HeapMaxBytes)/(1<<20), r.Queue.MaxLen, r.Queue.Dropped, r.Queue.Blocked)
}

// histogram counts latencies in 50 µs buckets up to 10 s (fixed memory).
type histogram struct {
	b   [200_001]uint32
	n   uint64
	max time.Duration
}

func (h *histogram) add(d time.Duration) {
	i := int(d / (50 * time.Microsecond))
	if i < 0 {
		i = 0
	}
	if i >= len(h.b) {
		i = len(h.b) - 1
	}
	h.b[i]++
	h.n++
	h.max = max(h.max, d)
}

func (h *histogram) quantile(q float64) time.Duration {
	want := uint64(q * float64(h.n))
	var acc uint64
	for i, c := range h.b {
		acc += uint64(c)
		if acc > want {
			return time.Duration(i+1) * 50 * time.Microsecond
		}
	}
	return h.max
}

// RunLoad runs one load test.
func RunLoad(ctx context.Context, cfg LoadConfig) (LoadResult, error) {
	if cfg.Publishers <= 0 {
		cfg.Publishers = 2
	}
	if cfg.Sensors <= 0 {
		cfg.Sensors = 1000
	}
	if cfg.QueueCap <= 0 {
		cfg.QueueCap = 1 << 16
	}
	q := feed.NewQueue(cfg.QueueCap, feed.Block)
	check := feed.NewChecker(nil)
	id := fmt.Sprintf("load-%d", time.Now().UnixNano())
	sub := NewSubscriber(Config{Broker: cfg.Broker, ClientID: id, QoS: cfg.QoS, CleanSession: true},
		SubscriberOptions{Topics: []string{"load/#"}, Format: SenML, Model: "grid", Connections: cfg.Connections}, q, check)
	if err := sub.Start(); err != nil {
		return LoadResult{}, err
	}
	defer sub.Close()

	h := new(histogram)
	var applied atomic.Uint64
	live := feed.NewLive("live", q, check, 0)
	live.OnApply = func(o *feed.Observation, at time.Time) {
		h.add(time.Duration(at.UnixMicro()-o.UnixMicro) * time.Microsecond)
		applied.Add(1)
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { // the simulation goroutine's side: drain and apply
		defer wg.Done()
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				live.Pump(nil)
				return
			case <-q.Ready():
			case <-tick.C:
			}
			live.Pump(nil)
		}
	}()
	var heapMax atomic.Uint64
	go func() {
		defer wg.Done()
		var ms runtime.MemStats
		tick := time.NewTicker(250 * time.Millisecond)
		defer tick.Stop()
		for {
			runtime.ReadMemStats(&ms)
			heapMax.Store(max(heapMax.Load(), ms.HeapInuse))
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	}()

	start := time.Now()
	published, err := publishLoad(ctx, cfg, id)
	// Wait for the tail: everything published applied (QoS 0 may lose
	// some: give up after 5 s without progress).
	last, lastChange := applied.Load(), time.Now()
	for applied.Load() < published && time.Since(lastChange) < 5*time.Second {
		time.Sleep(5 * time.Millisecond)
		if a := applied.Load(); a != last {
			last, lastChange = a, time.Now()
		}
	}
	elapsed := time.Since(start)
	close(stop)
	wg.Wait()
	res := LoadResult{Published: published, Applied: applied.Load(), Elapsed: elapsed,
		P50: h.quantile(0.5), P99: h.quantile(0.99), Max: h.max, HeapMaxBytes: heapMax.Load(),
		Queue: q.Stats(), Counts: check.Counts()}
	res.PerSecond = float64(res.Applied) / elapsed.Seconds()
	return res, err
}

// publishLoad runs the publishers for cfg.Duration and returns how many
// messages they published.
func publishLoad(ctx context.Context, cfg LoadConfig, id string) (uint64, error) {
	ctx, cancel := context.WithTimeout(ctx, cfg.Duration)
	defer cancel()
	var total atomic.Uint64
	errs := make(chan error, cfg.Publishers)
	var wg sync.WaitGroup
	for p := 0; p < cfg.Publishers; p++ {
		clientID := fmt.Sprintf("%s-pub%d", id, p)
		var send func(topic string, payload []byte) error
		var flush, closer func()
		if cfg.QoS == 0 && !cfg.Paho {
			raw, err := dialRaw(cfg.Broker, clientID)
			if err != nil {
				return 0, err
			}
			send, flush, closer = raw.publish, func() { raw.flush() }, raw.close
		} else {
			pub, err := NewPublisher(Config{Broker: cfg.Broker, ClientID: clientID, QoS: cfg.QoS, CleanSession: true})
			if err != nil {
				return 0, err
			}
			var pending []interface{ Wait() bool }
			send = func(topic string, payload []byte) error {
				pending = append(pending, pub.Publish(topic, payload))
				return nil
			}
			flush = func() { // bound the in-flight window
				for _, t := range pending {
					t.Wait()
				}
				pending = pending[:0]
			}
			closer = pub.Close
		}
		wg.Add(1)
		go func(p int) {
			defer wg.Done()
			defer closer()
			if err := publishOne(ctx, send, flush, cfg, p, &total); err != nil {
				errs <- err
			}
		}(p)
	}
	wg.Wait()
	close(errs)
	return total.Load(), <-errs
}

// publishOne publishes this publisher's share of the sensors, paced in
// 1 ms slots (all messages due in a slot are sent, then flushed). Each
// message is a one-record SenML pack stamped with the wall-clock publish
// time.
func publishOne(ctx context.Context, send func(string, []byte) error, flush func(), cfg LoadConfig, p int, total *atomic.Uint64) error {
	var topics, names []string
	for s := p; s < cfg.Sensors; s += cfg.Publishers {
		names = append(names, fmt.Sprintf("meter-%d:", s))
		topics = append(topics, fmt.Sprintf("load/meter-%d/senml", s))
	}
	perUs := cfg.Rate / float64(cfg.Publishers) / 1e6
	start := time.Now()
	buf := make([]byte, 0, 128)
	k := 0
	for ctx.Err() == nil {
		n := 500 // unpaced: a batch per flush
		if perUs > 0 {
			due := int(perUs * float64(time.Since(start).Microseconds()))
			if n = due - k; n <= 0 {
				time.Sleep(500 * time.Microsecond)
				continue
			}
		}
		for j := 0; j < n; j, k = j+1, k+1 {
			i := k % len(names)
			buf = codec.AppendSenML(buf[:0], names[i], time.Now().UnixMicro(),
				codec.SenMLRecord{Name: feed.QtyPower, Unit: "kW", Value: float64(k % 1000)})
			if err := send(topics[i], buf); err != nil {
				return fmt.Errorf("mqtt: load: publish: %w", err)
			}
		}
		flush()
		total.Add(uint64(n))
	}
	return nil
}
