package water

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
)

// ErrInput is wrapped by every error about the content of an .inp file.
var ErrInput = errors.New("water: invalid input")

// InputError locates a problem in an .inp file.
type InputError struct {
	File    string
	Line    int
	Section string
	Err     error
}

func (e *InputError) Error() string {
	loc := "inp"
	if e.File != "" {
		loc = e.File
	}
	if e.Line > 0 {
		loc = fmt.Sprintf("%s: line %d", loc, e.Line)
	}
	if e.Section != "" {
		loc = fmt.Sprintf("%s: [%s]", loc, e.Section)
	}
	return loc + ": " + e.Err.Error()
}

// Unwrap makes errors.Is(err, ErrInput) true.
func (e *InputError) Unwrap() []error { return []error{e.Err, ErrInput} }

// maxInpLine bounds the length of one line (EPANET allows 1024 characters;
// we accept longer lines but not unbounded ones).
const maxInpLine = 1 << 20

// Load reads the EPANET .inp file at path.
func Load(path string) (*Network, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, &InputError{File: path, Err: err}
	}
	defer f.Close()
	net, err := Parse(f)
	var ie *InputError
	if errors.As(err, &ie) {
		ie.File = path
	}
	return net, err
}

// ParseBytes reads an .inp file held in memory.
func ParseBytes(b []byte) (*Network, error) { return Parse(bytes.NewReader(b)) }

// inpLine is one non-empty, comment-stripped line of a section.
type inpLine struct {
	num     int
	section string
	tokens  []string
	comment string
}

// sectionNames are the known sections; a header matches by its prefix, as
// EPANET matches the first characters of each keyword.
var sectionNames = []string{"TITLE", "JUNCTIONS", "RESERVOIRS", "TANKS", "PIPES", "PUMPS",
	"VALVES", "CONTROLS", "RULES", "DEMANDS", "SOURCES", "EMITTERS", "PATTERNS", "CURVES",
	"QUALITY", "STATUS", "ROUGHNESS", "ENERGY", "REACTIONS", "MIXING", "REPORT", "TIMES",
	"OPTIONS", "COORDINATES", "VERTICES", "LABELS", "BACKDROP", "TAGS", "LEAKAGE", "END"}

// Parse reads an .inp network from r. Sections may come in any order; node
// and link references are resolved after all lines are read.
func Parse(r io.Reader) (*Network, error) {
	lines, err := readSections(r)
	if err != nil {
		return nil, err
	}
	p := newParser()
	return p.build(lines)
}

func readSections(r io.Reader) (map[string][]inpLine, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), maxInpLine)
	out := map[string][]inpLine{}
	section := ""
	num := 0
	for sc.Scan() {
		num++
		text := sc.Text()
		if num == 1 {
			text = strings.TrimPrefix(text, "\ufeff")
		}
		body, comment, _ := strings.Cut(text, ";")
		trimmed := strings.TrimSpace(body)
		if strings.HasPrefix(trimmed, "[") {
			name, err := sectionOf(trimmed)
			if err != nil {
				return nil, &InputError{Line: num, Err: err}
			}
			if name == "END" {
				break
			}
			section = name
			continue
		}
		if section == "TITLE" {
			if t := strings.TrimSpace(text); t != "" {
				out[section] = append(out[section], inpLine{num: num, section: section, tokens: []string{t}})
			}
			continue
		}
		toks, err := tokenize(body)
		if err != nil {
			return nil, &InputError{Line: num, Section: section, Err: err}
		}
		if len(toks) == 0 {
			if section == "CURVES" && strings.TrimSpace(comment) != "" {
				out["CURVES"] = append(out["CURVES"], inpLine{num: num, section: section, comment: strings.TrimSpace(comment)})
			}
			continue
		}
		if section == "" {
			return nil, &InputError{Line: num, Err: errors.New("data before the first [SECTION] header")}
		}
		out[section] = append(out[section], inpLine{num: num, section: section, tokens: toks, comment: strings.TrimSpace(comment)})
	}
	if err := sc.Err(); err != nil {
		return nil, &InputError{Line: num + 1, Err: err}
	}
	return out, nil
}

func sectionOf(header string) (string, error) {
	end := strings.IndexByte(header, ']')
	name := header[1:]
	if end >= 0 {
		name = header[1:end]
	}
	name = strings.ToUpper(strings.TrimSpace(name))
	if len(name) >= 3 {
		for _, s := range sectionNames {
			if strings.HasPrefix(s, name) || strings.HasPrefix(name, s) {
				return s, nil
			}
		}
	}
	return "", fmt.Errorf("unknown section %q", header)
}

// tokenize splits a line into whitespace-separated tokens; a token may be
// quoted with double quotes to hold spaces.
func tokenize(s string) ([]string, error) {
	var toks []string
	for i := 0; i < len(s); {
		c := s[i]
		if c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f' {
			i++
			continue
		}
		if c == '"' {
			j := strings.IndexByte(s[i+1:], '"')
			if j < 0 {
				return nil, errors.New("unterminated quote")
			}
			toks = append(toks, s[i+1:i+1+j])
			i += j + 2
			continue
		}
		j := i
		for j < len(s) && !strings.ContainsRune(" \t\r\n\v\f", rune(s[j])) {
			j++
		}
		toks = append(toks, s[i:j])
		i = j
	}
	return toks, nil
}

// match reports whether token s starts with keyword kw, case-insensitively
// (EPANET's keyword matching).
func match(s, kw string) bool {
	return len(s) >= len(kw) && strings.EqualFold(s[:len(kw)], kw)
}

// parseNum parses a number; the whole token must be numeric and finite.
func parseNum(s string) (float64, error) {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v != v || v > 1e300 || v < -1e300 {
		return 0, fmt.Errorf("%q is not a number", s)
	}
	return v, nil
}

// ordered returns the lines of the given sections merged by line number.
func ordered(lines map[string][]inpLine, sections ...string) []inpLine {
	var out []inpLine
	for _, s := range sections {
		out = append(out, lines[s]...)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].num < out[j].num })
	return out
}
