package water

import "math"

// pipeRate is the wall reaction rate coefficient of pipe k with mass
// transfer to the wall (EPANET's piperate): first order 1/s, zero order
// the mass transfer coefficient ft/s.
func (q *quality) pipeRate(k int) float64 {
	s := q.s
	l := &s.net.Links[k]
	if l.Type > Pipe || l.Kw == 0 {
		return 0
	}
	d := s.diam[k]
	if q.sc == 0 {
		if s.opt.WallOrder == 0 {
			return big
		}
		return l.Kw * 4 / d
	}
	a := math.Pi * d * d / 4
	re := math.Abs(q.linkFlow[k]) / a * d / s.opt.Viscosity
	var sh float64
	switch {
	case re < 1:
		sh = 2
	case re >= 2300:
		sh = 0.0149 * math.Pow(re, 0.88) * math.Pow(q.sc, 0.333)
	default:
		y := d / l.Length * re * q.sc
		sh = 3.65 + 0.0668*y/(1+0.04*math.Pow(y, 0.667))
	}
	kf := sh * s.opt.Diffusivity / d
	if s.opt.WallOrder == 0 {
		return kf
	}
	return 4 / d * l.Kw * kf / (kf + math.Abs(l.Kw))
}

// bulkRate is the bulk reaction rate at concentration c (EPANET's bulkrate).
func (q *quality) bulkRate(c, kb, order float64) float64 {
	climit := q.climit
	switch {
	case order == 0:
		c = 1
	case order < 0:
		c1 := climit + sgn(kb)*c
		if math.Abs(c1) < 1e-6 {
			c1 = sgn(c1) * 1e-6
		}
		c /= c1
	default:
		c1 := c
		if climit != 0 {
			c1 = math.Max(0, sgn(kb)*(climit-c))
		}
		switch order {
		case 1:
			c = c1
		case 2:
			c = c1 * c
		default:
			c = c1 * math.Pow(math.Max(0, c), order-1)
		}
	}
	if c < 0 {
		c = 0
	}
	return kb * c
}

func sgn(x float64) float64 {
	if x < 0 {
		return -1
	}
	return 1
}

// wallRate is the wall reaction rate of pipe k at concentration c.
func (q *quality) wallRate(k int, c float64) float64 {
	s := q.s
	kw, d := s.net.Links[k].Kw, s.diam[k]
	if kw == 0 || d == 0 {
		return 0
	}
	if s.opt.WallOrder == 0 {
		kf := sgn(kw) * c * q.rc[k]
		kwc := kw
		if math.Abs(kf) < math.Abs(kwc) {
			kwc = kf
		}
		return kwc * 4 / d
	}
	return c * q.rc[k]
}

func (q *quality) reactPipes(dt int64) {
	s := q.s
	fdt := float64(dt)
	for k := 0; k < s.nl; k++ {
		if s.ltype[k] > Pipe {
			continue
		}
		kb := s.net.Links[k].Kb
		for i := q.first[k]; i >= 0; i = q.segUp[i] {
			c := q.segC[i]
			var dc float64
			if q.kind == QualAge {
				dc = fdt / 3600
			} else {
				dc = (q.bulkRate(c, kb, s.opt.BulkOrder)*q.bucf + q.wallRate(k, c)) * fdt
			}
			q.segC[i] = math.Max(0, c+dc)
		}
	}
}

func (q *quality) reactTanks(dt int64) {
	s := q.s
	fdt := float64(dt)
	for ti := range s.net.Tanks {
		t := &s.net.Tanks[ti]
		if t.Area == 0 {
			continue
		}
		for i := q.first[s.nl+ti]; i >= 0; i = q.segUp[i] {
			c := q.segC[i]
			var dc float64
			if q.kind == QualAge {
				dc = fdt / 3600
			} else {
				dc = q.bulkRate(c, t.Kb, s.opt.TankOrder) * q.tucf * fdt
			}
			q.segC[i] = math.Max(0, c+dc)
		}
	}
}

// mixTank applies the tank's mixing model to an inflow volume vin of mass
// win and a net volume change vnet over the step.
func (q *quality) mixTank(ti int, vin, win, vnet float64) {
	switch q.s.net.Tanks[ti].Mix {
	case MixComplete:
		q.mixComplete(ti, vin, win, vnet)
	case Mix2Comp:
		q.mix2Comp(ti, vin, win, vnet)
	case MixFIFO:
		q.mixFIFO(ti, vin, win, vnet)
	case MixLIFO:
		q.mixLIFO(ti, vin, win, vnet)
	}
}

func (q *quality) mixComplete(ti int, vin, win, vnet float64) {
	i := q.first[q.s.nl+ti]
	if i < 0 {
		return
	}
	if vnew := q.segV[i] + vin; vnew > 0 {
		q.segC[i] = (q.segC[i]*q.segV[i] + win) / vnew
	}
	q.segV[i] = math.Max(0, q.segV[i]+vnet)
	q.tankC[ti] = q.segC[i]
}

