package water

// Conversion constants, with the values EPANET uses so that results agree
// to the last digit (EPANET 2.2 User Manual, Appendix A).
const (
	gpmPerCFS  = 448.831
	afdPerCFS  = 1.9837
	mgdPerCFS  = 0.64632
	imgdPerCFS = 0.5382
	lpsPerCFS  = 28.317
	lpmPerCFS  = 1699.0
	mldPerCFS  = 2.4466
	cmhPerCFS  = 101.94
	cmdPerCFS  = 2446.6
	cmsPerCFS  = 0.028317
	mPerFt     = 0.3048
	psiPerFt   = 0.4333
	kpaPerPsi  = 6.895
	kwPerHP    = 0.7457
	secPerDay  = 86400
)

// PressureUnit is the unit pressures are reported in.
type PressureUnit int8

// Pressure units.
const (
	PressurePSI PressureUnit = iota
	PressureKPA
	PressureMeters
	PressureBar
	PressureFeet
)

// Units are a network's own units: the flow unit chosen in [OPTIONS] fixes
// US or SI for everything else. The factors convert internal values (ft,
// cfs) to the network's units by multiplication.
type Units struct {
	Flow     string // CFS, GPM, MGD, IMGD, AFD, LPS, LPM, MLD, CMH, CMD, CMS
	SI       bool
	Pressure PressureUnit

	FlowFactor     float64 // cfs -> flow unit
	LengthFactor   float64 // ft -> ft or m (elevation, head, length, headloss)
	DiamFactor     float64 // ft -> in or mm
	PressureFactor float64 // ft of water -> psi, m, kPa
	VolumeFactor   float64 // ft³ -> ft³ or m³
	VelocityFactor float64 // ft/s -> ft/s or m/s
	PowerFactor    float64 // hp -> hp or kW
}

var flowFactors = map[string]float64{
	"CFS": 1, "GPM": gpmPerCFS, "MGD": mgdPerCFS, "IMGD": imgdPerCFS, "AFD": afdPerCFS,
	"LPS": lpsPerCFS, "LPM": lpmPerCFS, "MLD": mldPerCFS, "CMH": cmhPerCFS, "CMD": cmdPerCFS,
	"CMS": cmsPerCFS,
}

var siFlows = map[string]bool{"LPS": true, "LPM": true, "MLD": true, "CMH": true, "CMD": true, "CMS": true}

// computeUnits fills the conversion factors for the given flow unit,
// pressure unit and specific gravity, as EPANET's initunits does.
func computeUnits(flow string, pressure PressureUnit, pressureSet bool, spGrav float64) Units {
	u := Units{Flow: flow, SI: siFlows[flow], FlowFactor: flowFactors[flow]}
	if u.SI {
		u.LengthFactor = mPerFt
		u.DiamFactor = 1000 * mPerFt
		u.VolumeFactor = mPerFt * mPerFt * mPerFt
		u.VelocityFactor = mPerFt
		u.PowerFactor = kwPerHP
		if !pressureSet || pressure == PressurePSI {
			pressure = PressureMeters
		}
	} else {
		u.LengthFactor, u.DiamFactor, u.VolumeFactor, u.VelocityFactor, u.PowerFactor = 1, 12, 1, 1, 1
		if !pressureSet || pressure == PressureMeters {
			pressure = PressurePSI
		}
	}
	u.Pressure = pressure
	switch pressure {
	case PressurePSI:
		u.PressureFactor = psiPerFt * spGrav
	case PressureKPA:
		u.PressureFactor = kpaPerPsi * psiPerFt * spGrav
	case PressureMeters:
		u.PressureFactor = mPerFt * spGrav
	case PressureBar:
		u.PressureFactor = 0.01 * kpaPerPsi * psiPerFt * spGrav
	case PressureFeet:
		u.PressureFactor = spGrav
	}
	return u
}
