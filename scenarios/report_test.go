package scenarios

import (
	"errors"
	"image"
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"citytwin/viz"
)

// closeRandersgade compares a half-hour Trianglen run (traffic and water)
// with the same run with Randersgade closed from the start.
func closeRandersgade(t *testing.T) (*Comparison, string) {
	t.Helper()
	dir := writeFiles(t, map[string]string{
		"base.yaml": `name: tri
city:
  osm: ` + mustAbs(t, "data/osm/copenhagen_osterbro_trianglen_1km2.osm") + `
start: 2024-05-14T07:50:00
timezone: Europe/Copenhagen
duration: 30m
seed: 1
models:
  traffic:
    edge_series: 5m
    demand:
      random_trips: 300
      depart_within: 20m
      min_distance_m: 300
  water:
    inp: ` + mustAbs(t, "data/water/Net3.inp") + `
    report: 5m
`,
		"close.yaml": "extends: base.yaml\nname: close\nchanges:\n  - kind: close_street\n    street: Randersgade\n    at: \"+0s\"\n",
	})
	load := func(name string) *Scenario {
		sc, err := Load(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return sc
	}
	c, err := Compare(load("base.yaml"), load("close.yaml"), CompareOptions{Out: filepath.Join(dir, "out"), Format: "arrow"})
	if err != nil {
		t.Fatal(err)
	}
	return c, dir
}

// buildViewer builds twin-viewer into a temporary folder.
func buildViewer(t *testing.T) string {
	t.Helper()
	exe := filepath.Join(t.TempDir(), "twin-viewer")
	if out, err := exec.Command("go", "build", "-o", exe, viz.ViewerPackage).CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", viz.ViewerPackage, err, out)
	}
	return exe
}

// TestReportMaps: a street closure's report has a traffic map in which
// the closed street is blue (less flow) and a water map without a
// coloured pixel (closing a street changes no pressure); without a viewer
// the report says so instead of failing.
func TestReportMaps(t *testing.T) {
	if _, err := exec.LookPath("Xvfb"); err != nil {
		t.Skip("Xvfb is not installed (Debian package xvfb)")
	}
	t.Setenv("DISPLAY", "") // the maps start their own Xvfb
	c, dir := closeRandersgade(t)
	noViewer := filepath.Join(dir, "no-viewer")
	path, err := c.WriteReportMaps(noViewer, MapOptions{ViewerErr: errors.New("twin-viewer: not found")})
	if err != nil {
		t.Fatal(err)
	}
	if md := readText(t, path); !strings.Contains(md, "No maps: twin-viewer: not found.") {
		t.Errorf("report without a viewer does not say why there are no maps:\n%s", md)
	}
	out := filepath.Join(dir, "report")
	path, err = c.WriteReportMaps(out, MapOptions{Viewer: buildViewer(t), StartDisplay: viz.StartXvfb, Size: "800x500"})
	if err != nil {
		t.Fatal(err)
	}
	md := readText(t, path)
	for _, want := range []string{"(maps/traffic.png)", "(maps/water.png)", "variant - base", "veh/h", "water node pressure: no difference"} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q:\n%s", want, md)
		}
	}
	if strings.Contains(md, "maps/grid.png") {
		t.Error("a map of the grid, which neither run has")
	}
	water := readImage(t, filepath.Join(out, "maps", "water.png"))
	// the legend's ramps (top left) and the time slider (bottom) are coloured whatever the data
	onMap := func(x, y int) bool { return y < 500-80 && (x > 44*6+16 || y > 300) }
	if n := countPixels(water, func(x, y int) bool { return onMap(x, y) && coloured(water, x, y) }); n > 0 {
		t.Errorf("water map: %d coloured pixels, want none (the closure does not touch the water network)", n)
	}
	traffic := readImage(t, filepath.Join(out, "maps", "traffic.png"))
	lines := streetLines(t, c.VariantRun.Dir, "Randersgade", 800, 500)
	onStreet := countPixels(traffic, func(x, y int) bool { return near(lines, x, y, 2) && blue(traffic, x, y) })
	if onStreet < 30 {
		t.Errorf("traffic map: %d blue pixels on Randersgade, want the closed street coloured (at least 30)", onStreet)
	}
}

func readText(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func readImage(t *testing.T, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return img
}

func rgb(img image.Image, x, y int) (int, int, int) {
	r, g, b, _ := img.At(x, y).RGBA()
	return int(r >> 8), int(g >> 8), int(b >> 8)
}

// coloured: clearly off the grey axis (the blue or red side of the
// difference scale).
func coloured(img image.Image, x, y int) bool {
	r, _, b := rgb(img, x, y)
	return r-b > 60 || b-r > 60
}

func blue(img image.Image, x, y int) bool {
	r, _, b := rgb(img, x, y)
	return b-r > 60
}

func countPixels(img image.Image, f func(x, y int) bool) int {
	n := 0
	for y := img.Bounds().Min.Y; y < img.Bounds().Max.Y; y++ {
		for x := img.Bounds().Min.X; x < img.Bounds().Max.X; x++ {
			if f(x, y) {
				n++
			}
		}
	}
	return n
}

// streetLines are the screen polylines (in a w×h frame fitted to the run,
// as the viewer draws it) of the road edges of a street.
func streetLines(t *testing.T, dir, street string, w, h int) [][][2]float64 {
	t.Helper()
	r, err := viz.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	tab, _, err := viz.ReadTable(dir, "road_edges")
	if err != nil {
		t.Fatal(err)
	}
	names, err := tab.Strings("name")
	if err != nil {
		t.Fatal(err)
	}
	cam := viz.Camera{W: w, H: h}
	cam.Fit(r.Bounds)
	roads := r.Set(viz.LayerRoads)
	var out [][][2]float64
	for e, name := range names {
		if name != street || e >= roads.Len() {
			continue
		}
		var l [][2]float64
		for _, p := range roads.Lines[e] {
			x, y := cam.ToScreen(orb.Point(p))
			l = append(l, [2]float64{x, y})
		}
		out = append(out, l)
	}
	if len(out) == 0 {
		t.Fatalf("no edge of %s", street)
	}
	return out
}

// near reports whether pixel (x, y) is within d px of one of the lines.
func near(lines [][][2]float64, x, y int, d float64) bool {
	px, py := float64(x)+0.5, float64(y)+0.5
	for _, l := range lines {
		for i := 1; i < len(l); i++ {
			a, b := l[i-1], l[i]
			dx, dy := b[0]-a[0], b[1]-a[1]
			f := 0.0
			if q := dx*dx + dy*dy; q > 0 {
				f = math.Max(0, math.Min(1, ((px-a[0])*dx+(py-a[1])*dy)/q))
			}
			if math.Hypot(px-a[0]-f*dx, py-a[1]-f*dy) <= d {
				return true
			}
		}
	}
	return false
}
