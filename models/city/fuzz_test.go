package city

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/paulmach/osm"
)

// FuzzLoad feeds arbitrary bytes (OSM XML, gzip-compressed XML, garbage)
// to both XML readers and the graph builder: they must return a city or an
// ErrInput error, never panic, and where both readers accept the input
// they must agree. Seeds: testdata/fuzz/FuzzLoad and the small extracts
// below. PBF is left to TestCorruptPBF: osmpbf allocates a 32 MB blob
// buffer per file, which makes each execution ~100 times slower and stalls
// the fuzzer's minimisation.
func FuzzLoad(f *testing.F) {
	f.Add([]byte(smallOSM))
	f.Add([]byte(smallOSM[:len(smallOSM)/2]))
	f.Add([]byte("<osm><node id=\"1\" lat=\"x\" lon=\"2\"/></osm>"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if isPBF(data[:min(len(data), 16)]) {
			return
		}
		raw, err := readOSM(bytes.NewReader(data), false)
		if std, errStd := readOSM(bytes.NewReader(data), true); errStd == nil && err == nil {
			sameRaw(t, raw, std)
		} else if errStd != nil && !errors.Is(errStd, ErrInput) {
			t.Fatalf("osmxml error does not wrap ErrInput: %v", errStd)
		}
		if err != nil {
			if !errors.Is(err, ErrInput) {
				t.Fatalf("error does not wrap ErrInput: %v", err)
			}
			return
		}
		c, err := build(raw, Options{})
		if err != nil {
			return
		}
		g := c.Roads
		if len(g.OutStart) != g.NumNodes()+1 || int(g.OutStart[g.NumNodes()]) != g.NumEdges() {
			t.Fatalf("bad CSR: %d nodes, %d edges", g.NumNodes(), g.NumEdges())
		}
		c.Summary()
		c.Tables()
		if g.NumEdges() > 0 {
			r := NewRouter(g)
			r.Route(0, EdgeID(g.NumEdges()-1), nil)
		}
	})
}

// smallOSM is a tiny extract: a two-way street, a one-way street, a
// signal, a turn restriction cut at the extract edge, a car park.
const smallOSM = `<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6">
 <node id="1" lat="55.7000" lon="12.5700"/>
 <node id="2" lat="55.7010" lon="12.5700"><tag k="highway" v="traffic_signals"/></node>
 <node id="3" lat="55.7020" lon="12.5700"/>
 <node id="4" lat="55.7010" lon="12.5720"/>
 <node id="5" lat="55.7005" lon="12.5710"/>
 <node id="6" lat="55.7005" lon="12.5715"/>
 <node id="7" lat="55.7008" lon="12.5715"/>
 <node id="8" lat="55.7008" lon="12.5710"/>
 <way id="10"><nd ref="1"/><nd ref="2"/><nd ref="3"/><tag k="highway" v="residential"/><tag k="maxspeed" v="30"/></way>
 <way id="11"><nd ref="2"/><nd ref="4"/><tag k="highway" v="tertiary"/><tag k="oneway" v="-1"/><tag k="lanes" v="2"/></way>
 <way id="12"><nd ref="2"/><nd ref="99"/><tag k="highway" v="footway"/></way>
 <way id="13"><nd ref="5"/><nd ref="6"/><nd ref="7"/><nd ref="8"/><nd ref="5"/><tag k="amenity" v="parking"/></way>
 <relation id="20"><member type="way" ref="10" role="from"/><member type="node" ref="2" role="via"/><member type="way" ref="11" role="to"/><member type="way" ref="999" role="outer"/><tag k="type" v="restriction"/><tag k="restriction" v="no_left_turn"/></relation>
</osm>
`

