package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"citytwin/engine"
	"citytwin/scenarios"
)

func init() {
	register(newRunCmd)
	register(newValidateCmd)
}

func newRunCmd() *cobra.Command {
	var (
		out, format, checkpoint, restore string
		seed                             uint64
		until                            string
	)
	cmd := &cobra.Command{
		Use:   "run SCENARIO",
		Short: "Run a scenario and write its results",
		Long: `Run a scenario to its end (or --until) and write one results folder:
manifest.json (scenario hash, seed, version, simulated interval, events,
event-log digest, KPIs, wall time) and the entity and time-series tables.

The same scenario and seed always give byte-identical tables and the same
digest, whatever the number of cores, and across --checkpoint / --restore.`,
		Example: `  twin run scenarios/osterbro.yaml
  twin run scenarios/osterbro.yaml --seed 7 --out results/seed7 --format parquet
  twin run scenarios/osterbro.yaml --until 2h --checkpoint half.ckpt
  twin run scenarios/osterbro.yaml --restore half.ckpt --out results/resumed`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			sc, err := scenarios.Load(args[0])
			if err != nil {
				return inputError(err)
			}
			opt := scenarios.RunOptions{Out: out, Format: format, Checkpoint: checkpoint, Restore: restore, Version: Version}
			if cmd.Flags().Changed("seed") {
				opt.Seed = &seed
			}
			if until != "" {
				d, err := scenarios.ParseDuration(until)
				if err != nil {
					return usageError(fmt.Errorf("--until: %w", err))
				}
				if d <= 0 || d > sc.Duration.D {
					return usageError(fmt.Errorf("--until %s: want a time after the start and within the scenario's duration, %s", until, sc.Duration.D))
				}
				opt.Until = d
			}
			bar := newProgress(cmd.ErrOrStderr(), "running "+sc.Name)
			opt.Progress = bar.update
			res, err := scenarios.Run(sc, opt)
			bar.finish()
			if err != nil {
				if isInvalid(err) {
					return inputError(err)
				}
				return err
			}
			return printRunSummary(cmd.OutOrStdout(), res)
		},
	}
	f := cmd.Flags()
	f.StringVar(&out, "out", "", "results folder (default: the scenario's outputs.dir or results/NAME)")
	f.Uint64Var(&seed, "seed", 0, "master seed (default: the scenario's)")
	f.StringVar(&until, "until", "", "stop this long after the start (like 2h or 1d)")
	f.StringVar(&format, "format", "", "table format: arrow, parquet or csv (default: the scenario's)")
	f.StringVar(&checkpoint, "checkpoint", "", "write a checkpoint to this file when the run stops")
	f.StringVar(&restore, "restore", "", "resume from a checkpoint written by --checkpoint")
	return cmd
}

func isInvalid(err error) bool {
	return errorsIs(err, scenarios.ErrInvalid) || errorsIs(err, engine.ErrCheckpoint)
}

func printRunSummary(w io.Writer, res *scenarios.Result) error {
	m := res.Manifest
	fmt.Fprintf(w, "%s: seed %d, %s to %s, %d events, digest %s, %.1f s\n",
		m.Name, m.Seed, m.SimStart, m.SimEnd, m.Events, m.EventDigest, m.WallTimeS)
	for _, name := range m.Models {
		for _, k := range m.KPIs[name] {
			fmt.Fprintf(w, "  %-10s %-34s %14.4g %s\n", name, k.Name, k.Value, k.Unit)
		}
	}
	fmt.Fprintf(w, "results in %s (%d files and manifest.json)\n", res.Dir, len(m.Files))
	return nil
}

func newValidateCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "validate SCENARIO",
		Short: "Check a scenario file without running it",
		Long: `Decode a scenario strictly and build its city and models, without running.
An unknown key, a wrong type or a missing field is reported with
file:line:column and the key, and the exit code is 2.`,
		Example: "  twin validate scenarios/osterbro.yaml",
		Args:    exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			sc, err := scenarios.Load(args[0])
			if err != nil {
				return inputError(err)
			}
			env, models, err := scenarios.Check(sc)
			if err != nil {
				return inputError(err)
			}
			names := make([]string, len(models))
			for i, m := range models {
				names[i] = m.Name()
			}
			enc := json.NewEncoder(cmd.OutOrStdout())
			enc.SetIndent("", "  ")
			return enc.Encode(map[string]any{
				"scenario": sc.Path, "name": sc.Name, "sha256": sc.SHA256, "seed": sc.Seed,
				"start": sc.StartTime.Format(time.RFC3339), "duration_s": sc.Duration.D.Seconds(),
				"city_edges": env.City.Roads.NumEdges(), "models": names, "valid": true,
			})
		},
	}
}

// progress is a progress bar on a terminal; silent when stderr is not one
// or CI is set.
type progress struct {
	bar *progressbar.ProgressBar
}

func newProgress(w io.Writer, label string) *progress {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) || os.Getenv("CI") != "" {
		return &progress{}
	}
	return &progress{bar: progressbar.NewOptions64(1000, progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(label), progressbar.OptionShowElapsedTimeOnFinish(),
		progressbar.OptionSetPredictTime(true), progressbar.OptionClearOnFinish())}
}

func (p *progress) update(now, end engine.Time) {
	if p.bar != nil && end > 0 {
		p.bar.Set64(int64(1000 * float64(now) / float64(end)))
	}
}

func (p *progress) finish() {
	if p.bar != nil {
		p.bar.Finish()
	}
}
