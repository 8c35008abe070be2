package scenarios

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"citytwin/engine/record"
)

// MapOptions says how a comparison report gets its difference maps. The
// maps are drawn by the viewer program (twin-viewer -diff), which needs a
// display: the one in $DISPLAY, else one that StartDisplay starts.
type MapOptions struct {
	Viewer       string                                          // path of twin-viewer; "" = no maps (the report says why)
	ViewerErr    error                                           // why there is no viewer, for the report
	StartDisplay func() (display string, stop func(), err error) // e.g. viz.StartXvfb; nil = $DISPLAY only
	Size         string                                          // image size WIDTHxHEIGHT px; default 1200x800
}

// diffMap is one difference map of a report: one model's layers, the
// variant's first replication minus the baseline's.
type diffMap struct {
	Model, File, Title string
	AtS                float64 // the time shown, s after the start
	Clock              string  // the time shown, HH:MM:SS
	Scales             []mapScale
}

// mapScale is one colour scale of a map, as the viewer reports it.
type mapScale struct {
	Kind   string  `json:"kind"`
	Metric string  `json:"metric"`
	Unit   string  `json:"unit"`
	Lo     float64 `json:"lo"`
	Hi     float64 `json:"hi"`
}

// mapLayers are the viewer layers of each model's map, in report order,
// and what the map shows.
var mapLayers = []struct{ model, layers, title string }{
	{"traffic", "roads", "Traffic: change in flow on each road edge"},
	{"parking", "buildings,parking", "Parking: change in occupancy of each car park"},
	{"waste", "buildings,waste", "Waste: change in bin fill"},
	{"grid", "buildings,grid", "Grid: change in line loading and bus voltage"},
	{"water", "buildings,water", "Water: change in node pressure and pipe flow"},
}

// maps draws one difference map per model both runs ran, at the time of
// its largest difference (twin-viewer -at peak: the sample where the sum
// over entities of |difference| / scale is largest), into dir/maps. The
// note says why maps are missing, "" when all were made.
func (c *Comparison) maps(dir string, o MapOptions) ([]diffMap, string) {
	if o.Viewer == "" {
		why := "the viewer program twin-viewer was not found (make build puts it in bin/)"
		if o.ViewerErr != nil {
			why = o.ViewerErr.Error()
		}
		return nil, "No maps: " + why + "."
	}
	display := os.Getenv("DISPLAY")
	if display == "" {
		if o.StartDisplay == nil {
			return nil, "No maps: no display (DISPLAY is not set) and none to start."
		}
		d, stop, err := o.StartDisplay()
		if err != nil {
			return nil, fmt.Sprintf("No maps: no display (DISPLAY is not set) and Xvfb could not start: %v.", err)
		}
		defer stop()
		display = d
	}
	if o.Size == "" {
		o.Size = "1200x800"
	}
	if err := os.MkdirAll(filepath.Join(dir, "maps"), 0o755); err != nil {
		return nil, fmt.Sprintf("No maps: %v.", err)
	}
	var out []diffMap
	var failed []string
	for _, ml := range mapLayers {
		if !slices.Contains(c.BaseRun.Manifest.Models, ml.model) || !slices.Contains(c.VariantRun.Manifest.Models, ml.model) {
			continue
		}
		m, err := c.drawMap(dir, display, ml.model, ml.layers, o)
		if err != nil {
			failed = append(failed, fmt.Sprintf("%s (%v)", ml.model, err))
			continue
		}
		m.Title = ml.title
		out = append(out, m)
	}
	if len(failed) > 0 {
		return out, "Maps not made: " + strings.Join(failed, "; ") + "."
	}
	return out, ""
}

// drawMap runs the viewer for one model's map.
func (c *Comparison) drawMap(dir, display, model, layers string, o MapOptions) (diffMap, error) {
	file := filepath.Join("maps", model+".png")
	cmd := exec.Command(o.Viewer, "-diff", c.BaseRun.Dir, "-at", "peak", "-layers", layers, "-size", o.Size,
		"-json", "-screenshot", filepath.Join(dir, file), c.VariantRun.Dir)
	cmd.Env = append(os.Environ(), "DISPLAY="+display, "LIBGL_ALWAYS_SOFTWARE=1")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return diffMap{}, fmt.Errorf("%s: %v: %s", filepath.Base(o.Viewer), err, lastLine(stderr.String()))
	}
	var info struct {
		AtS    float64    `json:"at_s"`
		Clock  string     `json:"clock"`
		Scales []mapScale `json:"scales"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &info); err != nil {
		return diffMap{}, fmt.Errorf("%s printed %q: %v", filepath.Base(o.Viewer), stdout.String(), err)
	}
	return diffMap{Model: model, File: filepath.ToSlash(file), AtS: info.AtS, Clock: info.Clock, Scales: info.Scales}, nil
}

// lastLine is the last non-empty line of s (the viewer's error).
func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

// mapsMarkdown writes the maps section of the report.
func mapsMarkdown(w io.Writer, maps []diffMap, note string) {
	if len(maps) == 0 && note == "" {
		return
	}
	fmt.Fprintf(w, "\n## Maps of the differences\n\n")
	fmt.Fprintf(w, "Each map shows the variant minus the baseline (variant - base), entity by entity, for the first replication: blue where the variant has less, red where it has more, grey where they agree; entities without data in either run are drawn in the no-data grey. The colour scale is symmetric about zero and ends at the 98th percentile of the non-zero differences over the run. Each map is drawn at the time of its largest difference (the sample time at which the differences, each divided by its scale, sum highest).\n")
	for _, m := range maps {
		fmt.Fprintf(w, "\n### %s\n\nAt %s.", m.Title, m.Clock)
		for _, s := range m.Scales {
			if s.Hi == 0 {
				fmt.Fprintf(w, " %s %s: no difference.", s.Kind, s.Metric)
				continue
			}
			fmt.Fprintf(w, " %s %s: %s.", s.Kind, s.Metric, strings.TrimSpace(fmt.Sprintf("%.3g to +%.3g %s", s.Lo, s.Hi, s.Unit)))
		}
		fmt.Fprintf(w, "\n\n![%s](%s)\n", m.Title, m.File)
	}
	if note != "" {
		fmt.Fprintf(w, "\n%s\n", note)
	}
}

// WriteReportMaps is WriteReport with the maps of the differences: it
// writes the charts, one difference map per model into dir/maps (see
// MapOptions; when they cannot be made the report says why instead), and
// report.md.
func (c *Comparison) WriteReportMaps(dir string, o MapOptions) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	charts, err := c.charts(dir)
	if err != nil {
		return "", err
	}
	maps, note := c.maps(dir, o)
	path := filepath.Join(dir, "report.md")
	return path, record.WriteFileAtomic(path, func(w io.Writer) error {
		if err := c.markdownBody(w, charts); err != nil {
			return err
		}
		mapsMarkdown(w, maps, note)
		c.markdownRuns(w)
		return nil
	})
}
