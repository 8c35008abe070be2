package scenarios

import (
	"errors"
	"strings"
	"testing"
)

const minimal = `name: tiny
city:
  osm: ../scenarios/data/osm/copenhagen_osterbro_trianglen_1km2.osm
start: 2024-05-14T06:00:00
timezone: Europe/Copenhagen
duration: 2h
seed: 3
`

func TestParseMinimal(t *testing.T) {
	t.Parallel()
	sc, err := Parse("tiny.yaml", []byte(minimal))
	if err != nil {
		t.Fatal(err)
	}
	if sc.Name != "tiny" || sc.Seed != 3 || sc.Duration.D.Hours() != 2 || sc.Outputs.Format != "arrow" {
		t.Fatalf("decoded %+v", sc)
	}
	if got := sc.StartTime.Format("2006-01-02T15:04:05-07:00"); got != "2024-05-14T06:00:00+02:00" {
		t.Fatalf("start %s (summer time in Copenhagen is UTC+2)", got)
	}
	if len(sc.SHA256) != 64 {
		t.Fatalf("sha256 %q", sc.SHA256)
	}
}

// bomb is a "billion laughs" document: six levels of ten aliases expand
// to a million strings.
const bomb = `x0: &a0 ["x","x","x","x","x","x","x","x","x","x"]
x1: &a1 [*a0,*a0,*a0,*a0,*a0,*a0,*a0,*a0,*a0,*a0]
x2: &a2 [*a1,*a1,*a1,*a1,*a1,*a1,*a1,*a1,*a1,*a1]
x3: &a3 [*a2,*a2,*a2,*a2,*a2,*a2,*a2,*a2,*a2,*a2]
x4: &a4 [*a3,*a3,*a3,*a3,*a3,*a3,*a3,*a3,*a3,*a3]
x5: &a5 [*a4,*a4,*a4,*a4,*a4,*a4,*a4,*a4,*a4,*a4]
`

func TestParseErrorsNamePlace(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, doc, want string
	}{
		{"unknown key", minimal + "speed: 3\n", `s.yaml:8:1`},
		{"unknown nested key", strings.Replace(minimal, "  osm:", "  pbf: x\n  osm:", 1), `s.yaml:3:3`},
		{"wrong type", strings.Replace(minimal, "seed: 3", "seed: three", 1), `s.yaml:7:7`},
		{"missing name", strings.Replace(minimal, "name: tiny\n", "", 1), "s.yaml:1:1: name: missing required field"},
		{"missing osm", strings.Replace(minimal, "  osm: ../scenarios/data/osm/copenhagen_osterbro_trianglen_1km2.osm\n", "  {}\n", 1), "s.yaml:2:1: city.osm: missing required field"},
		{"bad zone", strings.Replace(minimal, "Europe/Copenhagen", "Mars/Olympus", 1), `s.yaml:5:1: timezone: unknown time zone "Mars/Olympus"`},
		{"bad start", strings.Replace(minimal, "2024-05-14T06:00:00", "yesterday", 1), `s.yaml:4:1: start`},
		{"bad duration", strings.Replace(minimal, "2h", "soon", 1), `s.yaml:6`},
		{"zero duration", strings.Replace(minimal, "2h", "0s", 1), `duration: missing or not positive`},
		{"unknown model", minimal + "models:\n  teleporter: {}\n", `s.yaml:9:3: models.teleporter: unknown model`},
		{"bad format", minimal + "outputs:\n  format: xlsx\n", `s.yaml:9:3: outputs.format`},
		{"duplicate key", minimal + "seed: 4\n", `s.yaml:8:1`},
		{"not yaml", "name: [unclosed\n", `s.yaml:`},
		{"alias bomb", minimal + bomb, `s.yaml:12:38: aliases expand to more than`},
		// go-yaml v1.19.2 panics decoding a list tagged "!" (FuzzFeeds).
		{"tagged list", minimal + "models:\n  parking: {}\nfeeds: ! x\n", `s.yaml:10:8: cannot decode the value tagged "!"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse("s.yaml", []byte(c.doc))
			if err == nil {
				t.Fatal("no error")
			}
			if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %q, want it to contain %q", err, c.want)
			}
		})
	}
}

func TestParseDuration(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]float64{"90m": 5400, "2d": 172800, "1d6h": 108000, "0.5s": 0.5} {
		d, err := ParseDuration(in)
		if err != nil || d.Seconds() != want {
			t.Errorf("%s: %v %v", in, d, err)
		}
	}
	for _, bad := range []string{"", "d", "xd", "3 hours", "1dx"} {
		if _, err := ParseDuration(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}

// FuzzParse: no input makes the loader panic; every rejection wraps
// ErrInvalid.
func FuzzParse(f *testing.F) {
	f.Add([]byte(minimal))
	f.Add([]byte(minimal + "models:\n  traffic: {step: 1s}\n"))
	f.Add([]byte("name: x\nduration: 1d\n"))
	f.Add([]byte("&a [*a]"))
	f.Fuzz(func(t *testing.T, data []byte) {
		sc, err := Parse("fuzz.yaml", data)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("error does not wrap ErrInvalid: %v", err)
			}
			return
		}
		if sc.Name == "" || sc.Duration.D <= 0 {
			t.Fatalf("accepted an invalid scenario: %+v", sc)
		}
	})
}
