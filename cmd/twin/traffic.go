package main

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"

	"citytwin/engine/record"
	"citytwin/models/city"
	"citytwin/models/traffic"

	"github.com/spf13/cobra"
)

func init() { register(newTrafficCmd) }

func newTrafficCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "traffic",
		Short: "Run the microscopic road traffic model on its own",
	}
	cmd.AddCommand(newTrafficSimulateCmd(), newTrafficTripsCmd())
	return cmd
}

type trafficFlags struct {
	osm, trips, out, format string
	seed                    uint64
	stepS, positionsS       float64
	rerouteS, edgeS, maxS   float64
	scale                   float64
	actuated                bool
	closures, loops         []string
}

func newTrafficSimulateCmd() *cobra.Command {
	var f trafficFlags
	cmd := &cobra.Command{
		Use:   "simulate",
		Short: "Simulate a trips file on a city's roads; write trips, edge series and positions tables",
		Long: `simulate loads the city from an OSM file, snaps each trip's origin and
destination to the nearest road edges, drives every vehicle with the IDM and
MOBIL through signals and junctions, and writes DIR/trips (id, depart_s,
arrive_s, travel_time_s, route_m, time_loss_s, waiting_s, ...), DIR/edge_series
and, with --positions-s, DIR/positions. A trip that did not arrive has an
empty arrive_s. The summary KPIs are printed as JSON on stdout.

The trips file is CSV with the header id,depart_s,from_lon,from_lat,to_lon,to_lat.`,
		Example: `  twin traffic simulate --osm scenarios/data/osm/copenhagen_osterbro.osm.xml.gz \
      --trips trips.csv --out results/traffic --format parquet --seed 1`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error { return runTrafficSimulate(cmd, f) },
	}
	fl := cmd.Flags()
	fl.StringVar(&f.osm, "osm", "", "OSM file of the city (.osm, .osm.xml[.gz], .pbf)")
	fl.StringVar(&f.trips, "trips", "", "trips CSV: id,depart_s,from_lon,from_lat,to_lon,to_lat")
	fl.StringVar(&f.out, "out", "", "output directory")
	fl.StringVar(&f.format, "format", "csv", "output format: csv, arrow or parquet")
	fl.Uint64Var(&f.seed, "seed", 1, "random seed (speed factors)")
	fl.Float64Var(&f.stepS, "step-s", 0.5, "time step, s")
	fl.Float64Var(&f.positionsS, "positions-s", 0, "write vehicle positions every this many s (0 = off)")
	fl.Float64Var(&f.rerouteS, "reroute-s", 0, "re-route running vehicles on current travel times every this many s (0 = off)")
	fl.Float64Var(&f.edgeS, "edge-interval-s", 300, "interval of the per-edge time series, s")
	fl.Float64Var(&f.maxS, "max-s", 0, "stop at this time, s (0 = last departure + 4 h)")
	fl.BoolVar(&f.actuated, "actuated", false, "actuated signal control instead of fixed time")
	fl.Float64Var(&f.scale, "scale", 1, "scale the demand: each trip kept floor(F) times plus once with probability frac(F), copies shifted by up to ±300 s")
	fl.StringArrayVar(&f.closures, "close", nil, "close an edge: EDGE,FROM_S,TO_S (repeatable; TO_S 0 = to the end)")
	fl.StringArrayVar(&f.loops, "loop", nil, "an induction loop in the middle of edge EDGE, 60 s intervals, written to DIR/loops (repeatable)")
	for _, name := range []string{"osm", "trips", "out"} {
		_ = cmd.MarkFlagRequired(name)
	}
	return cmd
}

