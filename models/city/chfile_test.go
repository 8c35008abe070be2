package city

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
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
	file := hierarchyFile(t, g)

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

// FuzzReadHierarchy feeds damaged hierarchy files of the 1 km² extract,
// with their CRC made to match so that the structural checks are what
// stands between them and the router: an error, or a hierarchy on which
// routing ends without a panic (its routes may be wrong: costs are only
// guarded by the CRC).
func FuzzReadHierarchy(f *testing.F) {
	g := load(f, trianglen).Roads
	file := hierarchyFile(f, g)
	f.Add(file, false)
	f.Add(file[:200], true)
	scc := sccEdges(g)
	f.Fuzz(func(t *testing.T, data []byte, fixCRC bool) {
		if fixCRC && len(data) > 4 {
			data = withCRC(data)
		}
		h, err := g.decodeHierarchy(data)
		if err != nil {
			return
		}
		r := NewRouter(g)
		r.ch, r.useCH = h, true
		for k := 0; k+1 < len(scc) && k < 40; k += 2 {
			r.Route(scc[k], scc[len(scc)-1-k], nil)
		}
	})
}

// withCRC returns a copy of a hierarchy file with its CRC made to match
// its body.
func withCRC(data []byte) []byte {
	d := append([]byte(nil), data...)
	binary.LittleEndian.PutUint32(d[len(d)-4:], crc32.ChecksumIEEE(d[:len(d)-4]))
	return d
}

// TestHierarchyFileStructure: files with a matching CRC but a broken
// structure (an arc index past the arcs, an arc going down, a middle node
// above its arc, ranks that are no permutation) are refused.
func TestHierarchyFileStructure(t *testing.T) {
	g := load(t, trianglen).Roads
	file := hierarchyFile(t, g)
	m := g.NumEdges()
	arrays := len(chMagic) + 4 + 32 + 32 // start of toCH
	upStart := arrays + 8*m
	up := arrays + 4*(4*m+2)
	put := func(off int, x uint32) []byte {
		d := append([]byte(nil), file...)
		binary.LittleEndian.PutUint32(d[off:], x)
		return withCRC(d)
	}
	h := g.hierarchy()
	v := int32(0) // a node with upward arcs
	for h.upStart[v+1] == h.upStart[v] {
		v++
	}
	a := up + 16*int(h.upStart[v])
	for name, data := range map[string][]byte{
		"index past the arcs": put(upStart+4*(int(v)+1), 1<<30),
		"arc going down":      put(a, uint32(m-1)),
		"middle node above":   put(a+4, 0),
		"ranks":               put(arrays, uint32(h.toCH[1])),
	} {
		if _, err := g.decodeHierarchy(data); !errors.Is(err, ErrHierarchyFile) {
			t.Errorf("%s: error %v, want ErrHierarchyFile", name, err)
		}
	}
	if _, err := g.decodeHierarchy(withCRC(file)); err != nil {
		t.Fatalf("the intact file: %v", err)
	}
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

// hierarchyFile is g's hierarchy as WriteHierarchy writes it.
func hierarchyFile(tb testing.TB, g *RoadGraph) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if err := g.WriteHierarchy(&buf); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}
