package suite

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// RecordedFile holds the last full run's day-run and city-scale figures,
// beside the report; quick reports quote it.
const RecordedFile = "scale-recorded.json"

// Timed is one process run under /usr/bin/time -v.
type Timed struct {
	Command   string          `json:"command"`
	Date      string          `json:"date"`
	WallS     float64         `json:"wall_s"`
	UserS     float64         `json:"user_s"`
	SysS      float64         `json:"sys_s"`
	MaxRSSKiB int64           `json:"max_rss_kib"`
	OK        bool            `json:"ok"`
	Error     string          `json:"error,omitempty"`
	Result    json.RawMessage `json:"result,omitempty"` // the command's JSON output, when it prints one
	Note      string          `json:"note,omitempty"`
}

// Recorded is the content of RecordedFile.
type Recorded struct {
	Day     *Timed `json:"day,omitempty"`
	Million *Timed `json:"million,omitempty"`
}

// runOutcome is a section's body and its summary cells.
type runOutcome struct {
	headline, rss, source, markdown string
}

var timeFields = map[string]*regexp.Regexp{
	"wall": regexp.MustCompile(`Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)`),
	"user": regexp.MustCompile(`User time \(seconds\): (\S+)`),
	"sys":  regexp.MustCompile(`System time \(seconds\): (\S+)`),
	"rss":  regexp.MustCompile(`Maximum resident set size \(kbytes\): (\d+)`),
}

// runTimed runs args under /usr/bin/time -v from dir.
func runTimed(ctx context.Context, dir string, timeout time.Duration, args ...string) Timed {
	tm := Timed{Command: strings.Join(args, " "), Date: time.Now().UTC().Format("2006-01-02 15:04 UTC")}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var cmd *exec.Cmd
	timeBin := "/usr/bin/time"
	if _, err := os.Stat(timeBin); err == nil {
		cmd = exec.CommandContext(ctx, timeBin, append([]string{"-v"}, args...)...)
	} else {
		cmd = exec.CommandContext(ctx, args[0], args[1:]...)
	}
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	t0 := time.Now()
	err := cmd.Run()
	tm.WallS = time.Since(t0).Seconds()
	if err != nil {
		tm.Error = fmt.Sprintf("%v: %s", err, lastLines(stderr.String(), 3))
	} else {
		tm.OK = true
	}
	e := stderr.String()
	if m := timeFields["wall"].FindStringSubmatch(e); m != nil {
		tm.WallS = clockSeconds(m[1])
	}
	if m := timeFields["user"].FindStringSubmatch(e); m != nil {
		tm.UserS, _ = strconv.ParseFloat(m[1], 64)
	}
	if m := timeFields["sys"].FindStringSubmatch(e); m != nil {
		tm.SysS, _ = strconv.ParseFloat(m[1], 64)
	}
	if m := timeFields["rss"].FindStringSubmatch(e); m != nil {
		tm.MaxRSSKiB, _ = strconv.ParseInt(m[1], 10, 64)
	}
	if out := bytes.TrimSpace(stdout.Bytes()); json.Valid(out) {
		tm.Result = out
	}
	return tm
}

// clockSeconds reads time's h:mm:ss or m:ss.ss.
func clockSeconds(s string) float64 {
	total := 0.0
	for _, part := range strings.Split(s, ":") {
		v, _ := strconv.ParseFloat(part, 64)
		total = total*60 + v
	}
	return total
}

func readRecorded(root string) Recorded {
	var r Recorded
	data, err := os.ReadFile(filepath.Join(root, "bench", RecordedFile))
	if err == nil {
		_ = json.Unmarshal(data, &r)
	}
	return r
}

func writeRecorded(dir string, r Recorded) error {
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, RecordedFile), append(data, '\n'), 0o644)
}

