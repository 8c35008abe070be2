package main

import (
	"encoding/json"

	"citytwin/models/city/synth"

	"github.com/spf13/cobra"
)

func init() { register(newSynthCmd) }

func newSynthCmd() *cobra.Command {
	var o synth.Options
	var layout, out string
	cmd := &cobra.Command{
		Use:   "synth",
		Short: "Generate a synthetic city of a given size as an OSM file",
		Long: `synth writes a synthetic city as OSM XML (gzip-compressed when OUT ends in
.gz): a street lattice with arterials every few blocks (signalised where two
cross), residential streets in between with a share of one-ways, buildings
along the streets with uses and storeys that depend on the distance from the
centre, car parks, EV chargers, waste baskets, recycling points, substations,
a water works and a water tower. --layout organic perturbs the lattice
(moved intersections, bent streets, a share of streets left out). The size
is a number of directed road edges (--edges) or an area (--area-km2). The
file loads like a real extract: twin import osm, twin traffic, scenarios'
city: field. The same flags give the same file byte for byte. The
generator's numbers are printed as JSON.`,
		Example: `  twin synth --edges 50000 --layout organic --seed 1 --out synth-50k.osm.gz
  twin synth --area-km2 4 --out small.osm`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			l, err := synth.ParseLayout(layout)
			if err != nil {
				return usageError(err)
			}
			o.Layout = l
			m, st, err := synth.Generate(o)
			if err != nil {
				return usageError(err)
			}
			if err := synth.WriteFile(out, m); err != nil {
				return err
			}
			enc := json.NewEncoder(cmd.OutOrStdout())
			enc.SetIndent("", "  ")
			return enc.Encode(st)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&out, "out", "", "OSM file to write (.osm or .osm.gz)")
	fl.StringVar(&layout, "layout", "grid", "street network: grid or organic")
	fl.Uint64Var(&o.Seed, "seed", 1, "random seed")
	fl.IntVar(&o.TargetEdges, "edges", 0, "directed road edges asked for (nearest the lattice allows)")
	fl.Float64Var(&o.AreaKm2, "area-km2", 0, "area of the street lattice, km² (when --edges is 0)")
	fl.Float64Var(&o.BlockM, "block-m", 0, "intersection spacing, m (default 120)")
	fl.IntVar(&o.ArterialEvery, "arterial-every", 0, "an arterial every this many blocks (default 5)")
	fl.IntVar(&o.PrimaryEvery, "primary-every", 0, "every this many arterials is primary, two lanes each way (default 2; 1 = all)")
	fl.Float64Var(&o.OneWayShare, "one-way-share", 0, "share of residential segments that are one-way (default 0.15)")
	_ = cmd.MarkFlagRequired("out")
	return cmd
}
