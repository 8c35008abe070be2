package sparse

import (
	"errors"
	"math"
	"testing"
)

// fuzzMatrix decodes a small square matrix from fuzz input: the first byte
// gives the order (1..8), then triples (row, col, value code). Value codes
// cover zero, signed powers of two from 2⁻¹⁶ to 2¹⁵, NaN and ±Inf. If sym is
// set every entry is mirrored, so the pattern and values are symmetric.
func fuzzMatrix(data []byte, sym bool) (m *Matrix, finite bool) {
	if len(data) == 0 {
		return nil, false
	}
	n := 1 + int(data[0])%8
	var es []entry
	finite = true
	for k := 1; k+2 < len(data); k += 3 {
		i, j, code := int(data[k])%n, int(data[k+1])%n, data[k+2]
		var v float64
		switch {
		case code == 0:
		case code == 1:
			v, finite = math.NaN(), false
		case code == 2:
			v, finite = math.Inf(1), false
		case code == 3:
			v, finite = math.Inf(-1), false
		default:
			v = math.Ldexp(1, int(code%32)-16)
			if code&0x80 != 0 {
				v = -v
			}
		}
		es = append(es, entry{i, j, v})
		if sym && i != j {
			es = append(es, entry{j, i, v})
		}
	}
	return fromEntries(n, es), finite
}

// FuzzFactor feeds arbitrary small matrices to both factorizations: they
// must never panic, must report failures with the package's sentinels, and
// when they succeed on finite input their solutions must have a small
// backward error.
func FuzzFactor(f *testing.F) {
	f.Add([]byte{2, 0, 0, 20, 1, 1, 20, 0, 1, 150})
	f.Add([]byte{0, 0, 0, 0})
	f.Add([]byte{3, 0, 1, 20, 1, 2, 20, 2, 0, 20})
	f.Add([]byte{1, 0, 0, 1, 1, 1, 17})
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, sym := range []bool{false, true} {
			m, finite := fuzzMatrix(data, sym)
			if m == nil {
				return
			}
			b := make([]float64, m.N)
			for i := range b {
				b[i] = float64(i + 1)
			}
			lu, err := NewLU(m)
			if err != nil {
				t.Fatalf("NewLU: %v", err)
			}
			checkFuzzSolve(t, "LU", lu.Factor(m), ErrSingular, lu.Solve, m, b, finite)
			checkFuzzSolve(t, "LU.Refactor", lu.Refactor(m), ErrSingular, lu.Solve, m, b, finite)
			if !sym {
				continue
			}
			ch, err := NewCholesky(m)
			if err != nil {
				t.Fatalf("NewCholesky: %v", err)
			}
			checkFuzzSolve(t, "Cholesky", ch.Factor(m), ErrNotPositiveDefinite, ch.Solve, m, b, finite)
		}
	})
}

func checkFuzzSolve(t *testing.T, name string, err, sentinel error, solve func([]float64), m *Matrix, b []float64, finite bool) {
	t.Helper()
	x := append([]float64(nil), b...)
	solve(x) // must not panic, whatever happened before
	if err != nil {
		if !errors.Is(err, sentinel) {
			t.Fatalf("%s: error %v is not %v", name, err, sentinel)
		}
		return
	}
	if r := relResidual(m, x, b); finite && !(r < 1e-9) {
		t.Fatalf("%s: relative residual %g for x = %v", name, r, x)
	}
}
