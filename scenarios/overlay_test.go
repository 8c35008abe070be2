package scenarios

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const baseDoc = `name: base
city:
  osm: osm/city.osm
start: 2024-05-14T07:00:00
timezone: Europe/Copenhagen
duration: 2h
seed: 1
models:
  traffic:
    step: 1s
    demand: {random_trips: 10}
  water:
    inp: net.inp
changes:
  - kind: scale_demand
    factor: 2
`

func TestVariantExtendsBase(t *testing.T) {
	t.Parallel()
	dir := writeFiles(t, map[string]string{
		"base/base.yaml": baseDoc,
		"variant.yaml": `extends: base/base.yaml
name: variant
seed: 7
models:
  traffic:
    step: 0.5s
    demand: {random_trips: 20}
changes:
  - kind: close_street
    street: Main Street
    at: "07:30"
    until: "+1h"
`,
	})
	sc, err := Load(filepath.Join(dir, "variant.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if sc.Name != "variant" || sc.Seed != 7 || sc.Duration.D.Hours() != 2 {
		t.Fatalf("top-level keys: %+v", sc)
	}
	if _, ok := sc.Models["water"]; !ok {
		t.Fatal("the base's water section was lost")
	}
	if got := sc.Models["traffic"].String(); !strings.Contains(got, "0.5s") {
		t.Fatalf("traffic section not replaced by the variant's: %s", got)
	}
	if got := sc.Resolve(sc.City.OSM); got != filepath.Join(dir, "base", "osm", "city.osm") {
		t.Fatalf("the base's relative path resolves to %s", got)
	}
	if len(sc.Changes) != 2 || sc.Changes[0].Kind != "scale_demand" || sc.Changes[1].Kind != "close_street" {
		t.Fatalf("changes %+v", sc.Changes)
	}
	ch := sc.Changes[1]
	if ch.At.Offset.Minutes() != 30 || ch.Until.Offset.Minutes() != 60 {
		t.Fatalf("at %v until %v", ch.At.Offset, ch.Until.Offset)
	}
	if len(sc.ChangesFor("traffic")) != 2 || len(sc.ChangesFor("water")) != 0 {
		t.Fatal("ChangesFor")
	}
}

func TestVariantErrors(t *testing.T) {
	t.Parallel()
	cases := []struct{ name, variant, want string }{
		{"unknown kind", "changes:\n  - kind: teleport\n", `v.yaml:3:5: changes[1].kind: unknown change kind "teleport"`},
		{"field of another kind", "changes:\n  - kind: close_street\n    street: X\n    factor: 2\n", "v.yaml:5:5: changes[1].factor: does not apply to a close_street change"},
		{"model not running", "changes:\n  - kind: load_growth\n    factor: 2\n", "needs the grid model"},
		{"bad time", "changes:\n  - kind: close_street\n    street: X\n    at: noon\n", `time "noon"`},
		{"until before at", "changes:\n  - kind: close_street\n    street: X\n    at: \"08:00\"\n    until: \"07:30\"\n", "until: not after at"},
		{"unknown key", "changes:\n  - kind: close_street\n    streets: X\n", "v.yaml:4:5: unknown field \"streets\""},
		{"missing base", "extends: nowhere.yaml\n", "nowhere.yaml"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			v := c.variant
			if !strings.HasPrefix(v, "extends:") {
				v = "extends: base.yaml\n" + v
			}
			dir := writeFiles(t, map[string]string{"base.yaml": baseDoc, "v.yaml": v})
			_, err := Load(filepath.Join(dir, "v.yaml"))
			if err == nil || !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err %v, want one containing %q", err, c.want)
			}
		})
	}
}

func TestExtendsCycle(t *testing.T) {
	t.Parallel()
	dir := writeFiles(t, map[string]string{
		"a.yaml": "extends: b.yaml\nname: a\n",
		"b.yaml": "extends: a.yaml\nname: b\n",
	})
	if _, err := Load(filepath.Join(dir, "a.yaml")); err == nil || !strings.Contains(err.Error(), "cycle") {
		t.Fatalf("err %v", err)
	}
}

// TestBundledVariants: every bundled scenario validates, and a change that
// names a street the city lacks is refused with the street's name.
func TestBundledVariants(t *testing.T) {
	t.Parallel()
	files, _ := filepath.Glob("*.yaml")
	if len(files) < 5 {
		t.Fatalf("only %d bundled scenarios", len(files))
	}
	for _, f := range files {
		sc, err := Load(f)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := Build(sc); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
	}
	dir := writeFiles(t, map[string]string{"v.yaml": "extends: " + mustAbs(t, "osterbro.yaml") + "\nname: v\nchanges:\n  - kind: close_street\n    street: Champs-Élysées\n"})
	sc, err := Load(filepath.Join(dir, "v.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := Build(sc); err == nil || !strings.Contains(err.Error(), `"Champs-Élysées"`) {
		t.Fatalf("err %v", err)
	}
}

func mustAbs(t *testing.T, p string) string {
	a, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	return a
}