func (q *quality) mix2Comp(ti int, vin, win, vnet float64) {
	k := q.s.nl + ti
	mz, sz := q.last[k], q.first[k]
	if mz < 0 || sz < 0 || mz == sz {
		q.mixComplete(ti, vin, win, vnet)
		return
	}
	t := &q.s.net.Tanks[ti]
	vmz := t.MixFrac * t.Vmax
	vt := 0.0
	if vnet > 0 {
		vt = math.Max(0, q.segV[mz]+vnet-vmz)
		if vin > 0 {
			q.segC[mz] = (q.segC[mz]*q.segV[mz] + win) / (q.segV[mz] + vin)
		}
		if vt > 0 {
			q.segC[sz] = (q.segC[sz]*q.segV[sz] + q.segC[mz]*vt) / (q.segV[sz] + vt)
		}
	} else if vnet < 0 {
		if q.segV[sz] > 0 {
			vt = math.Min(q.segV[sz], -vnet)
		}
		if vin+vt > 0 {
			q.segC[mz] = (q.segC[mz]*q.segV[mz] + win + q.segC[sz]*vt) / (q.segV[mz] + vin + vt)
		}
	}
	if vt > 0 {
		q.segV[mz] = vmz
		if vnet > 0 {
			q.segV[sz] += vt
		} else {
			q.segV[sz] = math.Max(0, q.segV[sz]-vt)
		}
	} else {
		q.segV[mz] = math.Max(0, math.Min(q.segV[mz]+vnet, vmz))
		q.segV[sz] = 0
	}
	q.tankC[ti] = q.segC[mz]
}

func (q *quality) mixFIFO(ti int, vin, win, vnet float64) {
	k := q.s.nl + ti
	if q.first[k] < 0 {
		return
	}
	if vin > 0 {
		cin := win / vin
		if i := q.last[k]; math.Abs(q.segC[i]-cin) < q.ctol {
			q.segV[i] += vin
		} else {
			q.addSeg(k, vin, cin)
		}
	}
	var vsum, csum float64
	vout := vin - vnet
	for vout > 0 {
		i := q.first[k]
		if i < 0 {
			break
		}
		vseg := math.Min(q.segV[i], vout)
		if i == q.last[k] {
			vseg = vout
		}
		vsum += vseg
		csum += q.segC[i] * vseg
		vout -= vseg
		if vout >= 0 && vseg >= q.segV[i] && q.segUp[i] >= 0 {
			q.popFirst(k)
		} else {
			q.segV[i] = math.Max(0, q.segV[i]-vseg)
		}
	}
	switch {
	case vsum > 0:
		q.tankC[ti] = csum / vsum
	case q.first[k] >= 0:
		q.tankC[ti] = q.segC[q.first[k]]
	}
}

func (q *quality) mixLIFO(ti int, vin, win, vnet float64) {
	k := q.s.nl + ti
	if q.last[k] < 0 {
		return
	}
	cin := 0.0
	if vin > 0 {
		cin = win / vin
	}
	q.tankC[ti] = q.segC[q.last[k]]
	if vnet > 0 {
		if i := q.last[k]; math.Abs(q.segC[i]-cin) < q.ctol {
			q.segV[i] += vnet
		} else {
			q.addSeg(k, vnet, cin)
		}
		q.tankC[ti] = q.segC[q.last[k]]
		return
	}
	if vnet == 0 {
		return
	}
	var vsum, csum float64
	vnet = -vnet
	for vnet > 0 {
		i := q.last[k]
		if i < 0 {
			break
		}
		vseg := math.Min(q.segV[i], vnet)
		if i == q.first[k] {
			vseg = vnet
		}
		vsum += vseg
		csum += q.segC[i] * vseg
		vnet -= vseg
		if vnet >= 0 && vseg >= q.segV[i] && q.segDown[i] >= 0 {
			q.popLast(k)
		} else {
			q.segV[i] = math.Max(0, q.segV[i]-vseg)
		}
	}
	if vsum+vin > 0 {
		q.tankC[ti] = (csum + win) / (vsum + vin)
	}
}

// NodeQuality is the water quality at node i in the network's units
// (concentration, hours of age, or percent of flow from the trace node).
func (s *Simulator) NodeQuality(i int) float64 {
	if s.qual == nil {
		return 0
	}
	return s.qual.nodeQual[i] * s.qual.ucf
}

// LinkQuality is the volume-weighted mean quality in link k (the mean of
// its end nodes for links without volume).
func (s *Simulator) LinkQuality(k int) float64 {
	q := s.qual
	if q == nil {
		return 0
	}
	var vsum, msum float64
	for i := q.first[k]; i >= 0; i = q.segUp[i] {
		vsum += q.segV[i]
		msum += q.segC[i] * q.segV[i]
	}
	if vsum > 0 {
		return msum / vsum * q.ucf
	}
	return (q.nodeQual[s.n1[k]] + q.nodeQual[s.n2[k]]) / 2 * q.ucf
}
