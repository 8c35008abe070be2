package main

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"citytwin/engine/record"
	"citytwin/models/water"
)

func init() { register(newWaterCmd) }

func newWaterCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "water",
		Short: "Water network tools: EPANET-compatible hydraulics and water quality",
	}
	cmd.AddCommand(newWaterSimulateCmd())
	return cmd
}

func newWaterSimulateCmd() *cobra.Command {
	var out, format, duration string
	cmd := &cobra.Command{
		Use:   "simulate NET.inp",
		Short: "Run an EPANET .inp network and write node and link results at every reporting period",
		Long: `simulate reads an EPANET .inp network and runs its hydraulics (and water
quality, when the file asks for it) over the file's duration, as EPANET 2.2
does. At every reporting period it writes, in the network's own units as
EPANET reports them:
  DIR/nodes.<ext>: time_s, node_id, node_type, demand, head, pressure, quality
  DIR/links.<ext>: time_s, link_id, link_type, flow, velocity, headloss,
                   status, setting, quality
status is OPEN or CLOSED; headloss is the total across the link, negative
for pumps (their head gain). --duration overrides the file's duration: a Go
duration (24h, 90m) or a number of seconds; 0 gives the snapshot at t = 0.
Warnings (unbalanced system, negative pressures) are printed on stderr.
A network without a tank or reservoir, or with junctions that no chain of
links joins to one (EPANET errors 223, 224, 233), is invalid input: exit
code 2, naming the file and the junctions.`,
		Example: `  twin water simulate models/water/testdata/Net1.inp --out out/net1
  twin water simulate scenarios/data/water/Net3.inp --out out/net3 --format parquet --duration 24h
  twin water simulate models/water/testdata/Net2.inp --out out/net2-t0 --duration 0`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := record.ParseFormat(format)
			if err != nil {
				return usageError(err)
			}
			if out == "" {
				return usageError(errors.New("--out DIR is required"))
			}
			dur, err := parseWaterDuration(duration)
			if err != nil {
				return usageError(err)
			}
			res, warns, err := water.SimulateFile(args[0], dur)
			if err != nil {
				if errors.Is(err, water.ErrInput) {
					return inputError(err)
				}
				return err
			}
			printWaterWarnings(cmd, warns)
			if err := res.Write(out, f); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s: %d reporting periods written to %s (%d warnings)\n", args[0], res.Periods(), out, len(warns))
			return nil
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "output folder (created if missing)")
	cmd.Flags().StringVar(&format, "format", "csv", "table format: csv, arrow or parquet")
	cmd.Flags().StringVar(&duration, "duration", "", "simulated duration (default: the file's)")
	return cmd
}

// parseWaterDuration reads --duration: empty keeps the file's value.
func parseWaterDuration(s string) (int64, error) {
	if s == "" {
		return water.KeepDuration, nil
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		if n < 0 {
			return 0, fmt.Errorf("--duration %q: negative", s)
		}
		return n, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 || d%time.Second != 0 {
		return 0, fmt.Errorf("--duration %q: want seconds or a duration like 24h", s)
	}
	return int64(d / time.Second), nil
}

func printWaterWarnings(cmd *cobra.Command, warns []water.Warning) {
	seen := map[int]bool{}
	for _, w := range warns {
		if seen[w.Code] {
			continue
		}
		seen[w.Code] = true
		fmt.Fprintf(cmd.ErrOrStderr(), "warning %d at t=%ds: %s\n", w.Code, w.Time, w.Msg)
	}
}
