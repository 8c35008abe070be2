package city

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
)

// A contraction hierarchy takes a minute or more to build on a city of
// tens of thousands of edges (bench/city.md) and depends only on the road
// graph, so it can be built once per city and kept beside it, as routing
// engines keep their preprocessed graphs. The file holds a fingerprint of
// the graph (its allowed turns and free-flow times) and is refused for
// any other graph.
//
// Layout, little-endian: the magic "citytwin-ch\n", version (uint32), the
// fingerprint (32 bytes), the number of edges m, of upward and of
// downward arcs, of shortcuts (uint64 each); toCH and fromCH (m int32
// each), upStart and downStart (m+1 int32 each); the upward then the
// downward arcs (node int32, mid int32, cost float64 bits); and the
// CRC-32 (IEEE) of everything before it.

const (
	chMagic   = "citytwin-ch\n"
	chVersion = 1
)

// ErrHierarchyFile is returned for a hierarchy file that is damaged or
// was written for another graph.
var ErrHierarchyFile = errors.New("city: hierarchy file")

// fingerprint identifies what a hierarchy is built from: the allowed
// turns and the free-flow time of every edge.
func (g *RoadGraph) fingerprint() [32]byte {
	h := sha256.New()
	var b [8]byte
	put := func(x uint64) {
		binary.LittleEndian.PutUint64(b[:], x)
		h.Write(b[:])
	}
	put(uint64(g.NumEdges()))
	for e := 0; e < g.NumEdges(); e++ {
		put(math.Float64bits(g.FreeFlowS(EdgeID(e))))
		s := g.Successors(EdgeID(e))
		put(uint64(len(s)))
		for _, o := range s {
			put(uint64(o))
		}
	}
	var f [32]byte
	copy(f[:], h.Sum(nil))
	return f
}

// WriteHierarchy writes the graph's contraction hierarchy, building it
// first if needed, for ReadHierarchy.
func (g *RoadGraph) WriteHierarchy(w io.Writer) error {
	h := g.hierarchy()
	crc := crc32.NewIEEE()
	bw := bufio.NewWriterSize(io.MultiWriter(w, crc), 1<<20)
	var b [8]byte
	u32 := func(x uint32) {
		binary.LittleEndian.PutUint32(b[:4], x)
		bw.Write(b[:4])
	}
	u64 := func(x uint64) {
		binary.LittleEndian.PutUint64(b[:], x)
		bw.Write(b[:])
	}
	ints := func(s []int32) {
		for _, x := range s {
			u32(uint32(x))
		}
	}
	arcs := func(s []chArc) {
		for _, a := range s {
			u32(uint32(a.node))
			u32(uint32(a.mid))
			u64(math.Float64bits(a.cost))
		}
	}
	bw.WriteString(chMagic)
	u32(chVersion)
	f := g.fingerprint()
	bw.Write(f[:])
	u64(uint64(len(h.toCH)))
	u64(uint64(len(h.up)))
	u64(uint64(len(h.down)))
	u64(uint64(h.shortcuts))
	ints(h.toCH)
	ints(h.fromCH)
	ints(h.upStart)
	ints(h.downStart)
	arcs(h.up)
	arcs(h.down)
	if err := bw.Flush(); err != nil {
		return err
	}
	binary.LittleEndian.PutUint32(b[:4], crc.Sum32())
	_, err := w.Write(b[:4])
	return err
}

// ReadHierarchy reads a hierarchy that WriteHierarchy wrote for this
// graph and makes it the graph's, so that UseHierarchy does not build
// one. It returns an error wrapping ErrHierarchyFile, and leaves the graph
// as it was, when the file is damaged, truncated or from another graph;
// it does nothing when the graph already has its hierarchy.
func (g *RoadGraph) ReadHierarchy(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	h, err := g.decodeHierarchy(data)
	if err != nil {
		return err
	}
	g.cache.chOnce.Do(func() { g.cache.ch = h })
	return nil
}

