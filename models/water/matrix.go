package water

import (
	"errors"
	"math"
	"strconv"
	"strings"

	"citytwin/models/internal/sparse"
)

// buildMatrix lays out the GGA matrix: one unknown head per junction, one
// off-diagonal pair per link between two junctions, and runs the symbolic
// Cholesky analysis once (fill-reducing AMD ordering).
func (s *Simulator) buildMatrix() error {
	nj := s.nj
	if nj == 0 {
		return nil
	}
	b := sparse.NewBuilder(nj)
	s.slotDiag = make([]int, nj)
	for i := 0; i < nj; i++ {
		s.slotDiag[i] = b.Add(i, i)
	}
	s.slotOff = make([]int, len(s.flow))
	s.slotOff2 = make([]int, len(s.flow))
	for k := range s.flow {
		i, j := s.n1[k], s.n2[k]
		if i < nj && j < nj {
			s.slotOff[k] = b.Add(i, j)
			s.slotOff2[k] = b.Add(j, i)
		} else {
			s.slotOff[k], s.slotOff2[k] = -1, -1
		}
	}
	m, slot := b.Build()
	for i := range s.slotDiag {
		s.slotDiag[i] = slot[s.slotDiag[i]]
	}
	for k := range s.slotOff {
		if s.slotOff[k] >= 0 {
			s.slotOff[k] = slot[s.slotOff[k]]
			s.slotOff2[k] = slot[s.slotOff2[k]]
		}
	}
	s.a = m
	chol, err := sparse.NewCholesky(m)
	if err != nil {
		return err
	}
	s.chol = chol
	return nil
}

// addOff subtracts v from the off-diagonal entries of link k.
func (s *Simulator) addOff(k int, v float64) {
	if s.slotOff[k] >= 0 {
		s.a.Val[s.slotOff[k]] -= v
		s.a.Val[s.slotOff2[k]] -= v
	}
}

func (s *Simulator) addDiag(n int, v float64) {
	if n < s.nj {
		s.a.Val[s.slotDiag[n]] += v
	}
}

func (s *Simulator) addF(n int, v float64) {
	if n < s.nj {
		s.f[n] += v
	}
}

// matrixCoeffs assembles A and F from links, emitters, demands and the
// active control valves (EPANET's matrixcoeffs).
func (s *Simulator) matrixCoeffs() {
	s.a.Zero()
	clear(s.f)
	clear(s.xflow)
	s.linkCoeffs()
	s.emitterCoeffs()
	s.demandCoeffs()
	for i := 0; i < s.nj; i++ {
		s.xflow[i] -= s.demandFlow[i]
		s.f[i] += s.xflow[i]
	}
	s.valveCoeffs()
}

func (s *Simulator) linkCoeffs() {
	nj := s.nj
	for k, pk := range s.p {
		if pk == 0 {
			continue
		}
		n1, n2 := s.n1[k], s.n2[k]
		q := s.flow[k]
		s.xflow[n1] -= q
		s.xflow[n2] += q
		if s.slotOff[k] >= 0 {
			s.a.Val[s.slotOff[k]] -= pk
			s.a.Val[s.slotOff2[k]] -= pk
		}
		if n1 < nj {
			s.a.Val[s.slotDiag[n1]] += pk
			s.f[n1] += s.y[k]
		} else if n2 < nj {
			s.f[n2] += pk * s.head[n1]
		}
		if n2 < nj {
			s.a.Val[s.slotDiag[n2]] += pk
			s.f[n2] -= s.y[k]
		} else if n1 < nj {
			s.f[n1] += pk * s.head[n2]
		}
	}
}

// emitterHeadloss returns the head loss through junction i's emitter and its
// gradient for the current emitter flow. Where the gradient of the power law
// falls below RQtol the head loss is linear with gradient RQtol/Qexp, as
// EPANET 2.2 and 2.3 do (hydcoeffs.c, emitterheadloss).
func (s *Simulator) emitterHeadloss(i int) (hloss, hgrad float64) {
	ke := math.Max(cSmall, s.ke[i])
	q := s.emitterFlow[i]
	hgrad = s.qexp * ke * math.Pow(math.Abs(q), s.qexp-1)
	if hgrad < s.rqtol {
		hgrad = s.rqtol / s.qexp
		return hgrad * q, hgrad
	}
	return hgrad * q / s.qexp, hgrad
}

func (s *Simulator) emitterCoeffs() {
	for _, i := range s.emitters {
		if s.ke[i] == 0 {
			continue
		}
		hloss, hgrad := s.emitterHeadloss(i)
		s.a.Val[s.slotDiag[i]] += 1 / hgrad
		s.f[i] += (hloss + s.elev[i]) / hgrad
		s.xflow[i] -= s.emitterFlow[i]
	}
}

