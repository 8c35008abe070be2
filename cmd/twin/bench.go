package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime/pprof"

	"citytwin/bench/scale"
	"citytwin/bench/suite"
	"citytwin/models/city/synth"

	"github.com/spf13/cobra"
)

func init() { register(newBenchCmd) }

func newBenchCmd() *cobra.Command {
	var f suiteFlags
	cmd := &cobra.Command{
		Use:   "bench",
		Short: "Run the benchmark suite and write one report (bench/report.md)",
		Long: `bench runs the benchmark suite and writes one Markdown report: each model's
figures beside its anchor (measured in the same run where the anchor runs
here, SimPy and SUMO; beside the recorded reference figures where it does
not, EPANET, MATPOWER, CVRPLIB best-known costs), and scaling curves of cost
against size for each model on synthetic cities (a table and a PNG per
curve, written beside the report). --quick runs small sizes in seconds and
skips the anchors that take minutes; the full suite takes tens of minutes.
'twin bench day' runs the single city-scale traffic day.`,
		Example: `  twin bench --quick --out /tmp/report.md
  twin bench --out bench/report.md
  twin bench --record day --out bench/report.md`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error { return runSuite(cmd, f) },
	}
	fl := cmd.Flags()
	fl.StringVar(&f.out, "out", "bench/report.md", "report to write; the curves' PNGs go beside it")
	fl.BoolVar(&f.quick, "quick", false, "small sizes only, seconds; no long anchor runs")
	fl.StringVar(&f.work, "work", ".cache/bench", "folder for generated cities and anchor runs")
	fl.StringVar(&f.root, "root", ".", "repository root: the anchors run from there and the models' reports are read there")
	fl.BoolVarP(&f.verbose, "verbose", "v", false, "print each step on stderr")
	fl.StringVar(&f.record, "record", "", "run only the day run (day) or the city-scale day (million) and store it beside the report for --quick to quote")
	cmd.AddCommand(newBenchDayCmd())
	return cmd
}

func newBenchDayCmd() *cobra.Command {
	var o scale.DayOptions
	var layout, cpuProfile string
	var verbose bool
	cmd := &cobra.Command{
		Use:   "day",
		Short: "Run one traffic day on a synthetic city and print what it cost as JSON",
		Long: `day generates (or reuses, in --work) a synthetic city of --edges directed road
edges, draws --trips trips over the day from its buildings, simulates the
day with the traffic model and prints the cost as JSON: wall and CPU time of
each phase, vehicle updates per CPU second, the peak Go heap and bytes per
vehicle. Run it under /usr/bin/time -v for the process's maximum RSS.`,
		Example: `  /usr/bin/time -v twin bench day --edges 50000 --trips 1000000 --layout organic
  # the city-scale day of bench/report.md: arterials every 4 blocks, all primary,
  # trips with a 2 km distance decay, 1 s steps, routes on a contraction hierarchy
  twin bench day --edges 50000 --trips 1000000 --arterial-every 4 --primary-every 1 \
    --decay-m 2000 --step 1 --hierarchy --reuse-hierarchy -v`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			l, err := synth.ParseLayout(layout)
			if err != nil {
				return usageError(err)
			}
			o.Layout = l
			if verbose {
				enc := json.NewEncoder(cmd.ErrOrStderr())
				o.Progress = func(p scale.Progress) { _ = enc.Encode(p) }
			}
			if cpuProfile != "" {
				pf, err := os.Create(cpuProfile)
				if err != nil {
					return err
				}
				defer pf.Close()
				if err := pprof.StartCPUProfile(pf); err != nil {
					return err
				}
				defer pprof.StopCPUProfile()
			}
			r, err := scale.Day(o)
			if err != nil {
				return err
			}
			enc := json.NewEncoder(cmd.OutOrStdout())
			enc.SetIndent("", "  ")
			return enc.Encode(r)
		},
	}
	fl := cmd.Flags()
	fl.IntVar(&o.Edges, "edges", 50000, "directed road edges of the synthetic city")
	fl.IntVar(&o.Trips, "trips", 1000000, "trips over the day")
	fl.StringVar(&layout, "layout", "organic", "street network: grid or organic")
	fl.Uint64Var(&o.Seed, "seed", 1, "seed of the city, the trips and the model")
	fl.StringVar(&o.Work, "work", ".cache/bench", "folder for the generated city (reused when present)")
	fl.Float64Var(&o.MaxS, "max-s", 0, "stop at this simulated time, s (0 = 26 h)")
	fl.IntVar(&o.ArterialEvery, "arterial-every", 0, "synthetic city: an arterial every this many blocks (0 = synth default, 5)")
	fl.IntVar(&o.PrimaryEvery, "primary-every", 0, "synthetic city: every this many arterials is primary (0 = synth default, 2)")
	fl.BoolVar(&o.Hierarchy, "hierarchy", false, "route on a contraction hierarchy (built while the trips are drawn) instead of A* with landmarks")
	fl.BoolVar(&o.ReuseHierarchy, "reuse-hierarchy", false, "with --hierarchy: keep the hierarchy in a file beside the city in --work and read it instead of building it when it is there")
	fl.Float64Var(&o.StepS, "step", 0, "traffic time step, s (0 = the model's default)")
	fl.Float64Var(&o.DecayM, "decay-m", 0, "distance decay of trip destinations (gravity model), m; 0 = by floor area alone")
	fl.StringVar(&cpuProfile, "cpuprofile", "", "write a CPU profile of the whole run here")
	fl.BoolVarP(&verbose, "verbose", "v", false, "print progress every simulated hour on stderr, one JSON line")
	return cmd
}

type suiteFlags struct {
	out, work, root string
	record          string
	quick, verbose  bool
}

func runSuite(cmd *cobra.Command, f suiteFlags) error {
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	o := suite.Options{Out: f.out, Work: f.work, Root: f.root, Quick: f.quick, Exe: exe}
	if f.verbose {
		o.Log = cmd.ErrOrStderr()
	}
	if f.record != "" {
		if err := suite.Record(cmd.Context(), o, f.record); err != nil {
			return usageError(err)
		}
		fmt.Fprintln(cmd.OutOrStdout(), filepath.Join(filepath.Dir(f.out), suite.RecordedFile))
		return nil
	}
	if err := suite.Run(cmd.Context(), o); err != nil {
		return err
	}
	fmt.Fprintln(cmd.OutOrStdout(), f.out)
	return nil
}
