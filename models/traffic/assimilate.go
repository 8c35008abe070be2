package traffic

import (
	"fmt"
	"math"

	"citytwin/engine"
	"citytwin/engine/feed"
)

var _ feed.Assimilator = (*Model)(nil)

// feedLoopPrefix names the loops that stand for counting sensors of a
// feed: "feed:" + sensor id.
const feedLoopPrefix = "feed:"

// maxInjectPerReading bounds the vehicles one count may add (a faulty
// count that passed the plausibility checks cannot flood the network).
const maxInjectPerReading = 200

// AddFeedLoop places the model's twin of a counting sensor (an induction
// loop, magnetometer or camera counter) on edge, at its middle: a loop
// named "feed:"+sensor whose interval never closes by itself. Every
// assimilated count closes one interval (a row of the loops table with
// the model's count over the same interval as the reading). Call it for
// every counting sensor before the run starts, the same in every Sim that
// shares checkpoints (the loops are part of the state). It returns the
// loop's index, or -1 for an edge out of range.
func (m *Model) AddFeedLoop(sensor string, edge int32) int {
	if edge < 0 || int(edge) >= m.T.net.NumEdges() {
		return -1
	}
	return m.T.AddLoop(feedLoopPrefix+sensor, edge, m.T.net.LengthM[edge]/2, math.MaxFloat64)
}

// Assimilate implements feed.Assimilator for vehicle counts
// (feed.QtyVehicleCount: vehicles since the sensor's previous reading;
// feed.QtyIntensity: veh/h over that interval) of a sensor placed with
// AddFeedLoop. The reading is compared with the model's count at the same
// place over the same interval; a deficit of n vehicles adds n vehicles
// that drive the observed edge from its start to its end, departing evenly
// over the coming interval of the same length (demand the district's
// trips miss: through traffic, trips from outside). A surplus is recorded
// in the loops table but not corrected: removing simulated vehicles would
// cut trips that other models (parking) wait for. The first reading of a
// sensor only starts its interval. Other quantities (speed, travel time)
// are not assimilated. The added vehicles' arrivals are addressed to the
// traffic model itself, so parking never sees them.
func (m *Model) Assimilate(s *engine.Sim, o *feed.Observation) error {
	if o.Quality&feed.QLate != 0 || (o.Quantity != feed.QtyVehicleCount && o.Quantity != feed.QtyIntensity) {
		return nil
	}
	k := m.feedLoop(o.Sensor)
	if k < 0 {
		return fmt.Errorf("traffic: sensor %q: no feed loop (AddFeedLoop)", o.Sensor)
	}
	lp := &m.T.loops[k]
	now := m.T.nowS
	dt := now - lp.start
	modelled := lp.count
	lp.rows.t0 = append(lp.rows.t0, lp.start)
	lp.rows.t1 = append(lp.rows.t1, now)
	lp.rows.count = append(lp.rows.count, modelled)
	lp.rows.speed = append(lp.rows.speed, math.NaN())
	lp.rows.occ = append(lp.rows.occ, 0)
	first := len(lp.rows.t0) == 1
	lp.start, lp.count, lp.speedSum, lp.occS = now, 0, 0, 0
	if first || dt <= 0 {
		return nil
	}
	observed := o.Value
	if o.Quantity == feed.QtyIntensity {
		observed = o.Value * dt / 3600
	}
	n := min(int(math.Round(observed-float64(modelled))), maxInjectPerReading)
	for j := 0; j < n; j++ {
		tr := Trip{ID: fmt.Sprintf("feed-%s-%d-%d", o.Sensor, int64(now), j), DepartS: now + dt*float64(j)/float64(n),
			From: lp.Edge, To: lp.Edge, ToPosM: m.T.net.LengthM[lp.Edge]}
		veh, err := m.T.AddTrip(tr)
		if err != nil {
			return fmt.Errorf("traffic: sensor %q: %w", o.Sensor, err)
		}
		m.owner[veh] = [2]int64{int64(m.id), int64(veh)}
	}
	return nil
}

// feedLoop is the index of sensor's feed loop, or -1.
func (m *Model) feedLoop(sensor string) int {
	for k := range m.T.loops {
		if name := m.T.loops[k].Name; len(name) == len(feedLoopPrefix)+len(sensor) && name[len(feedLoopPrefix):] == sensor && name[:len(feedLoopPrefix)] == feedLoopPrefix {
			return k
		}
	}
	return -1
}
