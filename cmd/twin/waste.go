package main

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"citytwin/models/waste/cvrp"
)

func init() { register(newWasteCmd) }

func newWasteCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "waste",
		Short: "Waste collection: bins, sensors and truck routing",
	}
	cmd.AddCommand(newWasteVRPCmd())
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
		Example: `  twin waste vrp A-n32-k5.vrp --time-limit 2s --seed 1
  twin waste vrp CMT6.vrp --round none --out CMT6.sol
  twin waste vrp X-n101-k25.vrp --iterations 5000`,
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
