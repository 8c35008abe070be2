// Command cvrp benchmarks citytwin's CVRP solver (models/waste/cvrp) on the
// CVRPLIB sets in ../shared/data/vrp (beside the repository) and prints a Markdown table of cost,
// best known cost, gap and time per instance, with the mean gap per set.
//
//	go run ./bench/cvrp -sets A,B,P,CMT -time 2s
//	go run ./bench/cvrp -sets X -max-n 300 -time 30s
//	go run ./bench/cvrp -instances X-n1001-k43 -time 60s
//
// CMT instances use unrounded distances; the Augerat sets A, B and P use a
// fleet of exactly k vehicles, as their best known costs assume (bks.csv).
package main

import (
	"encoding/csv"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"time"

	"citytwin/models/waste/cvrp"
)

type bksRow struct {
	name, set, file string
	n               int
	bks             float64
}

func main() {
	data := flag.String("data", "../shared/data/vrp", "folder holding bks.csv and the instance folders (the shared data beside the repository)")
	sets := flag.String("sets", "A,B,P,CMT", "comma-separated folders (A, B, P, CMT, X)")
	only := flag.String("instances", "", "comma-separated instance names (overrides -sets)")
	maxN := flag.Int("max-n", 0, "skip instances with more customers (0: no limit)")
	limit := flag.Duration("time", 2*time.Second, "CPU time limit per instance")
	seed := flag.Uint64("seed", 1, "random seed")
	var tune cvrp.Params
	flag.IntVar(&tune.InitialPopulation, "initial", 0, "initial population size (0: the solver's default)")
	flag.IntVar(&tune.Granular, "granular", 0, "granular neighbourhood size (0: the solver's default)")
	flag.Float64Var(&tune.GreedyShare, "greedy", 0, "share of nearest-neighbour initial tours")
	flag.IntVar(&tune.DecomposeInterval, "decompose-interval", 0, "iterations between decompositions (0: the solver's default, -1: none)")
	flag.IntVar(&tune.DecomposeSize, "decompose-size", 0, "customers per decomposition sub-problem (0: the solver's default)")
	flag.IntVar(&tune.DecomposeIterations, "decompose-iterations", 0, "iterations per sub-problem (0: the solver's default)")
	flag.IntVar(&tune.DecomposeInitial, "decompose-initial", 0, "random individuals per sub-problem (0: the solver's default)")
	flag.IntVar(&tune.LargeInitialPopulation, "initial-large", 0, "initial population where the decomposition runs (0: the solver's default, -1: -initial)")
	profile := flag.String("cpuprofile", "", "write a CPU profile of the whole run to this file")
	flag.Parse()
	if *profile != "" {
		fh, err := os.Create(*profile)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		if err := pprof.StartCPUProfile(fh); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		defer pprof.StopCPUProfile()
	}
	rows, err := readBKS(filepath.Join(*data, "bks.csv"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := run(os.Stdout, *data, rows, selector(*sets, *only, *maxN), *limit, *seed, tune); err != nil {
		pprof.StopCPUProfile()
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func selector(sets, only string, maxN int) func(bksRow) bool {
	setList := strings.Split(sets, ",")
	names := strings.Split(only, ",")
	return func(r bksRow) bool {
		if r.file == "" || (maxN > 0 && r.n > maxN) {
			return false
		}
		if only != "" {
			return slices.Contains(names, r.name)
		}
		return slices.Contains(setList, filepath.Dir(r.file))
	}
}

func readBKS(path string) ([]bksRow, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	recs, err := csv.NewReader(fh).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var rows []bksRow
	for k, rec := range recs[1:] {
		n, err1 := strconv.Atoi(rec[2])
		bks, err2 := strconv.ParseFloat(rec[4], 64)
		if err1 != nil || err2 != nil || len(rec) < 9 {
			return nil, fmt.Errorf("%s: row %d: bad number", path, k+2)
		}
		rows = append(rows, bksRow{name: rec[0], set: rec[1], n: n, bks: bks, file: rec[8]})
	}
	return rows, nil
}

// run solves each selected instance and prints the table as it goes.
func run(w io.Writer, data string, rows []bksRow, keep func(bksRow) bool, limit time.Duration, seed uint64, tune cvrp.Params) error {
	fmt.Fprintf(w, "| instance | n | vehicles | cost | BKS | gap %% | CPU s | wall s | iterations |\n|---|---|---|---|---|---|---|---|---|\n")
	sum := map[string]float64{}
	count := map[string]int{}
	var order []string
	for _, r := range rows {
		if !keep(r) {
			continue
		}
		f, err := cvrp.ReadFile(filepath.Join(data, r.file))
		if err != nil {
			return err
		}
		round := cvrp.RoundAuto
		if r.set == "CMT" {
			round = cvrp.RoundNone
		}
		in, err := f.Instance(round)
		if err != nil {
			return err
		}
		in.Vehicles = f.AutoFleet()
		start, cpu := time.Now(), cvrp.ProcessCPUTime()
		opts := cvrp.Options{Seed: seed, TimeLimit: limit, Clock: cvrp.ProcessCPUTime}
		if tune != (cvrp.Params{}) {
			p := cvrp.DefaultParams()
			if tune.InitialPopulation > 0 {
				p.InitialPopulation = tune.InitialPopulation
			}
			if tune.Granular > 0 {
				p.Granular = tune.Granular
			}
			p.GreedyShare = tune.GreedyShare
			overrideInt(&p.DecomposeInterval, tune.DecomposeInterval)
			overrideInt(&p.DecomposeSize, tune.DecomposeSize)
			overrideInt(&p.DecomposeIterations, tune.DecomposeIterations)
			overrideInt(&p.DecomposeInitial, tune.DecomposeInitial)
			overrideInt(&p.LargeInitialPopulation, tune.LargeInitialPopulation)
			opts.Params = &p
		}
		sol, err := cvrp.Solve(in, opts)
		elapsed, cpu := time.Since(start), cvrp.ProcessCPUTime()-cpu
		if err != nil {
			return fmt.Errorf("%s: %w", r.name, err)
		}
		if err := in.CheckSolution(sol); err != nil {
			return fmt.Errorf("%s: %w", r.name, err)
		}
		gap := 100 * (sol.Cost - r.bks) / r.bks
		if gap > -0.005 && gap < 0.005 {
			gap = 0 // print no "-0.00" (CMT best known costs are rounded to 0.01)
		}
		vehicles := "any"
		if in.Vehicles > 0 {
			vehicles = strconv.Itoa(in.Vehicles)
		}
		fmt.Fprintf(w, "| %s | %d | %s | %s | %s | %.2f | %.1f | %.1f | %d |\n", r.name, r.n, vehicles, cvrp.FormatCost(sol.Cost), cvrp.FormatCost(r.bks), gap, cpu.Seconds(), elapsed.Seconds(), sol.Iterations)
		set := filepath.Dir(r.file)
		if count[set] == 0 {
			order = append(order, set)
		}
		sum[set] += gap
		count[set]++
	}
	fmt.Fprintf(w, "\n| set | instances | mean gap %% |\n|---|---|---|\n")
	for _, set := range order {
		fmt.Fprintf(w, "| %s | %d | %.3f |\n", set, count[set], sum[set]/float64(count[set]))
	}
	return nil
}

// overrideInt sets *p to v when v is positive and to 0 when v is negative.
func overrideInt(p *int, v int) {
	switch {
	case v > 0:
		*p = v
	case v < 0:
		*p = 0
	}
}
