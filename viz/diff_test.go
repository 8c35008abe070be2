package viz

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"image"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"github.com/paulmach/orb"
)

// closedStreet is the street whose edges the modified test run loses all
// traffic on, as if it were closed.
const closedStreet = "Randersgade"

// copyRun copies the bundled run into a new folder.
func copyRun(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	entries, err := os.ReadDir(testRun)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(testRun, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, e.Name()), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// closedEdges are the ids of the edges of closedStreet.
func closedEdges(t testing.TB) map[string]bool {
	t.Helper()
	roads, _, err := ReadTable(testRun, "road_edges")
	if err != nil {
		t.Fatal(err)
	}
	ids, err := roads.Strings("edge")
	if err != nil {
		t.Fatal(err)
	}
	names, err := roads.Strings("name")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for i, n := range names {
		if n == closedStreet {
			out[ids[i]] = true
		}
	}
	if len(out) == 0 {
		t.Fatalf("no edge of %s in the bundled run", closedStreet)
	}
	return out
}

// rewriteEdgeSeries replaces dir's edge_series by a CSV copy of the
// bundled one without the rows of the dropped edges, each speed
// multiplied by speedFactor.
func rewriteEdgeSeries(t testing.TB, dir string, drop map[string]bool, speedFactor float64) {
	t.Helper()
	src, _, err := ReadTable(testRun, "edge_series")
	if err != nil {
		t.Fatal(err)
	}
	cols := []string{"t0_s", "t1_s", "edge", "flow_vph", "speed_mps", "density_vpkm", "queue_m"}
	vals := make([][]string, len(cols))
	for c, name := range cols {
		if vals[c], err = src.Strings(name); err != nil {
			t.Fatal(err)
		}
	}
	os.Remove(filepath.Join(dir, "edge_series.arrow"))
	f, err := os.Create(filepath.Join(dir, "edge_series.csv"))
	if err != nil {
		t.Fatal(err)
	}
	w := csv.NewWriter(f)
	w.Write(cols)
	for r := 0; r < src.Rows; r++ {
		if drop[vals[2][r]] {
			continue
		}
		row := make([]string, len(cols))
		for c := range cols {
			row[c] = vals[c][r]
		}
		if v, err := strconv.ParseFloat(row[4], 64); err == nil {
			row[4] = strconv.FormatFloat(v*speedFactor, 'g', -1, 64)
		}
		w.Write(row)
	}
	w.Flush()
	if err := errors.Join(w.Error(), f.Close()); err != nil {
		t.Fatal(err)
	}
}

// closedRun is a copy of the bundled run in which closedStreet carried
// no traffic.
func closedRun(t testing.TB) string {
	dir := copyRun(t)
	rewriteEdgeSeries(t, dir, closedEdges(t), 1)
	return dir
}

func mustLoad(t testing.TB, dir string) *Run {
	t.Helper()
	r, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestDiffOfItselfIsZero: a run minus itself is zero (or no data)
// everywhere, with a zero scale, zero KPIs and no peak time.
func TestDiffOfItselfIsZero(t *testing.T) {
	t.Parallel()
	r := mustLoad(t, testRun)
	d, err := Diff(r, mustLoad(t, testRun))
	if err != nil {
		t.Fatal(err)
	}
	if d.DiffBase != testRun || d.Vehicles != nil {
		t.Errorf("DiffBase %q, vehicles %v: want the base folder and none", d.DiffBase, d.Vehicles)
	}
	metrics := 0
	for _, set := range d.Sets {
		for _, m := range set.Metrics {
			metrics++
			if m.Lo != 0 || m.Hi != 0 {
				t.Errorf("%s %s: scale %g..%g, want 0..0", set.Kind, m.Name, m.Lo, m.Hi)
			}
			for k := range m.Times {
				for e, v := range m.Vals[k] {
					if v != 0 && !math.IsNaN(float64(v)) {
						t.Fatalf("%s %s: entity %d at %g s: %g, want 0", set.Kind, m.Name, e, m.Times[k], v)
					}
				}
			}
		}
	}
	if metrics < 6 {
		t.Errorf("%d difference metrics, want every metric of the run (at least 6)", metrics)
	}
	for model, kpis := range d.Manifest.KPIs {
		for _, k := range kpis {
			if k.Value != 0 {
				t.Errorf("KPI %s/%s: %g, want 0", model, k.Name, k.Value)
			}
		}
	}
	if p := d.PeakTime(AllLayers); p != 0 {
		t.Errorf("PeakTime %g, want 0", p)
	}
}

// TestDiffClosedStreet: with a street's traffic gone, its edges' flow
// difference is minus the baseline's flow (a missing row of a sparse
// series is zero), and every other edge's is zero.
func TestDiffClosedStreet(t *testing.T) {
	t.Parallel()
	base := mustLoad(t, testRun)
	d, err := Diff(base, mustLoad(t, closedRun(t)))
	if err != nil {
		t.Fatal(err)
	}
	if !d.UseMetric("flow") {
		t.Fatal("no flow difference")
	}
	closed := closedEdges(t)
	roads, baseRoads := d.Set(LayerRoads), base.Set(LayerRoads)
	flow, baseFlow := roads.Colouring(), baseRoads.metric("flow")
	negative := 0
	for k, tm := range flow.Times {
		for e, v := range flow.Vals[k] {
			b := baseFlow.At(e, tm) // NaN: no traffic in either run, no data
			want := 0 * b
			if closed[roads.IDs[e]] {
				want = -b
			}
			got := float64(v)
			if math.IsNaN(want) != math.IsNaN(got) || (!math.IsNaN(want) && math.Abs(got-want) > 1e-3) {
				t.Fatalf("edge %s at %g s: flow difference %g, want %g", roads.IDs[e], tm, got, want)
			}
			if got < 0 {
				negative++
			}
		}
	}
	if negative == 0 {
		t.Fatal("no edge lost flow")
	}
	if flow.Lo >= 0 || flow.Hi != -flow.Lo {
		t.Errorf("flow scale %g..%g, want symmetric about 0", flow.Lo, flow.Hi)
	}
	if p := d.PeakTime([]string{LayerRoads}); !slices.Contains(flow.Times, p) {
		t.Errorf("PeakTime %g is not a sample time", p)
	}
}

// diffShot captures a difference map (map only) of variant against the
// bundled run, at the peak time, with the roads coloured by flow.
func diffShot(t *testing.T, display, exe, variant, layers string) (*image.RGBA, float64) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "diff.png")
	cmd := exec.Command(exe, "-diff", testRun, "-at", "peak", "-layers", layers, "-size", "800x500",
		"-noui", "-json", "-screenshot", out, variant)
	cmd.Env = append(os.Environ(), "DISPLAY="+display, "LIBGL_ALWAYS_SOFTWARE=1")
	stdout, err := cmd.Output()
	if err != nil {
		t.Fatalf("twin-viewer: %v\n%s", err, stdout)
	}
	var info struct {
		AtS  float64 `json:"at_s"`
		Diff bool    `json:"diff"`
	}
	if err := json.Unmarshal(stdout, &info); err != nil || !info.Diff {
		t.Fatalf("-json printed %q (%v), want a difference frame", stdout, err)
	}
	return readPNG(t, out), info.AtS
}

