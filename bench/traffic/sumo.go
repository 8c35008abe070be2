package main

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"

	"citytwin/models/traffic"
)

// sumoHome is where Debian's sumo package keeps its data and tools.
const sumoHome = "/usr/share/sumo"

// netconvertArgs builds SUMO's network from the OSM file as SUMO's own
// OSM import tools recommend (osmWebWizard, osmBuild): the standard type
// map, passenger roads only, the largest connected component, geometry
// nodes removed, ramps guessed, junction clusters joined, traffic
// signals around an intersection joined into one controller and
// pedestrian-only signals dropped.
func netconvertArgs(osm, out string) []string {
	return []string{"--osm-files", osm,
		"--type-files", filepath.Join(sumoHome, "data/typemap/osmNetconvert.typ.xml"),
		"--keep-edges.by-vclass", "passenger", "--remove-edges.isolated", "--keep-edges.components", "1",
		"--geometry.remove", "--ramps.guess", "--junctions.join",
		"--tls.guess-signals", "--tls.discard-simple", "--tls.join",
		"--output.street-names", "-o", out}
}

// runSumo builds (once) SUMO's network, writes the trips on its edges and
// runs sumo, microscopic or mesoscopic, until every vehicle has left.
func runSumo(work, cityName, osm, base string, ll []traffic.TripLL, seed uint64, meso bool) (result, error) {
	netPath := filepath.Join(work, cityName+".net.xml")
	if _, err := os.Stat(netPath); err != nil {
		cmd := exec.Command("netconvert", netconvertArgs(osm, netPath)...)
		cmd.Env = append(os.Environ(), "SUMO_HOME="+sumoHome)
		if out, err := cmd.CombinedOutput(); err != nil {
			return result{}, fmt.Errorf("netconvert: %v\n%s", err, out)
		}
	}
	rou := base + ".rou.xml"
	if _, err := os.Stat(rou); err != nil {
		net, err := readSumoNet(netPath)
		if err != nil {
			return result{}, err
		}
		if err := writeSumoTrips(rou, net, ll); err != nil {
			return result{}, err
		}
	}
	tag := "micro"
	if meso {
		tag = "meso"
	}
	ti := base + "." + tag + ".tripinfo.xml"
	args := []string{"-n", netPath, "-r", rou, "--tripinfo-output", ti, "--tripinfo-output.write-unfinished",
		"--duration-log.statistics", "--no-step-log", "--time-to-teleport", "300",
		"--ignore-route-errors", "--seed", strconv.FormatUint(seed, 10), "--end", strconv.Itoa(3600 + 4*3600)}
	if meso {
		args = append(args, "--mesosim")
	}
	cmd := exec.Command("sumo", args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return result{}, fmt.Errorf("sumo: %v\n%s", err, out.String())
	}
	_ = os.WriteFile(base+"."+tag+".log", out.Bytes(), 0o644)
	r, err := readTripinfo(ti)
	if err != nil {
		return result{}, err
	}
	r.CPUS = (cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()).Seconds()
	r.StepS = 1
	ups := grabFloat(out.Bytes(), `UPS: ([0-9.]+)`)
	dur := grabFloat(out.Bytes(), `Duration: ([0-9.]+)s`)
	if dur == 0 {
		dur = grabFloat(out.Bytes(), `Duration: ([0-9.]+)ms`) / 1000
	}
	r.Updates = ups * dur
	r.VehSeconds = r.Updates
	r.Teleports = int64(grabFloat(out.Bytes(), `Teleports: ([0-9]+)`))
	return r, nil
}

func grabFloat(b []byte, pattern string) float64 {
	m := regexp.MustCompile(pattern).FindSubmatch(b)
	if m == nil {
		return 0
	}
	v, _ := strconv.ParseFloat(string(m[1]), 64)
	return v
}

// writeSumoTrips writes the trips as SUMO <trip> elements on the edges
// nearest to their ends, departing at standstill from the snapped position
// on the best lane and arriving at the snapped position.
func writeSumoTrips(path string, net *sumoNet, ll []traffic.TripLL) error {
	type row struct {
		dep            float64
		id, from, to   string
		fromPos, toPos float64
	}
	var rows []row
	for _, t := range ll {
		fe, fo, ok1 := net.snap(t.FromLon, t.FromLat)
		te, to, ok2 := net.snap(t.ToLon, t.ToLat)
		if !ok1 || !ok2 {
			return fmt.Errorf("trip %s: no SUMO edge near its ends", t.ID)
		}
		rows = append(rows, row{t.DepartS, t.ID, fe, te, fo, to})
	}
	slices.SortStableFunc(rows, func(a, b row) int {
		switch {
		case a.dep < b.dep:
			return -1
		case a.dep > b.dep:
			return 1
		}
		return 0
	})
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	fmt.Fprintln(w, "<routes>")
	for _, r := range rows {
		fmt.Fprintf(w, "  <trip id=%q depart=\"%.1f\" from=%q to=%q departPos=\"%.2f\" arrivalPos=\"%.2f\" departLane=\"best\" departSpeed=\"0\"/>\n",
			r.id, r.dep, r.from, r.to, r.fromPos, r.toPos)
	}
	fmt.Fprintln(w, "</routes>")
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// readTripinfo summarises a SUMO tripinfo file: arrived trips (arrival >=
// 0), unfinished ones, mean and p95 duration and the mean speed (total
// route length over total duration of the arrived trips).
func readTripinfo(path string) (result, error) {
	f, err := os.Open(path)
	if err != nil {
		return result{}, err
	}
	defer f.Close()
	dec := xml.NewDecoder(f)
	var durs []float64
	var r result
	var dist, sum float64
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return result{}, fmt.Errorf("%s: %w", path, err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok || se.Name.Local != "tripinfo" {
			continue
		}
		var arrival, duration, length float64
		for _, a := range se.Attr {
			v, _ := strconv.ParseFloat(a.Value, 64)
			switch a.Name.Local {
			case "arrival":
				arrival = v
			case "duration":
				duration = v
			case "routeLength":
				length = v
			}
		}
		r.Inserted++
		if arrival < 0 {
			r.Unfinished++
			continue
		}
		r.Arrived++
		durs = append(durs, duration)
		dist += length
		sum += duration
	}
	if len(durs) > 0 {
		r.MeanTravelS = sum / float64(len(durs))
		r.MeanSpeed = dist / sum
		slices.Sort(durs)
		h := 0.95 * float64(len(durs)-1)
		lo := int(h)
		r.P95TravelS = durs[lo]
		if lo+1 < len(durs) {
			r.P95TravelS += (h - float64(lo)) * (durs[lo+1] - durs[lo])
		}
	}
	return r, nil
}
