package water

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// mixedINP uses what the EPANET examples in testdata do not: SI units,
// Darcy-Weisbach, valves of three kinds, a closed pipe, a check valve, a
// pump with a speed, several demand categories, an emitter, PDA options, a
// reservoir head pattern and a tank with a mixing model.
const mixedINP = `[TITLE]
mixed round trip
[JUNCTIONS]
J1 10 2.5 P1
J2 12 1.5
J3 11 0
J4 9 3 P1
V1b 10
[RESERVOIRS]
R1 5 P2
[TANKS]
T1 30 3 1 6 12.5 0 * YES
[PIPES]
P1 J1 J2 100 150 0.1 0.5 OPEN
P2 J2 J3 120.5 200 0.2 0 CV
P3 J3 T1 80 250 0.15
P4 J3 J4 60 100 0.1 0 CLOSED
P5 V1b J4 20 100 0.1
[PUMPS]
PU1 R1 J1 HEAD C1 SPEED 0.9
[VALVES]
V1 J2 V1b 100 PRV 25 0.2
V2 J1 J4 80 FCV 3.5
V3 J4 J3 80 TCV 2
[DEMANDS]
J2 1.0 P1 ;homes
J2 0.5 ;shops
[EMITTERS]
J3 0.3
[STATUS]
V3 CLOSED
[PATTERNS]
P1 0.5 0.8 1.2 1.5 1.1 0.9 0.7
P2 1 1.05
[CURVES]
;PUMP: pump curve
C1 0 60
C1 20 50
C1 40 30
[MIXING]
T1 2COMP 0.4
[OPTIONS]
UNITS LPS
HEADLOSS D-W
DEMAND MODEL PDA
MINIMUM PRESSURE 2
REQUIRED PRESSURE 20
PRESSURE EXPONENT 0.5
EMITTER EXPONENT 0.6
TRIALS 80
ACCURACY 0.0005
[TIMES]
DURATION 24:00
HYDRAULIC TIMESTEP 0:30
PATTERN TIMESTEP 2:00
REPORT TIMESTEP 1:00
START CLOCKTIME 6 AM
[COORDINATES]
J1 0 0
J2 100 0
J3 200 50
J4 100 -80.25
R1 -50 0
T1 250 80
V1b 150 -40
[VERTICES]
P1 50 10
P1 60 12
[END]
`

// roundTrip writes net and reads it back.
func roundTrip(t *testing.T, net *Network) (*Network, []byte) {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteINP(&buf, net); err != nil {
		t.Fatalf("WriteINP: %v", err)
	}
	back, err := ParseBytes(buf.Bytes())
	if err != nil {
		t.Fatalf("reading the written file back: %v\n%s", err, buf.Bytes())
	}
	return back, buf.Bytes()
}

func TestWriteINPRoundTrip(t *testing.T) {
	t.Parallel()
	cases := map[string]func() (*Network, error){
		"mixed": func() (*Network, error) {
			return ParseBytes([]byte(mixedINP))
		},
		"Anytown": func() (*Network, error) { return Load("testdata/Anytown.inp") },
		"Net2":    func() (*Network, error) { return Load("testdata/Net2.inp") },
	}
	for name, load := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			net, err := load()
			if err != nil {
				t.Fatal(err)
			}
			back, text := roundTrip(t, net)
			if diff := approxDiff("net", reflect.ValueOf(*net), reflect.ValueOf(*back)); diff != "" {
				t.Fatalf("read back differs: %s\nwritten:\n%s", diff, text)
			}
		})
	}
}

