package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"citytwin/engine"
	"citytwin/scenarios"
	"citytwin/viz"
)

func init() { register(newCompareCmd) }

func newCompareCmd() *cobra.Command {
	var (
		out          string
		replications int
		maps         bool
	)
	cmd := &cobra.Command{
		Use:   "compare BASE VARIANT",
		Short: "Run a baseline and a variant with paired seeds and write a comparison report",
		Long: `compare runs BASE and VARIANT (usually a file that extends BASE) with common
random numbers: replication r of both uses the seed BASE's seed + r. It writes
DIR/report.md with the KPI table (baseline, variant, difference and its 95 %
confidence interval over the replications), charts of key time series and one
map per model of the differences (variant - base, drawn by bin/twin-viewer at
the time of the largest difference; under Xvfb when DISPLAY is unset), and
keeps every run under DIR/base and DIR/variant. The same inputs give the same
numbers on every rerun.`,
		Example: `  twin compare scenarios/osterbro.yaml scenarios/osterbro-close-osterbrogade.yaml --replications 5 --out results/close
  twin compare scenarios/osterbro.yaml scenarios/osterbro-load-growth.yaml`,
		Args: exactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			base, err := scenarios.Load(args[0])
			if err != nil {
				return inputError(err)
			}
			variant, err := scenarios.Load(args[1])
			if err != nil {
				return inputError(err)
			}
			if replications < 1 {
				return usageError(fmt.Errorf("--replications must be at least 1"))
			}
			if out == "" {
				out = "results/compare-" + variant.Name
			}
			bar := newProgress(cmd.ErrOrStderr(), "comparing")
			c, err := scenarios.Compare(base, variant, scenarios.CompareOptions{Out: out, Replications: replications, Version: Version,
				Progress: func(done, total int) { bar.update(engine.Time(done), engine.Time(total)) }})
			bar.finish()
			if err != nil {
				if isInvalid(err) {
					return inputError(err)
				}
				return err
			}
			mo := scenarios.MapOptions{StartDisplay: viz.StartXvfb}
			if maps {
				mo.Viewer, mo.ViewerErr = viz.LookViewer()
			} else {
				mo.ViewerErr = errors.New("--maps=false")
			}
			path, err := c.WriteReportMaps(out, mo)
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			for _, k := range c.KPIs {
				fmt.Fprintf(w, "  %-8s %-26s %12.4g -> %12.4g  (%+.4g %s)\n", k.Model, k.Name, k.Base, k.Variant, k.Diff, k.Unit)
			}
			fmt.Fprintf(w, "report: %s\n", path)
			return nil
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "report folder (default results/compare-VARIANT)")
	cmd.Flags().BoolVar(&maps, "maps", true, "draw a map of the differences per model with bin/twin-viewer (under Xvfb when DISPLAY is unset)")
	cmd.Flags().IntVar(&replications, "replications", 1, "pairs of runs, seeds BASE's seed + 0..N-1")
	return cmd
}
