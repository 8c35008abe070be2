package water

import (
	"errors"
	"fmt"
	"math"
)

// ErrUnit is returned for an observation unit the water assimilation does
// not convert.
var ErrUnit = errors.New("water: unknown unit")

// FlowToM3H converts a flow reading to m³/h. Units: "m3/h" (and "m3h",
// "CMH"), "L/s" ("l/s", "LPS"), "m3/s", "L/min", "gpm" (US).
func FlowToM3H(v float64, unit string) (float64, error) {
	switch unit {
	case "m3/h", "m3h", "CMH", "":
		return v, nil
	case "L/s", "l/s", "LPS":
		return v * 3.6, nil
	case "m3/s":
		return v * 3600, nil
	case "L/min", "l/min", "LPM":
		return v * 0.06, nil
	case "gpm", "GPM":
		return v * cmhPerCFS / gpmPerCFS, nil
	}
	return 0, fmt.Errorf("%w %q for a flow", ErrUnit, unit)
}

// LinkFlowM3H is link k's flow at the last solve, m³/h (positive from its
// first node to its second).
func (s *Simulator) LinkFlowM3H(k int) float64 {
	return s.LinkFlow(k) / s.net.Options.Units.FlowFactor * cmhPerCFS
}

// DemandMultiplier is the run-time demand multiplier (SetDemandMultiplier).
func (s *Simulator) DemandMultiplier() float64 { return s.demandMult }

// FlowAssimilation turns flow-meter readings at a link (a district meter,
// the inlet of a pressure zone) into the network's demand and into leak
// alarms. The network is taken as one zone: every junction demand scales
// with the one run-time multiplier.
//
// A reading q_obs is compared with the model's flow q_mod at the last
// hydraulic solve. When the excess q_obs - q_mod is above
// max(AlarmM3H, AlarmShare x |q_mod|), it is a leak alarm (flow the
// model's demand cannot explain: a burst or background leakage, the
// signal BattLeDIM's detection methods look for, Vrachimis et al. 2022)
// and demand is left alone. Otherwise the demand multiplier is scaled by
// q_obs/q_mod, each step bounded to [1/StepMax, StepMax] and the
// multiplier to [MinMult, MaxMult], so that the model follows the meter
// over a few readings without chasing noise.
type FlowAssimilation struct {
	AlarmM3H   float64 // absolute excess that raises an alarm, m³/h (default 10)
	AlarmShare float64 // relative excess that raises an alarm (default 0.25)
	StepMax    float64 // largest change of the multiplier per reading (default 1.25)
	MinMult    float64 // default 0.25
	MaxMult    float64 // default 4
}

// DefaultFlowAssimilation are the documented defaults.
func DefaultFlowAssimilation() FlowAssimilation {
	return FlowAssimilation{AlarmM3H: 10, AlarmShare: 0.25, StepMax: 1.25, MinMult: 0.25, MaxMult: 4}
}

// FlowOutcome is what one reading did.
type FlowOutcome struct {
	ModelledM3H float64 // model's flow at the link, m³/h
	ExcessM3H   float64 // observed - modelled, m³/h
	Alarm       bool    // a leak alarm was raised (demand unchanged)
	Multiplier  float64 // demand multiplier after the reading
}

// Apply assimilates a reading of observedM3H at link k of s.
func (fa FlowAssimilation) Apply(s *Simulator, k int, observedM3H float64) (FlowOutcome, error) {
	if k < 0 || k >= len(s.net.Links) {
		return FlowOutcome{}, fmt.Errorf("water: no link %d", k)
	}
	mod := s.LinkFlowM3H(k)
	out := FlowOutcome{ModelledM3H: mod, ExcessM3H: observedM3H - mod, Multiplier: s.demandMult}
	if out.ExcessM3H > math.Max(fa.AlarmM3H, fa.AlarmShare*math.Abs(mod)) {
		out.Alarm = true
		return out, nil
	}
	if math.Abs(mod) < 1e-6 || observedM3H/mod <= 0 {
		return out, nil // no flow to scale, or the flow turned round: nothing to learn
	}
	ratio := math.Min(math.Max(observedM3H/mod, 1/fa.StepMax), fa.StepMax)
	out.Multiplier = math.Min(math.Max(s.demandMult*ratio, fa.MinMult), fa.MaxMult)
	return out, s.SetDemandMultiplier(out.Multiplier)
}