// TestWriteINPHydraulics runs the network and its written copy over a day:
// pressures and flows equal at every hydraulic step (where no EPANET binary
// is at hand, this is what shows the file means the same network).
func TestWriteINPHydraulics(t *testing.T) {
	t.Parallel()
	net, err := Load("testdata/Anytown.inp")
	if err != nil {
		t.Fatal(err)
	}
	back, _ := roundTrip(t, net)
	a, err := NewSimulator(net, DefaultSimOptions())
	if err != nil {
		t.Fatal(err)
	}
	b, err := NewSimulator(back, DefaultSimOptions())
	if err != nil {
		t.Fatal(err)
	}
	a.Init()
	b.Init()
	steps := 0
	for !a.Done() {
		if err := a.Solve(); err != nil {
			t.Fatal(err)
		}
		if err := b.Solve(); err != nil {
			t.Fatal(err)
		}
		if a.Time() != b.Time() {
			t.Fatalf("times differ: %d vs %d", a.Time(), b.Time())
		}
		for i := range net.Nodes {
			if pa, pb := a.NodePressure(i), b.NodePressure(i); math.Abs(pa-pb) > 1e-6 {
				t.Fatalf("t=%d node %s: pressure %v, written copy %v", a.Time(), net.Nodes[i].ID, pa, pb)
			}
		}
		for k := range net.Links {
			if qa, qb := a.LinkFlow(k), b.LinkFlow(k); math.Abs(qa-qb) > 1e-6*math.Max(1, math.Abs(qa)) {
				t.Fatalf("t=%d link %s: flow %v, written copy %v", a.Time(), net.Links[k].ID, qa, qb)
			}
		}
		steps++
		a.Advance()
		b.Advance()
	}
	if steps < 24 {
		t.Errorf("only %d hydraulic steps", steps)
	}
}

func TestWriteINPRefuses(t *testing.T) {
	t.Parallel()
	net, err := Load("testdata/Net1.inp")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteINP(&buf, net); !errors.Is(err, ErrNotWritable) {
		t.Fatalf("Net1 has controls: want ErrNotWritable, got %v", err)
	}
	if err := WriteINP(&buf, &Network{}); !errors.Is(err, ErrNotWritable) {
		t.Fatalf("no units: want ErrNotWritable, got %v", err)
	}
}

// approxDiff compares two values field by field, floats within a relative
// 1e-9 (the unit conversions of writing and reading round), and returns
// the first difference.
func approxDiff(path string, a, b reflect.Value) string {
	switch a.Kind() {
	case reflect.Float64, reflect.Float32:
		x, y := a.Float(), b.Float()
		if x == y || math.Abs(x-y) <= 1e-9*math.Max(math.Abs(x), math.Abs(y)) {
			return ""
		}
		return fmt.Sprintf("%s: %v vs %v", path, x, y)
	case reflect.Struct:
		for i := 0; i < a.NumField(); i++ {
			if d := approxDiff(path+"."+a.Type().Field(i).Name, a.Field(i), b.Field(i)); d != "" {
				return d
			}
		}
	case reflect.Slice, reflect.Array:
		if a.Len() != b.Len() {
			return fmt.Sprintf("%s: length %d vs %d", path, a.Len(), b.Len())
		}
		for i := 0; i < a.Len(); i++ {
			if d := approxDiff(fmt.Sprintf("%s[%d]", path, i), a.Index(i), b.Index(i)); d != "" {
				return d
			}
		}
	case reflect.Pointer:
		if a.IsNil() != b.IsNil() {
			return path + ": nil vs not nil"
		}
		if !a.IsNil() {
			return approxDiff(path, a.Elem(), b.Elem())
		}
	case reflect.Map:
		if a.Len() != b.Len() {
			return fmt.Sprintf("%s: %d entries vs %d", path, a.Len(), b.Len())
		}
		for _, k := range a.MapKeys() {
			if d := approxDiff(fmt.Sprintf("%s[%v]", path, k), a.MapIndex(k), b.MapIndex(k)); d != "" {
				return d
			}
		}
	case reflect.String:
		if a.String() != b.String() {
			return fmt.Sprintf("%s: %q vs %q", path, a.String(), b.String())
		}
	case reflect.Bool:
		if a.Bool() != b.Bool() {
			return fmt.Sprintf("%s: %v vs %v", path, a.Bool(), b.Bool())
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if a.Int() != b.Int() {
			return fmt.Sprintf("%s: %d vs %d", path, a.Int(), b.Int())
		}
	}
	return ""
}

// TestWriteINPAgainstEPANET: Net2 written by WriteINP and run by our solver
// matches EPANET 2.3.5's own results for the original file (the anchor,
// testdata/ref), hydraulics and water quality, at every report time.
func TestWriteINPAgainstEPANET(t *testing.T) {
	t.Parallel()
	net, err := Load("testdata/Net2.inp")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteINP(&buf, net); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "Net2-written.inp")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	runAgainstRef(t, path, "testdata/ref/Net2", true)
}
