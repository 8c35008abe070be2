package scenarios

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"citytwin/engine"
	"citytwin/engine/record"
)

// RunOptions adjusts a run of a scenario.
type RunOptions struct {
	Out        string        // output folder; default the scenario's outputs.dir or results/<name>
	Seed       *uint64       // overrides the scenario's seed
	Until      time.Duration // stop this long after the start (0: the scenario's duration)
	Format     string        // overrides outputs.format
	Checkpoint string        // write a checkpoint here when the run stops
	Restore    string        // resume from this checkpoint
	Version    string        // citytwin version for the manifest
	// Progress, if set, is called now and then with the simulated time
	// reached and the end.
	Progress func(now, end engine.Time)
}

// Result is what a run produced.
type Result struct {
	Dir      string
	Manifest *record.Manifest
	Tables   []*record.Table // what was written, by table name order of writing
}

// Run builds and runs the scenario and writes its results.
func Run(sc *Scenario, opt RunOptions) (*Result, error) {
	wallStart := time.Now()
	env, models, feeds, _, err := build(sc, false)
	if err != nil {
		return nil, err
	}
	models = append(models, feeds...)
	seed := sc.Seed
	if opt.Seed != nil {
		seed = *opt.Seed
	}
	sim := engine.New(seed)
	sim.SetLabel(checkpointLabel(sc))
	names := make([]string, len(models))
	for i, m := range models {
		sim.Add(m)
		names[i] = m.Name()
	}
	if err := sim.Init(); err != nil {
		return nil, err
	}
	if opt.Restore != "" {
		if err := restore(sim, opt.Restore, checkpointLabel(sc)); err != nil {
			return nil, err
		}
	}
	end := engine.FromDuration(sc.Duration.D)
	if opt.Until > 0 && engine.FromDuration(opt.Until) < end {
		end = engine.FromDuration(opt.Until)
	}
	if sim.Now() > end {
		return nil, fmt.Errorf("%w: %s: the checkpoint is at %s, after the end of the run at %s",
			ErrInvalid, opt.Restore, sim.Now().Duration(), end.Duration())
	}
	// The folder is cleared of an earlier run before this one starts, so
	// a run that fails or is killed leaves no manifest behind.
	dir, format, err := outputs(sc, opt)
	if err != nil {
		return nil, err
	}
	if err := runTo(sim, end, opt.Progress); err != nil {
		return nil, fmt.Errorf("run %s: %w", sc.Name, err)
	}
	if opt.Checkpoint != "" {
		if err := record.WriteFileAtomic(opt.Checkpoint, sim.Checkpoint); err != nil {
			return nil, err
		}
	}
	m := &record.Manifest{
		Scenario: sc.Path, ScenarioSHA256: sc.SHA256, Name: sc.Name, Seed: seed, Version: opt.Version,
		SimStart: sc.StartTime.Format(time.RFC3339), SimEnd: sc.StartTime.Add(sim.Now().Duration()).Format(time.RFC3339),
		TimeZone: sc.TimeZone, Restored: opt.Restore != "", Events: sim.Dispatched(), EventDigest: sim.Digest(),
		Models: names, KPIs: map[string][]record.KPIRecord{},
	}
	tables, err := writeTables(dir, format, env, models, m)
	if err != nil {
		return nil, err
	}
	m.WallTimeS = time.Since(wallStart).Seconds()
	if err := record.WriteManifest(dir, m); err != nil {
		return nil, err
	}
	return &Result{Dir: dir, Manifest: m, Tables: tables}, nil
}

// Check builds the scenario as Run does, the recorded feeds included
// (their files read and matched to their entities), without running it:
// what Check accepts, Run starts.
func Check(sc *Scenario) (*Env, []engine.Model, error) {
	env, models, _, _, err := build(sc, false)
	return env, models, err
}

// build is Build, then the feeds (feeds.go): the recorded ones, which play
// deterministically beside the models, and when live the MQTT ones.
func build(sc *Scenario, live bool) (*Env, []engine.Model, []engine.Model, *feedSet, error) {
	env, models, err := Build(sc)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	fs, feeds, err := buildFeeds(env, models, live)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	return env, models, feeds, fs, nil
}

