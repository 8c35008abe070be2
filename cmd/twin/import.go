package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"citytwin/engine/record"
	"citytwin/models/city"

	"github.com/spf13/cobra"
)

func init() { register(newImportCmd) }

// newImportCmd is `twin import`, a group of importers of outside data.
func newImportCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "import",
		Short: "Import outside data (OpenStreetMap) into citytwin tables",
		Args:  exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			return usageError(errors.New("import: name what to import (osm)"))
		},
	}
	cmd.AddCommand(newImportOSMCmd())
	return cmd
}

// newImportOSMCmd is `twin import osm FILE --out DIR`.
func newImportOSMCmd() *cobra.Command {
	var out, format string
	var service bool
	cmd := &cobra.Command{
		Use:   "osm FILE",
		Short: "Import an OpenStreetMap extract: road graph, car parks, chargers, bins, buildings ...",
		Long: `Import an OpenStreetMap extract (.osm, .osm.gz, .osm.pbf) into the city tables
(road_nodes, road_edges, car_parks, on_street_parking, chargers, waste_baskets,
recycling, buildings, substations, water_towers, water_works) with lon/lat
geometry, and print a JSON summary on stdout.

Data © OpenStreetMap contributors, ODbL 1.0: derived tables stay ODbL.`,
		Example: `  twin import osm scenarios/data/osm/copenhagen_osterbro.osm.pbf --out /tmp/osterbro
  twin import osm scenarios/data/osm/kongens_lyngby.osm.xml.gz --out lyngby --format parquet`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := record.ParseFormat(format)
			if err != nil {
				return usageError(err)
			}
			c, err := city.LoadOptions(args[0], city.Options{ServiceRoads: service})
			if err != nil {
				if errors.Is(err, city.ErrInput) || errors.Is(err, os.ErrNotExist) {
					return inputError(err)
				}
				return err
			}
			if out != "" {
				if err := writeCityTables(out, c, f); err != nil {
					return err
				}
			}
			enc := json.NewEncoder(cmd.OutOrStdout())
			enc.SetIndent("", "  ")
			return enc.Encode(c.Summary())
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "directory for the tables (none written when empty)")
	cmd.Flags().StringVar(&format, "format", "csv", "table format: csv, arrow or parquet")
	cmd.Flags().BoolVar(&service, "service-roads", false, "include highway=service roads in the car graph")
	return cmd
}

func writeCityTables(dir string, c *city.City, f record.Format) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, t := range c.Tables() {
		if _, err := record.WriteTable(dir, t, f); err != nil {
			return fmt.Errorf("import osm: %w", err)
		}
	}
	return nil
}
