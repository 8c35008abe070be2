package city

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/paulmach/osm"
)

// fastXML reads OSM XML with a scanner written for its small, flat schema
// (osm > node|way|relation > tag|nd|member, all content in attributes).
// encoding/xml, which osmxml uses, decodes by reflection and takes about a
// second for Osterbro's 40,000 nodes; this reads it in a tenth of that.
// TestFastXMLMatchesOSMXML checks both readers give identical elements on
// every shipped extract; Options.StdXML selects osmxml.
type fastXML struct {
	buf  []byte
	pos  int
	raw  *rawOSM
	last elemRef // the last element read, for error messages
	// reusable attribute storage
	attrs []xmlAttr
}

type xmlAttr struct{ key, val []byte }

// errXML is a well-formedness error of the fast scanner.
var errXML = errors.New("malformed XML")

// scanFastXML reads all of r and decodes it.
func (raw *rawOSM) scanFastXML(r io.Reader) error {
	buf, readErr := io.ReadAll(r)
	s := &fastXML{buf: buf, raw: raw}
	err := s.run()
	if readErr != nil { // the decompressor failed: say how far we got
		if errors.Is(readErr, io.ErrUnexpectedEOF) {
			readErr = fmt.Errorf("truncated file: %v", readErr)
		}
		err = readErr
	}
	if err != nil {
		line := 1 + bytes.Count(buf[:min(s.pos, len(buf))], []byte{'\n'})
		if s.last.kind != "" {
			return fmt.Errorf("%w: line %d (after %s): %v", ErrInput, line, s.last, err)
		}
		return fmt.Errorf("%w: line %d: %v", ErrInput, line, err)
	}
	if len(raw.nodeID) == 0 && len(raw.ways) == 0 && len(raw.rels) == 0 && !s.sawOSM() {
		return fmt.Errorf("%w: byte %d: no OSM elements found", ErrInput, len(buf))
	}
	return nil
}

func (s *fastXML) sawOSM() bool { return bytes.Contains(s.buf, []byte("<osm")) }

// run scans the document element by element.
func (s *fastXML) run() error {
	depth := 0
	for {
		i := bytes.IndexByte(s.buf[s.pos:], '<')
		if i < 0 {
			if depth > 0 {
				return fmt.Errorf("truncated file: %d elements not closed", depth)
			}
			return nil
		}
		s.pos += i
		switch {
		case s.has("<?"):
			if err := s.skipPast("?>"); err != nil {
				return err
			}
		case s.has("<!--"):
			if err := s.skipPast("-->"); err != nil {
				return err
			}
		case s.has("<!"):
			if err := s.skipPast(">"); err != nil {
				return err
			}
		case s.has("</"):
			if err := s.skipPast(">"); err != nil {
				return err
			}
			depth--
			if depth < 0 {
				return fmt.Errorf("%w: unexpected end element", errXML)
			}
		default:
			name, empty, err := s.startElement()
			if err != nil {
				return err
			}
			switch string(name) {
			case "node", "way", "relation":
				if err := s.element(string(name), empty); err != nil {
					return err
				}
			default:
				if !empty {
					depth++
				}
			}
		}
	}
}

func (s *fastXML) has(prefix string) bool { return bytes.HasPrefix(s.buf[s.pos:], []byte(prefix)) }

func (s *fastXML) skipPast(end string) error {
	i := bytes.Index(s.buf[s.pos:], []byte(end))
	if i < 0 {
		return fmt.Errorf("truncated file: %q not closed", end)
	}
	s.pos += i + len(end)
	return nil
}

