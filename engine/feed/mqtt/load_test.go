package mqtt

import (
	"context"
	"testing"
	"time"
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
	benchLoad(b, startMosquitto(b).url())
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
