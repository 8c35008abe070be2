package scenarios

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"

	"citytwin/engine"
	"citytwin/engine/feed"
	"citytwin/engine/feed/mqtt"
	"citytwin/engine/record"
)

// LiveOptions configure a live run (twin live).
type LiveOptions struct {
	Out    string      // the mirror's results folder (default as twin run's)
	Format string      // table format (default the scenario's)
	MQTT   mqtt.Config // broker and credentials; Broker "" starts an embedded broker on loopback
	Speed  float64     // simulated seconds per wall second (default 1)
	For    time.Duration
	// Publish writes the mirror's tables and manifest this often, in
	// simulated time (default 1 min), so that a viewer can follow them.
	Publish time.Duration
	// ForkEvery forks a look-ahead this often, in simulated time (0: only
	// on demand); Horizon is how far each fork runs (default 2 h).
	ForkEvery, Horizon time.Duration
	// ForkNow asks for a fork now (SIGUSR1 in twin live).
	ForkNow <-chan struct{}
	// WhatIf is the forks' overlay; nil means the scenario's own changes.
	WhatIf   *Scenario
	Audit    *feed.AuditLog // forks and overlays are recorded here when set
	Operator string         // who, for the audit log
	Log      io.Writer      // progress lines (default discard)
	Version  string
	// OnReady is called once subscribed, with the broker's URL (tests).
	OnReady func(brokerURL string)
	// OnPublish is called after each write of the mirror's results
	// (twin live --view starts the viewer on the first).
	OnPublish func(dir string)
	// OnApply, if set, is called in the simulation goroutine for every
	// live observation that reached state, with the wall time it did
	// (latency measurement).
	OnApply func(o *feed.Observation, at time.Time)
}

// LiveResult is what a live run did.
type LiveResult struct {
	Dir       string
	Manifest  *record.Manifest
	Forks     []ForkResult
	Messages  uint64 // MQTT messages received
	BrokerURL string
}

// ForkResult is one look-ahead.
type ForkResult struct {
	At  engine.Time // the mirror's time when forked
	Dir string
	Err error
}

// mirror is the live Sim and what it was built from.
type mirror struct {
	sc     *Scenario
	env    *Env
	sim    *engine.Sim
	models []engine.Model
	feeds  *feedSet
	dir    string
	format record.Format
}

// Live runs sc as a live twin: it builds the scenario without its
// changes (the mirror), subscribes to its MQTT feeds, runs paced to the
// wall clock (opt.Speed), assimilating what arrives every 20 ms of
// simulated time, writes its tables and manifest every opt.Publish, and forks
// look-aheads (fork) every opt.ForkEvery and on opt.ForkNow while the
// mirror keeps running. It stops after opt.For of simulated time (or
// the scenario's duration) or when ctx is done, waits for running forks
// and writes the mirror's results a last time.
func Live(ctx context.Context, sc *Scenario, opt LiveOptions) (*LiveResult, error) {
	opt = opt.withDefaults()
	mr, err := newMirror(sc, opt)
	if err != nil {
		return nil, err
	}
	res := &LiveResult{Dir: mr.dir}
	sub, err := mr.subscribe(&opt, res)
	if err != nil {
		return nil, err
	}
	defer sub.stop()
	if opt.Audit != nil && opt.WhatIf != nil {
		if err := opt.Audit.Record(feed.AuditEntry{Who: opt.Operator, Action: "overlay", Sim: mr.sim.Now().String(),
			Detail: map[string]string{"what_if": opt.WhatIf.Path, "sha256": opt.WhatIf.SHA256, "scenario": sc.Path}}); err != nil {
			return nil, err
		}
	}
	fk := &forker{opt: opt, base: sc, out: mr.dir}
	runErr := mr.loop(ctx, opt, fk)
	fk.wait()
	res.Forks = fk.results
	res.Messages = sub.messages()
	m, err := mr.publish(opt.Version)
	if err != nil {
		return res, err
	}
	res.Manifest = m
	if runErr != nil && !errors.Is(runErr, context.Canceled) {
		return res, runErr
	}
	return res, nil
}

