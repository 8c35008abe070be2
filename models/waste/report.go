package waste

import (
	"math"
	"slices"

	"github.com/paulmach/orb"

	"citytwin/engine"
	"citytwin/engine/record"
)

// Totals are the run's key figures so far.
type Totals struct {
	KmDriven              float64 // km
	TruckHours            float64 // h on routes (driving and service), open routes up to now
	FuelL                 float64 // diesel, l
	CO2Kg                 float64 // kg
	OverflowEvents        float64 // bins that became full
	OverflowHours         float64 // bin-hours spent full, open overflows up to now
	Collections           int
	MeanFillAtEmptying    float64 // %, true fill
	CollectionsPerBinWeek float64
	Deferred              int64 // picked bins left for another day (no truck)
}

// Totals computes the key figures at the current time.
func (m *Model) Totals() Totals {
	st := &m.st
	now := 0.0
	if m.sim != nil {
		now = m.sim.Now().Seconds()
	}
	tot := Totals{KmDriven: st.DriveM / 1000, OverflowEvents: st.OverflowEvents, Collections: len(st.Collections),
		Deferred: st.Deferred}
	hoursS, serviceS := 0.0, st.ServiceS
	for _, r := range st.Routes {
		hoursS += r.EndS - r.StartS
	}
	for _, t := range st.Trucks {
		if t.Busy {
			hoursS += now - t.StartS
		}
	}
	tot.TruckHours = hoursS / 3600
	tot.FuelL = m.cfg.FuelLPerKm*tot.KmDriven + m.cfg.FuelLPerServiceH*serviceS/3600
	tot.CO2Kg = m.cfg.CO2KgPerL * tot.FuelL
	over := st.OverflowS
	for _, f := range st.FullSinceS {
		if f >= 0 {
			over += now - f
		}
	}
	tot.OverflowHours = over / 3600
	if n := len(st.Collections); n > 0 {
		tot.MeanFillAtEmptying = 100 * st.FillAtEmptySum / float64(n)
	}
	if weeks := now / (7 * 86400); weeks > 0 && len(m.bins) > 0 {
		tot.CollectionsPerBinWeek = float64(len(st.Collections)) / float64(len(m.bins)) / weeks
	}
	return tot
}

// KPIs are the run's key figures (see Totals).
func (m *Model) KPIs() []engine.KPI {
	t := m.Totals()
	sensors := 0
	for _, s := range m.st.Sensor {
		if s {
			sensors++
		}
	}
	return []engine.KPI{
		{Name: "bins", Value: float64(len(m.bins))},
		{Name: "sensors", Value: float64(sensors)},
		{Name: "km_driven", Unit: "km", Value: t.KmDriven},
		{Name: "truck_hours", Unit: "h", Value: t.TruckHours},
		{Name: "fuel", Unit: "l", Value: t.FuelL},
		{Name: "co2", Unit: "kg", Value: t.CO2Kg},
		{Name: "collections", Value: float64(t.Collections)},
		{Name: "collections_per_bin_week", Value: t.CollectionsPerBinWeek},
		{Name: "mean_fill_at_emptying", Unit: "%", Value: t.MeanFillAtEmptying},
		{Name: "overflow_events", Value: t.OverflowEvents},
		{Name: "overflow_hours", Unit: "h", Value: t.OverflowHours},
		{Name: "deferred_bins", Value: float64(t.Deferred)},
		{Name: "leg_timeouts", Value: float64(m.st.Timeouts)},
	}
}

// Tables are waste_bins (one row per bin, Point geometry), waste_collections
// (one row per emptying) and waste_routes (one row per route, LineString
// of the driven path; a route still on the road at the end is cut where
// the truck is, with finished false and no end time).
func (m *Model) Tables() []*record.Table {
	return []*record.Table{m.binsTable(), m.collectionsTable(), m.routesTable()}
}

