package grid

import (
	"encoding/json"
	"io"
	"math"
	"os"
	"path/filepath"

	"citytwin/engine/record"
)

// BusTable returns the bus results as the table "bus": bus_id, type,
// vm_pu, va_deg.
func (r *Result) BusTable() *record.Table {
	n := len(r.Case.Buses)
	ids, types := make([]int64, n), make([]int64, n)
	for i, b := range r.Case.Buses {
		ids[i], types[i] = int64(b.ID), int64(b.Type)
	}
	t := record.NewTable("bus")
	t.Int("bus_id", "", ids)
	t.Int("type", "", types)
	t.Float("vm_pu", "pu", r.Vm)
	t.Float("va_deg", "deg", r.Va)
	return t
}

// BranchTable returns the branch results as the table "branch": idx (the
// 1-based row of the case's branch matrix), from, to, status, pf_mw,
// qf_mvar, pt_mw, qt_mvar, ploss_mw, qloss_mvar.
func (r *Result) BranchTable() *record.Table {
	n := len(r.Case.Branches)
	idx, from, to, status := make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n)
	for k, br := range r.Case.Branches {
		idx[k], from[k], to[k] = int64(k+1), int64(br.From), int64(br.To)
		if br.InService {
			status[k] = 1
		}
	}
	t := record.NewTable("branch")
	t.Int("idx", "", idx)
	t.Int("from", "", from)
	t.Int("to", "", to)
	t.Int("status", "", status)
	t.Float("pf_mw", "MW", r.Pf)
	t.Float("qf_mvar", "MVAr", r.Qf)
	t.Float("pt_mw", "MW", r.Pt)
	t.Float("qt_mvar", "MVAr", r.Qt)
	t.Float("ploss_mw", "MW", r.Ploss)
	t.Float("qloss_mvar", "MVAr", r.Qloss)
	return t
}

// Summary is the system-level outcome of a power flow.
type Summary struct {
	Converged  bool    `json:"converged"`
	Iterations int     `json:"iterations"`
	PlossMW    float64 `json:"ploss_mw"`
	QlossMVAr  float64 `json:"qloss_mvar"`
	VminPU     float64 `json:"vmin_pu"`
	VminBus    int     `json:"vmin_bus"`
	VmaxPU     float64 `json:"vmax_pu"`
	VmaxBus    int     `json:"vmax_bus"`
}

// Summary returns the totals and voltage extremes of the result.
func (r *Result) Summary() Summary {
	s := Summary{Converged: r.Converged, Iterations: r.Iterations}
	s.PlossMW, s.QlossMVAr = r.Losses()
	s.VminPU, s.VminBus, s.VmaxPU, s.VmaxBus = r.VoltageExtremes()
	for _, p := range []*float64{&s.PlossMW, &s.QlossMVAr, &s.VminPU, &s.VmaxPU} {
		if math.IsNaN(*p) || math.IsInf(*p, 0) {
			*p = 0 // JSON has no NaN; a failed run says so in "converged"
		}
	}
	return s
}

// Write writes dir/bus.<ext>, dir/branch.<ext> (in format f) and
// dir/summary.json, each atomically, creating dir if needed.
func (r *Result) Write(dir string, f record.Format) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, t := range []*record.Table{r.BusTable(), r.BranchTable()} {
		if _, err := record.WriteTable(dir, t, f); err != nil {
			return err
		}
	}
	return record.WriteFileAtomic(filepath.Join(dir, "summary.json"), func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(r.Summary())
	})
}
