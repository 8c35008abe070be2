// Command traffic compares citytwin's traffic model with SUMO on the same
// network and demand: for each city and demand level it draws random trips
// (uniform over road length, departing within one hour, origin and
// destination at least 500 m apart), snaps them to our edges and to
// SUMO's edges (built by netconvert from the same OSM file), runs our
// model in-process, SUMO's microscopic and mesoscopic modes as
// subprocesses, and prints one Markdown table. See README.md.
package main

import (
	"bufio"
	"citytwin/engine/cputime"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"

	"citytwin/models/city"
	"citytwin/models/traffic"
)

var cities = map[string]string{
	"osterbro": "copenhagen_osterbro.osm.xml.gz",
	"lyngby":   "kongens_lyngby.osm.xml.gz",
}

// result is one simulator's run at one level.
type result struct {
	City        string  `json:"city"`
	Trips       int     `json:"trips"`
	Sim         string  `json:"sim"` // citytwin, sumo, sumo-meso
	Inserted    int     `json:"inserted"`
	Arrived     int     `json:"arrived"`
	Teleports   int64   `json:"teleports"`
	Unfinished  int     `json:"unfinished"`
	MeanTravelS float64 `json:"mean_travel_s"`
	P95TravelS  float64 `json:"p95_travel_s"`
	MeanSpeed   float64 `json:"mean_speed_mps"`
	Updates     float64 `json:"updates"`
	VehSeconds  float64 `json:"veh_s"`
	CPUS        float64 `json:"cpu_s"`
	StepS       float64 `json:"step_s"`
}

func main() {
	osmDir := flag.String("osm-dir", "scenarios/data/osm", "folder with the OSM extracts")
	work := flag.String("work", "/tmp/citytwin-traffic-bench", "folder for networks, trips and SUMO output")
	cityList := flag.String("cities", "osterbro,lyngby", "cities to run")
	levelList := flag.String("levels", "1000,5000,10000", "trip counts")
	seed := flag.Uint64("seed", 1, "seed of the trips and of both simulators")
	sims := flag.String("sims", "citytwin,sumo,sumo-meso", "simulators to run")
	tableOnly := flag.Bool("table", false, "only print the table of the results collected so far")
	flag.Parse()
	if err := os.MkdirAll(*work, 0o755); err != nil {
		fail(err)
	}
	resPath := filepath.Join(*work, "results.jsonl")
	if !*tableOnly {
		for _, c := range strings.Split(*cityList, ",") {
			for _, lv := range strings.Split(*levelList, ",") {
				n, err := strconv.Atoi(lv)
				if err != nil {
					fail(err)
				}
				if err := runLevel(*osmDir, *work, c, n, *seed, strings.Split(*sims, ","), resPath); err != nil {
					fail(err)
				}
			}
		}
	}
	if err := printTable(resPath); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "bench/traffic:", err)
	os.Exit(1)
}

func runLevel(osmDir, work, cityName string, n int, seed uint64, sims []string, resPath string) error {
	file, ok := cities[cityName]
	if !ok {
		return fmt.Errorf("unknown city %q", cityName)
	}
	osmPath := filepath.Join(osmDir, file)
	c, err := city.Load(osmPath)
	if err != nil {
		return err
	}
	net, err := traffic.FromCity(c)
	if err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(seed, uint64(n)))
	ll := traffic.RandomTrips(net, n, 3600, 500, c.Roads.InSCC, rng)
	base := filepath.Join(work, fmt.Sprintf("%s-%d", cityName, n))
	if err := writeTrips(base+".trips.csv", ll); err != nil {
		return err
	}
	for _, sim := range sims {
		var r result
		switch sim {
		case "citytwin":
			r, err = runOurs(c, net, ll, seed)
		case "sumo", "sumo-meso":
			r, err = runSumo(work, cityName, osmPath, base, ll, seed, sim == "sumo-meso")
		default:
			err = fmt.Errorf("unknown simulator %q", sim)
		}
		if err != nil {
			return err
		}
		r.City, r.Trips, r.Sim = cityName, n, sim
		fmt.Fprintf(os.Stderr, "%s %d %s: arrived %d/%d, mean %.1f s, p95 %.1f s, %.0f updates/CPU-s\n",
			cityName, n, sim, r.Arrived, r.Trips, r.MeanTravelS, r.P95TravelS, r.Updates/r.CPUS)
		if err := appendResult(resPath, r); err != nil {
			return err
		}
	}
	return nil
}

