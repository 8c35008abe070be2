package grid

import (
	"errors"
	"fmt"
	"math"
)

// maxNesting bounds the depth of parentheses and brackets in expressions.
const maxNesting = 100

// maxElements bounds the size of one matrix (rows × columns) in a case file.
const maxElements = 50_000_000

// parser evaluates the statements of a MATPOWER case file: assignments of
// matrices and scalars to mpc fields, the idx_bus/idx_brch/idx_gen column
// constants, scalar variables, and column-block updates such as the
// kW-to-MW conversion at the end of case33bw.m.
type parser struct {
	toks    []token
	pos     int
	depth   int
	vars    map[string]mval
	fields  map[string]mval
	rowLine map[string][]int // line of each data row of mpc.bus/gen/branch
}

func newParser(toks []token) *parser {
	return &parser{toks: toks, vars: map[string]mval{}, fields: map[string]mval{}, rowLine: map[string][]int{}}
}

func (p *parser) peek() token { return p.toks[p.pos] }

func (p *parser) advance() token {
	t := p.toks[p.pos]
	if t.kind != tEOF {
		p.pos++
	}
	return t
}

func (p *parser) isPunct(s string) bool {
	t := p.peek()
	return t.kind == tPunct && t.text == s
}

func (p *parser) expect(s string) error {
	t := p.peek()
	if t.kind != tPunct || t.text != s {
		return fmt.Errorf("line %d: expected %q, found %s", t.line, s, describe(t))
	}
	p.advance()
	return nil
}

func describe(t token) string {
	switch t.kind {
	case tEOF:
		return "end of file"
	case tNewline:
		return "end of line"
	case tString:
		return fmt.Sprintf("string %q", t.text)
	}
	return fmt.Sprintf("%q", t.text)
}

// run evaluates every statement.
func (p *parser) run() error {
	for p.peek().kind != tEOF {
		if err := p.statement(); err != nil {
			return err
		}
	}
	return nil
}

func (p *parser) statement() error {
	t := p.peek()
	switch {
	case t.kind == tNewline || (t.kind == tPunct && (t.text == ";" || t.text == ",")):
		p.advance()
		return nil
	case t.kind == tIdent && (t.text == "function" || t.text == "end" || t.text == "endfunction" || t.text == "return"):
		for k := p.peek().kind; k != tNewline && k != tEOF; k = p.peek().kind {
			p.advance()
		}
		return nil
	case t.kind == tPunct && t.text == "[":
		return p.multiAssign()
	case t.kind == tIdent:
		return p.assign()
	}
	return fmt.Errorf("line %d: unexpected %s at start of statement", t.line, describe(t))
}

// endStatement consumes the statement terminator.
func (p *parser) endStatement() error {
	t := p.peek()
	if t.kind == tNewline || t.kind == tEOF || (t.kind == tPunct && (t.text == ";" || t.text == ",")) {
		p.advance()
		return nil
	}
	return fmt.Errorf("line %d: expected end of statement, found %s", t.line, describe(t))
}

// multiAssign handles "[A, B, ...] = idx_bus;" and its siblings.
func (p *parser) multiAssign() error {
	line := p.advance().line
	var names []string
	for !p.isPunct("]") {
		t := p.advance()
		switch {
		case t.kind == tIdent:
			names = append(names, t.text)
		case t.kind == tPunct && t.text == ",", t.kind == tNewline:
		default:
			return fmt.Errorf("line %d: expected a name in [...] =, found %s", t.line, describe(t))
		}
	}
	p.advance()
	if err := p.expect("="); err != nil {
		return err
	}
	fn := p.advance()
	values, ok := idxFunctions[fn.text]
	if fn.kind != tIdent || !ok {
		return fmt.Errorf("line %d: unsupported function %s (only idx_bus, idx_brch, idx_gen)", fn.line, describe(fn))
	}
	if len(names) > len(values) {
		return fmt.Errorf("line %d: %s returns %d values, %d requested", line, fn.text, len(values), len(names))
	}
	for i, n := range names {
		p.vars[n] = scalar(float64(values[i]))
	}
	return p.endStatement()
}

