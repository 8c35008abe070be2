// Package cvrp solves the capacitated vehicle routing problem, with an
// optional route duration limit and service times, by hybrid genetic
// search (HGS) as described by Vidal (2022), "Hybrid genetic search for the
// CVRP: Open-source implementation and SWAP* neighborhood", Computers &
// Operations Research 140, 105643, itself following Vidal et al. (2012),
// "A hybrid genetic algorithm for multidepot and periodic vehicle routing
// problems", Operations Research 60(3).
//
// Distances may be asymmetric (one-way streets make street distances
// asymmetric): every move that reverses part of a route accounts for the
// reversed arcs. The package also reads TSPLIB/CVRPLIB .vrp files and writes
// CVRPLIB .sol files.
package cvrp

import (
	"errors"
	"fmt"
	"math"
)

// ErrInvalid is returned (wrapped) when an Instance is not well formed.
var ErrInvalid = errors.New("cvrp: invalid instance")

// Instance is a CVRP with an optional route duration limit. Node 0 is the
// depot and nodes 1..N are the customers. Distances, demands and times are
// in the caller's units (for the waste model: m, kg or m3, and s; the
// solver only needs travel "distance" and "duration" to be in the same unit
// when MaxRouteDuration is set, because a route's duration is its travel
// distance plus the service times of its customers).
type Instance struct {
	// Name identifies the instance in messages and .sol files.
	Name string
	// N is the number of customers.
	N int
	// Dist is the (N+1)x(N+1) distance matrix, row-major: Dist[i*(N+1)+j]
	// is the cost of travelling from node i to node j. It need not be
	// symmetric.
	Dist []float64
	// Demand[i] is the demand of node i (len N+1, Demand[0] = 0).
	Demand []float64
	// Capacity is the vehicle capacity.
	Capacity float64
	// Service[i] is the service time at node i, counted in the route
	// duration but not in the cost (len N+1, or nil for none).
	Service []float64
	// MaxRouteDuration limits a route's travel distance plus service time;
	// 0 means no limit.
	MaxRouteDuration float64
	// Vehicles is the number of vehicles (routes) available; 0 means as many
	// as needed.
	Vehicles int
	// Coords optionally gives planar coordinates per node (len N+1); the
	// solver uses them only to skip SWAP* between routes in disjoint polar
	// sectors around the depot (Vidal 2022, section 4). Nil means every
	// pair of routes is tried.
	Coords [][2]float64
}

// D returns the distance from node i to node j.
func (in *Instance) D(i, j int) float64 { return in.Dist[i*(in.N+1)+j] }

func (in *Instance) service(i int) float64 {
	if in.Service == nil {
		return 0
	}
	return in.Service[i]
}

// Validate checks the sizes and signs of the instance's data.
func (in *Instance) Validate() error {
	n1 := in.N + 1
	switch {
	case in.N < 1:
		return fmt.Errorf("%w: %d customers", ErrInvalid, in.N)
	case len(in.Dist) != n1*n1:
		return fmt.Errorf("%w: distance matrix has %d entries, want %d", ErrInvalid, len(in.Dist), n1*n1)
	case len(in.Demand) != n1:
		return fmt.Errorf("%w: %d demands, want %d", ErrInvalid, len(in.Demand), n1)
	case in.Service != nil && len(in.Service) != n1:
		return fmt.Errorf("%w: %d service times, want %d", ErrInvalid, len(in.Service), n1)
	case in.Coords != nil && len(in.Coords) != n1:
		return fmt.Errorf("%w: %d coordinates, want %d", ErrInvalid, len(in.Coords), n1)
	case !(in.Capacity > 0) || math.IsInf(in.Capacity, 0):
		return fmt.Errorf("%w: capacity %g", ErrInvalid, in.Capacity)
	case in.MaxRouteDuration < 0 || math.IsNaN(in.MaxRouteDuration):
		return fmt.Errorf("%w: max route duration %g", ErrInvalid, in.MaxRouteDuration)
	case in.Vehicles < 0:
		return fmt.Errorf("%w: %d vehicles", ErrInvalid, in.Vehicles)
	}
	for i, d := range in.Dist {
		if d < 0 || math.IsNaN(d) || math.IsInf(d, 0) {
			return fmt.Errorf("%w: distance %d->%d is %g", ErrInvalid, i/n1, i%n1, d)
		}
	}
	for i, q := range in.Demand {
		if q < 0 || math.IsNaN(q) || math.IsInf(q, 0) {
			return fmt.Errorf("%w: demand of node %d is %g", ErrInvalid, i, q)
		}
		if q > in.Capacity {
			return fmt.Errorf("%w: demand of node %d (%g) exceeds capacity %g", ErrInvalid, i, q, in.Capacity)
		}
	}
	for i, s := range in.Service {
		if s < 0 || math.IsNaN(s) || math.IsInf(s, 0) {
			return fmt.Errorf("%w: service time of node %d is %g", ErrInvalid, i, s)
		}
	}
	return nil
}

// symmetric reports whether Dist is symmetric.
func (in *Instance) symmetric() bool {
	n1 := in.N + 1
	for i := 0; i < n1; i++ {
		for j := i + 1; j < n1; j++ {
			if in.Dist[i*n1+j] != in.Dist[j*n1+i] {
				return false
			}
		}
	}
	return true
}
