package cvrp

import (
	"path/filepath"
	"testing"
)

func loadTestInstance(tb testing.TB, file string, round Rounding) *Instance {
	tb.Helper()
	f, err := ReadFile(filepath.Join("testdata", file))
	if err != nil {
		tb.Fatal(err)
	}
	in, err := f.Instance(round)
	if err != nil {
		tb.Fatal(err)
	}
	in.Vehicles = f.AutoFleet()
	return in
}

// BenchmarkSolve measures 200 genetic iterations (after the initial
// population) on instances of 31 and 100 customers.
func BenchmarkSolve(b *testing.B) {
	for _, file := range []string{"A-n32-k5.vrp", "X-n101-k25.vrp"} {
		in := loadTestInstance(b, file, RoundAuto)
		b.Run(file, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Solve(in, Options{Seed: 1, MaxIterations: 200}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
