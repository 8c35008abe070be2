package scenarios

import (
	"fmt"
	"io"
	"math"
	"path/filepath"
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"

	"citytwin/engine/record"
)

type ioWriter = io.Writer

// chart is one time series drawn for both runs.
type chart struct {
	file, title, yLabel string
	base, variant       plotter.XYs
}

// charts draws the key time series of the first replication of both sides
// that both runs have: vehicles arrived, grid load, mean water pressure.
func (c *Comparison) charts(dir string) ([]chart, error) {
	var out []chart
	for _, spec := range []struct {
		file, title, yLabel string
		series              func([]*record.Table) plotter.XYs
	}{
		{"arrivals.png", "Vehicles arrived", "vehicles", cumulativeArrivals},
		{"grid_load.png", "Grid load", "MW", column("grid_series", "load")},
		{"water_pressure.png", "Mean junction pressure", "network units", meanBy("water_node_series", "pressure")},
	} {
		b, v := spec.series(c.BaseRun.Tables), spec.series(c.VariantRun.Tables)
		if len(b) == 0 || len(v) == 0 {
			continue
		}
		ch := chart{file: spec.file, title: spec.title, yLabel: spec.yLabel, base: b, variant: v}
		if err := drawChart(filepath.Join(dir, spec.file), ch); err != nil {
			return nil, err
		}
		out = append(out, ch)
	}
	return out, nil
}

func drawChart(path string, ch chart) error {
	p := plot.New()
	p.Title.Text = ch.title
	p.X.Label.Text = "time since start (h)"
	p.Y.Label.Text = ch.yLabel
	if err := plotutil.AddLines(p, "baseline", ch.base, "variant", ch.variant); err != nil {
		return err
	}
	wt, err := p.WriterTo(7*vg.Inch, 3.5*vg.Inch, "png")
	if err != nil {
		return err
	}
	return record.WriteFileAtomic(path, func(w io.Writer) error { _, err := wt.WriteTo(w); return err })
}

func table(ts []*record.Table, name string) *record.Table {
	for _, t := range ts {
		if t.Name == name {
			return t
		}
	}
	return nil
}

