package cvrp

import (
	"math"
	"time"
)

// Options control one run of Solve.
type Options struct {
	// Seed selects the random stream; the same seed and the same limits
	// give the same solution (with a TimeLimit, only as long as the limit
	// cuts the search at the same iteration).
	Seed uint64
	// TimeLimit stops the search after this much time on Clock; 0 means
	// none.
	TimeLimit time.Duration
	// MaxIterations stops the search after this many genetic iterations
	// (offspring); 0 means none. With neither limit the search stops after
	// Params.IterationsNoImprovement iterations without improvement.
	MaxIterations int
	// Clock measures TimeLimit: any monotonic reading, only differences
	// count. Nil means WallClock; ProcessCPUTime counts this process's CPU
	// time instead.
	Clock func() time.Duration
	// Params overrides the hyperparameters; nil means DefaultParams(inst).
	Params *Params
}

// Params are the HGS hyperparameters; the defaults are those of Vidal
// (2022), table 1.
type Params struct {
	Granular                int     // Γ: correlated vertices per customer (20)
	Mu                      int     // μ: minimum subpopulation size (25)
	Lambda                  int     // λ: generation size (40)
	Elite                   int     // individuals kept for their cost alone (4)
	Close                   int     // neighbours for the diversity contribution (5)
	TargetFeasible          float64 // ξREF: wanted share of feasible offspring (0.2)
	IterationsNoImprovement int     // restart after this many (20000)
	PenaltyInterval         int     // iterations between penalty updates (100)
	RepairProbability       float64 // chance to repair an infeasible offspring (0.5)
	InitialPopulation       int     // individuals built at start and restart (4μ)
	// GreedyShare is the share of initial individuals whose giant tour is a
	// randomised nearest-neighbour tour instead of a random permutation.
	// Vidal (2022) uses random tours only (0); greedy tours give routes
	// that local search finishes much sooner, which matters on large
	// instances under short time limits.
	GreedyShare float64
	// Decomposition (Santini et al. 2023), on instances of at least
	// DecomposeMinCustomers customers: every DecomposeInterval iterations an elite
	// solution is cut into sub-problems of about DecomposeSize customers
	// (groups of whole routes), each solved by a hybrid genetic search of
	// DecomposeIterations iterations from DecomposeInitial random
	// individuals and the elite's routes. DecomposeInterval 0 disables it.
	DecomposeMinCustomers int
	DecomposeInterval     int
	DecomposeSize         int
	DecomposeIterations   int
	DecomposeInitial      int
	// LargeInitialPopulation, when positive, replaces InitialPopulation
	// on instances where the decomposition runs: at n = 1000 one random
	// individual costs about 0.3 CPU-s of local search, and under a short
	// time limit the decomposition rounds use that time better.
	LargeInitialPopulation int
}

// DefaultParams returns the hyperparameters of Vidal (2022), and those of
// the decomposition measured in bench/cvrp.md.
func DefaultParams() Params {
	return Params{Granular: 20, Mu: 25, Lambda: 40, Elite: 4, Close: 5, TargetFeasible: 0.2,
		IterationsNoImprovement: 20000, PenaltyInterval: 100, RepairProbability: 0.5, InitialPopulation: 100,
		DecomposeMinCustomers: 400, DecomposeInterval: 20, DecomposeSize: 120, DecomposeIterations: 500, DecomposeInitial: 10,
		LargeInitialPopulation: 25}
}

const epsilon = 1e-5 // improvement threshold, as in Vidal (2022)

// fleetBound returns the number of route slots the search works with: the
// fleet when it is limited, otherwise a generous estimate in the manner of
// Vidal (2022): 1.3 times the capacity (or duration) lower bound plus 3.
func fleetBound(in *Instance) int {
	if in.Vehicles > 0 {
		return in.Vehicles
	}
	total := 0.0
	for _, q := range in.Demand {
		total += q
	}
	k := int(math.Ceil(1.3*total/in.Capacity)) + 3
	if in.MaxRouteDuration > 0 {
		work := 0.0
		for i := 1; i <= in.N; i++ {
			work += in.service(i) + nearestIn(in, i)
		}
		k = max(k, int(math.Ceil(1.3*work/in.MaxRouteDuration))+3)
	}
	return min(k, in.N)
}

// nearestIn returns the shortest arc into node i.
func nearestIn(in *Instance, i int) float64 {
	best := math.Inf(1)
	for j := 0; j <= in.N; j++ {
		if j != i {
			best = math.Min(best, in.D(j, i))
		}
	}
	return best
}
