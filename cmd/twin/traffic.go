package main

import (
	"encoding/json"
	"fmt"
	"math"
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
	fl.Float64Var(&f.stepS, "step-s", 0.5, "time step, s (0.01 to 60)")
	fl.Float64Var(&f.positionsS, "positions-s", 0, "write vehicle positions every this many s (0 = off; at most 86400)")
	fl.Float64Var(&f.rerouteS, "reroute-s", 0, "re-route running vehicles on current travel times every this many s (0 = off; at most 86400)")
	fl.Float64Var(&f.edgeS, "edge-interval-s", 300, "interval of the per-edge time series, s (above 0, at most 86400)")
	fl.Float64Var(&f.maxS, "max-s", 0, "stop at this time, s (0 = last departure + 4 h; at most 2592000, 30 days)")
	fl.BoolVar(&f.actuated, "actuated", false, "actuated signal control instead of fixed time")
	fl.Float64Var(&f.scale, "scale", 1, "scale the demand: each trip kept floor(F) times plus once with probability frac(F), copies shifted by up to ±300 s")
	fl.StringArrayVar(&f.closures, "close", nil, "close an edge: EDGE,FROM_S,TO_S (repeatable; TO_S 0 = to the end)")
	fl.StringArrayVar(&f.loops, "loop", nil, "an induction loop in the middle of edge EDGE, 60 s intervals, written to DIR/loops (repeatable)")
	for _, name := range []string{"osm", "trips", "out"} {
		_ = cmd.MarkFlagRequired(name)
	}
	return cmd
}

// Bounds of the traffic commands' time flags, s.
const (
	minTrafficStepS = 0.01
	maxTrafficStepS = 60
	maxIntervalS    = 86400      // --positions-s, --reroute-s, --edge-interval-s
	maxHorizonS     = 30 * 86400 // --max-s, --duration-s
)

// checkSimulateFlags rejects time flags out of their documented bounds,
// NaN included.
func checkSimulateFlags(f trafficFlags) error {
	switch {
	case !(f.stepS >= minTrafficStepS && f.stepS <= maxTrafficStepS):
		return fmt.Errorf("--step-s %g: want a time step from %g to %g s", f.stepS, float64(minTrafficStepS), float64(maxTrafficStepS))
	case !(f.positionsS >= 0 && f.positionsS <= maxIntervalS):
		return fmt.Errorf("--positions-s %g: want 0 (off) or an interval up to %d s", f.positionsS, maxIntervalS)
	case !(f.rerouteS >= 0 && f.rerouteS <= maxIntervalS):
		return fmt.Errorf("--reroute-s %g: want 0 (off) or an interval up to %d s", f.rerouteS, maxIntervalS)
	case !(f.edgeS > 0 && f.edgeS <= maxIntervalS):
		return fmt.Errorf("--edge-interval-s %g: want an interval above 0, up to %d s", f.edgeS, maxIntervalS)
	case !(f.maxS >= 0 && f.maxS <= maxHorizonS):
		return fmt.Errorf("--max-s %g: want 0 (last departure + 4 h) or a time up to %d s", f.maxS, maxHorizonS)
	}
	return nil
}

func runTrafficSimulate(cmd *cobra.Command, f trafficFlags) error {
	format, err := record.ParseFormat(f.format)
	if err != nil {
		return usageError(err)
	}
	if err := checkSimulateFlags(f); err != nil {
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
	if maxS == 0 {
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
			if err := checkTripsFlags(n, durationS, minDistM); err != nil {
				return usageError(err)
			}
			c, err := city.Load(osmPath)
			if err != nil {
				return inputError(err)
			}
			net, err := traffic.FromCity(c)
			if err != nil {
				return inputError(err)
			}
			rng := rand.New(rand.NewPCG(seed, 0x74726970))
			trips, err := traffic.DrawTrips(net, n, durationS, minDistM, c.Roads.InSCC, rng)
			if errorsIs(err, traffic.ErrMinDist) {
				return usageError(fmt.Errorf("--min-dist-m %g: %w", minDistM, err))
			}
			if err != nil {
				return inputError(fmt.Errorf("%s: %w", osmPath, err))
			}
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
	fl.IntVarP(&n, "trips", "n", 1000, fmt.Sprintf("number of trips (1 to %d)", traffic.MaxRandomTrips))
	fl.Uint64Var(&seed, "seed", 1, "random seed")
	fl.Float64Var(&durationS, "duration-s", 3600, fmt.Sprintf("departures spread uniformly over [0, duration), s (above 0, at most %d)", maxHorizonS))
	fl.Float64Var(&minDistM, "min-dist-m", 500, "least straight-line distance between origin and destination, m (>= 0; an error when the city has no such pairs)")
	_ = cmd.MarkFlagRequired("osm")
	return cmd
}

// checkTripsFlags rejects a trip count, departure window or least
// distance that traffic trips cannot honour, NaN included.
func checkTripsFlags(n int, durationS, minDistM float64) error {
	switch {
	case n <= 0:
		return fmt.Errorf("--trips/-n %d: want a positive count", n)
	case n > traffic.MaxRandomTrips:
		return fmt.Errorf("--trips/-n %d: want at most %d trips", n, traffic.MaxRandomTrips)
	case !(durationS > 0 && durationS <= maxHorizonS):
		return fmt.Errorf("--duration-s %g: want a time above 0, up to %d s", durationS, maxHorizonS)
	case !(minDistM >= 0) || math.IsInf(minDistM, 0):
		return fmt.Errorf("--min-dist-m %g: want a finite distance >= 0", minDistM)
	}
	return nil
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