func runTrafficSimulate(cmd *cobra.Command, f trafficFlags) error {
	format, err := record.ParseFormat(f.format)
	if err != nil {
		return usageError(err)
	}
	tf, err := os.Open(f.trips)
	if err != nil {
		return inputError(err)
	}
	ll, err := traffic.ReadTrips(tf, f.trips)
	tf.Close()
	if err != nil {
		return inputError(err)
	}
	c, err := city.Load(f.osm)
	if err != nil {
		return inputError(err)
	}
	net, err := traffic.FromCity(c)
	if err != nil {
		return inputError(err)
	}
	trips, err := traffic.SnapTrips(ll, traffic.SnapCity(c))
	if err != nil {
		return inputError(fmt.Errorf("%s: %w", f.trips, err))
	}
	if f.scale != 1 {
		if !(f.scale >= 0) {
			return usageError(fmt.Errorf("--scale %g: must be >= 0", f.scale))
		}
		trips = traffic.ScaleDemand(trips, f.scale, 300, rand.New(rand.NewPCG(f.seed, 0x7363616c65)))
	}
	cfg := traffic.DefaultConfig()
	cfg.StepS, cfg.PositionsS, cfg.RerouteS, cfg.EdgeIntervalS = f.stepS, f.positionsS, f.rerouteS, f.edgeS
	cfg.Signals.Actuated = f.actuated
	tr, err := traffic.New(net, traffic.NewCityRouter(c), cfg, f.seed)
	if err != nil {
		return err
	}
	for _, t := range trips {
		if _, err := tr.AddTrip(t); err != nil {
			return inputError(fmt.Errorf("%s: %w", f.trips, err))
		}
	}
	if err := trafficWhatIfs(tr, net, f); err != nil {
		return usageError(err)
	}
	maxS := f.maxS
	if maxS <= 0 {
		maxS = tr.LastDepartureS() + 4*3600
	}
	tr.RunToEnd(maxS)
	if err := os.MkdirAll(f.out, 0o755); err != nil {
		return err
	}
	tables := []*record.Table{tr.TripsTable(), tr.EdgesTable()}
	if f.positionsS > 0 {
		tables = append(tables, tr.PositionsTable())
	}
	if len(f.loops) > 0 {
		tables = append(tables, tr.LoopsTable())
	}
	for _, t := range tables {
		if _, err := record.WriteTable(f.out, t, format); err != nil {
			return err
		}
	}
	enc := json.NewEncoder(cmd.OutOrStdout())
	enc.SetIndent("", "  ")
	return enc.Encode(tr.Summarize())
}

func newTrafficTripsCmd() *cobra.Command {
	var osmPath, out string
	var n int
	var seed uint64
	var durationS, minDistM float64
	cmd := &cobra.Command{
		Use:   "trips",
		Short: "Draw random trips on a city's roads (uniform over road length) as a trips CSV",
		Example: `  twin traffic trips --osm scenarios/data/osm/kongens_lyngby.osm.xml.gz -n 1000 \
      --duration-s 3600 --seed 1 --out trips.csv`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := city.Load(osmPath)
			if err != nil {
				return inputError(err)
			}
			net, err := traffic.FromCity(c)
			if err != nil {
				return inputError(err)
			}
			rng := rand.New(rand.NewPCG(seed, 0x74726970))
			trips := traffic.RandomTrips(net, n, durationS, minDistM, c.Roads.InSCC, rng)
			w, err := os.Create(out)
			if err != nil {
				return err
			}
			if err := traffic.WriteTrips(w, trips); err != nil {
				w.Close()
				return err
			}
			return w.Close()
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&osmPath, "osm", "", "OSM file of the city")
	fl.StringVar(&out, "out", "trips.csv", "trips CSV to write")
	fl.IntVarP(&n, "trips", "n", 1000, "number of trips")
	fl.Uint64Var(&seed, "seed", 1, "random seed")
	fl.Float64Var(&durationS, "duration-s", 3600, "departures spread uniformly over [0, duration)")
	fl.Float64Var(&minDistM, "min-dist-m", 500, "least straight-line distance between origin and destination, m")
	_ = cmd.MarkFlagRequired("osm")
	return cmd
}

// trafficWhatIfs applies the --close and --loop flags.
func trafficWhatIfs(tr *traffic.Traffic, net *traffic.Network, f trafficFlags) error {
	for _, c := range f.closures {
		parts := strings.Split(c, ",")
		if len(parts) != 3 {
			return fmt.Errorf("--close %q: want EDGE,FROM_S,TO_S", c)
		}
		e, err1 := strconv.Atoi(parts[0])
		t1, err2 := strconv.ParseFloat(parts[1], 64)
		t2, err3 := strconv.ParseFloat(parts[2], 64)
		if err1 != nil || err2 != nil || err3 != nil || !tr.Schedule(traffic.WhatIf{Kind: traffic.CloseEdge, Edge: int32(e), AtS: t1, UntilS: t2}) {
			return fmt.Errorf("--close %q: not an edge and two times", c)
		}
	}
	for _, l := range f.loops {
		e, err := strconv.Atoi(l)
		if err != nil || e < 0 || e >= net.NumEdges() {
			return fmt.Errorf("--loop %q: not an edge", l)
		}
		tr.AddLoop("edge"+l, int32(e), net.LengthM[e]/2, 60)
	}
	return nil
}
