//go:build !unix

package viz

// StartXvfb is only available on Unix systems; elsewhere it returns
// ErrNoXvfb.
func StartXvfb() (display string, stop func(), err error) { return "", nil, ErrNoXvfb }
