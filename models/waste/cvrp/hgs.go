package cvrp

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"
)

// ErrNoFeasible is returned (with the least infeasible solution found) when
// the search found no solution meeting every constraint, for instance when
// the fleet is too small.
var ErrNoFeasible = errors.New("cvrp: no feasible solution found")

// solver is the state of one hybrid genetic search.
type solver struct {
	in              *Instance
	params          Params
	fleet           int // route slots
	rng             *rand.Rand
	penaltyLoad     float64
	penaltyDuration float64
	loadTol, durTol float64 // excess below which a route counts as feasible
	split           *splitter
	ls              *localSearch
	pop             *population
	opts            Options
	start           time.Duration
	iterations      int
	taken           []bool  // crossover scratch
	nearest         [][]int // Granular nearest customers of each, nearest first
	sub             bool    // a decomposition's sub-problem: no further decomposition
	seed            [][]int // routes to start from (sub-problems), or nil
}

// Solve runs the hybrid genetic search of Vidal (2022) on in and returns
// the best feasible solution found. It is single-threaded and, for a
// given Seed and MaxIterations without TimeLimit, deterministic.
//
// The loop: random giant tours are split, improved by local search and
// form the initial population; then each iteration picks two parents by
// binary tournament, crosses them by OX, splits the child, improves it by
// local search (repairing it with ten-fold penalties half of the time when
// infeasible) and adds it to its subpopulation. Penalties adapt every
// PenaltyInterval iterations; after IterationsNoImprovement iterations
// without a better solution the population restarts. On instances of at
// least DecomposeMinCustomers customers, every DecomposeInterval iterations
// an elite solution is improved by route-based decomposition (Santini et
// al. 2023; see decompose.go) and the result joins the population.
func Solve(in *Instance, opts Options) (Solution, error) {
	if err := in.Validate(); err != nil {
		return Solution{}, err
	}
	s := newSolver(in, opts)
	s.run()
	return s.result()
}

func newSolver(in *Instance, opts Options) *solver { return newSolverFleet(in, opts, 0) }

// newSolverFleet is newSolver with at least minFleet route slots when the
// fleet is unlimited.
func newSolverFleet(in *Instance, opts Options, minFleet int) *solver {
	p := DefaultParams()
	if opts.Params != nil {
		p = *opts.Params
	}
	if opts.Clock == nil {
		opts.Clock = WallClock
	}
	fleet := fleetBound(in)
	if in.Vehicles == 0 {
		fleet = max(fleet, minFleet)
	}
	s := &solver{in: in, params: p, fleet: fleet, opts: opts,
		rng: rand.New(rand.NewPCG(opts.Seed, 0x9e3779b97f4a7c15))}
	s.loadTol = 1e-9 * in.Capacity
	s.durTol = 1e-9 * in.MaxRouteDuration
	// Initial penalties as in Vidal (2022): distance scale over demand scale.
	maxDist, maxDemand := 0.0, 0.0
	for _, d := range in.Dist {
		maxDist = max(maxDist, d)
	}
	for _, q := range in.Demand {
		maxDemand = max(maxDemand, q)
	}
	s.penaltyLoad = 1
	if maxDemand > 0 {
		s.penaltyLoad = max(0.1, min(1000, maxDist/maxDemand))
	}
	s.penaltyDuration = 1
	s.taken = make([]bool, in.N+1)
	s.split = newSplitter(s)
	s.nearest = nearestLists(in, p.Granular)
	s.ls = newLocalSearch(s)
	s.pop = &population{s: s}
	return s
}

// stop reports whether a limit is reached.
func (s *solver) stop() bool {
	if s.opts.MaxIterations > 0 && s.iterations >= s.opts.MaxIterations {
		return true
	}
	return s.opts.TimeLimit > 0 && s.opts.Clock()-s.start >= s.opts.TimeLimit
}

func (s *solver) run() {
	s.start = s.opts.Clock()
	s.addSeed()
	s.initialPopulation()
	unlimited := s.opts.MaxIterations == 0 && s.opts.TimeLimit == 0
	decompose := s.decomposeEnabled()
	child := newIndividual(s.in.N, s.fleet)
	for noImprovement := 1; !s.stop(); s.iterations++ {
		if unlimited && noImprovement > s.params.IterationsNoImprovement {
			break
		}
		s.crossover(child, s.pop.tournament(), s.pop.tournament())
		improved := s.educate(child)
		if decompose && s.iterations > 0 && s.iterations%s.params.DecomposeInterval == 0 && !s.stop() {
			improved = s.decompose() || improved
		}
		if improved {
			noImprovement = 1
		} else {
			noImprovement++
		}
		if s.iterations%s.params.PenaltyInterval == 0 {
			s.pop.managePenalties()
		}
		if !unlimited && noImprovement == s.params.IterationsNoImprovement {
			s.pop.restart()
			s.initialPopulation()
			noImprovement = 1
		}
	}
}

// addSeed adds the seed routes, improved by local search, to the
// population.
func (s *solver) addSeed() {
	if s.seed == nil {
		return
	}
	x := newIndividual(s.in.N, s.fleet)
	for k, r := range s.seed {
		x.routes[k] = append(x.routes[k][:0], r...)
	}
	x.giantFromRoutes()
	s.evaluate(x)
	s.educate(x)
}

