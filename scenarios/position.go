package scenarios

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

// keyPositions maps every dotted key path of the document to its
// "file:line:col" as loc names it, so that errors found after decoding (a
// missing field, a value out of range) can still name the place.
func keyPositions(loc locator, data []byte) map[string]string {
	out := map[string]string{}
	for _, k := range keyList(data) {
		out[k.key] = loc.at(k.line, k.col)
	}
	return out
}

// locator names a position of a decoded document in errors, as
// "file:line:col".
type locator interface {
	at(line, col int) string
	file() string // the file as errors name it when no position is known
}

// fileAt is a document read as it is from one file.
type fileAt string

func (f fileAt) at(line, col int) string { return fmt.Sprintf("%s:%d:%d", f, line, col) }
func (f fileAt) file() string            { return string(f) }

// variantAt is a variant merged with its base: the decoder sees the merged
// document, the user wrote the variant. A position inside a key the
// variant gives is named at that key in the variant's file; any other
// (a key taken from the base) in the merged document, said to be one.
type variantAt struct {
	path        string
	keys        []keyAt          // the merged document's keys, in document order
	own         map[string]keyAt // the variant's own keys
	baseChanges int              // the base's changes, before the variant's in the merged list
}

// keyAt is a key path and where its key stands.
type keyAt struct {
	key       string
	line, col int
}

func newVariantAt(path string, variant, merged []byte) *variantAt {
	v := &variantAt{path: path, keys: keyList(merged), own: map[string]keyAt{}}
	nMerged, nOwn := 0, 0
	for _, k := range v.keys {
		nMerged = max(nMerged, changeIndex(k.key)+1)
	}
	for _, k := range keyList(variant) {
		v.own[k.key] = k
		nOwn = max(nOwn, changeIndex(k.key)+1)
	}
	v.baseChanges = nMerged - nOwn
	return v
}

func (v *variantAt) file() string { return v.path + " (merged with its base)" }

func (v *variantAt) at(line, col int) string {
	// The key a position belongs to: the last key at or before it.
	i := sort.Search(len(v.keys), func(i int) bool {
		k := v.keys[i]
		return k.line > line || k.line == line && k.col > col
	})
	if i > 0 {
		key := v.keys[i-1].key
		if n := changeIndex(key); n >= 0 {
			// The variant's changes follow the base's.
			rest := key[strings.IndexByte(key, ']')+1:]
			key = fmt.Sprintf("changes[%d]%s", n-v.baseChanges, rest)
		}
		if k, ok := v.own[key]; ok {
			return fmt.Sprintf("%s:%d:%d", v.path, k.line, k.col)
		}
	}
	return fmt.Sprintf("%s:%d:%d", v.file(), line, col)
}

// changeIndex is i of a key under "changes[i]", or -1.
func changeIndex(key string) int {
	rest, ok := strings.CutPrefix(key, "changes[")
	if !ok {
		return -1
	}
	j := strings.IndexByte(rest, ']')
	if j < 0 {
		return -1
	}
	n, err := strconv.Atoi(rest[:j])
	if err != nil {
		return -1
	}
	return n
}

// keyList lists every dotted key path of the document with its key's
// position, in document order.
func keyList(data []byte) []keyAt {
	var out []keyAt
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		return nil
	}
	var walk func(prefix string, n ast.Node)
	walk = func(prefix string, n ast.Node) {
		switch m := n.(type) {
		case *ast.MappingNode:
			for _, v := range m.Values {
				walk(prefix, v)
			}
		case *ast.MappingValueNode:
			key := m.Key.String()
			if prefix != "" {
				key = prefix + "." + key
			}
			if tok := m.Key.GetToken(); tok != nil && tok.Position != nil {
				out = append(out, keyAt{key, tok.Position.Line, tok.Position.Column})
			}
			walk(key, m.Value)
		case *ast.SequenceNode:
			for i, v := range m.Values {
				walk(fmt.Sprintf("%s[%d]", prefix, i), v)
			}
		}
	}
	for _, doc := range f.Docs {
		walk("", doc.Body)
	}
	sort.SliceStable(out, func(i, j int) bool {
		return out[i].line < out[j].line || out[i].line == out[j].line && out[i].col < out[j].col
	})
	return out
}
