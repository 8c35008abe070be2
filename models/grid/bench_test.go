package grid

import (
	"citytwin/engine/cputime"
	"os"
	"path/filepath"
	"testing"
)

// benchNewton measures one Newton-Raphson power flow from a flat start with
// a prepared solver (Jacobian pattern and symbolic LU reused, as in a time
// series).
func benchNewton(b *testing.B, c *Case) {
	net, err := NewNetwork(c)
	if err != nil {
		b.Fatal(err)
	}
	s, err := NewNewton(net)
	if err != nil {
		b.Fatal(err)
	}
	v0 := net.initialVoltage(true)
	v := make([]complex128, len(v0))
	sbus := make([]complex128, len(v0))
	net.makeSbus(sbus)
	b.ReportAllocs()
	b.ResetTimer()
	cputime.Loop(b, func() {
		copy(v, v0)
		if _, _, err := s.Solve(v, sbus, 1e-8, 10); err != nil {
			b.Fatal(err)
		}
	})
}

func BenchmarkNewtonCase118(b *testing.B) { benchNewton(b, loadCase(b, "case118")) }

func BenchmarkNewtonCase2383wp(b *testing.B) {
	path := filepath.Join(sharedCaseDir, "case2383wp.m")
	if _, err := os.Stat(path); err != nil {
		b.Skip("shared case2383wp.m not present")
	}
	c, err := ReadCaseFile(path)
	if err != nil {
		b.Fatal(err)
	}
	benchNewton(b, c)
}

// BenchmarkSolveACCase118 includes compiling the network and the symbolic
// analysis: a one-off power flow as the CLI runs it.
func BenchmarkSolveACCase118(b *testing.B) {
	c := loadCase(b, "case118")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := SolveAC(c, Options{FlatStart: true}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkReadCase118(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		loadCase(b, "case118")
	}
}

// yearProfile is the BDEW H0 household profile of 2023 at 15 min, scaled
// to a peak of 1.
func yearProfile(b *testing.B) *Profile {
	f, err := os.Open("testdata/profiles/selp_series.csv")
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	bd, err := ReadBDEW(f, "selp_series.csv")
	if err != nil {
		b.Fatal(err)
	}
	p, err := bd.Year("h0", 2023)
	if err != nil {
		b.Fatal(err)
	}
	return p.Scaled(1 / p.Max())
}

// benchYear runs a year at 15-min resolution (35,040 power flows) on
// case33bw, loads following the H0 profile; one op is one year.
func benchYear(b *testing.B, m Method) {
	c := loadCase(b, "case33bw")
	prof := yearProfile(b)
	g, err := NewGrid(c, m, EN50160, Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	cputime.Loop(b, func() {
		for _, v := range prof.Values {
			g.ScaleAllLoads(v)
			if err := g.Step(0.25); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkYear33bwNewton(b *testing.B) { benchYear(b, NewtonRaphson) }
func BenchmarkYear33bwSweep(b *testing.B)  { benchYear(b, BackwardForwardSweep) }
