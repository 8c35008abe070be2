package scenarios

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
)

// Duration is a scenario duration: Go syntax ("90m", "1h30m", "0.5s") or
// days ("2d", "1d12h"). No duration of a scenario is negative. Set says
// the key was in the file, which tells an explicit 0 from a default.
type Duration struct {
	D   time.Duration
	Set bool
}

// UnmarshalYAML reads a duration string; an error carries the node's
// position.
func (d *Duration) UnmarshalYAML(node ast.Node) error {
	s := strings.Trim(strings.TrimSpace(node.String()), `"'`)
	v, err := ParseDuration(s)
	if err != nil {
		return NodeError(node, err.Error())
	}
	if v < 0 {
		return NodeError(node, fmt.Sprintf("duration %q: must not be negative", s))
	}
	d.D, d.Set = v, true
	return nil
}

// keyed is a duration of a section with its key in the section.
type keyed struct {
	key string
	d   Duration
}

// positive reports the first of ds given as 0, at section.key: for the
// keys it is asked of (time steps, intervals, windows), 0 has no meaning,
// and leaving the default in its place would hide the mistake.
func (env *Env) positive(section string, ds ...keyed) error {
	for _, d := range ds {
		if d.d.Set && d.d.D <= 0 {
			return env.Invalid(section+"."+d.key, "want a positive duration, got %s", d.d.D)
		}
	}
	return nil
}

// NodeError is an error at a YAML node, reported with its line and column
// like the YAML library's own errors.
func NodeError(node ast.Node, msg string) error {
	return &yaml.SyntaxError{Message: msg, Token: node.GetToken()}
}

// MarshalYAML writes the duration in Go syntax.
func (d Duration) MarshalYAML() ([]byte, error) { return []byte(d.D.String()), nil }

// ParseDuration parses Go duration syntax with an optional leading day
// count ("2d", "1d6h").
func ParseDuration(s string) (time.Duration, error) {
	var days time.Duration
	if i := strings.Index(s, "d"); i > 0 {
		n, err := strconv.ParseFloat(s[:i], 64)
		if err != nil {
			return 0, fmt.Errorf("duration %q: %w", s, err)
		}
		days = time.Duration(n * float64(24*time.Hour))
		s = s[i+1:]
		if s == "" {
			return days, nil
		}
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("duration %q: want like 90m, 4h or 2d", s)
	}
	return days + v, nil
}
