package grid

import (
	"errors"
	"fmt"
	"math"
	"math/cmplx"
)

// ErrNoSlack is returned when no in-service generator can serve as the
// reference bus.
var ErrNoSlack = errors.New("grid: no reference bus with an in-service generator")

// Network is a case compiled for the solvers: buses by position, in-service
// elements, per-unit branch admittances and the bus admittance matrix. It
// is read-only once built and safe for concurrent use by several solvers.
type Network struct {
	Case    *Case
	BaseMVA float64
	index   map[int]int // external bus number -> position

	// Per bus (position as in Case.Buses).
	busType []BusType    // effective type after MATPOWER's bustypes rules
	ysh     []complex128 // bus shunt admittance, pu
	ref     int
	pv, pq  []int

	// Per branch (row of Case.Branches); out-of-service rows have zero admittances.
	from, to           []int
	yff, yft, ytf, ytt []complex128
	tapInv             []complex128 // 1/τ with τ = ratio·e^{jθ} (1 for a line)
	yLoss              []complex128 // 1/conj(R+jX): series loss = |Vf/τ - Vt|²·yLoss
	inService          []bool

	// Per generator.
	genBus []int
	genOn  []bool

	ybus csr
}

// csr is a complex sparse matrix in compressed sparse row form with sorted
// column indices and the position of each diagonal entry.
type csr struct {
	n      int
	rowPtr []int
	col    []int
	val    []complex128
	diag   []int
}

// NewNetwork compiles c. Isolated buses (type 4), out-of-service generators
// and branches, and branches touching an isolated bus are left out, as in
// MATPOWER's ext2int. A PV or reference bus without an in-service generator
// is treated as PQ; when no reference bus remains, the first PV bus becomes
// the reference, as in MATPOWER's bustypes.
func NewNetwork(c *Case) (*Network, error) {
	n := &Network{Case: c, BaseMVA: c.BaseMVA, index: c.BusIndex()}
	nb := len(c.Buses)
	n.ysh = make([]complex128, nb)
	for i, b := range c.Buses {
		n.ysh[i] = complex(b.Gs, b.Bs) / complex(c.BaseMVA, 0)
	}
	n.compileGens()
	if err := n.compileBusTypes(); err != nil {
		return nil, err
	}
	n.compileBranches()
	n.ybus = makeYbus(nb, n.from, n.to, n.yff, n.yft, n.ytf, n.ytt, n.ysh, n.inService)
	return n, nil
}

func (n *Network) compileGens() {
	c := n.Case
	n.genBus = make([]int, len(c.Gens))
	n.genOn = make([]bool, len(c.Gens))
	for k, g := range c.Gens {
		n.genBus[k] = n.index[g.Bus]
		n.genOn[k] = g.InService && c.Buses[n.genBus[k]].Type != Isolated
	}
}

func (n *Network) compileBusTypes() error {
	n.chooseBusTypes()
	if n.ref < 0 {
		return fmt.Errorf("%s: %w", n.Case.Name, ErrNoSlack)
	}
	n.pv, n.pq = n.pv[:0], n.pq[:0]
	for i, t := range n.busType {
		switch t {
		case PV:
			n.pv = append(n.pv, i)
		case PQ:
			n.pq = append(n.pq, i)
		}
	}
	return nil
}

// chooseBusTypes sets the effective bus types and the reference bus by
// MATPOWER's bustypes rules (n.ref < 0 when no bus can be the reference).
func (n *Network) chooseBusTypes() {
	c := n.Case
	hasGen := make([]bool, len(c.Buses))
	for k, on := range n.genOn {
		if on {
			hasGen[n.genBus[k]] = true
		}
	}
	n.busType = make([]BusType, len(c.Buses))
	n.ref = -1
	for i, b := range c.Buses {
		t := b.Type
		if (t == PV || t == Ref) && !hasGen[i] {
			t = PQ
		}
		if t == Ref {
			if n.ref >= 0 {
				t = PV // MATPOWER keeps the first reference bus
			} else {
				n.ref = i
			}
		}
		n.busType[i] = t
	}
	if n.ref < 0 {
		for i, t := range n.busType {
			if t == PV {
				n.ref, n.busType[i] = i, Ref
				break
			}
		}
	}
}

// compileBranches computes the π-model admittances of each branch
// (MATPOWER's makeYbus): Ys = 1/(R+jX), tap τ = ratio·e^{jθ},
// Yff = (Ys + jB/2)/|τ|², Yft = -Ys/τ*, Ytf = -Ys/τ, Ytt = Ys + jB/2.
func (n *Network) compileBranches() {
	c := n.Case
	nl := len(c.Branches)
	n.from, n.to = make([]int, nl), make([]int, nl)
	n.yff, n.yft = make([]complex128, nl), make([]complex128, nl)
	n.ytf, n.ytt = make([]complex128, nl), make([]complex128, nl)
	n.inService = make([]bool, nl)
	n.tapInv, n.yLoss = make([]complex128, nl), make([]complex128, nl)
	for k, br := range c.Branches {
		n.from[k], n.to[k] = n.index[br.From], n.index[br.To]
		on := br.InService && c.Buses[n.from[k]].Type != Isolated && c.Buses[n.to[k]].Type != Isolated
		n.inService[k] = on
		n.tapInv[k] = 1 / branchTap(br)
		if on {
			n.yff[k], n.yft[k], n.ytf[k], n.ytt[k] = branchAdmittance(br)
			n.yLoss[k] = 1 / cmplx.Conj(complex(br.R, br.X))
		}
	}
}

// branchAdmittance returns the four entries of the branch's 2×2 admittance
// matrix in per unit.
func branchAdmittance(br Branch) (yff, yft, ytf, ytt complex128) {
	ys := 1 / complex(br.R, br.X)
	ratio := br.Ratio
	if ratio == 0 {
		ratio = 1
	}
	tap := branchTap(br)
	ytt = ys + complex(0, br.B/2)
	yff = ytt / complex(ratio*ratio, 0)
	yft = -ys / cmplx.Conj(tap)
	ytf = -ys / tap
	return
}

// branchTap returns the complex tap ratio·e^{jθ} of a branch (ratio 0
// means 1).
func branchTap(br Branch) complex128 {
	ratio := br.Ratio
	if ratio == 0 {
		ratio = 1
	}
	return cmplx.Rect(ratio, br.Angle*math.Pi/180)
}

// Bus returns the position of the bus with external number id.
func (n *Network) Bus(id int) (int, bool) {
	i, ok := n.index[id]
	return i, ok
}

// BusType returns the effective power-flow type of bus position i.
func (n *Network) BusType(i int) BusType { return n.busType[i] }

// Ref returns the position of the reference bus.
func (n *Network) Ref() int { return n.ref }

// NumBuses returns the number of buses.
func (n *Network) NumBuses() int { return len(n.Case.Buses) }
