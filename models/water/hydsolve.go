package water

import (
	"errors"
	"fmt"
	"math"
)

// ErrUnsolvable is returned when the hydraulic equations cannot be solved
// (an ill-conditioned matrix that no valve status change fixes; EPANET error 110).
var ErrUnsolvable = errors.New("water: hydraulic equations cannot be solved")

// hydSolve runs the GGA iterations at the current time (EPANET's hydsolve):
// solve A H = F, update flows, apply damping, check valve and link status
// at the intervals CHECKFREQ and MAXCHECK set, until Σ|ΔQ|/Σ|Q| <= ACCURACY
// with no status change, or the trial limit.
func (s *Simulator) hydSolve() error {
	o := &s.opt
	nextCheck := o.CheckFreq
	s.relax = 1
	maxTrials := o.Trials
	if o.ExtraIter > 0 {
		maxTrials += o.ExtraIter
	}
	var relerr float64
	iter := 1
	var solveErr error
	for iter <= maxTrials {
		s.headlossCoeffs()
		s.matrixCoeffs()
		if err := s.linsolve(); err != nil {
			col := pivotColumn(err)
			if col >= 0 && s.badValve(col) {
				continue
			}
			solveErr = fmt.Errorf("%w at t=%d s: %v", ErrUnsolvable, s.htime, err)
			break
		}
		copy(s.head[:s.nj], s.f)
		relerr = s.newFlows()
		s.relax = 1
		valveChange := false
		if o.DampLimit > 0 {
			if relerr <= o.DampLimit {
				s.relax = 0.6
				valveChange = s.valveStatus()
			}
		} else {
			valveChange = s.valveStatus()
		}
		if s.hasConverged(relerr) {
			if iter > o.Trials {
				break
			}
			change := valveChange
			if s.linkStatus() {
				change = true
			}
			if s.pressureSwitch() {
				change = true
			}
			if !change {
				break
			}
			nextCheck = iter + o.CheckFreq
		} else if iter <= o.MaxCheck && iter == nextCheck {
			s.linkStatus()
			nextCheck += o.CheckFreq
		}
		iter++
	}
	for i := 0; i < s.nj; i++ {
		full := s.demand[i]
		s.demand[i] = s.demandFlow[i] + s.emitterFlow[i]
		s.demandFlow[i] = full
	}
	s.Iterations, s.RelError = iter, relerr
	return solveErr
}

func (s *Simulator) linsolve() error {
	if s.nj == 0 {
		return nil
	}
	if err := s.chol.Factor(s.a); err != nil {
		return err
	}
	s.chol.Solve(s.f)
	for _, v := range s.f {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("non-finite head")
		}
	}
	return nil
}

// hasConverged applies ACCURACY and, when set, HEADERROR and FLOWCHANGE.
func (s *Simulator) hasConverged(relerr float64) bool {
	if relerr > s.opt.Accuracy {
		return false
	}
	if s.opt.HeadError > 0 && s.maxHeadError() > s.opt.HeadError {
		return false
	}
	if s.opt.FlowChange > 0 && s.maxFlowChange > s.opt.FlowChange {
		return false
	}
	return true
}

// maxHeadError is the largest difference between a link's head loss from
// its flow and the heads at its ends.
func (s *Simulator) maxHeadError() float64 {
	var worst float64
	for k := range s.flow {
		if s.status[k] <= Closed || s.p[k] == 0 {
			continue
		}
		dh := s.head[s.n1[k]] - s.head[s.n2[k]]
		hloss := s.y[k] / s.p[k]
		worst = math.Max(worst, math.Abs(hloss-dh))
	}
	return worst
}

// newFlows updates link, emitter and demand flows from the new heads and
// returns Σ|ΔQ| / Σ|Q| (EPANET's newflows).
func (s *Simulator) newFlows() float64 {
	var qsum, dqsum float64
	s.maxFlowChange = 0
	nj := s.nj
	for n := nj; n < s.nn; n++ {
		s.demand[n] = 0
	}
	relax := s.relax
	for k := range s.flow {
		n1, n2 := s.n1[k], s.n2[k]
		dh := s.head[n1] - s.head[n2]
		dq := (s.y[k] - s.p[k]*dh) * relax
		if s.ltype[k] == Pump && s.net.Pumps[s.pumpIdx[k]].Curve == PumpConstHP && dq > s.flow[k] {
			dq = s.flow[k] / 2
		}
		s.flow[k] -= dq
		qsum += math.Abs(s.flow[k])
		adq := math.Abs(dq)
		dqsum += adq
		if adq > s.maxFlowChange {
			s.maxFlowChange = adq
		}
		if s.status[k] > Closed {
			if n1 >= nj {
				s.demand[n1] -= s.flow[k]
			}
			if n2 >= nj {
				s.demand[n2] += s.flow[k]
			}
		}
	}
	for _, i := range s.emitters {
		if s.ke[i] == 0 {
			continue
		}
		hloss, hgrad := s.emitterHeadloss(i)
		dh := s.head[i] - s.elev[i]
		dq := (hloss - dh) / hgrad
		s.emitterFlow[i] -= dq
		qsum += math.Abs(s.emitterFlow[i])
		dqsum += math.Abs(dq)
		s.maxFlowChange = math.Max(s.maxFlowChange, math.Abs(dq))
	}
	if s.opt.DemandModel == PDA {
		dp := s.opt.Preq - s.opt.Pmin
		n := 1 / s.opt.Pexp
		for i := 0; i < nj; i++ {
			if s.demand[i] <= 0 {
				continue
			}
			hloss, hgrad := s.demandHeadloss(i, dp, n)
			dh := s.head[i] - s.elev[i] - s.opt.Pmin
			dq := (hloss - dh) / hgrad * relax
			s.demandFlow[i] -= dq
			qsum += math.Abs(s.demandFlow[i])
			dqsum += math.Abs(dq)
			s.maxFlowChange = math.Max(s.maxFlowChange, math.Abs(dq))
		}
	}
	if qsum > s.opt.Accuracy {
		return dqsum / qsum
	}
	return dqsum
}

// badValve fixes the status of an active PRV, PSV or FCV at the node whose
// pivot failed, so the iterations can go on (EPANET's badvalve).
func (s *Simulator) badValve(n int) bool {
	for _, k := range s.valves {
		if s.n1[k] != n && s.n2[k] != n {
			continue
		}
		t := s.ltype[k]
		if (t == PRV || t == PSV || t == FCV) && s.status[k] == Active {
			if t == FCV {
				s.status[k] = XFCV
			} else {
				s.status[k] = XPressure
			}
			return true
		}
		return false
	}
	return false
}