// checkpointLabel names sc in the checkpoints its runs write: its name and
// the hash of what runs (the file merged with its base; any edit of the
// file, a comment too, makes it another scenario, as in the manifest).
func checkpointLabel(sc *Scenario) string {
	return sc.Name + " sha256:" + sc.SHA256[:min(12, len(sc.SHA256))]
}

// runTo runs the sim to end in slices, reporting progress between them.
func runTo(sim *engine.Sim, end engine.Time, progress func(now, end engine.Time)) error {
	slice := max(end/200, engine.Second)
	for sim.Now() < end {
		next := min(sim.Now()+slice, end)
		if err := sim.RunUntil(next); err != nil {
			return err
		}
		if progress != nil {
			progress(sim.Now(), end)
		}
	}
	return nil
}

// restore loads a checkpoint into sim. When every model saved its state
// the checkpoint is loaded as it is. When some did not, the state is
// rebuilt by replay: the run, being deterministic, is run again from the
// start to the checkpoint's time, and the event-log digest there must
// equal the checkpoint's, which proves the state is the same.
//
// A checkpoint names the scenario it was written by (its label): one of
// another scenario, even a variant of this one, is refused, since the
// state it holds would overwrite what the variant changes. (A what-if
// from a moment of a run is twin live's fork, which applies the variant's
// changes again after the restore.)
func restore(sim *engine.Sim, path, label string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("%w: %v", engine.ErrCheckpoint, err)
	}
	defer f.Close()
	info, err := engine.ReadCheckpointInfo(f)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if info.Label != "" && info.Label != label {
		return fmt.Errorf("%w: %s: written by a run of another scenario (%s), not this one (%s)", engine.ErrCheckpoint, path, info.Label, label)
	}
	if len(info.Replay) == 0 {
		if _, err := f.Seek(0, 0); err != nil {
			return err
		}
		if err := sim.Restore(f); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		return nil
	}
	if info.Seed != sim.Seed() {
		return fmt.Errorf("%s: %w: seed %d, this run has %d", path, engine.ErrCheckpoint, info.Seed, sim.Seed())
	}
	if err := runTo(sim, info.Now, nil); err != nil {
		return err
	}
	if sim.Digest() != info.Digest || sim.Dispatched() != info.Events {
		return fmt.Errorf("%s: %w: replay to %v gives digest %s (%d events), the checkpoint has %s (%d): another scenario or version",
			path, engine.ErrCheckpoint, info.Now, sim.Digest(), sim.Dispatched(), info.Digest, info.Events)
	}
	return nil
}

func outputs(sc *Scenario, opt RunOptions) (string, record.Format, error) {
	dir := opt.Out
	if dir == "" {
		dir = sc.Outputs.Dir
	}
	if dir == "" {
		dir = filepath.Join("results", sc.Name)
	}
	name := sc.Outputs.Format
	if opt.Format != "" {
		name = opt.Format
	}
	format, err := record.ParseFormat(name)
	if err != nil {
		return "", 0, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", 0, err
	}
	if err := record.ClearRun(dir); err != nil {
		return "", 0, err
	}
	return dir, format, nil
}

// tabler is what city and models offer for output.
type tabler interface{ Tables() []*record.Table }

func writeTables(dir string, format record.Format, env *Env, models []engine.Model, m *record.Manifest) ([]*record.Table, error) {
	var tables []*record.Table
	if t, ok := any(env.City).(tabler); ok {
		tables = append(tables, t.Tables()...)
	}
	for _, model := range models {
		rep, ok := model.(engine.Reporter)
		if !ok {
			continue
		}
		for _, k := range rep.KPIs() {
			m.KPIs[model.Name()] = append(m.KPIs[model.Name()], record.KPIRecord{Name: k.Name, Unit: k.Unit, Value: k.Value})
		}
		tables = append(tables, rep.Tables()...)
	}
	for _, t := range tables {
		path, err := record.WriteTable(dir, t, format)
		if err != nil {
			return nil, err
		}
		rows, _ := t.Rows()
		m.Files = append(m.Files, record.FileRecord{Name: filepath.Base(path), Table: t.Name, Format: format.String(), Rows: rows})
	}
	return tables, nil
}