// demandHeadloss is the head loss of pressure-driven demand at junction i
// (Wagner's relation as a head loss with barrier functions, EPANET 2.2).
func (s *Simulator) demandHeadloss(i int, dp, n float64) (hloss, hgrad float64) {
	d := s.demandFlow[i]
	dfull := s.demand[i]
	r := d / dfull
	switch {
	case r <= 0:
		return cBig * d, cBig
	case r < 1:
		hgrad = n * dp * math.Pow(r, n-1) / dfull
		if hgrad < s.rqtol {
			hgrad = s.rqtol
			return hgrad * d, hgrad
		}
		return hgrad * d / n, hgrad
	}
	return dp + cBig*(d-dfull), cBig
}

func (s *Simulator) demandCoeffs() {
	if s.opt.DemandModel != PDA {
		return
	}
	dp := s.opt.Preq - s.opt.Pmin
	n := 1 / s.opt.Pexp
	for i := 0; i < s.nj; i++ {
		if s.demand[i] <= 0 {
			continue
		}
		hloss, hgrad := s.demandHeadloss(i, dp, n)
		if hgrad > 0 {
			s.a.Val[s.slotDiag[i]] += 1 / hgrad
			s.f[i] += (hloss + s.elev[i] + s.opt.Pmin) / hgrad
		}
	}
}

func (s *Simulator) valveCoeffs() {
	for _, k := range s.valves {
		if s.setting[k] == missing {
			continue
		}
		switch s.ltype[k] {
		case PRV:
			s.prvCoeff(k)
		case PSV:
			s.psvCoeff(k)
		case FCV:
			s.fcvCoeff(k)
		}
	}
}

func (s *Simulator) openValveCoeff(k int) {
	n1, n2 := s.n1[k], s.n2[k]
	s.valveCoeff(k, s.km[k])
	s.addOff(k, s.p[k])
	s.addDiag(n1, s.p[k])
	s.addDiag(n2, s.p[k])
	s.addF(n1, s.y[k]-s.flow[k])
	s.addF(n2, -(s.y[k] - s.flow[k]))
}

func (s *Simulator) prvCoeff(k int) {
	n1, n2 := s.n1[k], s.n2[k]
	if s.status[k] == Active {
		hset := s.elev[n2] + s.setting[k]
		s.p[k] = 0
		s.y[k] = s.flow[k] + s.xflow[n2]
		s.addF(n2, hset*cBig)
		s.addDiag(n2, cBig)
		if s.xflow[n2] < 0 {
			s.addF(n1, s.xflow[n2])
		}
		return
	}
	s.openValveCoeff(k)
}

func (s *Simulator) psvCoeff(k int) {
	n1, n2 := s.n1[k], s.n2[k]
	if s.status[k] == Active {
		hset := s.elev[n1] + s.setting[k]
		s.p[k] = 0
		s.y[k] = s.flow[k] - s.xflow[n1]
		s.addF(n1, hset*cBig)
		s.addDiag(n1, cBig)
		if s.xflow[n1] > 0 {
			s.addF(n2, s.xflow[n1])
		}
		// Keep the downstream side coupled (EPANET 2.2/2.3 psvcoeff,
		// "preserve connectivity"): without it a junction fed only
		// through an active PSV has an empty row.
		s.addOff(k, 1/cBig)
		s.addDiag(n2, 1/cBig)
		return
	}
	s.openValveCoeff(k)
}

func (s *Simulator) fcvCoeff(k int) {
	n1, n2 := s.n1[k], s.n2[k]
	if s.status[k] == Active {
		q := s.setting[k]
		s.xflow[n1] -= q
		s.xflow[n2] += q
		s.y[k] = s.flow[k] - q
		s.addF(n1, -q)
		s.addF(n2, q)
		s.p[k] = 1 / cBig
		s.addOff(k, s.p[k])
		s.addDiag(n1, s.p[k])
		s.addDiag(n2, s.p[k])
		return
	}
	s.openValveCoeff(k)
}

// pivotColumn extracts the matrix column from a sparse factorization error
// ("... column N: ..."), or -1.
func pivotColumn(err error) int {
	if !errors.Is(err, sparse.ErrNotPositiveDefinite) {
		return -1
	}
	msg := err.Error()
	i := strings.Index(msg, "column ")
	if i < 0 {
		return -1
	}
	rest := msg[i+len("column "):]
	j := strings.IndexAny(rest, ": ")
	if j < 0 {
		j = len(rest)
	}
	c, err2 := strconv.Atoi(rest[:j])
	if err2 != nil {
		return -1
	}
	return c
}
