package city

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"sort"
	"strings"

	"github.com/paulmach/osm"
	"github.com/paulmach/osm/osmpbf"
	"github.com/paulmach/osm/osmxml"
)

// ErrInput is wrapped by every error caused by a malformed input file.
var ErrInput = errors.New("city: bad OSM input")

// rawOSM is the content of an OSM file: nodes as plain arrays, ways and
// relations as decoded, all sorted by id.
type rawOSM struct {
	nodeID   []int64
	lonLat   [][2]float64
	nodeTags []osm.Tags // nil for untagged nodes
	ways     []*osm.Way
	rels     []*osm.Relation
	nodeIdx  map[int64]int32
	wayIdx   map[int64]int32
	relIdx   map[int64]int32

	duplicates int // objects whose id was seen before (the first is kept)
	badCoords  int // nodes with lat/lon out of range (dropped)
}

// countingReader counts the bytes read from the file (before
// decompression), to report where a decoder failed.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// readFile decodes an OSM XML (plain or gzip) or PBF file. The format is
// told by its first bytes, not its name.
func readFile(path string, stdXML bool) (*rawOSM, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	raw, err := readOSM(f, stdXML)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return raw, nil
}

// readOSM decodes OSM XML, gzip-compressed XML or PBF from r. XML is read
// by our own scanner (xmlscan.go) unless stdXML asks for osmxml.
func readOSM(r io.Reader, stdXML bool) (*rawOSM, error) {
	cr := &countingReader{r: r}
	br := bufio.NewReaderSize(cr, 1<<16)
	head, _ := br.Peek(16)
	raw := &rawOSM{}
	var err error
	switch {
	case len(head) >= 2 && head[0] == 0x1f && head[1] == 0x8b:
		var zr *gzip.Reader
		zr, err = gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("%w: gzip: %v", ErrInput, err)
		}
		err = raw.scanAnyXML(zr, cr, stdXML)
	case isPBF(head):
		err = raw.scanPBF(br, cr)
	default:
		err = raw.scanAnyXML(br, cr, stdXML)
	}
	if err != nil {
		return nil, err
	}
	raw.sortAndIndex()
	return raw, nil
}

// isPBF recognises the start of an OSM PBF file: a 4-byte big-endian
// BlobHeader length followed by the protobuf field 1 "OSMHeader".
func isPBF(head []byte) bool {
	return len(head) >= 15 && head[0] == 0 && head[4] == 0x0a && bytes.HasPrefix(head[6:], []byte("OSMHeader"))
}

func (raw *rawOSM) scanAnyXML(r io.Reader, cr *countingReader, stdXML bool) error {
	if stdXML {
		return raw.scanXML(r, cr)
	}
	return raw.scanFastXML(r)
}

// scanXML reads OSM XML with osmxml (encoding/xml). Errors name the line (from the XML decoder) or the
// last element read and the compressed byte offset.
func (raw *rawOSM) scanXML(r io.Reader, cr *countingReader) error {
	s := osmxml.New(context.Background(), r)
	defer s.Close()
	var last elemRef
	for s.Scan() {
		last = raw.add(s.Object())
	}
	if err := s.Err(); err != nil {
		return positionError(err, last, cr.n)
	}
	if last.kind == "" && len(raw.nodeID) == 0 {
		return fmt.Errorf("%w: byte %d: no OSM elements found", ErrInput, cr.n)
	}
	return nil
}

// scanPBF reads OSM PBF.
func (raw *rawOSM) scanPBF(r io.Reader, cr *countingReader) (err error) {
	s := osmpbf.New(context.Background(), r, 2)
	defer s.Close()
	var last elemRef
	for s.Scan() {
		last = raw.add(s.Object())
	}
	if err := s.Err(); err != nil {
		// FullyScannedBytes is the end of the last whole block; before the
		// first one (and for a file cut short) the bytes read so far say
		// more. The scanner's reader goroutine counts them: it stops at
		// Close.
		offset := s.FullyScannedBytes()
		s.Close()
		if offset == 0 || errors.Is(err, io.ErrUnexpectedEOF) {
			offset = cr.n
		}
		return positionError(err, last, offset)
	}
	return nil
}

func positionError(err error, last elemRef, offset int64) error {
	where := fmt.Sprintf("byte %d", offset)
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		where = fmt.Sprintf("line %d", se.Line)
		err = errors.New(strings.TrimPrefix(se.Msg, "XML syntax error: "))
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) || err.Error() == "unexpected EOF" {
		err = fmt.Errorf("truncated file: %v", err)
	}
	if last.kind != "" {
		return fmt.Errorf("%w: %s (after %s): %v", ErrInput, where, last, err)
	}
	return fmt.Errorf("%w: %s: %v", ErrInput, where, err)
}

