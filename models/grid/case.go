package grid

import "fmt"

// BusType is the power-flow role of a bus, numbered as in MATPOWER.
type BusType int

// Bus types.
const (
	PQ       BusType = 1 // load bus: P and Q given
	PV       BusType = 2 // generator bus: P and |V| given
	Ref      BusType = 3 // slack (reference) bus: |V| and angle given
	Isolated BusType = 4 // out of service
)

// String names the bus type.
func (t BusType) String() string {
	switch t {
	case PQ:
		return "PQ"
	case PV:
		return "PV"
	case Ref:
		return "REF"
	case Isolated:
		return "NONE"
	}
	return fmt.Sprintf("BusType(%d)", int(t))
}

// Bus is one row of a MATPOWER bus matrix.
type Bus struct {
	ID     int     // external bus number
	Type   BusType // PQ, PV, Ref or Isolated
	Pd, Qd float64 // load, MW and MVAr
	Gs, Bs float64 // shunt conductance and susceptance, MW and MVAr consumed at 1 pu voltage
	Area   int
	Vm     float64 // voltage magnitude, pu
	Va     float64 // voltage angle, degrees
	BaseKV float64 // base voltage, kV
	Zone   int
	Vmax   float64 // upper voltage limit, pu
	Vmin   float64 // lower voltage limit, pu
}

// Gen is one row of a MATPOWER gen matrix (the power-flow columns).
type Gen struct {
	Bus        int     // external bus number
	Pg, Qg     float64 // output, MW and MVAr
	Qmax, Qmin float64 // reactive limits, MVAr
	Vg         float64 // voltage setpoint, pu
	MBase      float64 // machine base, MVA
	InService  bool
	Pmax, Pmin float64 // MW
}

// Branch is one row of a MATPOWER branch matrix: a line or a transformer.
type Branch struct {
	From, To            int     // external bus numbers
	R, X, B             float64 // series resistance and reactance, total line charging susceptance, pu
	RateA, RateB, RateC float64 // MVA ratings; 0 means unlimited
	Ratio               float64 // off-nominal tap ratio at the from end; 0 means a line (ratio 1)
	Angle               float64 // phase shift, degrees; positive delays the from side (the from-end voltage is divided by ratio·e^{j·angle})
	InService           bool
	AngMin, AngMax      float64 // angle difference limits, degrees
}

// IsTransformer reports whether the branch is a transformer: in MATPOWER's
// convention a line has ratio 0, so any ratio (1 included) or a phase
// shift marks a transformer.
func (br *Branch) IsTransformer() bool { return br.Ratio != 0 || br.Angle != 0 }

// Case is a power-flow case: the content of a MATPOWER case file.
type Case struct {
	Name     string
	BaseMVA  float64
	Buses    []Bus
	Gens     []Gen
	Branches []Branch
}

// Clone returns a deep copy of the case.
func (c *Case) Clone() *Case {
	d := *c
	d.Buses = append([]Bus(nil), c.Buses...)
	d.Gens = append([]Gen(nil), c.Gens...)
	d.Branches = append([]Branch(nil), c.Branches...)
	return &d
}

// BusIndex maps external bus numbers to positions in c.Buses.
func (c *Case) BusIndex() map[int]int {
	m := make(map[int]int, len(c.Buses))
	for i, b := range c.Buses {
		m[b.ID] = i
	}
	return m
}