// startElement reads "<name attr="v" ...>" or ".../>" at s.pos into
// s.attrs.
func (s *fastXML) startElement() (name []byte, empty bool, err error) {
	s.pos++ // '<'
	start := s.pos
	for s.pos < len(s.buf) && !isSpace(s.buf[s.pos]) && s.buf[s.pos] != '>' && s.buf[s.pos] != '/' {
		s.pos++
	}
	name = s.buf[start:s.pos]
	if len(name) == 0 {
		return nil, false, fmt.Errorf("%w: empty element name", errXML)
	}
	s.attrs = s.attrs[:0]
	for {
		for s.pos < len(s.buf) && isSpace(s.buf[s.pos]) {
			s.pos++
		}
		if s.pos >= len(s.buf) {
			return nil, false, fmt.Errorf("truncated file: element <%s> not closed", shown(name))
		}
		switch c := s.buf[s.pos]; {
		case c == '>':
			s.pos++
			return name, false, nil
		case c == '/':
			if s.pos+1 >= len(s.buf) || s.buf[s.pos+1] != '>' {
				return nil, false, fmt.Errorf("%w: '/' not followed by '>' in <%s>", errXML, shown(name))
			}
			s.pos += 2
			return name, true, nil
		}
		if err := s.attribute(name); err != nil {
			return nil, false, err
		}
	}
}

// attribute reads key="value" (or single quotes).
func (s *fastXML) attribute(elem []byte) error {
	start := s.pos
	for s.pos < len(s.buf) && s.buf[s.pos] != '=' && !isSpace(s.buf[s.pos]) && s.buf[s.pos] != '>' {
		s.pos++
	}
	key := s.buf[start:s.pos]
	for s.pos < len(s.buf) && isSpace(s.buf[s.pos]) {
		s.pos++
	}
	if s.pos+1 >= len(s.buf) || s.buf[s.pos] != '=' || len(key) == 0 {
		return fmt.Errorf("%w: attribute %q of <%s> without value", errXML, clip(key), shown(elem))
	}
	s.pos++
	for s.pos < len(s.buf) && isSpace(s.buf[s.pos]) {
		s.pos++
	}
	if s.pos >= len(s.buf) || s.buf[s.pos] != '"' && s.buf[s.pos] != '\'' {
		return fmt.Errorf("%w: attribute %q of <%s> not quoted", errXML, clip(key), shown(elem))
	}
	q := s.buf[s.pos]
	s.pos++
	end := bytes.IndexByte(s.buf[s.pos:], q)
	if end < 0 {
		return fmt.Errorf("truncated file: attribute %q of <%s> not closed", clip(key), shown(elem))
	}
	val := s.buf[s.pos : s.pos+end]
	s.pos += end + 1
	if bytes.IndexByte(val, '<') >= 0 {
		return fmt.Errorf("%w: '<' in attribute %q of <%s>", errXML, clip(key), shown(elem))
	}
	s.attrs = append(s.attrs, xmlAttr{key, val})
	return nil
}

func isSpace(c byte) bool { return c == ' ' || c == '\n' || c == '\t' || c == '\r' }

// attr returns the value of attribute key; of a repeated attribute the
// last, as encoding/xml does.
func (s *fastXML) attr(key string) ([]byte, bool) {
	for i := len(s.attrs) - 1; i >= 0; i-- {
		if string(s.attrs[i].key) == key {
			return s.attrs[i].val, true
		}
	}
	return nil, false
}

