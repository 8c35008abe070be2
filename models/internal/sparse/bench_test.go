package sparse

import (
	"citytwin/engine/cputime"
	"fmt"
	"math/rand/v2"
	"testing"
)

// gridSides are the sides of the square grids benchmarked: about 1e3, 1e4
// and 1e5 unknowns, the sizes of water networks and distribution grids.
var gridSides = []int{32, 100, 316}

func BenchmarkAMD(b *testing.B) {
	for _, side := range gridSides {
		m := gridLaplacian(side, side, 0.01)
		b.Run(fmt.Sprintf("grid/n=%d", m.N), func(b *testing.B) {
			b.ReportAllocs()
			cputime.Loop(b, func() { AMD(m) })
		})
	}
}

func BenchmarkCholesky(b *testing.B) {
	type tc struct {
		name string
		m    *Matrix
	}
	lt := ltownMatrix(b, 1)
	cases := []tc{{fmt.Sprintf("L-Town/n=%d", lt.N), lt}}
	for _, side := range gridSides {
		m := waterLikeMatrix(1, side)
		cases = append(cases, tc{fmt.Sprintf("waterlike/n=%d", m.N), m})
	}
	for _, side := range gridSides {
		m := gridLaplacian(side, side, 0.01)
		cases = append(cases, tc{fmt.Sprintf("grid/n=%d", m.N), m})
	}
	for _, tc := range cases {
		m, name := tc.m, tc.name
		b.Run("Analyse/"+name, func(b *testing.B) {
			b.ReportAllocs()
			cputime.Loop(b, func() {
				if _, err := NewCholesky(m); err != nil {
					b.Fatal(err)
				}
			})
		})
		c, err := NewCholesky(m)
		if err != nil {
			b.Fatal(err)
		}
		b.Run("Factor/"+name, func(b *testing.B) {
			b.ReportAllocs()
			cputime.Loop(b, func() {
				if err := c.Factor(m); err != nil {
					b.Fatal(err)
				}
			})
			b.ReportMetric(float64(c.NNZL()), "nnzL")
		})
		x := randomVector(rand.New(rand.NewPCG(1, 1)), m.N)
		b.Run("Solve/"+name, func(b *testing.B) {
			b.ReportAllocs()
			cputime.Loop(b, func() { c.Solve(x) })
		})
	}
}

func BenchmarkLU(b *testing.B) {
	type tc struct {
		name string
		m    *Matrix
	}
	var cases []tc
	for _, side := range gridSides {
		m := gridOperator(side, side, 0.01, 1, 2)
		cases = append(cases, tc{fmt.Sprintf("convection/n=%d", m.N), m})
	}
	pf := case118Jacobian(b, 1)
	cases = append(cases, tc{fmt.Sprintf("case118/n=%d", pf.N), pf})
	lt := ltownMatrix(b, 1)
	cases = append(cases, tc{fmt.Sprintf("L-Town/n=%d", lt.N), lt})
	for _, c := range cases {
		b.Run("Analyse/"+c.name, func(b *testing.B) {
			b.ReportAllocs()
			cputime.Loop(b, func() {
				if _, err := NewLU(c.m); err != nil {
					b.Fatal(err)
				}
			})
		})
		f, err := NewLU(c.m)
		if err != nil {
			b.Fatal(err)
		}
		b.Run("Factor/"+c.name, func(b *testing.B) {
			b.ReportAllocs()
			cputime.Loop(b, func() {
				if err := f.Factor(c.m); err != nil {
					b.Fatal(err)
				}
			})
			b.ReportMetric(float64(f.NNZ()), "nnzLU")
		})
		b.Run("Refactor/"+c.name, func(b *testing.B) {
			b.ReportAllocs()
			cputime.Loop(b, func() {
				if err := f.Refactor(c.m); err != nil {
					b.Fatal(err)
				}
			})
		})
		x := randomVector(rand.New(rand.NewPCG(1, 1)), c.m.N)
		b.Run("Solve/"+c.name, func(b *testing.B) {
			b.ReportAllocs()
			cputime.Loop(b, func() { f.Solve(x) })
		})
	}
}

// BenchmarkNewtonRaphson118 is the linear algebra of an AC power flow of
// the IEEE 118-bus case: one Factor and four Newton iterations of Refactor
// + Solve (the target is below 0.2 ms for the whole power flow).
func BenchmarkNewtonRaphson118(b *testing.B) {
	m := case118Jacobian(b, 1)
	f, err := NewLU(m)
	if err != nil {
		b.Fatal(err)
	}
	x := make([]float64, m.N)
	b.ReportAllocs()
	cputime.Loop(b, func() {
		if err := f.Factor(m); err != nil {
			b.Fatal(err)
		}
		for it := 0; it < 4; it++ {
			if err := f.Refactor(m); err != nil {
				b.Fatal(err)
			}
			x[0] = 1
			f.Solve(x)
		}
	})
}

// BenchmarkCalibration is a dependent chain of 1000 multiply-adds (8
// cycles of latency each), to compare machines: about 2.7 µs at 3 GHz.
func BenchmarkCalibration(b *testing.B) {
	x := randomVector(rand.New(rand.NewPCG(1, 2)), 1000)
	var sum float64
	cputime.Loop(b, func() {
		s := 0.0
		for _, v := range x {
			s = s*0.5 + v
		}
		sum += s
	})
	if sum == 42 {
		b.Log(sum)
	}
}