// TestBadFilesNameFileAndPosition: truncated and garbage files give an
// ErrInput error naming the file and a position.
func TestBadFilesNameFileAndPosition(t *testing.T) {
	dir := t.TempDir()
	pbf, err := os.ReadFile(osterbroPBF)
	if err != nil {
		t.Fatal(err)
	}
	gz, err := os.ReadFile(osterbroXML)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		data  []byte
		where string
	}{
		{"garbage.osm", []byte("this is not OSM"), "byte"},
		{"unclosed.osm", []byte("<osm><node id=\"1\" lat=\"55\" lon=\"12\"><tag k=\"a\" v=\"b\"/>"), "line 1"},
		{"truncated.osm", []byte(smallOSM[:300]), "line"},
		{"bad_attr.osm", []byte(`<osm><node id="1" lat="55.7" lon="12.5"/><node id="2" lat="north" lon="12"/></osm>`), "after node 1"},
		{"truncated.osm.pbf", pbf[:len(pbf)/2], fmt.Sprintf("byte %d", len(pbf)/2)},
		{"binary_name.osm", []byte("<osm>\n<\x11P\x84 a>"), `of <"\x11P\x84"> without value`},
		{"truncated.osm.gz", gz[:len(gz)/3], "after node"},
		{"empty.osm", nil, "byte"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, tc.name)
			if err := os.WriteFile(path, tc.data, 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := Load(path)
			if err == nil {
				t.Fatal("no error")
			}
			if !errors.Is(err, ErrInput) || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), tc.where) {
				t.Errorf("error %q: want ErrInput naming %s and %q", err, path, tc.where)
			}
		})
	}
}

// TestSmallExtract checks the tag interpretation on the tiny extract.
func TestSmallExtract(t *testing.T) {
	raw, err := readOSM(strings.NewReader(smallOSM), false)
	if err != nil {
		t.Fatal(err)
	}
	c, err := build(raw, Options{Name: "small"})
	if err != nil {
		t.Fatal(err)
	}
	g := c.Roads
	// way 10 is split at the signal node 2 (shared with way 11): 2 segments
	// x 2 directions; way 11 is one-way against its direction: 1 edge.
	if g.NumNodes() != 4 || g.NumEdges() != 5 {
		t.Fatalf("%d nodes %d edges, want 4 and 5", g.NumNodes(), g.NumEdges())
	}
	n2 := NodeID(-1)
	for n, id := range g.NodeOSM {
		if id == 2 {
			n2 = NodeID(n)
		}
	}
	if n2 < 0 || !g.Signal[n2] {
		t.Fatalf("node 2 missing or without signal")
	}
	var oneway EdgeID = NoEdge
	for e := range g.From {
		if g.WayOSM[e] == 11 {
			oneway = EdgeID(e)
		}
	}
	if g.NodeOSM[g.From[oneway]] != 4 || g.NodeOSM[g.To[oneway]] != 2 || g.Lanes[oneway] != 2 {
		t.Errorf("oneway=-1 edge runs %d -> %d with %d lanes", g.NodeOSM[g.From[oneway]], g.NodeOSM[g.To[oneway]], g.Lanes[oneway])
	}
	// no_left_turn from way 10 onto way 11 at node 2: way 11 runs into
	// node 2, so no edge of it leaves node 2 and the restriction cannot apply.
	if c.Stats.Restrictions != 1 || c.Stats.RestrictionsIncomplete != 1 {
		t.Errorf("restrictions: %+v", c.Stats)
	}
	if c.Stats.RelationsCut != 1 || c.Stats.MissingNodeRefs != 0 {
		t.Errorf("cut relations / missing refs: %+v", c.Stats)
	}
	for e := range g.From {
		if g.WayOSM[e] == 10 && math.Abs(g.SpeedMps[e]-30/3.6) > 1e-12 {
			t.Errorf("edge %d speed %.3f m/s, want 30 km/h", e, g.SpeedMps[e])
		}
	}
	if len(c.CarParks) != 1 || c.CarParks[0].CapacityTagged {
		t.Fatalf("car parks %+v", c.CarParks)
	}
	// 0.0005 deg east x 0.0003 deg north at 55.7 N: 31.44 m x 33.40 m.
	if a := c.CarParks[0].AreaM2; math.Abs(a-1050) > 5 {
		t.Errorf("car park area %.1f m2, want ~1050", a)
	}
	if got := c.CarParks[0].Capacity; got != int(c.CarParks[0].AreaM2/m2PerSpace) {
		t.Errorf("capacity %d, want area/%.0f", got, m2PerSpace)
	}
}