func (opt LiveOptions) withDefaults() LiveOptions {
	if opt.Speed <= 0 {
		opt.Speed = 1
	}
	if opt.Publish <= 0 {
		opt.Publish = time.Minute
	}
	if opt.Horizon <= 0 {
		opt.Horizon = 2 * time.Hour
	}
	if opt.Log == nil {
		opt.Log = io.Discard
	}
	if opt.Operator == "" {
		opt.Operator = "unknown"
	}
	return opt
}

// newMirror builds the live Sim: the scenario's models without its
// changes, its feeds (MQTT ones as feed.Live models) and the feeds model.
func newMirror(sc *Scenario, opt LiveOptions) (*mirror, error) {
	base := *sc
	base.Changes = nil
	env, models, fs, err := buildLive(&base)
	if err != nil {
		return nil, err
	}
	sim := engine.New(sc.Seed)
	sim.SetLabel(checkpointLabel(sc))
	for _, m := range models {
		sim.Add(m)
	}
	if err := sim.Init(); err != nil {
		return nil, err
	}
	dir, format, err := outputs(sc, RunOptions{Out: opt.Out, Format: opt.Format})
	if err != nil {
		return nil, err
	}
	if fs != nil {
		for _, lf := range fs.live {
			lf.model.OnApply = opt.OnApply
		}
	}
	return &mirror{sc: sc, env: env, sim: sim, models: models, feeds: fs, dir: dir, format: format}, nil
}

// buildLive builds sc's models and feeds for a live Sim (mirror or fork:
// the same models in the same order, so checkpoints move between them).
func buildLive(sc *Scenario) (*Env, []engine.Model, *feedSet, error) {
	env, models, feeds, fs, err := build(sc, true)
	if err != nil {
		return nil, nil, nil, err
	}
	return env, append(models, feeds...), fs, nil
}

// subscription is what subscribe started, for stopping and counting.
type subscription struct {
	broker *mqtt.Broker
	subs   []*mqtt.Subscriber
}

