package suite

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// anchor is one model's comparison with its reference.
type anchor struct {
	key      string   // section id
	title    string   // section title
	recorded string   // the model's committed report, relative to the repository root
	anchorIs string   // what the reference is, and whether it runs here
	cmd      []string // the full run, from the repository root; nil: quoted only
	timeout  time.Duration
}

// anchors lists the comparisons, in report order. The commands are the
// ones `make bench` ran before the suite existed.
var anchors = []anchor{
	{key: "engine", title: "Engine: hold model against SimPy", recorded: "bench/engine.md",
		anchorIs: "SimPy 2.3.1 (Debian python3-simpy), run in the same process tree",
		cmd:      []string{"go", "run", "./bench/hold"}, timeout: 20 * time.Minute},
	{key: "traffic", title: "Traffic against SUMO", recorded: "bench/traffic.md",
		anchorIs: "SUMO 1.15 microscopic and mesoscopic (Debian sumo), same network and trips",
		cmd:      []string{"go", "run", "./bench/traffic", "-work", ".cache/traffic-bench"}, timeout: 90 * time.Minute},
	{key: "water", title: "Water: hydraulic step against EPANET", recorded: "bench/water.md",
		anchorIs: "EPANET 2.3.5 step times recorded in issue 4 (EPANET does not run here)",
		cmd:      []string{"go", "test", "./models/water", "-run", "^$", "-bench", "HydraulicStep", "-benchtime", "5x"}, timeout: 20 * time.Minute},
	{key: "grid", title: "Grid: AC power flow against MATPOWER", recorded: "bench/grid.md",
		anchorIs: "MATPOWER's recorded solutions and iteration counts (MATPOWER does not run here)",
		cmd:      []string{"go", "test", "./models/grid", "./models/internal/sparse", "-run", "^$", "-bench", ".", "-benchtime", "1s"}, timeout: 30 * time.Minute},
	{key: "cvrp", title: "Waste: CVRP solver against best-known solutions", recorded: "bench/cvrp.md",
		anchorIs: "CVRPLIB best-known costs (bks.csv in the shared data)",
		cmd:      []string{"go", "run", "./bench/cvrp", "-sets", "A,B,P,CMT", "-time", "2s"}, timeout: 60 * time.Minute},
	{key: "feed", title: "Sensor feed load (MQTT)", recorded: "bench/feed.md",
		anchorIs: "Mosquitto (Debian) as the broker; the target is the issue's message rate",
		cmd:      []string{"go", "run", "./bench/feed", "-broker", "mosquitto", "-duration", "60s"}, timeout: 10 * time.Minute},
	{key: "parking", title: "Parking", recorded: "bench/parking.md", anchorIs: "recorded figures of the parking report"},
	{key: "city", title: "City import and routing", recorded: "bench/city.md", anchorIs: "osmium and netconvert figures recorded in the city report"},
	{key: "viewer", title: "Viewer frame time", recorded: "bench/viewer.md",
		anchorIs: "frame-time target of the viewer issue (needs a display or Xvfb; quoted, not run by the suite)"},
}

// runAnchor runs a's command from root, or quotes its recorded report when
// quick or when it has no command. It returns the section's Markdown body.
func runAnchor(ctx context.Context, a anchor, root string, quick bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Anchor: %s.\n\n", a.anchorIs)
	if quick || a.cmd == nil {
		why := "not re-run by `--quick`"
		if a.cmd == nil {
			why = "the suite does not run it"
		}
		fmt.Fprintf(&b, "Quoted from [%s](%s) (%s); its first table:\n\n", a.recorded, relLink(a.recorded), why)
		b.WriteString(firstTable(filepath.Join(root, a.recorded)))
		return b.String()
	}
	ctx, cancel := context.WithTimeout(ctx, a.timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, a.cmd[0], a.cmd[1:]...)
	cmd.Dir = root
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	t0 := time.Now()
	err := cmd.Run()
	fmt.Fprintf(&b, "Measured in this run: `%s` (%.0f s wall).\n\n", strings.Join(a.cmd, " "), time.Since(t0).Seconds())
	if err != nil {
		fmt.Fprintf(&b, "**The command failed: %v.** Its recorded report, [%s](%s), first table:\n\n", err, a.recorded, relLink(a.recorded))
		b.WriteString(firstTable(filepath.Join(root, a.recorded)))
		b.WriteString("\nOutput of the failed run (last lines):\n\n")
		b.WriteString(fenced(lastLines(out.String(), 20)))
		return b.String()
	}
	if strings.HasPrefix(a.cmd[1], "test") {
		b.WriteString(fenced(benchLines(out.String())))
	} else {
		b.WriteString(demoteHeadings(out.String()))
	}
	return b.String()
}

// relLink is the link to a repository file from bench/report.md.
func relLink(path string) string { return strings.TrimPrefix(path, "bench/") }

// firstTable returns the first Markdown table of the file (with the line
// before it when that is a heading or caption), or a note that there is
// none.
func firstTable(path string) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Sprintf("_(%s: %v)_\n", filepath.Base(path), err)
	}
	var out []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(strings.TrimSpace(line), "|") {
			out = append(out, line)
			continue
		}
		if len(out) > 0 {
			break
		}
	}
	if len(out) == 0 {
		return "_(no table in " + filepath.Base(path) + ")_\n"
	}
	return strings.Join(out, "\n") + "\n"
}

// benchLines keeps the Benchmark result lines and the package lines of go
// test -bench output.
func benchLines(s string) string {
	var keep []string
	for _, l := range strings.Split(s, "\n") {
		if strings.HasPrefix(l, "Benchmark") || strings.HasPrefix(l, "ok ") || strings.HasPrefix(l, "pkg:") || strings.HasPrefix(l, "cpu:") {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "\n")
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

func fenced(s string) string { return "```\n" + strings.TrimRight(s, "\n") + "\n```\n" }

// demoteHeadings moves a program's Markdown headings three levels down so
// they nest under the report's section.
func demoteHeadings(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "#") {
			lines[i] = "###" + l
		}
	}
	return strings.Join(lines, "\n")
}