func (m *Model) binsTable() *record.Table {
	n := len(m.bins)
	t := record.NewTable("waste_bins")
	idx, edge, cont := make([]int64, n), make([]int64, n), make([]int64, n)
	ids, kinds := make([]string, n), make([]string, n)
	vol, rate, fill := make([]float64, n), make([]float64, n), make([]float64, n)
	sensor := make([]bool, n)
	geom := make([]orb.Geometry, n)
	for i, b := range m.bins {
		idx[i], edge[i], cont[i] = int64(i), int64(b.Edge), int64(b.Containers)
		ids[i], kinds[i], vol[i], geom[i] = b.ID, b.Kind.String(), b.VolumeL, b.LonLat
		rate[i], fill[i], sensor[i] = m.st.RateL[i], 100*m.st.Fill[i], m.st.Sensor[i]
	}
	t.Int("bin", "", idx)
	t.Str("id", ids)
	t.Str("kind", kinds)
	t.Float("volume", "l", vol)
	t.Int("containers", "", cont)
	t.Float("rate", "l/d", rate)
	t.BoolCol("sensor", sensor)
	t.Float("fill_at_end", "%", fill)
	t.Int("edge", "", edge)
	t.Geom("geometry", geom)
	return t
}

func (m *Model) collectionsTable() *record.Table {
	cs := m.st.Collections
	n := len(cs)
	t := record.NewTable("waste_collections")
	tm, bin, truck := make([]float64, n), make([]int64, n), make([]int64, n)
	fill, belief, vol := make([]float64, n), make([]float64, n), make([]float64, n)
	valid := make([]bool, n)
	for i, c := range cs {
		tm[i], bin[i], truck[i] = c.TimeS, int64(c.Bin), int64(c.Truck)
		fill[i], vol[i] = 100*c.Fill, c.VolumeL
		valid[i] = !math.IsNaN(c.Belief)
		if valid[i] {
			belief[i] = 100 * c.Belief
		}
	}
	t.Float("time", "s", tm)
	t.Int("bin", "", bin)
	t.Int("truck", "", truck)
	t.Float("fill", "%", fill)
	t.Float("sensed_fill", "%", belief).Valid = valid
	t.Float("volume", "l", vol)
	return t
}

func (m *Model) routesTable() *record.Table {
	rs := slices.Clone(m.st.Routes)
	finished := len(rs)
	for k, t := range m.st.Trucks { // routes still on the road at the end, up to where the truck is
		if t.Busy {
			rs = append(rs, RouteRecord{Day: t.Day, Truck: int32(k), StartS: t.StartS, EndS: math.NaN(), Stops: t.Next,
				DriveM: t.DriveM, DriveS: t.DriveS, ServiceS: t.ServiceS, LoadL: t.LoadL, Path: t.Path})
		}
	}
	n := len(rs)
	t := record.NewTable("waste_routes")
	day, truck, stops := make([]int64, n), make([]int64, n), make([]int64, n)
	start, end, km, drive, svc, load := make([]float64, n), make([]float64, n), make([]float64, n),
		make([]float64, n), make([]float64, n), make([]float64, n)
	done := make([]bool, n)
	geom := make([]orb.Geometry, n)
	for i, r := range rs {
		day[i], truck[i], stops[i] = int64(r.Day), int64(r.Truck), int64(r.Stops)
		start[i], end[i], km[i] = r.StartS, r.EndS, r.DriveM/1000
		drive[i], svc[i], load[i] = r.DriveS, r.ServiceS, r.LoadL
		done[i] = i < finished
		if !done[i] {
			end[i] = 0
		}
		geom[i] = orb.LineString(r.Path)
	}
	t.Int("day", "", day)
	t.Int("truck", "", truck)
	t.Int("stops", "", stops)
	t.BoolCol("finished", done)
	t.Float("start", "s", start)
	t.Float("end", "s", end).Valid = done
	t.Float("distance", "km", km)
	t.Float("drive_time", "s", drive)
	t.Float("service_time", "s", svc)
	t.Float("load", "l", load)
	t.Geom("geometry", geom)
	return t
}