// assign handles NAME = expr, mpc.FIELD = expr and mpc.FIELD(I, J) = expr.
func (p *parser) assign() error {
	name := p.advance()
	field := ""
	if name.text == "mpc" {
		if err := p.expect("."); err != nil {
			return err
		}
		f := p.advance()
		if f.kind != tIdent {
			return fmt.Errorf("line %d: expected a field name after mpc., found %s", f.line, describe(f))
		}
		field = f.text
	}
	if p.isPunct("(") {
		if field == "" {
			return fmt.Errorf("line %d: indexed assignment to %s is not supported", name.line, name.text)
		}
		return p.indexedAssign(field, name.line)
	}
	if err := p.expect("="); err != nil {
		return err
	}
	if field != "" && p.isPunct("{") {
		return p.skipCell()
	}
	rows := p.pos
	v, err := p.expr(false)
	if err != nil {
		return err
	}
	if field == "" {
		p.vars[name.text] = v
	} else {
		p.fields[field] = v
		p.recordRowLines(field, rows)
	}
	return p.endStatement()
}

// recordRowLines remembers the source line of each data row of a matrix
// literal that started at token index from.
func (p *parser) recordRowLines(field string, from int) {
	if field != "bus" && field != "gen" && field != "branch" {
		return
	}
	var lines []int
	rowStart := true
	for k := from + 1; k < p.pos; k++ {
		t := p.toks[k]
		if t.kind == tNewline || (t.kind == tPunct && (t.text == ";" || t.text == "]")) {
			rowStart = true
			continue
		}
		if rowStart {
			lines = append(lines, t.line)
			rowStart = false
		}
	}
	p.rowLine[field] = lines
}

// skipCell skips a cell-array literal {...} (bus names, fuel types).
func (p *parser) skipCell() error {
	open := p.advance().line
	depth := 1
	for depth > 0 {
		t := p.advance()
		switch {
		case t.kind == tEOF:
			return fmt.Errorf("line %d: unterminated {", open)
		case t.kind == tPunct && t.text == "{":
			depth++
		case t.kind == tPunct && t.text == "}":
			depth--
		}
	}
	return p.endStatement()
}

// indexedAssign handles mpc.FIELD(I, J) = expr.
func (p *parser) indexedAssign(field string, line int) error {
	m, ok := p.fields[field]
	if !ok || m.isStr {
		return fmt.Errorf("line %d: mpc.%s is not a matrix", line, field)
	}
	rows, cols, err := p.indexArgs(m)
	if err != nil {
		return err
	}
	if err := p.expect("="); err != nil {
		return err
	}
	v, err := p.expr(false)
	if err != nil {
		return err
	}
	if !v.isScalar() && (v.isStr || v.r != len(rows) || v.c != len(cols)) {
		return fmt.Errorf("line %d: %w: assigning %dx%d to %dx%d", line, errShape, v.r, v.c, len(rows), len(cols))
	}
	m = m.materialize()
	for a, i := range rows {
		for b, j := range cols {
			m.d[i*m.c+j] = v.at(a, b)
		}
	}
	p.fields[field] = m
	return p.endStatement()
}

// materialize returns v with its data in d, even for a 1×1 matrix.
func (v mval) materialize() mval {
	if v.d == nil && v.r == 1 && v.c == 1 {
		v.d = []float64{v.s}
	}
	return v
}

// indexArgs parses "(I, J)" against matrix m and returns 0-based row and
// column index lists.
func (p *parser) indexArgs(m mval) (rows, cols []int, err error) {
	line := p.advance().line // "("
	rows, err = p.indexList(m.r)
	if err != nil {
		return nil, nil, err
	}
	if err := p.expect(","); err != nil {
		return nil, nil, err
	}
	cols, err = p.indexList(m.c)
	if err != nil {
		return nil, nil, err
	}
	if err := p.expect(")"); err != nil {
		return nil, nil, fmt.Errorf("line %d: only two-dimensional indexing is supported: %w", line, err)
	}
	return rows, cols, nil
}