// sameRaw fails unless two readers produced the same elements.
func sameRaw(t *testing.T, a, b *rawOSM) {
	t.Helper()
	if !reflect.DeepEqual(a.nodeID, b.nodeID) || !reflect.DeepEqual(a.lonLat, b.lonLat) {
		t.Fatalf("nodes differ: %d vs %d", len(a.nodeID), len(b.nodeID))
	}
	for i := range a.nodeTags {
		if !sameTags(a.nodeTags[i], b.nodeTags[i]) {
			t.Fatalf("node %d tags differ: %v vs %v", a.nodeID[i], a.nodeTags[i], b.nodeTags[i])
		}
	}
	if len(a.ways) != len(b.ways) || len(a.rels) != len(b.rels) {
		t.Fatalf("%d/%d ways, %d/%d relations", len(a.ways), len(b.ways), len(a.rels), len(b.rels))
	}
	for i, w := range a.ways {
		v := b.ways[i]
		if w.ID != v.ID || !sameTags(w.Tags, v.Tags) || len(w.Nodes) != len(v.Nodes) {
			t.Fatalf("way %d differs from way %d", w.ID, v.ID)
		}
		for k := range w.Nodes {
			if w.Nodes[k].ID != v.Nodes[k].ID {
				t.Fatalf("way %d node %d differs", w.ID, k)
			}
		}
	}
	for i, r := range a.rels {
		q := b.rels[i]
		if r.ID != q.ID || !sameTags(r.Tags, q.Tags) || len(r.Members) != len(q.Members) {
			t.Fatalf("relation %d differs from %d", r.ID, q.ID)
		}
		for k, m := range r.Members {
			n := q.Members[k]
			if m.Type != n.Type || m.Ref != n.Ref || m.Role != n.Role {
				t.Fatalf("relation %d member %d: %+v vs %+v", r.ID, k, m, n)
			}
		}
	}
}

func sameTags(a, b osm.Tags) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestFastXMLMatchesOSMXML: our XML scanner and osmxml read the same
// elements from every shipped XML extract.
func TestFastXMLMatchesOSMXML(t *testing.T) {
	files := []string{trianglen, osterbroXML, lyngbyXML}
	if testing.Short() {
		files = files[:1]
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			fast, err := readFile(file, false)
			if err != nil {
				t.Fatal(err)
			}
			std, err := readFile(file, true)
			if err != nil {
				t.Fatal(err)
			}
			if len(fast.nodeID) == 0 || len(fast.ways) == 0 {
				t.Fatal("empty")
			}
			sameRaw(t, fast, std)
		})
	}
}

// TestCorruptPBF: a PBF extract with bytes overwritten, inserted or cut
// off imports or fails with ErrInput, never panics or hangs.
func TestCorruptPBF(t *testing.T) {
	pbf, err := os.ReadFile(osterbroPBF)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(5, 6))
	for i := 0; i < 30; i++ {
		b := append([]byte(nil), pbf[:2000+rng.IntN(len(pbf)-2000)]...)
		for k := 0; k < 1+rng.IntN(3); k++ {
			b[rng.IntN(len(b))] = byte(rng.IntN(256))
		}
		raw, err := readOSM(bytes.NewReader(b), false)
		if err != nil {
			if !errors.Is(err, ErrInput) {
				t.Fatalf("case %d: %v does not wrap ErrInput", i, err)
			}
			continue
		}
		if _, err := build(raw, Options{}); err != nil && !errors.Is(err, ErrInput) {
			t.Fatalf("case %d: %v", i, err)
		}
	}
}
