//go:build unix

package viz

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// StartXvfb starts a virtual X server (Xvfb, 1920×1080×24, no TCP) on the
// first free display number from 90 and waits for its socket. It returns
// the DISPLAY value and a stop function that kills the server. For tests
// and headless captures.
func StartXvfb() (display string, stop func(), err error) {
	bin, err := exec.LookPath("Xvfb")
	if err != nil {
		return "", nil, ErrNoXvfb
	}
	for n := 90; n < 190; n++ {
		lock := fmt.Sprintf("/tmp/.X%d-lock", n)
		sock := filepath.Join("/tmp/.X11-unix", fmt.Sprintf("X%d", n))
		if lockHeld(lock) {
			continue
		}
		display = fmt.Sprintf(":%d", n)
		cmd := exec.Command(bin, display, "-screen", "0", "1920x1080x24", "-nolisten", "tcp")
		if err := cmd.Start(); err != nil {
			return "", nil, err
		}
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		stop = func() {
			// SIGTERM lets Xvfb remove its lock and socket; SIGKILL would
			// leave them behind.
			cmd.Process.Signal(syscall.SIGTERM)
			select {
			case <-done:
			case <-time.After(5 * time.Second):
				cmd.Process.Kill()
				<-done
				os.Remove(lock)
				os.Remove(sock)
			}
		}
		for wait := 0; wait < 100; wait++ {
			select {
			case <-done:
				// lost the race for this number, or it failed: try the next
				wait = 100
				continue
			case <-time.After(100 * time.Millisecond):
			}
			if exists(sock) {
				return display, stop, nil
			}
		}
		stop()
	}
	return "", nil, errors.New("viz: could not start Xvfb on displays :90-:189")
}

// lockHeld reports whether an X lock file names a live process (Xvfb
// itself replaces stale locks).
func lockHeld(lock string) bool {
	data, err := os.ReadFile(lock)
	if err != nil {
		return false
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(data)))
	if err != nil || pid <= 0 {
		return true // unreadable: leave it alone
	}
	return syscall.Kill(pid, 0) == nil
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
