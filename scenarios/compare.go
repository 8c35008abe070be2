package scenarios

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"

	"citytwin/engine/record"
)

// CompareOptions adjusts a comparison of a baseline and a variant.
type CompareOptions struct {
	Out          string // report folder
	Replications int    // pairs of runs (default 1)
	Format       string // table format of the runs (default csv)
	Version      string
	Progress     func(done, total int)
}

// KPIDiff is one KPI of a comparison: the means over the replications,
// the mean paired difference (variant - baseline) and its 95 % confidence
// interval (Student's t over the paired differences; NaN with one
// replication).
type KPIDiff struct {
	Model, Name, Unit   string
	Base, Variant       float64
	Diff, CILow, CIHigh float64
}

// Comparison is the outcome of Compare.
type Comparison struct {
	Base, Variant *Scenario
	Seeds         []uint64
	KPIs          []KPIDiff
	// First replication's results, for the charts.
	BaseRun, VariantRun *Result
}

// Compare runs the baseline and the variant with common random numbers:
// replication r of both uses the seed base.Seed + r, so the two runs of a
// pair draw the same demand, the same speed factors and the same sensor
// noise, and differ only by the variant's changes. Paired differences of
// the KPIs then have far less variance than independent runs would give.
func Compare(base, variant *Scenario, opt CompareOptions) (*Comparison, error) {
	if opt.Replications < 1 {
		opt.Replications = 1
	}
	if opt.Format == "" {
		opt.Format = "csv"
	}
	cmp := &Comparison{Base: base, Variant: variant}
	baseKPI := map[[2]string][]float64{}
	varKPI := map[[2]string][]float64{}
	units := map[[2]string]string{}
	var order [][2]string
	for r := 0; r < opt.Replications; r++ {
		seed := base.Seed + uint64(r)
		cmp.Seeds = append(cmp.Seeds, seed)
		for k, sc := range []*Scenario{base, variant} {
			side := [2]string{"base", "variant"}[k]
			res, err := Run(sc, RunOptions{Out: filepath.Join(opt.Out, side, fmt.Sprintf("seed-%d", seed)), Seed: &seed,
				Format: opt.Format, Version: opt.Version})
			if err != nil {
				return nil, fmt.Errorf("compare: %s seed %d: %w", sc.Name, seed, err)
			}
			if r == 0 && k == 0 {
				cmp.BaseRun = res
			} else if r == 0 {
				cmp.VariantRun = res
			}
			into := baseKPI
			if k == 1 {
				into = varKPI
			}
			for _, model := range res.Manifest.Models {
				for _, kpi := range res.Manifest.KPIs[model] {
					key := [2]string{model, kpi.Name}
					if _, seen := units[key]; !seen {
						units[key] = kpi.Unit
						order = append(order, key)
					}
					into[key] = append(into[key], kpi.Value)
				}
			}
			if opt.Progress != nil {
				opt.Progress(2*r+k+1, 2*opt.Replications)
			}
		}
	}
	for _, key := range order {
		b, v := baseKPI[key], varKPI[key]
		if len(b) != len(v) {
			continue // a KPI one side lacks (a model only the variant runs)
		}
		cmp.KPIs = append(cmp.KPIs, pairedDiff(key[0], key[1], units[key], b, v))
	}
	return cmp, nil
}

// pairedDiff computes the means and the confidence interval of the mean
// paired difference.
func pairedDiff(model, name, unit string, b, v []float64) KPIDiff {
	d := make([]float64, len(b))
	for i := range b {
		d[i] = v[i] - b[i]
	}
	k := KPIDiff{Model: model, Name: name, Unit: unit, Base: stat.Mean(b, nil), Variant: stat.Mean(v, nil)}
	k.Diff, k.CILow, k.CIHigh = meanCI(d)
	return k
}

// meanCI is the mean of x and its 95 % confidence interval (Student's t;
// NaN bounds for fewer than two values).
func meanCI(x []float64) (mean, lo, hi float64) {
	mean = stat.Mean(x, nil)
	n := len(x)
	if n < 2 {
		return mean, math.NaN(), math.NaN()
	}
	half := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(n - 1)}.Quantile(0.975) * stat.StdDev(x, nil) / math.Sqrt(float64(n))
	return mean, mean - half, mean + half
}

// Find returns the KPI difference of model's KPI name.
func (c *Comparison) Find(model, name string) (KPIDiff, bool) {
	i := slices.IndexFunc(c.KPIs, func(k KPIDiff) bool { return k.Model == model && k.Name == name })
	if i < 0 {
		return KPIDiff{}, false
	}
	return c.KPIs[i], true
}

// WriteReport writes report.md with the KPI table and charts of key time
// series into dir.
func (c *Comparison) WriteReport(dir string) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	charts, err := c.charts(dir)
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, "report.md")
	return path, record.WriteFileAtomic(path, func(w ioWriter) error { return c.markdown(w, charts) })
}