// coloured reports whether a pixel is clearly off the grey axis, i.e. on
// the blue or red side of the difference ramp.
func coloured(img *image.RGBA, x, y int) bool {
	p := img.PixOffset(x, y)
	r, b := int(img.Pix[p]), int(img.Pix[p+2])
	return r-b > 60 || b-r > 60
}

// TestDiffFrames captures difference maps under Xvfb: the bundled run
// against itself has no coloured pixel; against the run with a street
// closed, the coloured pixels are all on that street, and it is blue (less
// flow) where its busiest edge runs.
func TestDiffFrames(t *testing.T) {
	display, exe := xvfbViewer(t)
	self, _ := diffShot(t, display, exe, testRun, "roads")
	for y := 0; y < 500; y++ {
		for x := 0; x < 800; x++ {
			if coloured(self, x, y) {
				t.Fatalf("run minus itself: pixel (%d,%d) is coloured", x, y)
			}
		}
	}
	variant := closedRun(t)
	img, at := diffShot(t, display, exe, variant, "traffic") // traffic means the roads in a difference map
	r := mustLoad(t, testRun)
	cam := Camera{W: 800, H: 500}
	cam.Fit(r.Bounds)
	roads, closed := r.Set(LayerRoads), closedEdges(t)
	var lines [][]orb.Point
	busiest, most := -1, 0.0
	for e := 0; e < roads.Len(); e++ {
		if closed[roads.IDs[e]] {
			lines = append(lines, roads.Lines[e])
			if v := roads.metric("flow").At(e, at); v > most {
				busiest, most = e, v
			}
		}
	}
	n := 0
	for y := 0; y < 500; y++ {
		for x := 0; x < 800; x++ {
			if !coloured(img, x, y) {
				continue
			}
			n++
			if d := screenDistance(&cam, lines, float64(x), float64(y)); d > 6 {
				t.Fatalf("pixel (%d,%d) is coloured %v but %.0f px from %s", x, y, img.At(x, y), d, closedStreet)
			}
		}
	}
	if n < 100 {
		t.Errorf("%d coloured pixels, want the closed street drawn (at least 100)", n)
	}
	if busiest < 0 {
		t.Fatalf("no traffic on %s at %g s in the baseline", closedStreet, at)
	}
	a, b := roads.Lines[busiest][0], roads.Lines[busiest][1]
	x, y := cam.ToScreen(orb.Point{(a[0] + b[0]) / 2, (a[1] + b[1]) / 2})
	p := img.PixOffset(int(x), int(y))
	if r, bl := img.Pix[p], img.Pix[p+2]; int(bl)-int(r) < 60 {
		t.Errorf("the busiest closed edge at (%.0f,%.0f) is %v, want blue (less flow)", x, y, img.At(int(x), int(y)))
	}
}

// screenDistance is the distance in px from (x, y) to the nearest of the
// polylines.
func screenDistance(cam *Camera, lines [][]orb.Point, x, y float64) float64 {
	best := math.Inf(1)
	for _, l := range lines {
		for i := 1; i < len(l); i++ {
			ax, ay := cam.ToScreen(l[i-1])
			bx, by := cam.ToScreen(l[i])
			dx, dy := bx-ax, by-ay
			f := 0.0
			if q := dx*dx + dy*dy; q > 0 {
				f = math.Max(0, math.Min(1, ((x-ax)*dx+(y-ay)*dy)/q))
			}
			best = math.Min(best, math.Hypot(x-ax-f*dx, y-ay-f*dy))
		}
	}
	return best
}

// BenchmarkDiff measures differencing the bundled run (every metric of
// every set) against the run with a street closed.
func BenchmarkDiff(b *testing.B) {
	base, variant := mustLoad(b, testRun), mustLoad(b, closedRun(b))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Diff(base, variant); err != nil {
			b.Fatal(err)
		}
	}
}