// describe renders a timed run as the section body and summary cells.
func describe(tm *Timed, source string, limitS float64) runOutcome {
	if tm == nil {
		return runOutcome{headline: "not measured", rss: "not measured", source: source,
			markdown: "Not measured yet: run `twin bench` without `--quick`.\n"}
	}
	cpu := tm.UserS + tm.SysS
	o := runOutcome{source: source}
	o.headline = fmt.Sprintf("%.0f s wall, %.0f s CPU", tm.WallS, cpu)
	o.rss = fmt.Sprintf("%.2f GiB", float64(tm.MaxRSSKiB)/(1<<20))
	if !tm.OK {
		o.headline = "failed or cut: " + o.headline
	}
	met := "no"
	if tm.OK && tm.WallS <= limitS {
		met = "yes"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Command: `%s` (%s, %s).\n\n| wall s | CPU s (user+sys) | max RSS | within %.0f s wall |\n|---:|---:|---:|---|\n| %.0f | %.0f | %s | %s |\n\n",
		tm.Command, tm.Date, source, limitS, tm.WallS, cpu, o.rss, met)
	if tm.Error != "" {
		fmt.Fprintf(&b, "Error: `%s`\n\n", strings.ReplaceAll(tm.Error, "\n", " "))
	}
	if tm.Note != "" {
		b.WriteString(tm.Note + "\n\n")
	}
	if len(tm.Result) > 0 {
		b.WriteString("The command's own figures:\n\n" + fenced(string(tm.Result)))
	}
	o.markdown = b.String()
	return o
}

// dayRun runs the coupled default scenario over one day (full) or quotes
// the recorded run (quick).
func dayRun(ctx context.Context, o Options) runOutcome {
	if o.Quick || o.Exe == "" {
		return describe(readRecorded(o.Root).Day, "recorded full run, quoted", 120)
	}
	tm := runTimed(ctx, o.Root, time.Hour, o.Exe, "run", "scenarios/osterbro-day.yaml", "--out", filepath.Join(o.Work, "osterbro-day"))
	tm.Result = nil // the run prints its own summary, not JSON
	r := readRecorded(o.Root)
	r.Day = &tm
	_ = writeRecorded(filepath.Dir(o.Out), r)
	return describe(&tm, "this run", 120)
}

// cityScaleArgs is the command of the city-scale day: the 50,000-edge
// organic city with an arterial every 4 blocks, all of them primary (two
// lanes each way), trips drawn with a 2 km distance decay, 1 s steps (as
// SUMO's default), routes on the contraction hierarchy kept beside the
// city in work (built by the first run on a machine). bench/report.md
// explains the choices: the default synthetic city and uniform demand
// jam at a million trips.
func cityScaleArgs(work string) []string {
	return []string{"bench", "day", "--edges", "50000", "--trips", "1000000", "--layout", "organic",
		"--arterial-every", "4", "--primary-every", "1", "--decay-m", "2000", "--step", "1",
		"--hierarchy", "--reuse-hierarchy", "--work", work}
}

// cityScale runs the 1,000,000-trip day on the 50,000-edge synthetic city
// (full) or quotes the recorded run (quick).
func cityScale(ctx context.Context, o Options) runOutcome {
	if o.Quick || o.Exe == "" {
		return describe(readRecorded(o.Root).Million, "recorded full run, quoted", 600)
	}
	tm := runTimed(ctx, o.Root, 4*time.Hour, append([]string{o.Exe}, cityScaleArgs(o.Work)...)...)
	r := readRecorded(o.Root)
	r.Million = &tm
	_ = writeRecorded(filepath.Dir(o.Out), r)
	return describe(&tm, "this run", 600)
}

// Record runs only the day run ("day") or the city-scale day ("million")
// in full and stores it in RecordedFile beside o.Out, for quick reports
// to quote.
func Record(ctx context.Context, o Options, which string) error {
	o.Quick = false
	switch which {
	case "day":
		dayRun(ctx, o)
	case "million":
		cityScale(ctx, o)
	default:
		return fmt.Errorf("suite: --record %q: want day or million", which)
	}
	return nil
}
