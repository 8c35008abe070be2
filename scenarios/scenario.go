// Package scenarios reads scenario files and builds runs from them.
//
// A scenario is a YAML file naming the city (an OSM file), the simulated
// start (local date-time and IANA time zone), the duration, the master
// seed, the models that run with their parameters, sensor feeds and
// outputs. Decoding is strict: an unknown key, a value of the wrong type or
// a missing required field is an error naming file:line:column and the key.
package scenarios

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

// ErrInvalid is wrapped by every error about a scenario's content.
var ErrInvalid = errors.New("scenarios: invalid scenario")

// Scenario is a decoded scenario file.
type Scenario struct {
	Name        string              `yaml:"name"`
	Description string              `yaml:"description"`
	City        CityConfig          `yaml:"city"`
	Start       string              `yaml:"start"`    // local date-time, "2006-01-02T15:04:05"
	TimeZone    string              `yaml:"timezone"` // IANA name, "Europe/Copenhagen"
	Duration    Duration            `yaml:"duration"`
	Seed        uint64              `yaml:"seed"`
	Models      map[string]ast.Node `yaml:"models"`
	Feeds       []ast.Node          `yaml:"feeds"`
	Outputs     Outputs             `yaml:"outputs"`
	// Extends names a base scenario this one is a variant of (see
	// loadWithBase); Changes are the variant's what-if changes.
	Extends string   `yaml:"extends"`
	Changes []Change `yaml:"changes"`

	// Path is the file the scenario was read from; SHA256 its content's
	// hash; Dir the folder relative paths in it are resolved against.
	Path   string `yaml:"-"`
	SHA256 string `yaml:"-"`
	Dir    string `yaml:"-"`
	// StartTime is Start in TimeZone.
	StartTime time.Time `yaml:"-"`

	positions map[string]string // key path -> "file:line:col", for later errors
	loc       locator           // names positions in errors
}

// CityConfig names the city's OSM extract.
type CityConfig struct {
	OSM string `yaml:"osm"` // path, relative to the scenario file
}

// Outputs says where and how results are written.
type Outputs struct {
	Dir    string `yaml:"dir"`    // default results/<name>
	Format string `yaml:"format"` // csv, arrow (default) or parquet
}

// Load reads and validates the scenario at path.
func Load(path string) (*Scenario, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("scenarios: %w", err)
	}
	return Parse(path, data)
}

// Parse decodes and validates a scenario from data; path names it in
// errors and anchors relative paths.
func Parse(path string, data []byte) (*Scenario, error) {
	// Decode the file merged with its base; the hash is of what runs (the
	// merged document), so a change to a base changes its variants' hash.
	merged, err := loadWithBase(path, data, map[string]bool{})
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(merged)
	var loc locator = fileAt(path)
	if string(merged) != string(data) {
		// Errors name the variant's own lines where they can.
		loc = newVariantAt(path, data, merged)
		data = merged
	}
	var sc Scenario
	if err := unmarshalYAML(loc, data, &sc, yaml.Strict()); err != nil {
		return nil, err
	}
	sc.loc = loc
	sc.Path, sc.SHA256, sc.Dir = path, hex.EncodeToString(sum[:]), filepath.Dir(path)
	if err := sc.validate(data); err != nil {
		return nil, err
	}
	return &sc, nil
}

// unmarshalYAML decodes data into v, with errors as yamlError gives them:
// the document is parsed once, its aliases counted (checkAliases), and
// its body decoded by nodeToValue. An empty document leaves v as it is.
func unmarshalYAML(where locator, data []byte, v any, opts ...yaml.DecodeOption) error {
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		return yamlError(where, err)
	}
	if err := checkAliases(where, f); err != nil {
		return err
	}
	if len(f.Docs) == 0 || f.Docs[0].Body == nil {
		return nil
	}
	return nodeToValue(where, f.Docs[0].Body, v, opts...)
}

// maxAliasNodes bounds the nodes that aliases may add to a document: the
// decoder expands every alias in place, so nine levels of ten aliases
// each (a "billion laughs" document of ten lines) would take it a billion
// nodes and all the memory there is. A hand-written scenario uses a few.
const maxAliasNodes = 100_000

// checkAliases refuses a document whose aliases expand to more than
// maxAliasNodes nodes, at the alias where the count passes the limit.
func checkAliases(where locator, f *ast.File) error {
	z := aliasCounter{anchors: map[string]int64{}}
	for _, d := range f.Docs {
		z.size(d)
	}
	if z.at == nil {
		return nil
	}
	tok := z.at.GetToken()
	if tok == nil || tok.Position == nil {
		return fmt.Errorf("%w: %s: aliases expand to more than %d nodes", ErrInvalid, where.file(), maxAliasNodes)
	}
	return fmt.Errorf("%w: %s: aliases expand to more than %d nodes", ErrInvalid, where.at(tok.Position.Line, tok.Position.Column), maxAliasNodes)
}

// aliasCounter sizes a document with its aliases expanded.
type aliasCounter struct {
	anchors  map[string]int64 // size of each anchor's value, by name
	expanded int64            // nodes added by aliases so far
	at       ast.Node         // the alias that passed maxAliasNodes
}

