package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"citytwin/models/waste"
	"citytwin/models/waste/cvrp"
	"citytwin/scenarios"
)

func init() { register(newWasteCmd) }

func newWasteCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "waste",
		Short: "Waste collection: bins, sensors and truck routing",
	}
	cmd.AddCommand(newWasteVRPCmd(), newWasteExperimentCmd())
	return cmd
}

func newWasteVRPCmd() *cobra.Command {
	var (
		timeLimit  time.Duration
		iterations int
		seed       uint64
		round      string
		out        string
		vehicles   string
		clock      string
	)
	cmd := &cobra.Command{
		Use:   "vrp INSTANCE.vrp",
		Short: "Solve a TSPLIB/CVRPLIB capacitated vehicle routing instance",
		Long: `vrp solves a CVRP or ACVRP instance in TSPLIB/CVRPLIB format with the waste
model's hybrid genetic search (Vidal 2022), prints the routes and, as its last
line, "cost N", and can write the solution in CVRPLIB .sol format.

--round auto rounds distances as the EDGE_WEIGHT_TYPE requires (EUC_2D to the
nearest integer); --round none keeps real Euclidean distances, as the published
costs of the Christofides-Mingozzi-Toth (CMT) instances assume.

--vehicles auto takes the fleet from the VEHICLES keyword, or for the Augerat
sets A, B and P from the k in the name (their best known costs assume exactly
k vehicles); otherwise the fleet is unlimited. --vehicles none: unlimited;
--vehicles N: at most N routes.`,
		Example: `  twin waste vrp models/waste/cvrp/testdata/A-n32-k5.vrp --time-limit 2s --seed 1
  twin waste vrp models/waste/cvrp/testdata/CMT6.vrp --round none --out CMT6.sol
  twin waste vrp models/waste/cvrp/testdata/X-n101-k25.vrp --iterations 5000`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			rounding, err := cvrp.ParseRounding(round)
			if err != nil {
				return usageError(err)
			}
			f, err := cvrp.ReadFile(args[0])
			if err != nil {
				return inputError(err)
			}
			in, err := f.Instance(rounding)
			if err != nil {
				return inputError(err)
			}
			if in.Vehicles, err = fleetFlag(vehicles, f); err != nil {
				return usageError(err)
			}
			if timeLimit < 0 || iterations < 0 {
				return usageError(fmt.Errorf("--time-limit and --iterations must not be negative"))
			}
			opts := cvrp.Options{Seed: seed, TimeLimit: timeLimit, MaxIterations: iterations, Clock: cvrp.ProcessCPUTime}
			switch clock {
			case "cpu":
			case "wall":
				opts.Clock = cvrp.WallClock
			default:
				return usageError(fmt.Errorf("--clock %q: want cpu or wall", clock))
			}
			sol, err := cvrp.Solve(in, opts)
			if err != nil {
				return err
			}
			var buf bytes.Buffer
			if err := cvrp.WriteSol(&buf, sol); err != nil {
				return err
			}
			if out != "" {
				if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
					return err
				}
			}
			w := cmd.OutOrStdout()
			_, err = fmt.Fprintf(w, "%scost %s\n", routesOnly(buf.Bytes()), cvrp.FormatCost(sol.Cost))
			return err
		},
	}
	fl := cmd.Flags()
	fl.DurationVar(&timeLimit, "time-limit", 10*time.Second, "time limit (0: none), measured on --clock")
	fl.StringVar(&clock, "clock", "cpu", "what --time-limit measures: cpu (this process's CPU time, as HGS-CVRP) or wall")
	fl.IntVar(&iterations, "iterations", 0, "genetic iteration limit (0: none); with --time-limit 0 the run is deterministic")
	fl.Uint64Var(&seed, "seed", 1, "random seed")
	fl.StringVar(&round, "round", "auto", "distance rounding: auto or none")
	fl.StringVar(&out, "out", "", "write the solution to this .sol file")
	fl.StringVar(&vehicles, "vehicles", "auto", "fleet size: auto, none or a number")
	return cmd
}

