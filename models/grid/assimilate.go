package grid

import (
	"fmt"
	"math"
)

// MaxMeterScale bounds the load scale a meter reading may set (a reading
// that passed the plausibility checks but is far off the profile does not
// make one bus carry the feeder).
const MaxMeterScale = 5.0

// HasBus reports whether the grid has a bus numbered id.
func (g *Grid) HasBus(id int) bool {
	_, err := g.bus(id)
	return err == nil
}

// BusLoadMW is the active load at bus id as the next power flow will see
// it: base x scale + extra, MW.
func (g *Grid) BusLoadMW(id int) (float64, error) {
	i, err := g.bus(id)
	if err != nil {
		return 0, err
	}
	return g.basePd[i]*g.scale[i] + g.extraP[i], nil
}

// AssimilateMeter takes a meter reading of the total active load at bus id
// (a secondary substation's feeder meter, or the sum of its smart
// meters), kW. It sets the bus's load scale so that base x scale + extra
// equals the reading, bounded to [0, MaxMeterScale]: the extra loads
// (chargers, pumps) stay as the other models report them, and the
// correction rides on the profile load, so it carries over to the
// following steps in proportion to the profile until the next reading. It
// returns the modelled load before the reading and the new scale. A bus
// whose base load is zero cannot be scaled: the scale stays and the
// reading is only compared.
func (g *Grid) AssimilateMeter(id int, observedKW float64) (modelledKW, scale float64, err error) {
	i, err := g.bus(id)
	if err != nil {
		return 0, 0, err
	}
	if math.IsNaN(observedKW) || math.IsInf(observedKW, 0) {
		return 0, 0, fmt.Errorf("grid: bus %d: meter reading %v", id, observedKW)
	}
	modelledKW = (g.basePd[i]*g.scale[i] + g.extraP[i]) * 1000
	if g.basePd[i] <= 0 {
		return modelledKW, g.scale[i], nil
	}
	s := (observedKW/1000 - g.extraP[i]) / g.basePd[i]
	g.scale[i] = math.Min(math.Max(s, 0), MaxMeterScale)
	return modelledKW, g.scale[i], nil
}