func (z *aliasCounter) size(n ast.Node) int64 {
	var s int64 = 1
	switch n := n.(type) {
	case nil:
		return 0
	case *ast.DocumentNode:
		return z.size(n.Body)
	case *ast.MappingNode:
		for _, v := range n.Values {
			s += z.size(v)
		}
	case *ast.MappingValueNode:
		return z.size(n.Key) + z.size(n.Value)
	case *ast.MappingKeyNode:
		return z.size(n.Value)
	case *ast.SequenceNode:
		for _, v := range n.Values {
			s += z.size(v)
		}
	case *ast.TagNode:
		s += z.size(n.Value)
	case *ast.AnchorNode:
		s = z.size(n.Value)
		if n.Name != nil && n.Name.GetToken() != nil {
			z.anchors[n.Name.GetToken().Value] = s
		}
	case *ast.AliasNode:
		if n.Value != nil && n.Value.GetToken() != nil {
			s = z.anchors[n.Value.GetToken().Value]
		}
		z.expanded += s
		if z.expanded > maxAliasNodes && z.at == nil {
			z.at = n
		}
	}
	return min(s, maxAliasNodes+1)
}

// nodeToValue decodes node into v. The YAML library panics on some
// malformed documents (go-yaml v1.19.2: a value tagged "!" decoded into a
// list, found by FuzzFeeds); such a panic becomes an ErrInvalid error
// naming the file and the first tag under node.
func nodeToValue(where locator, node ast.Node, v any, opts ...yaml.DecodeOption) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = yamlPanic(where, node, r)
		}
	}()
	if err := yaml.NodeToValue(node, v, opts...); err != nil {
		return yamlError(where, err)
	}
	return nil
}

// yamlPanic reports a panic of the YAML decoder at the first tag under
// node (the construct known to cause them), or at the file when none.
func yamlPanic(where locator, node ast.Node, r any) error {
	if node != nil {
		for _, n := range ast.Filter(ast.TagType, node) {
			if tok := n.GetToken(); tok != nil && tok.Position != nil {
				return fmt.Errorf("%w: %s: cannot decode the value tagged %q (YAML decoder: %v)",
					ErrInvalid, where.at(tok.Position.Line, tok.Position.Column), tok.Value, r)
			}
		}
	}
	return fmt.Errorf("%w: %s: the YAML decoder failed on this document: %v", ErrInvalid, where.file(), r)
}

// yamlError turns a YAML library error into "file:line:col: message".
func yamlError(where locator, err error) error {
	var ye yaml.Error
	if errors.As(err, &ye) {
		if tok := ye.GetToken(); tok != nil && tok.Position != nil {
			return fmt.Errorf("%w: %s: %s", ErrInvalid, where.at(tok.Position.Line, tok.Position.Column), ye.GetMessage())
		}
		return fmt.Errorf("%w: %s: %s", ErrInvalid, where.file(), ye.GetMessage())
	}
	return fmt.Errorf("%w: %s: %v", ErrInvalid, where.file(), err)
}

// locator names positions of the scenario's document in errors.
func (sc *Scenario) locator() locator {
	if sc.loc == nil {
		return fileAt(sc.Path)
	}
	return sc.loc
}

// fieldError names a key of the scenario with its position when known.
func (sc *Scenario) fieldError(key, format string, args ...any) error {
	// A missing key has no position: name its parent's, or the first
	// line of the document for a top-level key.
	where := sc.locator().at(1, 1)
	for k := key; k != ""; {
		if pos, ok := sc.positions[k]; ok {
			where = pos
			break
		}
		i := strings.LastIndexByte(k, '.')
		if i < 0 {
			break
		}
		k = k[:i]
	}
	return fmt.Errorf("%w: %s: %s: %s", ErrInvalid, where, key, fmt.Sprintf(format, args...))
}

func (sc *Scenario) validate(data []byte) error {
	sc.positions = keyPositions(sc.locator(), data)
	if sc.Name == "" {
		return sc.fieldError("name", "missing required field")
	}
	if sc.City.OSM == "" {
		return sc.fieldError("city.osm", "missing required field")
	}
	if sc.Start == "" {
		return sc.fieldError("start", "missing required field")
	}
	if sc.TimeZone == "" {
		return sc.fieldError("timezone", "missing required field")
	}
	loc, err := time.LoadLocation(sc.TimeZone)
	if err != nil {
		return sc.fieldError("timezone", "unknown time zone %q", sc.TimeZone)
	}
	start, err := time.ParseInLocation("2006-01-02T15:04:05", sc.Start, loc)
	if err != nil {
		return sc.fieldError("start", "want a local date-time like 2024-05-14T06:00:00, got %q", sc.Start)
	}
	sc.StartTime = start
	if sc.Duration.D <= 0 {
		return sc.fieldError("duration", "missing or not positive")
	}
	for name := range sc.Models {
		if _, ok := builders[name]; !ok {
			return sc.fieldError("models."+name, "unknown model (known: %s)", knownModels())
		}
	}
	if err := sc.checkChanges(); err != nil {
		return err
	}
	if _, err := sc.decodeFeeds(); err != nil {
		return err
	}
	if sc.Outputs.Format == "" {
		sc.Outputs.Format = "arrow"
	}
	switch sc.Outputs.Format {
	case "csv", "arrow", "parquet":
	default:
		return sc.fieldError("outputs.format", "want csv, arrow or parquet, got %q", sc.Outputs.Format)
	}
	return nil
}

// Resolve makes a path in the scenario relative to the scenario's folder.
func (sc *Scenario) Resolve(p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(sc.Dir, p)
}

// End is the simulated end as a wall time in the scenario's zone.
func (sc *Scenario) End() time.Time { return sc.StartTime.Add(sc.Duration.D) }

// Position returns "file:line:col" of a dotted key path (like
// "models.traffic.step"), or the file name when it is not known.
func (sc *Scenario) Position(key string) string {
	if pos, ok := sc.positions[key]; ok {
		return pos
	}
	return sc.locator().file()
}