// element reads a node, way or relation whose start tag was just read,
// with its children up to the matching end tag.
func (s *fastXML) element(kind string, empty bool) error {
	id, err := s.intAttr(kind, "id")
	if err != nil {
		return err
	}
	var lat, lon float64
	if kind == "node" {
		if lat, err = s.floatAttr(kind, "lat"); err != nil {
			return err
		}
		if lon, err = s.floatAttr(kind, "lon"); err != nil {
			return err
		}
	}
	var tags osm.Tags
	var nds osm.WayNodes
	var members osm.Members
	for !empty {
		i := bytes.IndexByte(s.buf[s.pos:], '<')
		if i < 0 {
			return fmt.Errorf("truncated file: <%s id=%d> not closed", kind, id)
		}
		s.pos += i
		if s.has("</") {
			if !s.has("</" + kind) {
				return fmt.Errorf("%w: <%s id=%d> closed by another element", errXML, kind, id)
			}
			if err := s.skipPast(">"); err != nil {
				return err
			}
			break
		}
		if s.has("<!--") {
			if err := s.skipPast("-->"); err != nil {
				return err
			}
			continue
		}
		name, childEmpty, err := s.startElement()
		if err != nil {
			return err
		}
		if !childEmpty {
			if err := s.skipPast("</" + string(name) + ">"); err != nil {
				return err
			}
		}
		switch string(name) {
		case "tag":
			k, _ := s.attr("k")
			v, _ := s.attr("v")
			tags = append(tags, osm.Tag{Key: unescape(k), Value: unescape(v)})
		case "nd":
			ref, err := s.intAttr("nd", "ref")
			if err != nil {
				return err
			}
			nds = append(nds, osm.WayNode{ID: osm.NodeID(ref)})
		case "member":
			ref, err := s.intAttr("member", "ref")
			if err != nil {
				return err
			}
			typ, _ := s.attr("type")
			role, _ := s.attr("role")
			members = append(members, osm.Member{Type: osm.Type(unescape(typ)), Ref: ref, Role: unescape(role)})
		}
	}
	switch kind {
	case "node":
		s.last = s.raw.add(&osm.Node{ID: osm.NodeID(id), Lat: lat, Lon: lon, Tags: tags})
	case "way":
		s.last = s.raw.add(&osm.Way{ID: osm.WayID(id), Nodes: nds, Tags: tags})
	default:
		s.last = s.raw.add(&osm.Relation{ID: osm.RelationID(id), Members: members, Tags: tags})
	}
	return nil
}

func (s *fastXML) intAttr(elem, key string) (int64, error) {
	v, ok := s.attr(key)
	if !ok {
		return 0, fmt.Errorf("<%s> without %s", elem, key)
	}
	n, err := strconv.ParseInt(string(v), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("<%s %s=%q>: not an integer", elem, key, v)
	}
	return n, nil
}

func (s *fastXML) floatAttr(elem, key string) (float64, error) {
	v, ok := s.attr(key)
	if !ok {
		return 0, fmt.Errorf("<%s> without %s", elem, key)
	}
	x, err := strconv.ParseFloat(string(v), 64)
	if err != nil {
		return 0, fmt.Errorf("<%s %s=%q>: not a number", elem, key, v)
	}
	return x, nil
}

// unescape replaces the XML entities &amp; &lt; &gt; &quot; &apos; and
// character references &#N; &#xN;. Unknown entities are kept as written.
func unescape(b []byte) string {
	if bytes.IndexByte(b, '&') < 0 {
		return string(b)
	}
	var out []byte
	for len(b) > 0 {
		i := bytes.IndexByte(b, '&')
		if i < 0 {
			out = append(out, b...)
			break
		}
		out = append(out, b[:i]...)
		b = b[i:]
		j := bytes.IndexByte(b, ';')
		if j < 0 || j > 12 {
			out = append(out, '&')
			b = b[1:]
			continue
		}
		ent := string(b[1:j])
		switch {
		case ent == "amp":
			out = append(out, '&')
		case ent == "lt":
			out = append(out, '<')
		case ent == "gt":
			out = append(out, '>')
		case ent == "quot":
			out = append(out, '"')
		case ent == "apos":
			out = append(out, '\'')
		case len(ent) > 1 && ent[0] == '#':
			base, digits := 10, ent[1:]
			if digits[0] == 'x' || digits[0] == 'X' {
				base, digits = 16, digits[1:]
			}
			r, err := strconv.ParseUint(digits, base, 32)
			if err != nil || r > 0x10FFFF {
				out = append(out, b[:j+1]...)
			} else {
				out = append(out, string(rune(r))...)
			}
		default:
			out = append(out, b[:j+1]...)
		}
		b = b[j+1:]
	}
	return string(out)
}

// clip cuts a name from the input to 40 bytes for an error message.
func clip(b []byte) []byte {
	if len(b) > 40 {
		return b[:40]
	}
	return b
}

// shown is an element name from the input as an error message shows it:
// as it is when it is plain text, else quoted with escapes (a garbage
// file's "name" is binary), and at most 40 bytes.
func shown(b []byte) string {
	b = clip(b)
	for _, c := range b {
		if c < 0x21 || c > 0x7e {
			return strconv.Quote(string(b))
		}
	}
	return string(b)
}
