package cvrp

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
)

// Solution is a set of routes. Each route lists customers (nodes 1..N) in
// visiting order; the depot (node 0) at both ends is implied.
type Solution struct {
	Routes [][]int
	// Cost is the total travel distance, service times excluded.
	Cost float64
	// Feasible reports whether every constraint holds.
	Feasible bool
	// Iterations is the number of genetic iterations run.
	Iterations int
}

// ErrInfeasible is wrapped by CheckSolution's errors.
var ErrInfeasible = errors.New("cvrp: infeasible solution")

// RouteCost returns the travel distance of route r (depot to depot).
func (in *Instance) RouteCost(r []int) float64 {
	if len(r) == 0 {
		return 0
	}
	c, prev := 0.0, 0
	for _, v := range r {
		c += in.D(prev, v)
		prev = v
	}
	return c + in.D(prev, 0)
}

// RouteDuration returns the travel distance plus service time of route r.
func (in *Instance) RouteDuration(r []int) float64 {
	d := in.RouteCost(r)
	for _, v := range r {
		d += in.service(v)
	}
	return d
}

// Cost returns the total travel distance of routes.
func (in *Instance) Cost(routes [][]int) float64 {
	c := 0.0
	for _, r := range routes {
		c += in.RouteCost(r)
	}
	return c
}

// CheckSolution checks that every customer is visited exactly once, that no
// route exceeds the capacity or the duration limit (with a relative
// tolerance of 1e-9), that the fleet is not exceeded and that s.Cost is the
// routes' cost. It returns all violations joined.
func (in *Instance) CheckSolution(s Solution) error {
	var errs []error
	seen := make([]int, in.N+1)
	used := 0
	for k, r := range s.Routes {
		if len(r) == 0 {
			continue
		}
		used++
		load := 0.0
		for _, v := range r {
			if v < 1 || v > in.N {
				errs = append(errs, fmt.Errorf("%w: route %d visits node %d, not a customer", ErrInfeasible, k+1, v))
				continue
			}
			seen[v]++
			load += in.Demand[v]
		}
		if load > in.Capacity*(1+1e-9) {
			errs = append(errs, fmt.Errorf("%w: route %d carries %g > capacity %g", ErrInfeasible, k+1, load, in.Capacity))
		}
		if in.MaxRouteDuration > 0 && validNodes(in, r) {
			if d := in.RouteDuration(r); d > in.MaxRouteDuration*(1+1e-9) {
				errs = append(errs, fmt.Errorf("%w: route %d lasts %g > limit %g", ErrInfeasible, k+1, d, in.MaxRouteDuration))
			}
		}
	}
	for v := 1; v <= in.N; v++ {
		if seen[v] != 1 {
			errs = append(errs, fmt.Errorf("%w: customer %d visited %d times", ErrInfeasible, v, seen[v]))
		}
	}
	if in.Vehicles > 0 && used > in.Vehicles {
		errs = append(errs, fmt.Errorf("%w: %d routes > %d vehicles", ErrInfeasible, used, in.Vehicles))
	}
	if len(errs) == 0 {
		if c := in.Cost(s.Routes); math.Abs(c-s.Cost) > 1e-6*math.Max(1, c) {
			errs = append(errs, fmt.Errorf("%w: stated cost %g, routes cost %g", ErrInfeasible, s.Cost, c))
		}
	}
	return errors.Join(errs...)
}

func validNodes(in *Instance, r []int) bool {
	for _, v := range r {
		if v < 0 || v > in.N {
			return false
		}
	}
	return true
}

// FormatCost prints an integral cost as an integer and any other cost with
// two decimals, as CVRPLIB's solution files do.
func FormatCost(c float64) string {
	if c == math.Trunc(c) && math.Abs(c) < 1e15 {
		return strconv.FormatInt(int64(c), 10)
	}
	return strconv.FormatFloat(c, 'f', 2, 64)
}

// WriteSol writes s in CVRPLIB .sol format: one "Route #k: c1 c2 ..." line
// per non-empty route, customers numbered 1..N in the order of the
// non-depot nodes of the instance, then "Cost C".
func WriteSol(w io.Writer, s Solution) error {
	bw := bufio.NewWriter(w)
	k := 0
	for _, r := range s.Routes {
		if len(r) == 0 {
			continue
		}
		k++
		fmt.Fprintf(bw, "Route #%d:", k)
		for _, v := range r {
			fmt.Fprintf(bw, " %d", v)
		}
		bw.WriteByte('\n')
	}
	fmt.Fprintf(bw, "Cost %s\n", FormatCost(s.Cost))
	return bw.Flush()
}