// initialPopulation adds improved random solutions: random giant tours
// as in Vidal (2022), and a GreedyShare of randomised nearest-neighbour
// tours, alternating.
func (s *solver) initialPopulation() {
	greedyEvery := 0
	if s.params.GreedyShare > 0 {
		greedyEvery = max(1, int(math.Round(1/s.params.GreedyShare)))
	}
	count := s.params.InitialPopulation
	if s.params.LargeInitialPopulation > 0 && s.decomposeEnabled() {
		count = s.params.LargeInitialPopulation
	}
	for i := 0; i < count && (i == 0 || !s.stop()); i++ {
		x := newIndividual(s.in.N, s.fleet)
		if greedyEvery > 0 && i%greedyEvery == 0 {
			s.greedyTour(x.giant)
		} else {
			for k := range x.giant {
				x.giant[k] = k + 1
			}
			s.rng.Shuffle(len(x.giant), func(a, b int) { x.giant[a], x.giant[b] = x.giant[b], x.giant[a] })
		}
		s.split.split(x)
		s.educate(x)
	}
}

// greedyTour fills tour with a nearest-neighbour tour from a random
// customer, each step taking one of the two nearest unvisited customers at
// random.
func (s *solver) greedyTour(tour []int) {
	n := s.in.N
	visited := s.taken
	clear(visited)
	cur := 1 + s.rng.IntN(n)
	for k := 0; k < n; k++ {
		tour[k] = cur
		visited[cur] = true
		if k == n-1 {
			break
		}
		var cand [2]int
		found := 0
		for _, j := range s.nearest[cur] {
			if !visited[j] {
				cand[found] = j
				found++
				if found == 2 {
					break
				}
			}
		}
		switch found {
		case 0:
			cur = s.nearestUnvisited(cur, visited)
		case 1:
			cur = cand[0]
		default:
			cur = cand[s.rng.IntN(2)]
		}
	}
}

// nearestUnvisited scans every customer for the one nearest to cur.
func (s *solver) nearestUnvisited(cur int, visited []bool) int {
	best, bestD := 0, math.Inf(1)
	for j := 1; j <= s.in.N; j++ {
		if !visited[j] && s.in.D(cur, j) < bestD {
			best, bestD = j, s.in.D(cur, j)
		}
	}
	return best
}

// educate improves x by local search, repairs it with probability
// RepairProbability when it stays infeasible, and adds it to the
// population; it reports whether the best solution since the last restart
// improved.
func (s *solver) educate(x *individual) bool {
	s.ls.run(x, s.penaltyLoad, s.penaltyDuration, s.rng)
	improved := s.pop.add(x, true)
	if !x.feasible && s.rng.Float64() < s.params.RepairProbability {
		s.ls.run(x, 10*s.penaltyLoad, 10*s.penaltyDuration, s.rng)
		if x.feasible {
			improved = s.pop.add(x, false) || improved
		}
	}
	return improved
}

// crossover writes into child the ordered crossover (OX) of a and b: a
// random segment of a's giant tour is kept in place and the rest is
// filled in b's order, starting after the segment (Vidal 2022, section
// 3.1); the child is then split into routes.
func (s *solver) crossover(child, a, b *individual) {
	n := s.in.N
	child.giant = child.giant[:n]
	if n < 2 {
		copy(child.giant, a.giant)
		s.split.split(child)
		return
	}
	start := s.rng.IntN(n)
	end := s.rng.IntN(n)
	for end == start {
		end = s.rng.IntN(n)
	}
	taken := s.taken
	clear(taken)
	j := start
	for ; j%n != (end+1)%n; j++ {
		c := a.giant[j%n]
		child.giant[j%n] = c
		taken[c] = true
	}
	for i := 1; i <= n; i++ {
		c := b.giant[(end+i)%n]
		if !taken[c] {
			child.giant[j%n] = c
			j++
		}
	}
	s.split.split(child)
}

// result returns the best feasible solution, or the least penalised
// infeasible one with ErrNoFeasible.
func (s *solver) result() (Solution, error) {
	best := s.pop.best
	var err error
	if best == nil {
		err = fmt.Errorf("%w (%d vehicles, %d iterations)", ErrNoFeasible, s.fleet, s.iterations)
		cands := slices.Concat(s.pop.feasible, s.pop.infeasible)
		if len(cands) == 0 {
			return Solution{}, err
		}
		best = slices.MinFunc(cands, func(a, b *individual) int {
			ea, eb := a.excessLoad+a.excessDuration, b.excessLoad+b.excessDuration
			switch {
			case ea < eb:
				return -1
			case ea > eb:
				return 1
			}
			return 0
		})
	}
	sol := Solution{Feasible: best.feasible, Iterations: s.iterations}
	for _, r := range best.routes {
		if len(r) > 0 {
			sol.Routes = append(sol.Routes, slices.Clone(r))
		}
	}
	sol.Cost = s.in.Cost(sol.Routes)
	if math.IsNaN(sol.Cost) {
		return sol, fmt.Errorf("cvrp: cost is NaN")
	}
	return sol, err
}
