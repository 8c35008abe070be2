package grid

import (
	"errors"
	"fmt"
	"math"
)

// mval is a value of the case-file language: a real matrix in row-major
// order (a scalar is 1×1 and kept in s), or a string.
type mval struct {
	r, c  int
	s     float64
	d     []float64
	str   string
	isStr bool
}

func scalar(v float64) mval { return mval{r: 1, c: 1, s: v} }

func (v mval) isScalar() bool { return !v.isStr && v.r == 1 && v.c == 1 }

func (v mval) at(i, j int) float64 {
	if v.r == 1 && v.c == 1 {
		return v.s
	}
	return v.d[i*v.c+j]
}

func (v mval) len() int { return v.r * v.c }

// flat returns element k in row-major order.
func (v mval) flat(k int) float64 {
	if v.r == 1 && v.c == 1 {
		return v.s
	}
	return v.d[k]
}

var errShape = errors.New("matrix dimensions do not agree")

// elementwise applies op to a and b with scalar broadcasting.
func elementwise(a, b mval, op func(x, y float64) float64) (mval, error) {
	if a.isStr || b.isStr {
		return mval{}, errors.New("arithmetic on a string")
	}
	if a.isScalar() && b.isScalar() {
		return scalar(op(a.s, b.s)), nil
	}
	r, c := a.r, a.c
	if a.isScalar() {
		r, c = b.r, b.c
	} else if !b.isScalar() && (a.r != b.r || a.c != b.c) {
		return mval{}, fmt.Errorf("%w: %dx%d and %dx%d", errShape, a.r, a.c, b.r, b.c)
	}
	out := mval{r: r, c: c, d: make([]float64, r*c)}
	for k := range out.d {
		x, y := a.s, b.s
		if !a.isScalar() {
			x = a.d[k]
		}
		if !b.isScalar() {
			y = b.d[k]
		}
		out.d[k] = op(x, y)
	}
	if r == 1 && c == 1 {
		return scalar(out.d[0]), nil
	}
	return out, nil
}

// binary applies a MATLAB operator. Matrix products and divisions are only
// accepted when one side is a scalar.
func binary(op string, a, b mval) (mval, error) {
	switch op {
	case "+":
		return elementwise(a, b, func(x, y float64) float64 { return x + y })
	case "-":
		return elementwise(a, b, func(x, y float64) float64 { return x - y })
	case "*", "/", "^":
		if !a.isScalar() && !b.isScalar() {
			return mval{}, fmt.Errorf("matrix operator %q is not supported (use .%s)", op, op)
		}
		if op == "/" && !b.isScalar() {
			return mval{}, fmt.Errorf("matrix division is not supported")
		}
		if op == "^" && !a.isScalar() {
			return mval{}, fmt.Errorf("matrix power is not supported")
		}
		return binary("."+op, a, b)
	case ".*":
		return elementwise(a, b, func(x, y float64) float64 { return x * y })
	case "./":
		return elementwise(a, b, func(x, y float64) float64 { return x / y })
	case ".^":
		return elementwise(a, b, math.Pow)
	}
	return mval{}, fmt.Errorf("unknown operator %q", op)
}

// hcat joins values side by side; vcat stacks rows.
func hcat(parts []mval) (mval, error) {
	if len(parts) == 1 {
		return parts[0], nil
	}
	r, c := -1, 0
	for _, p := range parts {
		if p.isStr {
			return mval{}, errors.New("string in a matrix")
		}
		if p.len() == 0 {
			continue
		}
		if r >= 0 && p.r != r {
			return mval{}, fmt.Errorf("%w: horizontal concatenation of %d and %d rows", errShape, r, p.r)
		}
		r = p.r
		c += p.c
	}
	if r < 0 {
		return mval{}, nil
	}
	out := mval{r: r, c: c, d: make([]float64, r*c)}
	col := 0
	for _, p := range parts {
		for i := 0; i < p.r; i++ {
			for j := 0; j < p.c; j++ {
				out.d[i*c+col+j] = p.at(i, j)
			}
		}
		col += p.c
	}
	return out, nil
}

// rowsToMatrix stacks rows of equal width into one matrix.
func rowsToMatrix(rows []mval) (mval, error) {
	out := mval{}
	for _, row := range rows {
		if row.len() == 0 {
			continue
		}
		if out.r == 0 {
			out.c = row.c
		} else if row.c != out.c {
			return mval{}, fmt.Errorf("%w: row of %d columns after rows of %d", errShape, row.c, out.c)
		}
		for i := 0; i < row.r; i++ {
			for j := 0; j < row.c; j++ {
				out.d = append(out.d, row.at(i, j))
			}
		}
		out.r += row.r
	}
	if out.r == 1 && out.c == 1 {
		return scalar(out.d[0]), nil
	}
	return out, nil
}
