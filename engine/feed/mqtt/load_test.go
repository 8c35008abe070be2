package mqtt

import (
	"context"
	"fmt"
	"testing"
	"time"

	"citytwin/engine/feed"
	"citytwin/engine/feed/codec"
	"citytwin/engine/feed/mqtt/mqtttest"
)

// BenchmarkLoadEmbedded reports throughput and latency through the
// embedded broker for one second of publishing as fast as possible
// (QoS 0). The 60 s run at 50,000 msg/s is cmd bench/feed.
func BenchmarkLoadEmbedded(b *testing.B) {
	br, err := StartBroker("127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer br.Close()
	benchLoad(b, br.URL())
}

// BenchmarkLoadMosquitto is BenchmarkLoadEmbedded through Mosquitto.
func BenchmarkLoadMosquitto(b *testing.B) {
	benchLoad(b, mqtttest.StartMosquitto(b).URL())
}

func benchLoad(b *testing.B, url string) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		res, err := RunLoad(context.Background(), LoadConfig{Broker: url, Duration: time.Second})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(res.PerSecond, "msg/s")
		b.ReportMetric(float64(res.P99.Microseconds())/1000, "p99-ms")
		b.ReportMetric(float64(res.HeapMaxBytes)/(1<<20), "heap-MiB")
		b.Log(res)
	}
}

// BenchmarkHandle is the subscriber's CPU cost per message without the
// network: signature check, SenML decode, entity and time resolution, and
// Put into the queue, plus the consumer's Check.
func BenchmarkHandle(b *testing.B) {
	q := feed.NewQueue(1<<12, feed.DropOldest)
	check := feed.NewChecker(nil)
	sub := NewSubscriber(Config{}, SubscriberOptions{Format: SenML, Model: "grid"}, q, check)
	var payloads [][]byte
	var topics []string
	for s := 0; s < 1000; s++ {
		topics = append(topics, fmt.Sprintf("load/meter-%d/senml", s))
	}
	buf := make([]feed.Observation, 0, 1<<12)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if i%4096 == 0 {
			b.StopTimer()
			payloads = payloads[:0]
			for k := 0; k < 4096; k++ {
				n := i + k
				payloads = append(payloads, codec.AppendSenML(nil, fmt.Sprintf("meter-%d:", n%1000), 1_700_000_000_000_000+int64(n)*1000,
					codec.SenMLRecord{Name: feed.QtyPower, Unit: "kW", Value: float64(n % 100)}))
			}
			b.StartTimer()
		}
		sub.Handle(topics[i%1000], payloads[i%4096], 0)
		if q.Len() >= 1024 {
			buf = q.Drain(buf[:0], 1<<12)
			for j := range buf {
				check.Check(&buf[j])
			}
		}
	}
}
