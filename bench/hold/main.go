// Command hold measures the engine on the classic hold model (pop the
// first event, schedule one at now + an exponential delay) at 10^3, 10^5
// and 10^6 pending events, runs SimPy 2.3.1 (Debian python3-simpy) on the
// same model in the same run, and writes the comparison as Markdown.
//
//	go run ./bench/hold -out bench/engine.md
package main

import (
	"bytes"
	"citytwin/engine/cputime"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"citytwin/engine"
	"citytwin/engine/record"
)

// holder is the hold model on the engine's public API.
type holder struct {
	id     engine.ModelID
	mean   float64
	left   int
	rngExp func() float64
}

func (h *holder) Name() string { return "hold" }

func (h *holder) Init(s *engine.Sim, id engine.ModelID) error {
	h.id = id
	rng := s.Stream("hold")
	h.rngExp = rng.ExpFloat64
	return nil
}

func (h *holder) Handle(s *engine.Sim, ev engine.Event) error {
	s.At(h.id, s.Now()+engine.Seconds(h.rngExp()*h.mean), engine.PhaseModel, 1, ev.Target, 0, 0)
	if h.left--; h.left == 0 {
		s.Stop()
	}
	return nil
}

// measure runs events hold events with n pending and returns the CPU
// nanoseconds per event and heap allocations per event.
func measure(n, events int) (nsPerEvent, allocsPerEvent float64) {
	s := engine.New(1)
	h := &holder{mean: float64(n)}
	s.Add(h)
	if err := s.Init(); err != nil {
		panic(err)
	}
	for i := 0; i < n; i++ {
		s.At(h.id, engine.Seconds(h.rngExp()*float64(n)), engine.PhaseModel, 1, int32(i), 0, 0)
	}
	h.left = n // warm-up: let the calendar settle
	s.RunUntil(engine.Never)
	runtime.GC()
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	h.left = events
	t0 := cputime.Process()
	s.RunUntil(engine.Never)
	cpu := cputime.Process() - t0
	runtime.ReadMemStats(&m1)
	return float64(cpu.Nanoseconds()) / float64(events), float64(m1.Mallocs-m0.Mallocs) / float64(events)
}

// simpy runs the SimPy script and returns its events per CPU second.
func simpy(script string, n, events int) (float64, error) {
	out, err := exec.Command("/usr/bin/python3", script, strconv.Itoa(n), strconv.Itoa(events)).Output()
	if err != nil {
		return 0, err
	}
	f := strings.Fields(string(out))
	if len(f) < 2 {
		return 0, fmt.Errorf("simpy: unexpected output %q", out)
	}
	return strconv.ParseFloat(f[1], 64)
}

func main() {
	out := flag.String("out", "", "write the Markdown report here (default stdout)")
	events := flag.Int("events", 3_000_000, "events measured per size on the engine")
	simpyEvents := flag.Int("simpy-events", 300_000, "events measured per size on SimPy")
	flag.Parse()
	script := filepath.Join("bench", "hold", "simpy_hold.py")

	var b bytes.Buffer
	fmt.Fprintf(&b, "# Engine: the hold model against SimPy\n\n")
	fmt.Fprintf(&b, "Regenerate with `make bench` (or `go run ./bench/hold -out bench/engine.md`). Measured %s on %s/%s, %d CPUs, %s.\n\n",
		time.Now().UTC().Format("2006-01-02"), runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.Version())
	fmt.Fprintf(&b, "The classic hold model (Vaucher and Duval 1975): each event schedules one more at now + Exp(mean = pending); ")
	fmt.Fprintf(&b, "%d events measured per size on the engine (CPU time of the process), %d on SimPy 2.3.1 (python3-simpy, CPU time, warm-up included). ", *events, *simpyEvents)
	fmt.Fprintf(&b, "The engine's figure includes dispatch through the Model interface, the event-log digest and the exponential draw.\n\n")
	fmt.Fprintf(&b, "| pending | engine ns/event | engine events/s | allocs/event | SimPy events/s | ratio |\n|---:|---:|---:|---:|---:|---:|\n")
	for _, n := range []int{1_000, 100_000, 1_000_000} {
		ns, allocs := measure(n, *events)
		rate := 1e9 / ns
		sp, err := 0.0, error(nil)
		if n <= 100_000 {
			sp, err = simpy(script, n, *simpyEvents)
		}
		spText, ratio := "not run", "–"
		if err != nil {
			spText = "failed: " + err.Error()
		} else if sp > 0 {
			spText, ratio = fmt.Sprintf("%.0f", sp), fmt.Sprintf("%.1fx", rate/sp)
		}
		fmt.Fprintf(&b, "| %d | %.0f | %.0f | %.4f | %s | %s |\n", n, ns, rate, allocs, spText, ratio)
	}
	fmt.Fprintf(&b, "\nSimPy is not run at 10^6 pending: a million Python processes take minutes to set up. Target (issue 2): at least 50x SimPy's events/s at 10^5 pending.\n")
	var w io.Writer = os.Stdout
	if *out != "" {
		if err := record.WriteFileAtomic(*out, func(w io.Writer) error { _, err := w.Write(b.Bytes()); return err }); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return
	}
	w.Write(b.Bytes())
}
