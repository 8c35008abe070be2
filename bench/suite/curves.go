package suite

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"citytwin/bench/scale"
)

// measureCurves measures every model's cost against size on synthetic
// cities, and the engine's from the hold model's table.
func measureCurves(o Options, logf func(string, ...any)) ([]scale.Curve, error) {
	citySizes, trafficSizes, perEdge, maxS, vehicles := o.sizes()
	logf("bench: cities %v", citySizes)
	cities, loadS, err := scale.Cities(o.Work, citySizes, o.Seed)
	if err != nil {
		return nil, err
	}
	curves := []scale.Curve{scale.CityCurve(cities, loadS, 200, o.Seed)}
	logf("bench: traffic on %v edges", trafficSizes)
	tc, _, err := scale.TrafficCurve(o.Work, trafficSizes, perEdge, maxS, o.Seed)
	if err != nil {
		return nil, err
	}
	curves = append(curves, tc)
	logf("bench: traffic with %v trips", vehicles)
	vc, err := scale.VehicleCurve(o.Work, trafficSizes[len(trafficSizes)/2], vehicles, maxS, o.Seed)
	if err != nil {
		return nil, err
	}
	curves = append(curves, vc)
	logf("bench: grid")
	gc, err := scale.GridCurve(cities)
	if err != nil {
		return nil, err
	}
	logf("bench: water")
	wc, err := scale.WaterCurve(cities)
	if err != nil {
		return nil, err
	}
	curves = append(curves, gc, wc, engineCurve(filepath.Join(o.Root, "bench", "engine.md")))
	return curves, nil
}

// engineCurve reads the hold model's table (pending, engine ns/event) from
// the engine report.
func engineCurve(path string) scale.Curve {
	c := scale.Curve{Name: "engine", Title: "Engine event cost against pending events", XLabel: "pending events",
		YLabel: "ns per event", Columns: []string{"pending", "engine ns/event", "engine events/s"}, YNames: []string{"ns/event"},
		Note: "From the hold model's table in bench/engine.md (go run ./bench/hold), not re-measured by the suite."}
	if _, err := os.Stat(path); err != nil {
		c.Note = fmt.Sprintf("bench/engine.md: %v", err)
		return c
	}
	table := strings.Split(firstTable(path), "\n")
	if len(table) < 3 {
		return c
	}
	head := splitRow(table[0])
	col := func(name string) int {
		for k, h := range head {
			if strings.TrimSpace(h) == name {
				return k
			}
		}
		return -1
	}
	ip, ins, ieps := col("pending"), col("engine ns/event"), col("engine events/s")
	if ip < 0 || ins < 0 || ieps < 0 {
		return c
	}
	for _, line := range table[2:] {
		cells := splitRow(line)
		if len(cells) <= max(ip, ins, ieps) {
			continue
		}
		x, err1 := strconv.ParseFloat(cells[ip], 64)
		y, err2 := strconv.ParseFloat(cells[ins], 64)
		if err1 != nil || err2 != nil {
			continue
		}
		c.X = append(c.X, x)
		if c.Y == nil {
			c.Y = [][]float64{nil}
		}
		c.Y[0] = append(c.Y[0], y)
		c.Rows = append(c.Rows, []string{cells[ip], cells[ins], cells[ieps]})
	}
	return c
}

func splitRow(line string) []string {
	line = strings.Trim(strings.TrimSpace(line), "|")
	cells := strings.Split(line, "|")
	for k := range cells {
		cells[k] = strings.TrimSpace(cells[k])
	}
	return cells
}

// writeCurves writes each curve's table and PNG (beside the report).
func writeCurves(w *strings.Builder, curves []scale.Curve, o Options) error {
	w.WriteString("Cost against size for each model, on synthetic cities of `twin synth --layout organic` (models/city/synth) ")
	w.WriteString("unless said otherwise. CPU times are the process's (all threads).\n\n")
	for _, c := range curves {
		fmt.Fprintf(w, "### %s\n\n", c.Title)
		if c.Note != "" {
			w.WriteString(c.Note + "\n\n")
		}
		if len(c.X) == 0 {
			w.WriteString("_No data._\n\n")
			continue
		}
		w.WriteString("| " + strings.Join(c.Columns, " | ") + " |\n|" + strings.Repeat("---:|", len(c.Columns)) + "\n")
		for _, r := range c.Rows {
			w.WriteString("| " + strings.Join(r, " | ") + " |\n")
		}
		png := strings.TrimSuffix(filepath.Base(o.Out), filepath.Ext(o.Out)) + "-" + c.Name + ".png"
		if err := plotCurve(c, filepath.Join(filepath.Dir(o.Out), png)); err != nil {
			return err
		}
		fmt.Fprintf(w, "\n![%s](%s)\n\n", c.Title, png)
	}
	return nil
}
