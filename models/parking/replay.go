package parking

import (
	"time"

	"citytwin/engine/record"
)

// SeriesTable is a cleaned feed as a recorded series table: one row per
// observation with the time (s since origin, as the run tables count),
// the car park's code, occupied spaces, capacity and occupancy share.
func SeriesTable(name string, origin time.Time, ss []Series) *record.Table {
	var ts, occ, capacity []int64
	var codes []string
	var share []float64
	for _, s := range ss {
		for _, o := range s.Obs {
			ts = append(ts, int64(o.Time.Sub(origin)/time.Second))
			codes = append(codes, s.Code)
			occ = append(occ, int64(o.Occupancy))
			capacity = append(capacity, int64(o.Capacity))
			share = append(share, float64(o.Occupancy)/float64(o.Capacity))
		}
	}
	t := record.NewTable(name)
	t.Int("time_s", "s", ts)
	t.Str("car_park", codes)
	t.Int("occupied", "spaces", occ)
	t.Int("capacity", "spaces", capacity)
	t.Float("occupancy", "1", share)
	return t
}
