package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"citytwin/models/city"
	"citytwin/scenarios"
)

func init() { register(newInitCmd) }

// newInitCmd is `twin init --osm FILE`: a runnable scenario for any city
// from an OpenStreetMap extract alone.
func newInitCmd() *cobra.Command {
	var opt scenarios.InitOptions
	cmd := &cobra.Command{
		Use:   "init --osm FILE",
		Short: "Make a scenario running all five models on a city from an OSM extract alone",
		Long: `Make a scenario for the city in an OpenStreetMap extract: traffic drawn from
the buildings, parking, waste, a distribution grid synthesized from the
substations and buildings, and a drinking-water network laid under the streets
(also written beside the scenario as an EPANET .inp, NAME-water.inp).

Every assumption is a key of the scenario with its value and a comment, so
that a municipality replaces it with its own data, model by model. What the
extract lacks (substations, water works, car parks, ...) is printed with what
stands in for it. The scenario then runs with twin run.`,
		Example: `  twin init --osm scenarios/data/osm/kongens_lyngby.osm.xml.gz --name lyngby
  twin run scenarios/lyngby.yaml
  twin init --osm town.osm.pbf --out /tmp/town/town.yaml --start 2024-01-16T16:00:00 --duration 6h`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			if opt.OSM == "" {
				return usageError(errors.New("init: --osm FILE is required"))
			}
			res, err := scenarios.Init(opt)
			if err != nil {
				if errors.Is(err, city.ErrInput) || errors.Is(err, os.ErrNotExist) || errors.Is(err, scenarios.ErrInvalid) {
					return inputError(err)
				}
				return err
			}
			out := cmd.OutOrStdout()
			for _, f := range res.Found {
				fmt.Fprintln(out, f)
			}
			for _, g := range res.Gaps {
				fmt.Fprintln(out, "gap:", g)
			}
			fmt.Fprintf(out, "wrote %s and %s\nrun it: twin run %s\n", res.Scenario, res.WaterINP, res.Scenario)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&opt.OSM, "osm", "", "OpenStreetMap extract (.osm, .osm.gz, .osm.pbf)")
	f.StringVar(&opt.Name, "name", "", "scenario name (default: the extract's file name)")
	f.StringVar(&opt.Out, "out", "", "scenario file to write (default scenarios/NAME.yaml)")
	f.StringVar(&opt.Profiles, "profiles", "", "BDEW load profile table (default scenarios/data/grid/selp_series.csv; when the default is absent, the shipped copy is written beside the scenario)")
	f.StringVar(&opt.Start, "start", "", "local start date-time (default 2024-05-14T07:00:00)")
	f.StringVar(&opt.TimeZone, "timezone", "", "IANA time zone (default Europe/Copenhagen)")
	f.StringVar(&opt.Duration, "duration", "", "simulated duration (default 2h)")
	f.BoolVar(&opt.Force, "force", false, "replace the scenario file when it exists")
	return cmd
}