func writeTrips(path string, ll []traffic.TripLL) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := traffic.WriteTrips(f, ll); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// runOurs simulates the trips with the default configuration. CPU time
// covers routing and simulation, not the OSM import.
func runOurs(c *city.City, net *traffic.Network, ll []traffic.TripLL, seed uint64) (result, error) {
	trips, err := traffic.SnapTrips(ll, traffic.SnapCity(c))
	if err != nil {
		return result{}, err
	}
	cfg := traffic.DefaultConfig()
	runtime.GC() // collect the OSM import's garbage now, not inside the measured run
	t0 := cputime.Process().Seconds()
	tr, err := traffic.New(net, traffic.NewCityRouter(c), cfg, seed)
	if err != nil {
		return result{}, err
	}
	for _, t := range trips {
		if _, err := tr.AddTrip(t); err != nil {
			return result{}, err
		}
	}
	tr.RunToEnd(tr.LastDepartureS() + 4*3600)
	cpu := cputime.Process().Seconds() - t0
	s := tr.Summarize()
	return result{Inserted: s.Departed, Arrived: s.Arrived, Teleports: s.Teleports,
		Unfinished: s.Trips - s.Arrived, MeanTravelS: s.MeanTravelS, P95TravelS: s.P95TravelS,
		MeanSpeed: s.MeanSpeedMps, Updates: float64(s.VehicleUpdates), VehSeconds: float64(s.VehicleUpdates) * s.StepS,
		CPUS: cpu, StepS: s.StepS}, nil
}

func appendResult(path string, r result) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	b, _ := json.Marshal(r)
	if _, err := f.Write(append(b, '\n')); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// printTable prints the latest result of each (city, level, simulator) as
// one Markdown table with the ratios of citytwin to SUMO.
func printTable(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	latest := map[[3]string]result{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var r result
		if json.Unmarshal(sc.Bytes(), &r) == nil {
			latest[[3]string{r.City, strconv.Itoa(r.Trips), r.Sim}] = r
		}
	}
	keys := make([][3]string, 0, len(latest))
	for k := range latest {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b [3]string) int {
		if a[0] != b[0] {
			return strings.Compare(b[0], a[0]) // osterbro first
		}
		na, _ := strconv.Atoi(a[1])
		nb, _ := strconv.Atoi(b[1])
		if na != nb {
			return na - nb
		}
		return strings.Compare(a[2], b[2])
	})
	fmt.Println("| city | trips | simulator | arrived | teleports | unfinished | mean travel s | p95 travel s | mean speed m/s | vehicle updates | CPU s | updates/CPU-s | veh-s/CPU-s | mean vs SUMO | p95 vs SUMO | speed-up (updates) | speed-up (veh-s) |")
	fmt.Println("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
	for _, k := range keys {
		r := latest[k]
		ref, hasRef := latest[[3]string{k[0], k[1], "sumo"}]
		ratios := "| | | | "
		if hasRef && r.Sim != "sumo" && ref.MeanTravelS > 0 {
			ratios = fmt.Sprintf("| %+.1f %% | %+.1f %% | %.0fx | %.0fx ",
				100*(r.MeanTravelS/ref.MeanTravelS-1), 100*(r.P95TravelS/ref.P95TravelS-1),
				(r.Updates/r.CPUS)/(ref.Updates/ref.CPUS), (r.VehSeconds/r.CPUS)/(ref.VehSeconds/ref.CPUS))
		}
		fmt.Printf("| %s | %d | %s | %d | %d | %d | %.1f | %.1f | %.2f | %.0f | %.2f | %.0f | %.0f %s|\n",
			r.City, r.Trips, r.Sim, r.Arrived, r.Teleports, r.Unfinished, r.MeanTravelS, r.P95TravelS, r.MeanSpeed,
			r.Updates, r.CPUS, r.Updates/r.CPUS, r.VehSeconds/r.CPUS, ratios)
	}
	return sc.Err()
}