// fleetFlag interprets --vehicles.
func fleetFlag(v string, f *cvrp.File) (int, error) {
	switch v {
	case "auto":
		return f.AutoFleet(), nil
	case "none":
		return 0, nil
	}
	k, err := strconv.Atoi(v)
	if err != nil || k < 1 {
		return 0, fmt.Errorf("--vehicles %q: want auto, none or a positive integer", v)
	}
	return k, nil
}

// routesOnly drops the final "Cost" line of a .sol text.
func routesOnly(sol []byte) []byte {
	trimmed := bytes.TrimRight(sol, "\n")
	if i := bytes.LastIndexByte(trimmed, '\n'); i >= 0 {
		return trimmed[:i+1]
	}
	return nil
}

func newWasteExperimentCmd() *cobra.Command {
	var (
		scenario string
		weeks    float64
		policies string
		out      string
	)
	cmd := &cobra.Command{
		Use:   "experiment",
		Short: "Compare collection policies over weeks on a scenario's city (waste model alone)",
		Long: `experiment runs the scenario's waste model by itself (no traffic: trucks at
free-flow times) for --weeks under each collection policy, with the scenario's
city, bins, settings and seed, and prints a Markdown table: km driven, truck
hours, fuel, CO2, collections, collections per bin and week, mean fill at
emptying, overflow events and overflow hours. Every policy sees the same
bins, rates and sensors (common random numbers).`,
		Example: `  twin waste experiment --scenario scenarios/osterbro.yaml --weeks 4
  twin waste experiment --scenario scenarios/osterbro.yaml --weeks 1 --policies fixed,threshold --out table.md`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			var ps []waste.Policy
			for _, name := range strings.Split(policies, ",") {
				// ParsePolicy takes "" for the default: here an empty
				// name is a stray comma, and a policy given twice is a slip.
				name = strings.TrimSpace(name)
				if name == "" {
					return usageError(fmt.Errorf("--policies %q: an empty policy name", policies))
				}
				p, err := waste.ParsePolicy(name)
				if err != nil {
					return usageError(fmt.Errorf("--policies: %w", err))
				}
				if slices.Contains(ps, p) {
					return usageError(fmt.Errorf("--policies %q: %s given twice", policies, name))
				}
				ps = append(ps, p)
			}
			if !(weeks > 0) || weeks > 520 {
				return usageError(fmt.Errorf("--weeks %v: want a positive number of weeks up to 520", weeks))
			}
			sc, err := scenarios.Load(scenario)
			if err != nil {
				return inputError(err)
			}
			rows, err := scenarios.WasteExperiment(sc, weeks, ps)
			if err != nil {
				if errors.Is(err, scenarios.ErrInvalid) {
					return inputError(err)
				}
				return err
			}
			var buf bytes.Buffer
			writeExperiment(&buf, sc.Name, weeks, rows)
			if out != "" {
				if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
					return err
				}
			}
			_, err = cmd.OutOrStdout().Write(buf.Bytes())
			return err
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&scenario, "scenario", "scenarios/osterbro.yaml", "scenario file (its models.waste section, city and seed)")
	fl.Float64Var(&weeks, "weeks", 4, "simulated weeks per policy")
	fl.StringVar(&policies, "policies", "fixed,threshold,predictive", "policies to compare, comma-separated")
	fl.StringVar(&out, "out", "", "also write the table to this file")
	return cmd
}

// writeExperiment prints the policy table in Markdown.
func writeExperiment(w *bytes.Buffer, name string, weeks float64, rows []waste.ExperimentRow) {
	f := func(v float64, prec int) string { return strconv.FormatFloat(v, 'f', prec, 64) }
	fmt.Fprintf(w, "Waste collection policies on %s, %s weeks\n\n", name, f(weeks, -1))
	fmt.Fprintln(w, "| policy | km driven | truck hours | fuel (l) | CO2 (kg) | collections | per bin and week | mean fill at emptying (%) | overflow events | overflow hours | deferred bins |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
	for _, r := range rows {
		t := r.Totals
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %d | %s | %s | %s | %s | %d |\n", r.Policy, f(t.KmDriven, 1),
			f(t.TruckHours, 1), f(t.FuelL, 0), f(t.CO2Kg, 0), t.Collections, f(t.CollectionsPerBinWeek, 2),
			f(t.MeanFillAtEmptying, 1), f(t.OverflowEvents, 0), f(t.OverflowHours, 0), t.Deferred)
	}
}