func col(t *record.Table, name string) *record.Column {
	if t == nil {
		return nil
	}
	for _, c := range t.Columns {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// timeValues reads column "time_s" (int or float) as hours.
func timeValues(t *record.Table) []float64 {
	c := col(t, "time_s")
	if c == nil {
		return nil
	}
	out := make([]float64, c.Len())
	for i := range out {
		if c.Type == record.Int64 {
			out[i] = float64(c.Ints[i]) / 3600
		} else {
			out[i] = c.Floats[i] / 3600
		}
	}
	return out
}

// column plots a float column of a table against its time_s.
func column(tableName, name string) func([]*record.Table) plotter.XYs {
	return func(ts []*record.Table) plotter.XYs {
		t := table(ts, tableName)
		times, c := timeValues(t), col(t, name)
		if c == nil || c.Type != record.Float64 || len(times) != c.Len() {
			return nil
		}
		xy := make(plotter.XYs, len(times))
		for i := range times {
			xy[i].X, xy[i].Y = times[i], c.Floats[i]
		}
		return xy
	}
}

// meanBy plots the mean of a float column over the rows of each time.
func meanBy(tableName, name string) func([]*record.Table) plotter.XYs {
	return func(ts []*record.Table) plotter.XYs {
		t := table(ts, tableName)
		times, c := timeValues(t), col(t, name)
		if c == nil || c.Type != record.Float64 || len(times) != c.Len() {
			return nil
		}
		var xy plotter.XYs
		for i := 0; i < len(times); {
			j, sum := i, 0.0
			for j < len(times) && times[j] == times[i] {
				sum += c.Floats[j]
				j++
			}
			xy = append(xy, plotter.XY{X: times[i], Y: sum / float64(j-i)})
			i = j
		}
		return xy
	}
}

// cumulativeArrivals counts arrived vehicles over time from the trips table.
func cumulativeArrivals(ts []*record.Table) plotter.XYs {
	c := col(table(ts, "trips"), "arrive_s")
	if c == nil || c.Type != record.Float64 {
		return nil
	}
	var at []float64
	for i, v := range c.Floats {
		if c.Valid == nil || c.Valid[i] {
			at = append(at, v/3600)
		}
	}
	slices.Sort(at)
	xy := make(plotter.XYs, len(at))
	for i, t := range at {
		xy[i].X, xy[i].Y = t, float64(i+1)
	}
	return xy
}

// markdown writes the report without maps (see WriteReportMaps).
func (c *Comparison) markdown(w io.Writer, charts []chart) error {
	if err := c.markdownBody(w, charts); err != nil {
		return err
	}
	c.markdownRuns(w)
	return nil
}

// markdownBody writes the head of the report, the KPI table and the charts.
func (c *Comparison) markdownBody(w io.Writer, charts []chart) error {
	fmt.Fprintf(w, "# %s compared with %s\n\n", c.Variant.Name, c.Base.Name)
	fmt.Fprintf(w, "Baseline `%s` (sha256 %.12s), variant `%s` (sha256 %.12s); %d replication(s) with paired seeds %v: replication r of both runs uses the same seed (common random numbers), so each difference is paired.\n\n",
		c.Base.Path, c.Base.SHA256, c.Variant.Path, c.Variant.SHA256, len(c.Seeds), c.Seeds)
	if c.Variant.Description != "" {
		fmt.Fprintf(w, "Variant: %s\n\n", c.Variant.Description)
	}
	if len(c.Variant.Changes) > 0 {
		fmt.Fprintf(w, "Changes:\n\n")
		for _, ch := range c.Variant.Changes {
			fmt.Fprintf(w, "- %s\n", ch.describe())
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "| model | KPI | unit | baseline | variant | difference | 95 %% CI |\n|---|---|---|---:|---:|---:|---|\n")
	for _, k := range c.KPIs {
		ci := "–"
		if !math.IsNaN(k.CILow) {
			ci = fmt.Sprintf("[%.4g, %.4g]", k.CILow, k.CIHigh)
		}
		fmt.Fprintf(w, "| %s | %s | %s | %.6g | %.6g | %+.4g | %s |\n", k.Model, k.Name, k.Unit, k.Base, k.Variant, k.Diff, ci)
	}
	for _, ch := range charts {
		fmt.Fprintf(w, "\n## %s\n\n![%s](%s)\n", ch.title, ch.title, ch.file)
	}
	return nil
}

// markdownRuns writes the report's last line: where the runs are.
func (c *Comparison) markdownRuns(w io.Writer) {
	fmt.Fprintf(w, "\nRuns: `%s` and `%s` (first replication). Map data © OpenStreetMap contributors.\n", c.BaseRun.Dir, c.VariantRun.Dir)
}

// describe renders a change for the report.
func (ch *Change) describe() string {
	s := ch.Kind
	for _, f := range ch.given() {
		switch f {
		case "street":
			s += " street=" + ch.Street
		case "way":
			s += fmt.Sprintf(" way=%d", ch.Way)
		case "lane":
			s += fmt.Sprintf(" lane=%d", *ch.Lane)
		case "kmh":
			s += fmt.Sprintf(" kmh=%g", ch.KMH)
		case "factor":
			s += fmt.Sprintf(" factor=%g", ch.Factor)
		case "car_park":
			s += " car_park=" + ch.CarPark
		case "spaces":
			s += fmt.Sprintf(" spaces=%d", ch.Spaces)
		case "count":
			s += fmt.Sprintf(" count=%d", ch.Count)
		case "kw":
			s += fmt.Sprintf(" kw=%g", ch.KW)
		case "policy":
			s += " policy=" + ch.Policy
		case "price_per_h":
			s += fmt.Sprintf(" price_per_h=%g", *ch.PricePerH)
		case "share":
			s += fmt.Sprintf(" share=%g", *ch.Share)
		case "node":
			s += " node=" + ch.Node
		case "link":
			s += " link=" + ch.Link
		case "branch":
			s += fmt.Sprintf(" branch=%d", ch.Branch)
		case "coefficient":
			s += fmt.Sprintf(" coefficient=%g", ch.Coefficient)
		case "at":
			s += " at=" + ch.At.text
		case "until":
			s += " until=" + ch.Until.text
		}
	}
	return s
}