// decodeHierarchy checks and decodes a hierarchy file's bytes.
func (g *RoadGraph) decodeHierarchy(data []byte) (*hierarchy, error) {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%w: %s", ErrHierarchyFile, fmt.Sprintf(format, a...))
	}
	head := len(chMagic) + 4 + 32 + 4*8
	if len(data) < head+4 || !bytes.HasPrefix(data, []byte(chMagic)) {
		return nil, bad("not a hierarchy file")
	}
	body, sum := data[:len(data)-4], binary.LittleEndian.Uint32(data[len(data)-4:])
	if crc32.ChecksumIEEE(body) != sum {
		return nil, bad("checksum mismatch (damaged or truncated)")
	}
	p := body[len(chMagic):]
	if v := binary.LittleEndian.Uint32(p); v != chVersion {
		return nil, bad("version %d, want %d", v, chVersion)
	}
	if f := g.fingerprint(); !bytes.Equal(p[4:36], f[:]) {
		return nil, bad("written for another road graph")
	}
	p = p[36:]
	m, nUp, nDown, short := binary.LittleEndian.Uint64(p), binary.LittleEndian.Uint64(p[8:]),
		binary.LittleEndian.Uint64(p[16:]), binary.LittleEndian.Uint64(p[24:])
	p = p[32:]
	if m != uint64(g.NumEdges()) {
		return nil, bad("%d nodes for %d edges", m, g.NumEdges())
	}
	if want := 4*(4*m+2) + 16*(nUp+nDown); nUp > 1<<40 || nDown > 1<<40 || uint64(len(p)) != want {
		return nil, bad("%d bytes of arrays, want %d", len(p), want)
	}
	ints := func(n uint64) []int32 {
		s := make([]int32, n)
		for i := range s {
			s[i] = int32(binary.LittleEndian.Uint32(p[4*i:]))
		}
		p = p[4*n:]
		return s
	}
	arcs := func(n uint64) []chArc {
		s := make([]chArc, n)
		for i := range s {
			q := p[16*i:]
			s[i] = chArc{node: int32(binary.LittleEndian.Uint32(q)), mid: int32(binary.LittleEndian.Uint32(q[4:])),
				cost: math.Float64frombits(binary.LittleEndian.Uint64(q[8:]))}
		}
		p = p[16*n:]
		return s
	}
	h := &hierarchy{shortcuts: int(min(short, 1<<40))}
	h.toCH, h.fromCH = ints(m), ints(m)
	h.upStart, h.downStart = ints(m+1), ints(m+1)
	h.up, h.down = arcs(nUp), arcs(nDown)
	n := int32(m)
	for e, id := range h.toCH {
		if id < 0 || id >= n || h.fromCH[id] != int32(e) {
			return nil, bad("rank of edge %d is not a permutation", e)
		}
	}
	// arcs lead to higher nodes (lower ids); a shortcut's middle node
	// lies below the node that stores it, so searches and unpacking end
	// and index only what exists. Costs, and whether a shortcut's halves
	// exist, are not checked: the CRC is what guards them, so a file
	// damaged and then given a matching CRC can give wrong routes (never
	// a panic).
	check := func(start []int32, arcs []chArc, which string) error {
		if start[0] != 0 || int(start[m]) != len(arcs) {
			return bad("%s arc index does not cover the arcs", which)
		}
		for v := int32(0); v < n; v++ {
			if start[v+1] < start[v] || start[v+1] > start[m] {
				return bad("%s arc index decreases or overruns at node %d", which, v)
			}
		}
		for v := int32(0); v < n; v++ {
			for _, a := range arcs[start[v]:start[v+1]] {
				if a.node < 0 || a.node >= v || a.mid < -1 || a.mid >= n || (a.mid >= 0 && a.mid <= v) || !(a.cost >= 0) || math.IsInf(a.cost, 1) {
					return bad("%s arc of node %d out of order or range", which, v)
				}
			}
		}
		return nil
	}
	if err := check(h.upStart, h.up, "upward"); err != nil {
		return nil, err
	}
	if err := check(h.downStart, h.down, "downward"); err != nil {
		return nil, err
	}
	return h, nil
}
