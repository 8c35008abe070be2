package cvrp

import (
	"cmp"
	"slices"
)

// population holds the feasible and infeasible subpopulations of Vidal
// et al. (2012), each sorted by penalised cost, and the best solutions.
type population struct {
	s          *solver
	feasible   []*individual
	infeasible []*individual
	// Feasibility of the last offspring after local search, for the
	// penalty adaptation (Vidal 2022, section 3.3).
	loadOK, durationOK []bool
	best               *individual // best feasible solution overall
	bestRestart        *individual // best feasible solution since the last restart
}

// add inserts a copy of x into its subpopulation, trims it to μ when it
// reaches μ+λ, and reports whether x improves the best feasible solution
// since the last restart.
func (p *population) add(x *individual, countFeasibility bool) bool {
	s := p.s
	if countFeasibility {
		p.loadOK = appendWindow(p.loadOK, x.excessLoad <= s.loadTol, s.params.PenaltyInterval)
		p.durationOK = appendWindow(p.durationOK, x.excessDuration <= s.durTol, s.params.PenaltyInterval)
	}
	sub := &p.infeasible
	if x.feasible {
		sub = &p.feasible
	}
	y := x.clone()
	for _, other := range *sub {
		d := brokenPairs(y, other)
		insertProx(other, proxEntry{d, y})
		insertProx(y, proxEntry{d, other})
	}
	at, _ := slices.BinarySearchFunc(*sub, y.penalized, func(a *individual, c float64) int {
		if a.penalized <= c {
			return -1
		}
		return 1
	})
	*sub = slices.Insert(*sub, at, y)
	if len(*sub) >= s.params.Mu+s.params.Lambda {
		for len(*sub) > s.params.Mu {
			p.removeWorst(sub)
		}
	}
	if y.feasible && (p.bestRestart == nil || y.penalized < p.bestRestart.penalized-epsilon) {
		p.bestRestart = y.clone()
		if p.best == nil || y.penalized < p.best.penalized-epsilon {
			p.best = y.clone()
		}
		return true
	}
	return false
}

func appendWindow(w []bool, v bool, size int) []bool {
	w = append(w, v)
	if len(w) > size {
		w = w[len(w)-size:]
	}
	return w
}

// insertProx inserts e into x's proximity list, keeping it sorted.
func insertProx(x *individual, e proxEntry) {
	at, _ := slices.BinarySearchFunc(x.proximity, e.dist, func(a proxEntry, d float64) int {
		if a.dist <= d {
			return -1
		}
		return 1
	})
	x.proximity = slices.Insert(x.proximity, at, e)
}

// diversity is x's average broken-pairs distance to its k closest.
func diversity(x *individual, k int) float64 {
	k = min(k, len(x.proximity))
	if k == 0 {
		return 1
	}
	sum := 0.0
	for _, e := range x.proximity[:k] {
		sum += e.dist
	}
	return sum / float64(k)
}

// updateBiasedFitness ranks sub by cost and by diversity contribution and
// combines the ranks (Vidal et al. 2012, section 4.4).
func (p *population) updateBiasedFitness(sub []*individual) {
	n := len(sub)
	if n == 1 {
		sub[0].biased = 0
	}
	if n <= 1 {
		return
	}
	type ranked struct {
		div float64
		idx int
	}
	ranks := make([]ranked, n)
	for i, x := range sub {
		ranks[i] = ranked{-diversity(x, p.s.params.Close), i}
	}
	slices.SortFunc(ranks, func(a, b ranked) int { return cmp.Or(cmp.Compare(a.div, b.div), cmp.Compare(a.idx, b.idx)) })
	elite := float64(p.s.params.Elite)
	for i, r := range ranks {
		divRank := float64(i) / float64(n-1)
		fitRank := float64(r.idx) / float64(n-1)
		if n <= p.s.params.Elite {
			sub[r.idx].biased = fitRank
		} else {
			sub[r.idx].biased = fitRank + (1-elite/float64(n))*divRank
		}
	}
}

// removeWorst removes the individual of worst biased fitness, clones
// first, never the best.
func (p *population) removeWorst(sub *[]*individual) {
	p.updateBiasedFitness(*sub)
	worst, worstClone, worstFit := -1, false, -1.0
	for i := 1; i < len(*sub); i++ {
		x := (*sub)[i]
		clone := diversity(x, 1) < epsilon
		if (clone && !worstClone) || (clone == worstClone && x.biased > worstFit) {
			worst, worstClone, worstFit = i, clone, x.biased
		}
	}
	gone := (*sub)[worst]
	*sub = slices.Delete(*sub, worst, worst+1)
	for _, x := range *sub {
		x.proximity = slices.DeleteFunc(x.proximity, func(e proxEntry) bool { return e.other == gone })
	}
}

// tournament picks the better (by biased fitness) of two random members.
func (p *population) tournament() *individual {
	p.updateBiasedFitness(p.feasible)
	p.updateBiasedFitness(p.infeasible)
	pick := func() *individual {
		i := p.s.rng.IntN(len(p.feasible) + len(p.infeasible))
		if i < len(p.feasible) {
			return p.feasible[i]
		}
		return p.infeasible[i-len(p.feasible)]
	}
	a, b := pick(), pick()
	if a.biased < b.biased {
		return a
	}
	return b
}

// managePenalties adapts the penalty weights towards the target share of
// feasible offspring and re-sorts the infeasible subpopulation.
func (p *population) managePenalties() {
	s := p.s
	s.penaltyLoad = adaptPenalty(s.penaltyLoad, p.loadOK, s.params.TargetFeasible)
	if s.in.MaxRouteDuration > 0 {
		s.penaltyDuration = adaptPenalty(s.penaltyDuration, p.durationOK, s.params.TargetFeasible)
	}
	for _, x := range p.infeasible {
		s.penalize(x)
	}
	slices.SortStableFunc(p.infeasible, func(a, b *individual) int { return cmp.Compare(a.penalized, b.penalized) })
}

// adaptPenalty raises the penalty by 20 % when too few offspring are
// feasible and lowers it by 15 % when too many are (Vidal 2022).
func adaptPenalty(penalty float64, ok []bool, target float64) float64 {
	if len(ok) == 0 {
		return penalty
	}
	n := 0
	for _, b := range ok {
		if b {
			n++
		}
	}
	frac := float64(n) / float64(len(ok))
	switch {
	case frac < target-0.05 && penalty < 100000:
		return min(penalty*1.2, 100000)
	case frac > target+0.05 && penalty > 0.1:
		return max(penalty*0.85, 0.1)
	}
	return penalty
}

// restart empties the population, keeping the overall best.
func (p *population) restart() {
	p.feasible, p.infeasible = nil, nil
	p.bestRestart = nil
}
