package viz

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// touchManifest rewrites dir's manifest.json with another wall time, as a
// live mirror does after writing its tables (atomically: a temporary file
// renamed).
func touchManifest(t *testing.T, dir string, wall float64) {
	t.Helper()
	path := filepath.Join(dir, "manifest.json")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	m["wall_time_s"] = wall
	if data, err = json.MarshalIndent(m, "", "  "); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path+".tmp", data, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(path+".tmp", path); err != nil {
		t.Fatal(err)
	}
}

// TestFollow starts the viewer following a run folder under Xvfb, rewrites
// the run (every speed a fifth of what it was, then the manifest), and
// checks that the viewer reloads it: the second frame differs from the
// first and matches a fresh capture of the rewritten run.
func TestFollow(t *testing.T) {
	display, exe := xvfbViewer(t)
	dir, out := copyRun(t), filepath.Join(t.TempDir(), "follow.png")
	env := append(os.Environ(), "DISPLAY="+display, "LIBGL_ALWAYS_SOFTWARE=1")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	args := []string{"-layers", "roads", "-size", "640x400", "-noui", "-screenshot", out}
	cmd := exec.CommandContext(ctx, exe, append([]string{"-follow", dir, "-follow-frames", "2"}, args...)...)
	cmd.Env = env
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(stdout)
	next := func() string {
		if !lines.Scan() {
			cmd.Wait()
			t.Fatalf("the viewer ended before writing a frame: %v", lines.Err())
		}
		return lines.Text()
	}
	if l := next(); !strings.HasPrefix(l, "follow: frame 1 at 08:20:00") {
		t.Fatalf("first line %q, want frame 1 at the end of the run", l)
	}
	first := readPNG(t, out)
	rewriteEdgeSeries(t, dir, nil, 0.2)
	touchManifest(t, dir, 42)
	if l := next(); !strings.HasPrefix(l, "follow: frame 2") {
		t.Fatalf("second line %q, want frame 2", l)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("viewer: %v", err)
	}
	second := readPNG(t, out)
	if n := differing(first, second); n < 500 {
		t.Errorf("the frame after the rewrite differs in %d pixels, want the roads recoloured (at least 500)", n)
	}
	fresh := filepath.Join(t.TempDir(), "fresh.png")
	capt := exec.CommandContext(ctx, exe, append([]string{"-at", "1800"}, append(args[:len(args)-1], fresh, dir)...)...)
	capt.Env = env
	if b, err := capt.CombinedOutput(); err != nil {
		t.Fatalf("viewer: %v\n%s", err, b)
	}
	if n := differing(second, readPNG(t, fresh)); n > 0 {
		t.Errorf("the reloaded frame differs from a fresh capture of the rewritten run in %d pixels", n)
	}
}