// elemRef names an element ("node 123") for error messages.
type elemRef struct {
	kind string
	id   int64
}

func (r elemRef) String() string { return fmt.Sprintf("%s %d", r.kind, r.id) }

// add stores one decoded object and returns its name.
func (raw *rawOSM) add(o osm.Object) elemRef {
	switch v := o.(type) {
	case *osm.Node:
		if math.IsNaN(v.Lat) || math.IsNaN(v.Lon) || v.Lat < -90 || v.Lat > 90 || v.Lon < -180 || v.Lon > 180 {
			raw.badCoords++
		} else {
			raw.nodeID = append(raw.nodeID, int64(v.ID))
			raw.lonLat = append(raw.lonLat, [2]float64{snapCoord(v.Lon), snapCoord(v.Lat)})
			var tags osm.Tags
			if len(v.Tags) > 0 {
				tags = v.Tags
			}
			raw.nodeTags = append(raw.nodeTags, tags)
		}
		return elemRef{"node", int64(v.ID)}
	case *osm.Way:
		v.Updates, v.Bounds = nil, nil
		raw.ways = append(raw.ways, v)
		return elemRef{"way", int64(v.ID)}
	case *osm.Relation:
		raw.rels = append(raw.rels, v)
		return elemRef{"relation", int64(v.ID)}
	}
	return elemRef{}
}

// snapCoord rounds a coordinate to OSM's storage precision of 1e-7
// degrees, so that XML text and PBF fixed-point give the same float64.
func snapCoord(deg float64) float64 { return math.Round(deg*1e7) / 1e7 }

// sortAndIndex sorts every element kind by id, drops duplicate ids (keeping
// the first in file order) and builds the id indexes.
func (raw *rawOSM) sortAndIndex() {
	perm := make([]int, len(raw.nodeID))
	for i := range perm {
		perm[i] = i
	}
	sort.SliceStable(perm, func(a, b int) bool { return raw.nodeID[perm[a]] < raw.nodeID[perm[b]] })
	ids := make([]int64, 0, len(perm))
	ll := make([][2]float64, 0, len(perm))
	tags := make([]osm.Tags, 0, len(perm))
	raw.nodeIdx = make(map[int64]int32, len(perm))
	for _, p := range perm {
		id := raw.nodeID[p]
		if n := len(ids); n > 0 && ids[n-1] == id {
			raw.duplicates++
			continue
		}
		raw.nodeIdx[id] = int32(len(ids))
		ids = append(ids, id)
		ll = append(ll, raw.lonLat[p])
		tags = append(tags, raw.nodeTags[p])
	}
	raw.nodeID, raw.lonLat, raw.nodeTags = ids, ll, tags

	sort.SliceStable(raw.ways, func(a, b int) bool { return raw.ways[a].ID < raw.ways[b].ID })
	raw.ways = dedupe(raw.ways, func(w *osm.Way) int64 { return int64(w.ID) }, &raw.duplicates)
	raw.wayIdx = make(map[int64]int32, len(raw.ways))
	for i, w := range raw.ways {
		raw.wayIdx[int64(w.ID)] = int32(i)
	}
	sort.SliceStable(raw.rels, func(a, b int) bool { return raw.rels[a].ID < raw.rels[b].ID })
	raw.rels = dedupe(raw.rels, func(r *osm.Relation) int64 { return int64(r.ID) }, &raw.duplicates)
	raw.relIdx = make(map[int64]int32, len(raw.rels))
	for i, r := range raw.rels {
		raw.relIdx[int64(r.ID)] = int32(i)
	}
}

// dedupe drops elements whose id equals the previous one's (in a slice
// sorted by id), counting them.
func dedupe[T any](xs []T, id func(T) int64, dropped *int) []T {
	out := xs[:0]
	for i, x := range xs {
		if i > 0 && id(x) == id(xs[i-1]) {
			*dropped++
			continue
		}
		out = append(out, x)
	}
	return out
}

// wayPoints resolves a way's node refs to node indexes, skipping refs to
// nodes not in the file (counted in missing) and consecutive repeats.
func (raw *rawOSM) wayPoints(w *osm.Way, dst []int32, missing *int) []int32 {
	dst = dst[:0]
	for _, wn := range w.Nodes {
		i, ok := raw.nodeIdx[int64(wn.ID)]
		if !ok {
			*missing++
			continue
		}
		if n := len(dst); n > 0 && dst[n-1] == i {
			continue
		}
		dst = append(dst, i)
	}
	return dst
}
