package main

import (
	"errors"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"citytwin/viz"
)

// viewRun is the viewer's bundled test run.
const viewRun = "../../viz/testdata/run"

func TestViewBadInput(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		args []string
		msg  string
	}{
		{"no run", []string{"view", t.TempDir()}, "manifest.json"},
		{"bad layer", []string{"view", viewRun, "--layers", "roads,cars"}, `"cars"`},
		{"bad size", []string{"view", viewRun, "--size", "big"}, "WIDTHxHEIGHT"},
		{"bad time", []string{"view", viewRun, "--at", "8 o'clock"}, "--at"},
		{"peak without diff", []string{"view", viewRun, "--at", "peak"}, "--at"},
		{"no base run", []string{"view", viewRun, "--diff", t.TempDir()}, "manifest.json"},
		{"bad metric", []string{"view", viewRun, "--diff", viewRun, "--metric", "colour"}, `"colour"`},
		{"follow and diff", []string{"view", viewRun, "--diff", viewRun, "--follow"}, "--follow"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			_, stderr, code := twin(t, nil, c.args...)
			if code != 2 || !strings.Contains(stderr, c.msg) {
				t.Fatalf("exit %d, stderr %q; want 2 naming %q", code, stderr, c.msg)
			}
		})
	}
}

func TestViewHelpDocumentsControls(t *testing.T) {
	t.Parallel()
	stdout, _, code := twin(t, nil, "view", "--help")
	for _, want := range []string{"mouse wheel", "space", "--screenshot", "slider"} {
		if code != 0 || !strings.Contains(stdout, want) {
			t.Fatalf("twin view --help (exit %d) does not mention %q", code, want)
		}
	}
}

// TestViewScreenshot captures a frame through twin view under a private
// Xvfb and checks the PNG.
func TestViewScreenshot(t *testing.T) {
	display, stop, err := viz.StartXvfb()
	if errors.Is(err, viz.ErrNoXvfb) {
		t.Skip("Xvfb is not installed")
	}
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	exe, err := viz.FindViewer(io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "frame.png")
	stdout, stderr, code := twin(t, []string{"DISPLAY=" + display, "LIBGL_ALWAYS_SOFTWARE=1", "TWIN_VIEWER=" + exe},
		"view", viewRun, "--screenshot", out, "--at", "08:05", "--size", "640x400", "--layers", "roads,traffic")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "08:05:00") {
		t.Errorf("stdout %q does not name the time", stdout)
	}
	diffOut := filepath.Join(t.TempDir(), "diff.png")
	stdout, stderr, code = twin(t, []string{"DISPLAY=" + display, "LIBGL_ALWAYS_SOFTWARE=1", "TWIN_VIEWER=" + exe},
		"view", viewRun, "--diff", viewRun, "--screenshot", diffOut, "--at", "peak", "--size", "640x400", "--layers", "roads")
	if code != 0 || !strings.Contains(stdout, "07:50:00") {
		t.Fatalf("diff: exit %d, stdout %q, stderr %s; want a frame at the start (no difference has no peak)", code, stdout, stderr)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 640 || b.Dy() != 400 {
		t.Fatalf("frame is %v", b)
	}
}
