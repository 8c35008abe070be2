package waste

import (
	"math"
	"strings"

	"citytwin/engine"
	"citytwin/engine/feed"
)

var _ feed.Assimilator = (*Model)(nil)

// Assimilate takes a fill-level observation of a bin (quantity "fill",
// unit "%" or a ratio: "1", "ratio", "/" or none): it becomes the bin's
// believed level, which the policies act on, unless it is late (older
// than the newest reading), when it only enters the bin's fill-rate
// history. The bin is o.Entity.Index, or the bin whose id is o.Entity.ID.
// Observations of other quantities, unknown bins or values that are not a
// fill level are counted as rejected and set aside.
func (m *Model) Assimilate(s *engine.Sim, o *feed.Observation) error {
	i := m.binIndex(o.Entity)
	v, ok := fillShare(o.Unit, o.Value)
	if i < 0 || o.Quantity != feed.QtyFill || !ok {
		m.st.Rejected++
		return nil
	}
	m.st.Observed++
	m.observe(i, o.Time.Seconds(), v, o.Quality&feed.QLate != 0)
	return nil
}

// binIndex resolves an observed entity to a bin, or -1.
func (m *Model) binIndex(e feed.Entity) int {
	if e.Index >= 0 && int(e.Index) < len(m.bins) && (e.ID == "" || e.ID == m.bins[e.Index].ID) {
		return int(e.Index)
	}
	if i, ok := m.byID[e.ID]; ok {
		return int(i)
	}
	return -1
}

// fillShare converts a reading to a share of the bin (0..1, readings a
// little over full or under empty are clamped).
func fillShare(unit string, v float64) (float64, bool) {
	switch strings.ToLower(unit) {
	case "%":
		v /= 100
	case "", "1", "ratio", "/":
	default:
		return 0, false
	}
	if math.IsNaN(v) || v < -0.1 || v > 1.5 {
		return 0, false
	}
	return math.Max(0, math.Min(1, v)), true
}
