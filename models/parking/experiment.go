package parking

import (
	"citytwin/engine"
	"citytwin/models/city"
)

// middayDwellH is the mean dwell of midday arrivals, h: the purpose mix of
// 10-16 h weighted by the purposes' mean dwell.
func middayDwellH() float64 {
	var d float64
	for p, share := range purposeMix[hourBand(12)] {
		d += share * purposeDwell[p].MeanH
	}
	return d
}

// ExperimentRow is one run of the search experiment.
type ExperimentRow struct {
	Guidance      Guidance
	Demand        float64 // offered load / supply
	KPIs          map[string]float64
	ArrivalsPerH  float64
	SupplySpaces  int
	SimulatedTime engine.Time
}

// SearchExperiment runs the parking model alone on the city's supply
// with flat background demand whose offered load (arrival rate x mean
// dwell) is demand x the supply, for each guidance policy, for hours
// from 10:00, and returns the KPIs of every run. The facilities start
// 90 % of min(demand, 1) full (near the stationary occupancy of the loss
// system) and the KPIs count from warmup hours on.
func SearchExperiment(c *city.City, fac []Facility, demands []float64, policies []Guidance, warmup, hours float64, seed uint64) ([]ExperimentRow, error) {
	supply := 0
	for _, f := range fac {
		if f.Kind != Charger {
			supply += f.Capacity
		}
	}
	sessions, err := DefaultSessions()
	if err != nil {
		return nil, err
	}
	var out []ExperimentRow
	for _, g := range policies {
		for _, d := range demands {
			rate := d * float64(supply) / middayDwellH()
			cfg := Config{Guidance: g, Background: rate, FlatDemand: true, DayOffsetS: 10 * 3600, SampleS: 600,
				Prefill: min(d, 1) * 0.9, WarmupS: warmup * 3600}
			m, err := New(c, fac, cfg, sessions)
			if err != nil {
				return nil, err
			}
			sim := engine.New(seed)
			sim.Add(m)
			if err := sim.Init(); err != nil {
				return nil, err
			}
			end := engine.Seconds(hours * 3600)
			if err := sim.RunUntil(end); err != nil {
				return nil, err
			}
			row := ExperimentRow{Guidance: g, Demand: d, KPIs: map[string]float64{}, ArrivalsPerH: rate,
				SupplySpaces: supply, SimulatedTime: end}
			for _, k := range m.KPIs() {
				row.KPIs[k.Name] = k.Value
			}
			out = append(out, row)
		}
	}
	return out, nil
}
