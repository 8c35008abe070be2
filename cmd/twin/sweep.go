package main

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"citytwin/engine"
	"citytwin/engine/record"
	"citytwin/scenarios"
)

func init() {
	register(newSweepCmd)
	register(newMergeCmd)
}

func newSweepCmd() *cobra.Command {
	var (
		seeds, shard, out string
		sets              []string
		jobs              int
	)
	cmd := &cobra.Command{
		Use:   "sweep SCENARIO",
		Short: "Run a scenario over a grid of parameters and seeds, resumably",
		Long: `sweep runs SCENARIO for every combination of the --set values and every
seed, --jobs runs at a time, each into OUT/runs/<point>-s<seed>/, and writes
OUT/merged.csv: per parameter point and KPI the mean over seeds and its 95 %
confidence interval. A finished run (its manifest.json exists) is skipped, so
a sweep killed with kill -9 is resumed by running the same command again;
only unfinished runs are redone.

--shard k/n runs only every n-th run, starting at the k-th, so an array-job
engine can spread a sweep over machines (Slurm: --shard $((SLURM_ARRAY_TASK_ID+1))/N;
Kubernetes Indexed Jobs: --shard $((JOB_COMPLETION_INDEX+1))/N); then
"twin merge" combines the shard folders. Results do not depend on --jobs or
on the sharding.`,
		Example: `  twin sweep scenarios/osterbro.yaml --seeds 1..20 --set traffic.demand.random_trips=1000,2000 --jobs 2 --out results/sweep
  twin sweep scenarios/osterbro.yaml --seeds 1..20 --shard 3/4 --out results/shard3`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if jobs < 1 {
				return usageError(fmt.Errorf("--jobs %d: want at least 1", jobs))
			}
			seedList, err := scenarios.ParseSeeds(seeds)
			if err != nil {
				return usageError(err)
			}
			var params []scenarios.Param
			for _, s := range sets {
				p, err := scenarios.ParseSet(s)
				if err != nil {
					return usageError(err)
				}
				params = append(params, p)
			}
			k, n, err := parseShard(shard)
			if err != nil {
				return usageError(err)
			}
			if out == "" {
				return usageError(fmt.Errorf("--out is required"))
			}
			runs := scenarios.Grid(params, seedList)
			bar := newProgress(cmd.ErrOrStderr(), "sweep")
			res, err := scenarios.Sweep(args[0], runs, scenarios.SweepOptions{Out: out, Jobs: jobs, Shard: k, Shards: n, Version: Version,
				Progress: func(done, total int) { bar.update(engine.Time(done), engine.Time(total)) }})
			bar.finish()
			if err != nil {
				if isInvalid(err) {
					return inputError(err)
				}
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%d runs in this shard: %d ran, %d already finished\n", res.Runs, res.Ran, res.Skipped)
			return writeMerged(cmd, []string{out}, out)
		},
	}
	f := cmd.Flags()
	f.StringVar(&seeds, "seeds", "1", "seeds: FROM..TO or a list")
	f.StringArrayVar(&sets, "set", nil, "a swept key and its values, key=v1,v2 (repeatable; traffic.x means models.traffic.x)")
	f.IntVar(&jobs, "jobs", 1, "runs at a time")
	f.StringVar(&shard, "shard", "1/1", "run shard k of n")
	f.StringVar(&out, "out", "", "sweep folder")
	return cmd
}

func parseShard(s string) (int, int, error) {
	a, b, ok := strings.Cut(s, "/")
	k, err1 := strconv.Atoi(a)
	n, err2 := strconv.Atoi(b)
	if !ok || err1 != nil || err2 != nil || n < 1 || k < 1 || k > n {
		return 0, 0, fmt.Errorf("--shard %q: want k/n with 1 <= k <= n", s)
	}
	return k, n, nil
}

func writeMerged(cmd *cobra.Command, dirs []string, out string) error {
	rows, err := scenarios.Merge(dirs)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	path, err := record.WriteTable(out, scenarios.MergedTable(rows), record.FormatCSV)
	if err != nil {
		return err
	}
	fmt.Fprintf(cmd.OutOrStdout(), "merged %d rows: %s\n", len(rows), path)
	return nil
}

func newMergeCmd() *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:     "merge SWEEP_DIR... --out DIR",
		Short:   "Combine sweep or shard folders into one table of means and confidence intervals",
		Example: `  twin merge results/shard1 results/shard2 results/shard3 results/shard4 --out results/sweep`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageError(fmt.Errorf("give at least one sweep folder"))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return usageError(fmt.Errorf("--out is required"))
			}
			if err := writeMerged(cmd, args, out); err != nil {
				if errors.Is(err, scenarios.ErrInvalid) || errors.Is(err, scenarios.ErrNoRuns) {
					return inputError(err)
				}
				return err
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "folder for merged.csv")
	return cmd
}
