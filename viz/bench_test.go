package viz

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"testing"
)

// BenchmarkFrame measures the viewer's frame time under Xvfb with Mesa's
// software rasterizer: every layer on, the panels drawn, vsync off, for
// vehicle counts 1,000 and 5,000 (synthetic vehicles driving the run's
// roads). The run is the bundled one, or $VIZ_BENCH_RUN (e.g. an Østerbro
// run). Run with -benchtime=1x: each iteration is a 5 s viewer session.
//
//	go test ./viz -run '^$' -bench Frame -benchtime 1x
func BenchmarkFrame(b *testing.B) {
	run := testRun
	if r := os.Getenv("VIZ_BENCH_RUN"); r != "" {
		run = r
	}
	display, stop, err := StartXvfb()
	if errors.Is(err, ErrNoXvfb) {
		b.Skip("Xvfb is not installed")
	}
	if err != nil {
		b.Fatal(err)
	}
	defer stop()
	exe, err := viewer()
	if err != nil {
		b.Fatal(err)
	}
	for _, n := range []int{1000, 5000} {
		b.Run(fmt.Sprintf("vehicles=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			var res struct {
				FPS         float64 `json:"fps"`
				MeanFrameMs float64 `json:"mean_frame_ms"`
				P95FrameMs  float64 `json:"p95_frame_ms"`
				RenderMs    float64 `json:"mean_render_ms"`
				Vertices    int     `json:"static_vertices"`
			}
			for i := 0; i < b.N; i++ {
				cmd := exec.Command(exe, "-bench-vehicles", fmt.Sprint(n), "-bench-seconds", "5", "-size", "1600x1000", run)
				cmd.Env = append(os.Environ(), "DISPLAY="+display, "LIBGL_ALWAYS_SOFTWARE=1")
				out, err := cmd.Output()
				if err != nil {
					b.Fatalf("%v: %s", err, out)
				}
				if err := json.Unmarshal(out, &res); err != nil {
					b.Fatalf("%v: %s", err, out)
				}
			}
			b.ReportMetric(res.MeanFrameMs, "ms/frame")
			b.ReportMetric(res.P95FrameMs, "p95-ms/frame")
			b.ReportMetric(res.RenderMs, "cpu-ms/frame")
			b.ReportMetric(res.FPS, "fps")
			b.ReportMetric(float64(res.Vertices), "static-vertices")
		})
	}
}