// indexList parses ":" or an expression of 1-based indices up to n.
func (p *parser) indexList(n int) ([]int, error) {
	if p.isPunct(":") {
		p.advance()
		idx := make([]int, n)
		for i := range idx {
			idx[i] = i
		}
		return idx, nil
	}
	line := p.peek().line
	v, err := p.expr(false)
	if err != nil {
		return nil, err
	}
	if v.isStr {
		return nil, fmt.Errorf("line %d: string used as an index", line)
	}
	idx := make([]int, v.len())
	for k := range idx {
		f := v.flat(k)
		if f != math.Trunc(f) || f < 1 || f > float64(n) {
			return nil, fmt.Errorf("line %d: index %g out of range 1..%d", line, f, n)
		}
		idx[k] = int(f) - 1
	}
	return idx, nil
}

// expr parses an expression. Inside a matrix literal (inMatrix) a blank
// before a sign that is not followed by a blank starts a new element.
func (p *parser) expr(inMatrix bool) (mval, error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxNesting {
		return mval{}, fmt.Errorf("line %d: expression nested too deeply", p.peek().line)
	}
	v, err := p.term(inMatrix)
	for err == nil && (p.isPunct("+") || p.isPunct("-")) {
		if inMatrix && p.peek().spaceBefore && !p.toks[p.pos+1].spaceBefore {
			break
		}
		op := p.advance()
		var w mval
		if w, err = p.term(inMatrix); err == nil {
			v, err = binary(op.text, v, w)
			err = atLine(op.line, err)
		}
	}
	return v, err
}

func (p *parser) term(inMatrix bool) (mval, error) {
	v, err := p.unary(inMatrix)
	for err == nil && (p.isPunct("*") || p.isPunct("/") || p.isPunct(".*") || p.isPunct("./")) {
		op := p.advance()
		var w mval
		if w, err = p.unary(inMatrix); err == nil {
			v, err = binary(op.text, v, w)
			err = atLine(op.line, err)
		}
	}
	return v, err
}

func (p *parser) unary(inMatrix bool) (mval, error) {
	if p.isPunct("-") || p.isPunct("+") {
		op := p.advance()
		v, err := p.unary(inMatrix)
		if err != nil || op.text == "+" {
			return v, err
		}
		v, err = binary(".*", scalar(-1), v)
		return v, atLine(op.line, err)
	}
	return p.power(inMatrix)
}

func (p *parser) power(inMatrix bool) (mval, error) {
	v, err := p.primary()
	for err == nil && (p.isPunct("^") || p.isPunct(".^")) {
		op := p.advance()
		var w mval
		if p.isPunct("-") || p.isPunct("+") {
			w, err = p.unary(inMatrix)
		} else {
			w, err = p.primary()
		}
		if err == nil {
			v, err = binary(op.text, v, w)
			err = atLine(op.line, err)
		}
	}
	return v, err
}

func atLine(line int, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("line %d: %w", line, err)
}

func (p *parser) primary() (mval, error) {
	t := p.peek()
	switch {
	case t.kind == tNumber:
		p.advance()
		return scalar(t.num), nil
	case t.kind == tString:
		p.advance()
		return mval{isStr: true, str: t.text}, nil
	case t.kind == tPunct && t.text == "(":
		p.advance()
		v, err := p.expr(false)
		if err != nil {
			return v, err
		}
		return v, p.expect(")")
	case t.kind == tPunct && t.text == "[":
		return p.matrix()
	case t.kind == tIdent:
		return p.name()
	}
	return mval{}, fmt.Errorf("line %d: unexpected %s in expression", t.line, describe(t))
}

