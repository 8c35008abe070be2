package synth

// Params are the assumptions of the synthesis (see the package doc for
// their sources); DefaultParams gives the documented values.
//
// The yaml names are the keys of a scenario's models.water.synthesize
// section (scenarios/water.go).
type Params struct {
	MergeM             float64            `yaml:"merge_m"`               // road nodes closer than this merge into one junction, m
	M2PerResident      float64            `yaml:"m2_per_resident"`       // residential floor area per resident, m²
	LitresPerPersonDay float64            `yaml:"litres_per_person_day"` // household consumption, l per person and day
	LitresPerM2Day     map[string]float64 `yaml:"litres_per_m2_day"`     // non-residential consumption by building use, l per m² floor area and day
	LossShare          float64            `yaml:"loss_share"`            // non-revenue water added to the billed demand, fraction
	Pattern            []float64          `yaml:"pattern"`               // 24 hourly demand multipliers from 00:00, mean 1
	RoughnessC         float64            `yaml:"roughness_c"`           // Hazen-Williams C of the mains
	DesignVelocity     float64            `yaml:"design_velocity_m_s"`   // velocity a pipe is first sized for at peak flow, m/s
	MinDiameterMM      float64            `yaml:"min_diameter_mm"`       // smallest main (fire flow), mm
	Diameters          []float64          `yaml:"diameters_mm"`          // standard inner diameters to choose from, mm, ascending
	MinPressureM       float64            `yaml:"min_pressure_m"`        // lowest pressure allowed at peak demand, m
	MaxPressureM       float64            `yaml:"max_pressure_m"`        // highest pressure allowed, m
	PumpHeadM          float64            `yaml:"pump_head_m"`           // pump head at the peak flow (water works sources), m
	TowerHeadM         float64            `yaml:"tower_head_m"`          // water level above ground of a water tower source, m
	MaxIterations      int                `yaml:"max_sizing_rounds"`     // sizing rounds with the hydraulic solver
}

// DefaultParams returns the documented defaults.
func DefaultParams() Params {
	return Params{
		MergeM:             30,
		M2PerResident:      52,
		LitresPerPersonDay: 105,
		LitresPerM2Day:     map[string]float64{"commercial": 3, "public": 3, "industrial": 2, "other": 0},
		LossShare:          0.08,
		Pattern: []float64{0.45, 0.40, 0.40, 0.40, 0.45, 0.65, 1.25, 1.60, 1.55, 1.35, 1.15, 1.10,
			1.15, 1.10, 1.05, 1.05, 1.15, 1.30, 1.45, 1.40, 1.25, 1.05, 0.80, 0.55},
		RoughnessC:     130,
		DesignVelocity: 1,
		MinDiameterMM:  100,
		Diameters:      []float64{100, 125, 150, 200, 250, 300, 350, 400, 450, 500, 600, 700, 800, 900, 1000, 1200},
		MinPressureM:   20,
		MaxPressureM:   60,
		PumpHeadM:      42,
		TowerHeadM:     50,
		MaxIterations:  40,
	}
}

// peakHour is the hour of the pattern's largest multiplier.
func (p Params) peakHour() int {
	best := 0
	for h, f := range p.Pattern {
		if f > p.Pattern[best] {
			best = h
		}
	}
	return best
}

// patternMean is the mean of the pattern (1 for the defaults).
func (p Params) patternMean() float64 {
	var s float64
	for _, f := range p.Pattern {
		s += f
	}
	return s / float64(len(p.Pattern))
}
