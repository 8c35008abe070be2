package grid

import "sort"

// makeYbus assembles the bus admittance matrix Y = Cfᵀ(Yff Cf + Yft Ct) +
// Ctᵀ(Ytf Cf + Ytt Ct) + diag(Ysh) as MATPOWER's makeYbus, in CSR form.
// Every bus gets a diagonal entry (possibly zero) so that the Jacobian
// pattern is fixed whatever the values. Out-of-service branches add nothing.
func makeYbus(nb int, from, to []int, yff, yft, ytf, ytt, ysh []complex128, on []bool) csr {
	type entry struct {
		col int
		v   complex128
	}
	rows := make([][]entry, nb)
	for i := 0; i < nb; i++ {
		rows[i] = append(rows[i], entry{i, ysh[i]})
	}
	for k := range from {
		if !on[k] {
			continue
		}
		f, t := from[k], to[k]
		rows[f] = append(rows[f], entry{f, yff[k]}, entry{t, yft[k]})
		rows[t] = append(rows[t], entry{f, ytf[k]}, entry{t, ytt[k]})
	}
	y := csr{n: nb, rowPtr: make([]int, nb+1), diag: make([]int, nb)}
	for i, r := range rows {
		sort.SliceStable(r, func(a, b int) bool { return r[a].col < r[b].col })
		for k, e := range r {
			if k > 0 && r[k-1].col == e.col {
				y.val[len(y.val)-1] += e.v
				continue
			}
			if e.col == i {
				y.diag[i] = len(y.col)
			}
			y.col = append(y.col, e.col)
			y.val = append(y.val, e.v)
		}
		y.rowPtr[i+1] = len(y.col)
	}
	return y
}

// mulVec sets out = Y v.
func (y *csr) mulVec(out, v []complex128) {
	for i := 0; i < y.n; i++ {
		var s complex128
		for p := y.rowPtr[i]; p < y.rowPtr[i+1]; p++ {
			s += y.val[p] * v[y.col[p]]
		}
		out[i] = s
	}
}