// name evaluates a variable, a constant, mpc.FIELD or mpc.FIELD(I, J).
func (p *parser) name() (mval, error) {
	t := p.advance()
	var v mval
	if t.text == "mpc" {
		if err := p.expect("."); err != nil {
			return v, err
		}
		f := p.advance()
		var ok bool
		if v, ok = p.fields[f.text]; f.kind != tIdent || !ok {
			return v, fmt.Errorf("line %d: mpc.%s is not defined", f.line, f.text)
		}
	} else {
		var ok bool
		if v, ok = p.vars[t.text]; !ok {
			if v, ok = constants[t.text]; !ok {
				return v, fmt.Errorf("line %d: undefined name %q", t.line, t.text)
			}
		}
	}
	if !p.isPunct("(") || p.peek().spaceBefore {
		return v, nil
	}
	if v.isStr {
		return v, fmt.Errorf("line %d: indexing a string", t.line)
	}
	rows, cols, err := p.indexArgs(v)
	if err != nil {
		return v, err
	}
	if len(rows)*len(cols) > maxElements {
		return v, fmt.Errorf("line %d: selection too large", t.line)
	}
	out := mval{r: len(rows), c: len(cols), d: make([]float64, len(rows)*len(cols))}
	for a, i := range rows {
		for b, j := range cols {
			out.d[a*out.c+b] = v.at(i, j)
		}
	}
	if out.r == 1 && out.c == 1 {
		return scalar(out.d[0]), nil
	}
	return out, nil
}

// matrix parses a matrix literal [a b; c d]; rows end at ";" or a newline.
func (p *parser) matrix() (mval, error) {
	open := p.advance().line
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxNesting {
		return mval{}, fmt.Errorf("line %d: brackets nested too deeply", open)
	}
	var rows, row []mval
	size := 0
	for {
		t := p.peek()
		switch {
		case t.kind == tEOF:
			return mval{}, fmt.Errorf("line %d: unterminated [", open)
		case t.kind == tPunct && t.text == "]", t.kind == tNewline, t.kind == tPunct && t.text == ";":
			p.advance()
			if len(row) > 0 {
				r, err := hcat(row)
				if err == nil && len(rows) > 0 && r.len() > 0 && rows[0].c != r.c {
					err = fmt.Errorf("%w: row of %d columns after rows of %d", errShape, r.c, rows[0].c)
				}
				if err != nil {
					return mval{}, atLine(t.line, err)
				}
				rows, row = append(rows, r), row[:0:0]
			}
			if t.kind == tPunct && t.text == "]" {
				m, err := rowsToMatrix(rows)
				return m, atLine(t.line, err)
			}
		case t.kind == tPunct && t.text == ",":
			p.advance()
		default:
			v, err := p.expr(true)
			if err != nil {
				return mval{}, err
			}
			if size += v.len(); size > maxElements {
				return mval{}, fmt.Errorf("line %d: matrix too large", t.line)
			}
			row = append(row, v)
		}
	}
}

// constants are the MATLAB names a case file may use without defining them.
var constants = map[string]mval{
	"Inf": scalar(math.Inf(1)), "inf": scalar(math.Inf(1)),
	"NaN": scalar(math.NaN()), "nan": scalar(math.NaN()),
	"pi": scalar(math.Pi), "eps": scalar(math.Nextafter(1, 2) - 1),
}

// idxFunctions are the column-index constants of MATPOWER's idx_bus,
// idx_brch and idx_gen, in their output order.
var idxFunctions = map[string][]int{
	// PQ PV REF NONE BUS_I BUS_TYPE PD QD GS BS BUS_AREA VM VA BASE_KV ZONE VMAX VMIN LAM_P LAM_Q MU_VMAX MU_VMIN
	"idx_bus": {1, 2, 3, 4, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17},
	// F_BUS T_BUS BR_R BR_X BR_B RATE_A RATE_B RATE_C TAP SHIFT BR_STATUS PF QF PT QT MU_SF MU_ST ANGMIN ANGMAX MU_ANGMIN MU_ANGMAX
	"idx_brch": {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 14, 15, 16, 17, 18, 19, 12, 13, 20, 21},
	// GEN_BUS PG QG QMAX QMIN VG MBASE GEN_STATUS PMAX PMIN PC1 PC2 QC1MIN QC1MAX QC2MIN QC2MAX RAMP_AGC RAMP_10 RAMP_30 RAMP_Q APF MU_PMAX MU_PMIN MU_QMAX MU_QMIN
	"idx_gen": {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25},
}

// errNoData is wrapped when a required matrix is missing.
var errNoData = errors.New("missing")