// subscribe starts the embedded broker when none is given and one
// subscriber per MQTT feed.
func (mr *mirror) subscribe(opt *LiveOptions, res *LiveResult) (*subscription, error) {
	sub := &subscription{}
	if mr.feeds == nil || len(mr.feeds.live) == 0 {
		return sub, nil
	}
	cfg := opt.MQTT
	if cfg.Broker == "" {
		b, err := mqtt.StartBroker("127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		sub.broker, cfg.Broker = b, b.URL()
		fmt.Fprintf(opt.Log, "embedded MQTT broker at %s\n", b.URL())
	}
	res.BrokerURL = cfg.Broker
	epoch := feed.Epoch(mr.env.Start.UnixMicro())
	for _, lf := range mr.feeds.live {
		c := cfg
		c.QoS = 1
		if q := lf.run.cfg.MQTT.QoS; q != nil {
			c.QoS = byte(*q)
		}
		c.ClientID = "citytwin-" + mr.sc.Name + "-" + lf.run.cfg.Name
		s := mqtt.NewSubscriber(c, mqtt.SubscriberOptions{Topics: []string{lf.run.cfg.MQTT.Topic},
			Format: codecFormat(lf.run.cfg.MQTT.Codec), Registry: lf.run.registry, Epoch: epoch}, lf.model.Queue(), lf.run.check)
		if err := s.Start(); err != nil {
			sub.stop()
			return nil, fmt.Errorf("live: feed %s: %w", lf.run.cfg.Name, err)
		}
		sub.subs = append(sub.subs, s)
		fmt.Fprintf(opt.Log, "feed %s: subscribed to %s (%s)\n", lf.run.cfg.Name, lf.run.cfg.MQTT.Topic, c)
	}
	if opt.OnReady != nil {
		opt.OnReady(cfg.Broker)
	}
	return sub, nil
}

// messages is the number of MQTT messages the subscribers received.
func (s *subscription) messages() uint64 {
	var n uint64
	for _, sub := range s.subs {
		n += sub.Messages()
	}
	return n
}

func (s *subscription) stop() {
	for _, sub := range s.subs {
		sub.Close()
	}
	if s.broker != nil {
		_ = s.broker.Close()
		s.broker = nil
	}
}

// codecFormat maps a feed's codec name to the subscriber's format.
func codecFormat(c string) mqtt.Format {
	switch c {
	case "senml":
		return mqtt.SenML
	case "ngsild", "ngsi-ld":
		return mqtt.NGSILD
	case "tts":
		return mqtt.TTS
	}
	return mqtt.Auto
}

// loop runs the mirror paced, a simulated second at a time (the feeds
// drain every 20 ms within it), publishing and forking when due.
func (mr *mirror) loop(ctx context.Context, opt LiveOptions, fk *forker) error {
	end := engine.FromDuration(mr.sc.Duration.D)
	if opt.For > 0 {
		end = mr.sim.Now() + engine.FromDuration(opt.For)
	}
	publish, every := engine.FromDuration(opt.Publish), engine.FromDuration(opt.ForkEvery)
	nextPublish, nextFork := mr.sim.Now()+publish, engine.Time(-1)
	if every > 0 {
		nextFork = mr.sim.Now() + every
	}
	if err := mr.publishNotify(opt); err != nil {
		return err
	}
	mr.sim.Pace(ctx, opt.Speed)
	defer mr.sim.Pace(ctx, 0)
	for mr.sim.Now() < end {
		if err := mr.sim.RunUntil(min(mr.sim.Now()+engine.Second, end)); err != nil {
			return err
		}
		now, why := mr.sim.Now(), ""
		select {
		case <-opt.ForkNow:
			why = "request"
		default:
		}
		if nextFork >= 0 && now >= nextFork {
			why = cmpOr(why, "schedule")
			nextFork += every
		}
		if why != "" {
			if err := fk.fork(mr.sim, why); err != nil {
				return err
			}
		}
		if now >= nextPublish {
			nextPublish += publish
			if err := mr.publishNotify(opt); err != nil {
				return err
			}
		}
	}
	return nil
}

// publish writes the mirror's tables and manifest as twin run does
// (each file atomically, the manifest last).
func (mr *mirror) publish(version string) (*record.Manifest, error) {
	m := manifestOf(mr.sc, mr.sim, mr.models, version, false)
	if _, err := writeTables(mr.dir, mr.format, mr.env, mr.models, m); err != nil {
		return nil, err
	}
	if err := record.WriteManifest(mr.dir, m); err != nil {
		return nil, err
	}
	return m, nil
}

// publishNotify publishes and tells opt.OnPublish.
func (mr *mirror) publishNotify(opt LiveOptions) error {
	if _, err := mr.publish(opt.Version); err != nil {
		return err
	}
	if opt.OnPublish != nil {
		opt.OnPublish(mr.dir)
	}
	return nil
}

// manifestOf is the manifest of a live Sim (no wall time: live runs have none to compare).
func manifestOf(sc *Scenario, sim *engine.Sim, models []engine.Model, version string, restored bool) *record.Manifest {
	names := make([]string, len(models))
	for i, m := range models {
		names[i] = m.Name()
	}
	return &record.Manifest{Scenario: sc.Path, ScenarioSHA256: sc.SHA256, Name: sc.Name, Seed: sim.Seed(), Version: version,
		SimStart: sc.StartTime.Format(time.RFC3339), SimEnd: sc.StartTime.Add(sim.Now().Duration()).Format(time.RFC3339),
		TimeZone: sc.TimeZone, Restored: restored, Events: sim.Dispatched(), EventDigest: sim.Digest(),
		Models: names, KPIs: map[string][]record.KPIRecord{}}
}

// forker runs look-aheads, one at a time, in a goroutine each.
type forker struct {
	opt     LiveOptions
	base    *Scenario
	out     string
	mu      sync.Mutex
	busy    bool
	wg      sync.WaitGroup
	results []ForkResult
}

// fork checkpoints the mirror and starts a look-ahead from it, unless one
// is still running (then the request is logged and dropped: forks never
// queue up behind a slow one).
func (fk *forker) fork(sim *engine.Sim, why string) error {
	fk.mu.Lock()
	if fk.busy {
		fk.mu.Unlock()
		fmt.Fprintf(fk.opt.Log, "fork at %v skipped: the previous one is still running\n", sim.Now())
		return nil
	}
	fk.busy = true
	fk.mu.Unlock()
	var buf bytes.Buffer
	if err := sim.Checkpoint(&buf); err != nil {
		fk.mu.Lock()
		fk.busy = false
		fk.mu.Unlock()
		return fmt.Errorf("live: fork: %w", err)
	}
	at := sim.Now()
	fk.wg.Add(1)
	go func() {
		defer fk.wg.Done()
		r := fk.run(buf.Bytes(), at, why)
		fk.mu.Lock()
		fk.results = append(fk.results, r)
		fk.busy = false
		fk.mu.Unlock()
		if r.Err != nil {
			fmt.Fprintf(fk.opt.Log, "fork at %v failed: %v\n", at, r.Err)
			return
		}
		fmt.Fprintf(fk.opt.Log, "fork at %v: results in %s\n", at, r.Dir)
	}()
	return nil
}

func (fk *forker) wait() { fk.wg.Wait() }

// run builds the overlay scenario, restores the mirror's checkpoint into
// it, applies the overlay's changes, runs to at + horizon unpaced and
// writes the results to OUT/forks/<local sim time>/; then audits it.
func (fk *forker) run(checkpoint []byte, at engine.Time, why string) ForkResult {
	sc := fk.base
	overlay := "changes of " + sc.Path
	if fk.opt.WhatIf != nil {
		sc, overlay = fk.opt.WhatIf, fk.opt.WhatIf.Path
	}
	res := ForkResult{At: at, Dir: filepath.Join(fk.out, "forks", sc.StartTime.Add(at.Duration()).Format("2006-01-02T15-04-05"))}
	sim, env, models, err := restoreFork(sc, checkpoint)
	if err == nil {
		err = sim.RunUntil(at + engine.FromDuration(fk.opt.Horizon))
	}
	if err == nil {
		err = writeFork(res.Dir, fk.opt, sc, sim, env, models)
	}
	res.Err = err
	if fk.opt.Audit != nil {
		detail := map[string]string{"overlay": overlay, "horizon": fk.opt.Horizon.String(), "dir": res.Dir, "trigger": why}
		if err != nil {
			detail["error"] = err.Error()
		}
		if aerr := fk.opt.Audit.Record(feed.AuditEntry{Who: fk.opt.Operator, Action: "fork", Sim: at.String(), Detail: detail}); aerr != nil && res.Err == nil {
			res.Err = aerr
		}
	}
	return res
}

// restoreFork builds sc (with its changes), loads the checkpoint and
// applies again the changes a checkpoint overwrites (the car parks'
// state); the other models take their changes from configuration the
// checkpoint leaves alone (grid growth and shares, traffic what-ifs,
// water actions, which act at their times or, when already past, at the
// next step).
func restoreFork(sc *Scenario, checkpoint []byte) (*engine.Sim, *Env, []engine.Model, error) {
	env, models, _, err := buildLive(sc)
	if err != nil {
		return nil, nil, nil, err
	}
	sim := engine.New(sc.Seed)
	sim.SetLabel(checkpointLabel(sc))
	for _, m := range models {
		sim.Add(m)
	}
	if err := sim.Init(); err != nil {
		return nil, nil, nil, err
	}
	if err := sim.Restore(bytes.NewReader(checkpoint)); err != nil {
		return nil, nil, nil, err
	}
	for _, m := range models {
		if pm, ok := m.(parkingModel); ok {
			if err := parkingChanges(env, pm.Model); err != nil {
				return nil, nil, nil, err
			}
		}
	}
	return sim, env, models, nil
}

// writeFork writes a fork's tables and manifest.
func writeFork(dir string, opt LiveOptions, sc *Scenario, sim *engine.Sim, env *Env, models []engine.Model) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	format, err := record.ParseFormat(cmpOr(opt.Format, sc.Outputs.Format))
	if err != nil {
		return err
	}
	m := manifestOf(sc, sim, models, opt.Version, true)
	if _, err := writeTables(dir, format, env, models, m); err != nil {
		return err
	}
	return record.WriteManifest(dir, m)
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
