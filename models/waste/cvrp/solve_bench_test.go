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

// BenchmarkLocalSearch measures one local search from a random giant tour
// split into routes, on 100 customers.
func BenchmarkLocalSearch(b *testing.B) {
	in := loadTestInstance(b, "X-n101-k25.vrp", RoundAuto)
	s := newSolver(in, Options{Seed: 1})
	x := newIndividual(in.N, s.fleet)
	b.ReportAllocs()
	for b.Loop() {
		for k := range x.giant {
			x.giant[k] = k + 1
		}
		s.rng.Shuffle(len(x.giant), func(i, j int) { x.giant[i], x.giant[j] = x.giant[j], x.giant[i] })
		s.split.split(x)
		s.ls.run(x, s.penaltyLoad, s.penaltyDuration, s.rng)
	}
}

// BenchmarkSplit measures the linear split of a random giant tour.
func BenchmarkSplit(b *testing.B) {
	in := loadTestInstance(b, "X-n101-k25.vrp", RoundAuto)
	s := newSolver(in, Options{Seed: 1})
	x := newIndividual(in.N, s.fleet)
	for k := range x.giant {
		x.giant[k] = k + 1
	}
	b.ReportAllocs()
	for b.Loop() {
		s.split.split(x)
	}
}
