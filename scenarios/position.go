package scenarios

import (
	"fmt"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

// keyPositions maps every dotted key path of the document to its
// "file:line:col", so that errors found after decoding (a missing field, a
// value out of range) can still name the place.
func keyPositions(path string, data []byte) map[string]string {
	out := map[string]string{}
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		return out
	}
	for _, doc := range f.Docs {
		walkKeys(path, "", doc.Body, out)
	}
	return out
}

func walkKeys(path, prefix string, n ast.Node, out map[string]string) {
	switch m := n.(type) {
	case *ast.MappingNode:
		for _, v := range m.Values {
			walkKeys(path, prefix, v, out)
		}
	case *ast.MappingValueNode:
		key := m.Key.String()
		if prefix != "" {
			key = prefix + "." + key
		}
		if tok := m.Key.GetToken(); tok != nil && tok.Position != nil {
			out[key] = fmt.Sprintf("%s:%d:%d", path, tok.Position.Line, tok.Position.Column)
		}
		walkKeys(path, key, m.Value, out)
	case *ast.SequenceNode:
		for i, v := range m.Values {
			walkKeys(path, fmt.Sprintf("%s[%d]", prefix, i), v, out)
		}
	}
}
