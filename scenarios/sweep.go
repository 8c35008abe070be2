package scenarios

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/goccy/go-yaml"

	"citytwin/engine/record"
)

// Param is one swept scenario key (a dotted path, like
// models.traffic.demand.random_trips) and its values.
type Param struct {
	Key    string
	Values []string
}

// ParseSet reads "key=v1,v2,...". A key starting with a model name is
// taken under models (traffic.step means models.traffic.step).
func ParseSet(s string) (Param, error) {
	key, vals, ok := strings.Cut(s, "=")
	if !ok || key == "" || vals == "" {
		return Param{}, fmt.Errorf("--set %q: want key=value[,value...]", s)
	}
	if first, _, _ := strings.Cut(key, "."); builders[first] != nil {
		key = "models." + key
	}
	return Param{Key: key, Values: strings.Split(vals, ",")}, nil
}

// ParseSeeds reads "1..100" or "1,5,9".
func ParseSeeds(s string) ([]uint64, error) {
	if a, b, ok := strings.Cut(s, ".."); ok {
		lo, err1 := strconv.ParseUint(a, 10, 64)
		hi, err2 := strconv.ParseUint(b, 10, 64)
		if err1 != nil || err2 != nil || hi < lo || hi-lo > 1_000_000 {
			return nil, fmt.Errorf("--seeds %q: want FROM..TO", s)
		}
		var out []uint64
		for x := lo; x <= hi; x++ {
			out = append(out, x)
		}
		return out, nil
	}
	var out []uint64
	for _, f := range strings.Split(s, ",") {
		x, err := strconv.ParseUint(f, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("--seeds %q: %v", s, err)
		}
		out = append(out, x)
	}
	return out, nil
}

// SweepRun is one run of a sweep: a parameter point and a seed.
type SweepRun struct {
	Index  int               `json:"index"`
	ID     string            `json:"id"`
	Point  int               `json:"point"`
	Params map[string]string `json:"params"`
	Seed   uint64            `json:"seed"`
}

// Grid lists the runs of a sweep in a fixed order: parameter points (the
// cartesian product, first parameter slowest), then seeds.
func Grid(params []Param, seeds []uint64) []SweepRun {
	points := []map[string]string{{}}
	for _, p := range params {
		var next []map[string]string
		for _, pt := range points {
			for _, v := range p.Values {
				m := map[string]string{p.Key: v}
				for k, x := range pt {
					m[k] = x
				}
				next = append(next, m)
			}
		}
		points = next
	}
	var runs []SweepRun
	for pi, pt := range points {
		for _, seed := range seeds {
			runs = append(runs, SweepRun{Index: len(runs), ID: fmt.Sprintf("p%03d-s%d", pi, seed), Point: pi, Params: pt, Seed: seed})
		}
	}
	return runs
}

// SweepOptions adjusts a sweep.
type SweepOptions struct {
	Out           string
	Jobs          int
	Shard, Shards int // run only runs with Index % Shards == Shard-1 (1-based Shard)
	Version       string
	Progress      func(done, total int)
}

// SweepResult says what a sweep did.
type SweepResult struct {
	Runs, Skipped, Ran int
}

// Sweep runs every run of the grid that belongs to this shard and is not
// yet finished, with Jobs runs at a time. A run is finished when its
// folder holds manifest.json, which is written last; a run killed midway
// is run again. Runs are independent and deterministic, so the results do
// not depend on Jobs or on the sharding.
func Sweep(base string, runs []SweepRun, opt SweepOptions) (SweepResult, error) {
	if opt.Jobs < 1 {
		opt.Jobs = 1
	}
	if opt.Shards < 1 {
		opt.Shard, opt.Shards = 1, 1
	}
	data, err := os.ReadFile(base)
	if err != nil {
		return SweepResult{}, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	var todo []SweepRun
	res := SweepResult{}
	for _, r := range runs {
		if r.Index%opt.Shards != opt.Shard-1 {
			continue
		}
		res.Runs++
		if _, err := os.Stat(filepath.Join(opt.Out, "runs", r.ID, "manifest.json")); err == nil {
			res.Skipped++
			continue
		}
		todo = append(todo, r)
	}
	// Check every parameter point before running any: decoded, and built
	// (the model sections are read when the models are built) once per
	// point, whatever its seeds.
	checked := map[int]bool{}
	for _, r := range todo {
		sc, err := variantOf(base, data, r)
		if err != nil {
			return res, err
		}
		if checked[r.Point] {
			continue
		}
		checked[r.Point] = true
		if _, _, err := Check(sc); err != nil {
			keys := slices.Sorted(maps.Keys(r.Params))
			return res, setError(err, keys, r)
		}
	}
	var mu sync.Mutex
	var firstErr error
	work := make(chan SweepRun)
	var wg sync.WaitGroup
	for j := 0; j < opt.Jobs; j++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range work {
				err := runOne(base, data, r, opt)
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
				}
				res.Ran++
				if opt.Progress != nil {
					opt.Progress(res.Ran, len(todo))
				}
				mu.Unlock()
			}
		}()
	}
	for _, r := range todo {
		work <- r
	}
	close(work)
	wg.Wait()
	return res, firstErr
}

func runOne(base string, data []byte, r SweepRun, opt SweepOptions) error {
	sc, err := variantOf(base, data, r)
	if err != nil {
		return err
	}
	dir := filepath.Join(opt.Out, "runs", r.ID)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := record.WriteFileAtomic(filepath.Join(dir, "run.json"), func(w io.Writer) error {
		return json.NewEncoder(w).Encode(r)
	}); err != nil {
		return err
	}
	seed := r.Seed
	_, err = Run(sc, RunOptions{Out: dir, Seed: &seed, Format: "csv", Version: opt.Version})
	return err
}

