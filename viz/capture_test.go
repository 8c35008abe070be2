package viz

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/paulmach/orb"
)

var update = flag.Bool("update", false, "rewrite the golden frames in testdata/golden")

// testRun is the bundled run the frame tests capture.
const testRun = "testdata/run"

// viewer builds the twin-viewer program once per test binary.
var viewer = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "twin-viewer")
	if err != nil {
		return "", err
	}
	exe := filepath.Join(dir, "twin-viewer")
	out, err := exec.Command("go", "build", "-o", exe, ViewerPackage).CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build %s: %v\n%s", ViewerPackage, err, out)
	}
	return exe, nil
})

// shotSpec mirrors twin-viewer's -shots entries.
type shotSpec struct {
	Path   string    `json:"path"`
	Layers string    `json:"layers"`
	At     float64   `json:"at"`
	Size   string    `json:"size"`
	NoUI   bool      `json:"noui"`
	Click  []float64 `json:"click"`
}

// xvfbViewer starts a private Xvfb for the test (stopped at its end) and
// builds the viewer; it skips the test when Xvfb is not installed.
func xvfbViewer(t *testing.T) (display, exe string) {
	t.Helper()
	display, stop, err := StartXvfb()
	if errors.Is(err, ErrNoXvfb) {
		t.Skip("Xvfb is not installed (Debian package xvfb)")
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	if exe, err = viewer(); err != nil {
		t.Fatal(err)
	}
	return display, exe
}

// capture renders the shots of the bundled run in one twin-viewer process
// under a fresh Xvfb, with Mesa's software rasterizer. It skips the test
// when Xvfb is not installed.
func capture(t *testing.T, shots []shotSpec) []*image.RGBA {
	t.Helper()
	display, exe := xvfbViewer(t)
	dir := t.TempDir()
	for i := range shots {
		shots[i].Path = filepath.Join(dir, fmt.Sprintf("shot%02d.png", i))
	}
	spec := filepath.Join(dir, "shots.json")
	data, _ := json.Marshal(shots)
	if err := os.WriteFile(spec, data, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-shots", spec, testRun)
	cmd.Env = append(os.Environ(), "DISPLAY="+display, "LIBGL_ALWAYS_SOFTWARE=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("twin-viewer: %v\n%s", err, out)
	}
	imgs := make([]*image.RGBA, len(shots))
	for i, s := range shots {
		imgs[i] = readPNG(t, s.Path)
	}
	return imgs
}

func readPNG(t *testing.T, path string) *image.RGBA {
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
	out := image.NewRGBA(img.Bounds())
	for y := img.Bounds().Min.Y; y < img.Bounds().Max.Y; y++ {
		for x := img.Bounds().Min.X; x < img.Bounds().Max.X; x++ {
			out.Set(x, y, img.At(x, y))
		}
	}
	return out
}

// pixelTolerance is the largest channel difference (of 255) two pixels
// may have and still count as equal: anti-aliasing and rasterizer
// versions differ a little.
const pixelTolerance = 24

// differing counts the pixels of a and b that differ by more than the
// tolerance in some channel.
func differing(a, b *image.RGBA) int {
	if a.Bounds() != b.Bounds() {
		return a.Bounds().Dx() * a.Bounds().Dy()
	}
	n := 0
	for i := 0; i < len(a.Pix); i += 4 {
		for c := 0; c < 3; c++ {
			d := int(a.Pix[i+c]) - int(b.Pix[i+c])
			if d > pixelTolerance || d < -pixelTolerance {
				n++
				break
			}
		}
	}
	return n
}

// TestGoldenFrames captures frames of the bundled run and compares them
// with the golden PNGs: at most 0.5 % of the pixels may differ beyond the
// tolerance.
func TestGoldenFrames(t *testing.T) {
	cases := []struct {
		name string
		shot shotSpec
	}{
		{"all_0800", shotSpec{Layers: "all", At: 600, Size: "1000x640"}},
		{"traffic_0810_map", shotSpec{Layers: "buildings,roads,traffic", At: 1200, Size: "800x500", NoUI: true}},
		{"grid_water_0750", shotSpec{Layers: "grid,water", At: 0, Size: "800x500"}},
		{"road_selected_0805", shotSpec{Layers: "buildings,roads", At: 900, Size: "800x500", Click: roadClick(t, 800, 500)}},
	}
	shots := make([]shotSpec, len(cases))
	for i, c := range cases {
		shots[i] = c.shot
	}
	imgs := capture(t, shots)
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			golden := filepath.Join("testdata", "golden", c.name+".png")
			if *update {
				data, err := os.ReadFile(shots[i].Path)
				if err != nil {
					t.Fatal(err)
				}
				os.MkdirAll(filepath.Dir(golden), 0o755)
				if err := os.WriteFile(golden, data, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want := readPNG(t, golden)
			got := imgs[i]
			n, total := differing(got, want), got.Bounds().Dx()*got.Bounds().Dy()
			if n*200 > total {
				keep := filepath.Join(os.TempDir(), "viz-"+c.name+".png")
				data, _ := os.ReadFile(shots[i].Path)
				os.WriteFile(keep, data, 0o644)
				t.Fatalf("%d of %d pixels differ from %s (frame kept as %s; refresh with -update)", n, total, golden, keep)
			}
		})
	}
}

// roadClick is the screen point of the middle of the busiest road edge's
// first segment in a w×h frame of the bundled run.
func roadClick(t *testing.T, w, h int) []float64 {
	r, err := Load(testRun)
	if err != nil {
		t.Fatal(err)
	}
	roads := r.Set(LayerRoads)
	flow := roads.Metrics[1]
	best, most := 0, -1.0
	for e := 0; e < roads.Len(); e++ {
		if v := flow.At(e, 900); v > most {
			best, most = e, v
		}
	}
	cam := Camera{W: w, H: h}
	cam.Fit(r.Bounds)
	a, b := roads.Lines[best][0], roads.Lines[best][1]
	x, y := cam.ToScreen(orb.Point{(a[0] + b[0]) / 2, (a[1] + b[1]) / 2})
	return []float64{x, y}
}

// TestEveryLayerDraws captures the map (no panels) with each layer alone
// and with everything but that layer: the layer's pixels must appear when
// it is on and vanish when it is off.
func TestEveryLayerDraws(t *testing.T) {
	const size = "640x400"
	shots := []shotSpec{{Layers: "none", Size: size, At: 600, NoUI: true}, {Layers: "all", Size: size, At: 600, NoUI: true}}
	for _, l := range AllLayers {
		var rest string
		for _, m := range AllLayers {
			if m != l {
				if rest != "" {
					rest += ","
				}
				rest += m
			}
		}
		shots = append(shots, shotSpec{Layers: l, Size: size, At: 600, NoUI: true},
			shotSpec{Layers: rest, Size: size, At: 600, NoUI: true})
	}
	imgs := capture(t, shots)
	none, all := imgs[0], imgs[1]
	if n := differing(none, uniform(none, ColBackground)); n != 0 {
		t.Errorf("with no layer on, %d pixels are not background", n)
	}
	for i, l := range AllLayers {
		alone, without := imgs[2+2*i], imgs[3+2*i]
		// a few vehicles are only a few dozen pixels
		minPixels := 40
		if n := differing(alone, none); n < minPixels {
			t.Errorf("layer %s alone draws %d pixels, want at least %d", l, n, minPixels)
		}
		if n := differing(all, without); n < minPixels/2 {
			t.Errorf("turning layer %s off changes %d pixels, want at least %d", l, n, minPixels/2)
		}
	}
}

func uniform(like *image.RGBA, c interface{ RGBA() (r, g, b, a uint32) }) *image.RGBA {
	out := image.NewRGBA(like.Bounds())
	r, g, b, _ := c.RGBA()
	for i := 0; i < len(out.Pix); i += 4 {
		out.Pix[i], out.Pix[i+1], out.Pix[i+2], out.Pix[i+3] = uint8(r>>8), uint8(g>>8), uint8(b>>8), 255
	}
	return out
}
