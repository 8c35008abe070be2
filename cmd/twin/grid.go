package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"citytwin/engine/record"
	"citytwin/models/grid"
)

func init() { register(newGridCmd) }

func newGridCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "grid",
		Short: "Electricity grid tools: power flow of MATPOWER cases",
	}
	cmd.AddCommand(newGridPowerflowCmd())
	return cmd
}

func newGridPowerflowCmd() *cobra.Command {
	var out, format, method string
	var flat, qlim bool
	cmd := &cobra.Command{
		Use:   "powerflow CASE.m",
		Short: "Solve the power flow of a MATPOWER case and write bus, branch and summary tables",
		Long: `powerflow reads a MATPOWER version 2 case file and solves its power flow:
nr (AC Newton-Raphson, as MATPOWER's runpf), sweep (backward/forward sweep,
radial feeders only) or dc (DC power flow, as rundcpf). It writes
DIR/bus.<ext> (bus_id, type, vm_pu, va_deg), DIR/branch.<ext> (idx, from, to,
status, pf_mw, qf_mvar, pt_mw, qt_mvar, ploss_mw, qloss_mvar) and
DIR/summary.json. A power flow that does not converge writes its last
iterate with "converged": false and exits with code 1. A case without
mpc.gen or mpc.branch, without a reference bus, or with buses (other than
type 4, NONE) that no in-service branch joins to the reference bus is
invalid input: exit code 2, naming the file and the buses.`,
		Example: `  twin grid powerflow models/grid/testdata/case33bw.m --out out/case33bw
  twin grid powerflow models/grid/testdata/case118.m --out out/dc --method dc --format parquet`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := record.ParseFormat(format)
			if err != nil {
				return usageError(err)
			}
			if out == "" {
				return usageError(errors.New("--out DIR is required"))
			}
			c, err := grid.ReadCaseFile(args[0])
			if err != nil {
				return inputError(err)
			}
			res, solveErr := solveGrid(c, method, grid.Options{FlatStart: flat, EnforceQLimits: qlim})
			if solveErr != nil && !errors.Is(solveErr, errBadMethod) {
				solveErr = fmt.Errorf("%s: %w", args[0], solveErr) // a failed solve names the file
			}
			if res == nil {
				if errors.Is(solveErr, errBadMethod) || errors.Is(solveErr, grid.ErrNotRadial) || errors.Is(solveErr, grid.ErrNoSlack) {
					return usageError(solveErr)
				}
				return solveErr
			}
			if err := res.Write(out, f); err != nil {
				return err
			}
			if solveErr != nil {
				return solveErr
			}
			s := res.Summary()
			fmt.Fprintf(cmd.OutOrStdout(), "%s: %s converged in %d iterations; losses %s MW, %s MVAr; Vmin %s pu at bus %d\n",
				c.Name, method, s.Iterations, record.FormatFloat(s.PlossMW), record.FormatFloat(s.QlossMVAr), record.FormatFloat(s.VminPU), s.VminBus)
			return nil
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "output folder (created if missing)")
	cmd.Flags().StringVar(&format, "format", "csv", "table format: csv, arrow or parquet")
	cmd.Flags().StringVar(&method, "method", "nr", "solver: nr, sweep or dc")
	cmd.Flags().BoolVar(&flat, "flat-start", false, "start from 1 pu and 0 degrees instead of the case's voltages")
	cmd.Flags().BoolVar(&qlim, "enforce-q-lims", false, "hold generators at their reactive limits (nr only)")
	return cmd
}

var errBadMethod = errors.New("unknown --method (want nr, sweep or dc)")

// solveGrid runs the chosen solver. A non-nil result with an error is a
// power flow that did not converge.
func solveGrid(c *grid.Case, method string, opt grid.Options) (*grid.Result, error) {
	net, err := grid.NewNetwork(c)
	if err != nil {
		return nil, err
	}
	switch method {
	case "nr":
		return net.SolveAC(opt)
	case "sweep":
		if opt.EnforceQLimits {
			return nil, fmt.Errorf("%w: --enforce-q-lims needs --method nr", errBadMethod)
		}
		return net.SolveSweep(opt)
	case "dc":
		return net.SolveDC()
	}
	return nil, fmt.Errorf("%w: %q", errBadMethod, method)
}