// variantOf is the base scenario with the run's parameters set.
func variantOf(base string, data []byte, r SweepRun) (*Scenario, error) {
	var doc yaml.MapSlice
	if err := unmarshalYAML(fileAt(base), data, &doc, yaml.UseOrderedMap()); err != nil {
		return nil, err
	}
	keys := make([]string, 0, len(r.Params))
	for k := range r.Params {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		var v any
		if err := unmarshalYAML(fileAt(k), []byte(r.Params[k]), &v); err != nil {
			v = r.Params[k]
		}
		doc = setPath(doc, strings.Split(k, "."), v)
	}
	out, err := yaml.Marshal(doc)
	if err != nil {
		return nil, err
	}
	sc, err := Parse(base, out)
	if err != nil {
		return nil, setError(err, keys, r)
	}
	return sc, nil
}

// setError says which --set values an error of the scenario comes with:
// its positions are in the scenario with those values set, not the file.
func setError(err error, keys []string, r SweepRun) error {
	if len(keys) == 0 {
		return err
	}
	set := make([]string, len(keys))
	for i, k := range keys {
		set[i] = k + "=" + r.Params[k]
	}
	return fmt.Errorf("%w (with --set %s; positions are in the scenario with these values set)", err, strings.Join(set, " "))
}

func setPath(m yaml.MapSlice, path []string, v any) yaml.MapSlice {
	if len(path) == 1 {
		return setKey(m, path[0], v)
	}
	child, _ := getKey(m, path[0]).(yaml.MapSlice)
	return setKey(m, path[0], setPath(child, path[1:], v))
}

// MergedRow is one KPI at one parameter point over its seeds.
type MergedRow struct {
	Params              string // key=value pairs, sorted
	Model, KPI, Unit    string
	N                   int
	Mean, CILow, CIHigh float64
}

// ErrNoRuns is returned by Merge when no finished run is found.
var ErrNoRuns = errors.New("scenarios: no finished runs to merge")

// Merge reads every finished run under the given sweep folders (whole
// sweeps or shards) and returns, per parameter point and KPI, the mean
// over seeds and its 95 % confidence interval (Student's t), in a fixed
// order: parameters, then model and KPI as the first run lists them.
func Merge(dirs []string) ([]MergedRow, error) {
	type acc struct {
		unit string
		vals []float64
	}
	groups := map[[3]string]*acc{}
	var order [][3]string
	seen := map[string]bool{}
	var runIDs []string
	runDir := map[string]string{}
	for _, d := range dirs {
		if _, err := os.Stat(d); err != nil {
			return nil, fmt.Errorf("%w: merge: %v", ErrInvalid, err)
		}
		// A shard that had no runs has no runs/ folder: nothing to add.
		entries, _ := os.ReadDir(filepath.Join(d, "runs"))
		for _, e := range entries {
			if !seen[e.Name()] {
				seen[e.Name()] = true
				runIDs = append(runIDs, e.Name())
				runDir[e.Name()] = filepath.Join(d, "runs", e.Name())
			}
		}
	}
	slices.SortFunc(runIDs, func(a, b string) int { return strings.Compare(a, b) })
	for _, id := range runIDs {
		dir := runDir[id]
		m, err := record.ReadManifest(dir)
		if err != nil {
			continue // unfinished
		}
		raw, err := os.ReadFile(filepath.Join(dir, "run.json"))
		if err != nil {
			return nil, fmt.Errorf("merge: %s: %w", dir, err)
		}
		var r SweepRun
		if err := json.Unmarshal(raw, &r); err != nil {
			return nil, fmt.Errorf("merge: %s/run.json: %w", dir, err)
		}
		params := paramString(r.Params)
		for _, model := range m.Models {
			for _, k := range m.KPIs[model] {
				key := [3]string{params, model, k.Name}
				a, ok := groups[key]
				if !ok {
					a = &acc{unit: k.Unit}
					groups[key] = a
					order = append(order, key)
				}
				a.vals = append(a.vals, k.Value)
			}
		}
	}
	if len(order) == 0 {
		return nil, fmt.Errorf("%w in %s", ErrNoRuns, strings.Join(dirs, ", "))
	}
	slices.SortStableFunc(order, func(a, b [3]string) int { return strings.Compare(a[0], b[0]) })
	var out []MergedRow
	for _, key := range order {
		a := groups[key]
		row := MergedRow{Params: key[0], Model: key[1], KPI: key[2], Unit: a.unit, N: len(a.vals)}
		row.Mean, row.CILow, row.CIHigh = meanCI(a.vals)
		out = append(out, row)
	}
	return out, nil
}

func paramString(p map[string]string) string {
	keys := make([]string, 0, len(p))
	for k := range p {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + p[k]
	}
	return strings.Join(parts, " ")
}

// MergedTable is the merged rows as a table for engine/record.
func MergedTable(rows []MergedRow) *record.Table {
	t := record.NewTable("merged")
	var params, models, kpis, units []string
	var n []int64
	var mean, lo, hi []float64
	valid := make([]bool, len(rows))
	for i, r := range rows {
		params, models, kpis, units = append(params, r.Params), append(models, r.Model), append(kpis, r.KPI), append(units, r.Unit)
		n, mean = append(n, int64(r.N)), append(mean, r.Mean)
		lo, hi = append(lo, r.CILow), append(hi, r.CIHigh)
		valid[i] = !math.IsNaN(r.CILow)
	}
	t.Str("params", params)
	t.Str("model", models)
	t.Str("kpi", kpis)
	t.Str("unit", units)
	t.Int("runs", "", n)
	t.Float("mean", "", mean)
	t.Float("ci95_low", "", lo).Valid = valid
	t.Float("ci95_high", "", hi).Valid = valid
	return t
}
