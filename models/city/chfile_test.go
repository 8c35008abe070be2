package city

import (
	"bytes"
	"errors"
	"reflect"
	"testing"
)

// TestHierarchyFileRoundTrip writes Osterbro's hierarchy, reads it into a
// fresh load of the same city and checks that the arrays are the built
// ones and that the read hierarchy passes the arc checks; a damaged,
// truncated or foreign file is refused with ErrHierarchyFile and leaves
// the graph without a hierarchy.
func TestHierarchyFileRoundTrip(t *testing.T) {
	g := load(t, osterbroXML).Roads
	var buf bytes.Buffer
	if err := g.WriteHierarchy(&buf); err != nil {
		t.Fatal(err)
	}
	file := buf.Bytes()

	fresh := loadFresh(t, osterbroXML)
	if err := fresh.ReadHierarchy(bytes.NewReader(file)); err != nil {
		t.Fatal(err)
	}
	if fresh.cache.ch == nil {
		t.Fatal("ReadHierarchy did not install the hierarchy")
	}
	if !reflect.DeepEqual(fresh.cache.ch, g.hierarchy()) {
		t.Fatal("the hierarchy read back differs from the one written")
	}
	w := make([]float64, fresh.NumEdges())
	for e := range w {
		w[e] = fresh.FreeFlowS(EdgeID(e))
	}
	if err := checkArcs(fresh, fresh.cache.ch, w); err != nil {
		t.Fatal(err)
	}
	CheckHierarchyRoutes(t, fresh, 200, 9)

	flip := append([]byte(nil), file...)
	flip[len(flip)/2] ^= 0x40
	other := loadFresh(t, trianglen)
	for _, c := range []struct {
		name string
		g    *RoadGraph
		data []byte
	}{
		{"damaged", loadFresh(t, osterbroXML), flip},
		{"truncated", loadFresh(t, osterbroXML), file[:len(file)-100]},
		{"empty", loadFresh(t, osterbroXML), nil},
		{"another graph", other, file},
	} {
		err := c.g.ReadHierarchy(bytes.NewReader(c.data))
		if !errors.Is(err, ErrHierarchyFile) {
			t.Errorf("%s: error %v, want ErrHierarchyFile", c.name, err)
		}
		if c.g.cache.ch != nil {
			t.Errorf("%s: a refused file left a hierarchy", c.name)
		}
	}
}

// FuzzReadHierarchy feeds damaged hierarchy files of the 1 km² extract:
// an error, never a panic, and never a hierarchy that fails the arc checks.
func FuzzReadHierarchy(f *testing.F) {
	g := load(f, trianglen).Roads
	var buf bytes.Buffer
	if err := g.WriteHierarchy(&buf); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add(buf.Bytes()[:200])
	f.Fuzz(func(t *testing.T, data []byte) {
		h, err := g.decodeHierarchy(data)
		if err != nil {
			return
		}
		w := make([]float64, g.NumEdges())
		for e := range w {
			w[e] = g.FreeFlowS(EdgeID(e))
		}
		if err := checkArcs(g, h, w); err != nil {
			t.Fatalf("accepted a hierarchy that fails the checks: %v", err)
		}
	})
}

// loadFresh loads a city's road graph without the tests' shared copies,
// so that its derived tables start empty.
func loadFresh(t *testing.T, path string) *RoadGraph {
	t.Helper()
	c, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return c.Roads
}
