package viz

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
)

// ViewerPackage is the import path of the viewer program.
const ViewerPackage = "citytwin/viz/cmd/twin-viewer"

// ErrNoXvfb is returned by StartXvfb when the Xvfb program is not
// installed.
var ErrNoXvfb = errors.New("viz: Xvfb is not installed")

// ErrNoViewer is returned when the viewer program can be neither found
// nor built.
var ErrNoViewer = errors.New("viz: viewer program twin-viewer not found")

// FindViewer returns the path of the twin-viewer program: $TWIN_VIEWER,
// else twin-viewer beside the running executable, else on PATH, else
// built with the Go toolchain from the citytwin source tree that holds
// the working directory (into the user cache folder; the go build cache
// makes later builds quick). log receives a note when it builds.
func FindViewer(log io.Writer) (string, error) {
	if p, err := LookViewer(); err == nil {
		return p, nil
	}
	root, ok := moduleRoot()
	if !ok {
		return "", ErrNoViewer
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	out := filepath.Join(cache, "citytwin", "twin-viewer")
	fmt.Fprintf(log, "building the viewer (%s) into %s\n", ViewerPackage, out)
	cmd := exec.Command("go", "build", "-o", out, ViewerPackage)
	cmd.Dir, cmd.Stdout, cmd.Stderr = root, log, log
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("%w: go build %s: %v", ErrNoViewer, ViewerPackage, err)
	}
	return out, nil
}

// LookViewer returns the path of an installed twin-viewer program:
// $TWIN_VIEWER, else twin-viewer beside the running executable (bin/ after
// make build), else on PATH. Unlike FindViewer it never builds one;
// ErrNoViewer when there is none.
func LookViewer() (string, error) {
	if p := os.Getenv("TWIN_VIEWER"); p != "" {
		return p, nil
	}
	if exe, err := os.Executable(); err == nil {
		p := filepath.Join(filepath.Dir(exe), "twin-viewer")
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p, nil
		}
	}
	if p, err := exec.LookPath("twin-viewer"); err == nil {
		return p, nil
	}
	return "", ErrNoViewer
}

// moduleRoot finds the folder of the citytwin go.mod at or above the
// working directory.
func moduleRoot() (string, bool) {
	dir, err := os.Getwd()
	if err != nil {
		return "", false
	}
	for {
		data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && bytes.HasPrefix(bytes.TrimSpace(data), []byte("module citytwin")) {
			return dir, true
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", false
		}
		dir = parent
	}
}
