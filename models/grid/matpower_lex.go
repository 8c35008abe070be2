package grid

import (
	"fmt"
	"strconv"
)

// tokKind is the kind of a token of the MATLAB subset used by case files.
type tokKind int

const (
	tEOF     tokKind = iota
	tNewline         // end of a line (not after a "..." continuation)
	tNumber
	tIdent
	tString
	tPunct // one of [ ] { } ( ) , ; = + - * / ^ : . and the two-character .* ./ .^
)

// token is one lexical token with the line it starts on.
type token struct {
	kind tokKind
	text string
	num  float64
	line int
	// spaceBefore is true when whitespace precedes the token on its line;
	// inside matrices it separates "1 -2" (two elements) from "1-2".
	spaceBefore bool
}

// lexer splits case-file text into tokens. Comments (% to end of line) are
// dropped; "..." continues a statement on the next line.
type lexer struct {
	src      string
	pos      int
	line     int
	prev     tokKind
	prevText string
}

func newLexer(src string) *lexer { return &lexer{src: src, line: 1, prev: tNewline} }

// next returns the next token or an error naming the line.
func (lx *lexer) next() (token, error) {
	space := lx.skipSpace()
	if lx.pos >= len(lx.src) {
		return token{kind: tEOF, line: lx.line}, nil
	}
	c := lx.src[lx.pos]
	var tok token
	var err error
	switch {
	case c == '\n':
		lx.pos++
		lx.line++
		tok = token{kind: tNewline, line: lx.line - 1}
	case isDigit(c) || (c == '.' && lx.pos+1 < len(lx.src) && isDigit(lx.src[lx.pos+1])):
		tok, err = lx.number()
	case isIdentStart(c):
		start := lx.pos
		for lx.pos < len(lx.src) && isIdentChar(lx.src[lx.pos]) {
			lx.pos++
		}
		tok = token{kind: tIdent, text: lx.src[start:lx.pos], line: lx.line}
	case c == '\'' && !lx.transposeContext(space):
		tok, err = lx.str('\'')
	case c == '"':
		tok, err = lx.str('"')
	default:
		tok, err = lx.punct()
	}
	if err != nil {
		return token{}, err
	}
	tok.spaceBefore = space
	lx.prev, lx.prevText = tok.kind, tok.text
	return tok, nil
}

// skipSpace skips blanks, comments and continuations; it reports whether
// any blank was skipped.
func (lx *lexer) skipSpace() bool {
	space := false
	for lx.pos < len(lx.src) {
		c := lx.src[lx.pos]
		switch {
		case c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v':
			lx.pos++
			space = true
		case c == '%' || c == '#':
			for lx.pos < len(lx.src) && lx.src[lx.pos] != '\n' {
				lx.pos++
			}
		case c == '.' && len(lx.src)-lx.pos >= 3 && lx.src[lx.pos:lx.pos+3] == "...":
			for lx.pos < len(lx.src) && lx.src[lx.pos] != '\n' {
				lx.pos++
			}
			if lx.pos < len(lx.src) {
				lx.pos++
				lx.line++
			}
			space = true
		default:
			return space
		}
	}
	return space
}

// transposeContext reports whether a quote here is MATLAB's transpose
// operator rather than the start of a string.
func (lx *lexer) transposeContext(space bool) bool {
	if space {
		return false
	}
	switch lx.prev {
	case tIdent, tNumber:
		return true
	case tPunct:
		return lx.prevText == ")" || lx.prevText == "]" || lx.prevText == "}"
	}
	return false
}

func (lx *lexer) number() (token, error) {
	start := lx.pos
	for lx.pos < len(lx.src) && (isDigit(lx.src[lx.pos]) || lx.src[lx.pos] == '.') {
		if lx.src[lx.pos] == '.' && lx.pos+1 < len(lx.src) && (lx.src[lx.pos+1] == '*' || lx.src[lx.pos+1] == '/' || lx.src[lx.pos+1] == '^' || lx.src[lx.pos+1] == '\'') {
			break // "2.*x": the dot belongs to the operator
		}
		lx.pos++
	}
	if lx.pos < len(lx.src) && (lx.src[lx.pos] == 'e' || lx.src[lx.pos] == 'E' || lx.src[lx.pos] == 'd' || lx.src[lx.pos] == 'D') {
		p := lx.pos + 1
		if p < len(lx.src) && (lx.src[p] == '+' || lx.src[p] == '-') {
			p++
		}
		if p < len(lx.src) && isDigit(lx.src[p]) {
			for p < len(lx.src) && isDigit(lx.src[p]) {
				p++
			}
			lx.pos = p
		}
	}
	text := lx.src[start:lx.pos]
	norm := []byte(text)
	for i, b := range norm {
		if b == 'd' || b == 'D' {
			norm[i] = 'e'
		}
	}
	v, err := strconv.ParseFloat(string(norm), 64)
	if err != nil {
		return token{}, fmt.Errorf("line %d: bad number %q", lx.line, text)
	}
	return token{kind: tNumber, text: text, num: v, line: lx.line}, nil
}

func (lx *lexer) str(q byte) (token, error) {
	line := lx.line
	lx.pos++
	var buf []byte
	for lx.pos < len(lx.src) {
		c := lx.src[lx.pos]
		if c == '\n' {
			break
		}
		lx.pos++
		if c == q {
			if lx.pos < len(lx.src) && lx.src[lx.pos] == q { // doubled quote
				buf = append(buf, q)
				lx.pos++
				continue
			}
			return token{kind: tString, text: string(buf), line: line}, nil
		}
		buf = append(buf, c)
	}
	return token{}, fmt.Errorf("line %d: unterminated string", line)
}

func (lx *lexer) punct() (token, error) {
	c := lx.src[lx.pos]
	if c == '.' && lx.pos+1 < len(lx.src) {
		switch n := lx.src[lx.pos+1]; n {
		case '*', '/', '^', '\'':
			lx.pos += 2
			return token{kind: tPunct, text: string([]byte{c, n}), line: lx.line}, nil
		}
	}
	switch c {
	case '[', ']', '{', '}', '(', ')', ',', ';', '=', '+', '-', '*', '/', '^', ':', '.', '\'':
		lx.pos++
		return token{kind: tPunct, text: string(c), line: lx.line}, nil
	}
	return token{}, fmt.Errorf("line %d: unexpected character %q", lx.line, c)
}

func isDigit(c byte) bool      { return c >= '0' && c <= '9' }
func isIdentStart(c byte) bool { return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') }
func isIdentChar(c byte) bool  { return isIdentStart(c) || isDigit(c) }

// tokenize returns all tokens of src, ending with tEOF.
func tokenize(src string) ([]token, error) {
	lx := newLexer(src)
	var toks []token
	for {
		t, err := lx.next()
		if err != nil {
			return nil, err
		}
		toks = append(toks, t)
		if t.kind == tEOF {
			return toks, nil
		}
	}
}
