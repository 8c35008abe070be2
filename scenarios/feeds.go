package scenarios

import (
	"encoding/gob"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"citytwin/engine"
	"citytwin/engine/feed"
	"citytwin/engine/feed/replay"
	"citytwin/engine/record"
	"citytwin/models/water"
)

// feedConfig is one entry of the scenario's feeds: list: a recorded
// replay or a live MQTT subscription, and the twin entities its sensors
// observe.
//
//	feeds:
//	  - name: garages
//	    replay: {file: data/feeds/aarhus_parking.csv, time: {...}, sensor: [garagecode],
//	             entity: {model: parking}, values: [...]}
//	    entities:
//	      BRUUNS: {model: parking, id: "60"}
//	  - name: loops
//	    mqtt: {topic: city/+/senml, codec: senml, qos: 1}
//	    entities:
//	      loop-7: {model: traffic, id: "way:24583511"}
type feedConfig struct {
	Name   string          `yaml:"name"`
	Replay *replay.Mapping `yaml:"replay"`
	MQTT   *mqttFeed       `yaml:"mqtt"`
	// Entities maps sensor ids to twin entities. When given, a sensor not
	// listed is unknown: its readings are set aside and counted. When
	// absent (replays only), each reading keeps the mapping's entity.
	Entities map[string]entityRef `yaml:"entities"`
}

// mqttFeed is a live subscription; twin run ignores it, twin live
// subscribes to it.
type mqttFeed struct {
	Topic string `yaml:"topic"` // MQTT topic filter, e.g. city/+/senml
	Codec string `yaml:"codec"` // senml, ngsild, tts or auto (default)
	QoS   *int   `yaml:"qos"`   // 0 or 1 (default 1)
}

// entityRef names a twin entity: the model and the entity's id in it.
//
//   - parking: a facility's name, or its index in the parking tables;
//   - traffic: "way:<OSM way id>" (its first drivable edge) or "edge:<index>";
//   - grid: a bus number of the synthesized grid (grid_buses);
//   - water: a link id of the network (flow meters) or a node id
//     (pressure loggers); "link:<id>" or "node:<id>" when both exist.
type entityRef struct {
	Model string `yaml:"model"`
	ID    string `yaml:"id"`
}

// waterNodeBase is added to a water node's index in Entity.Index, so that
// links (flow) and nodes (pressure) share the field.
const waterNodeBase = 1 << 30

// decodeFeeds decodes the scenario's feeds: section strictly.
func (sc *Scenario) decodeFeeds() ([]feedConfig, error) {
	out := make([]feedConfig, len(sc.Feeds))
	seen := map[string]bool{}
	for i, node := range sc.Feeds {
		key := fmt.Sprintf("feeds[%d]", i)
		fc := &out[i]
		env := &Env{Scenario: sc}
		if err := env.Decode(node, fc); err != nil {
			return nil, err
		}
		if (fc.Replay == nil) == (fc.MQTT == nil) {
			return nil, sc.fieldError(key, "give exactly one of replay or mqtt")
		}
		if fc.Name == "" && fc.Replay != nil {
			fc.Name = fc.Replay.Name
		}
		if fc.Name == "" {
			return nil, sc.fieldError(key+".name", "missing required field")
		}
		if seen[fc.Name] {
			return nil, sc.fieldError(key+".name", "feed %q given twice", fc.Name)
		}
		seen[fc.Name] = true
		if err := fc.check(sc, key); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// check validates one feed beyond what decoding does.
func (fc *feedConfig) check(sc *Scenario, key string) error {
	if fc.MQTT != nil {
		switch fc.MQTT.Codec {
		case "", "auto", "senml", "ngsild", "ngsi-ld", "tts":
		default:
			return sc.fieldError(key+".mqtt.codec", "want senml, ngsild, tts or auto, got %q", fc.MQTT.Codec)
		}
		if fc.MQTT.Topic == "" {
			return sc.fieldError(key+".mqtt.topic", "missing required field")
		}
		if q := fc.MQTT.QoS; q != nil && (*q < 0 || *q > 1) {
			return sc.fieldError(key+".mqtt.qos", "want 0 or 1, got %d", *q)
		}
		if len(fc.Entities) == 0 {
			return sc.fieldError(key+".entities", "a live feed needs its sensors' entities")
		}
	}
	if fc.Replay != nil && fc.Replay.Name == "" {
		fc.Replay.Name = fc.Name
	}
	for _, s := range sortedKeys(fc.Entities) {
		e := fc.Entities[s]
		if _, ok := builders[e.Model]; !ok || e.ID == "" {
			return sc.fieldError(key+".entities."+s, "want {model: one of %s, id: ...}, got %+v", knownModels(), e)
		}
		if _, ok := sc.Models[e.Model]; !ok {
			return sc.fieldError(key+".entities."+s, "model %q is not in this scenario's models", e.Model)
		}
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// feedRun is one feed of a run: its configuration, its Checker, and for
// replays the recording.
type feedRun struct {
	cfg      feedConfig
	key      string
	check    *feed.Checker
	rec      *replay.Recording
	unmapped int // readings of sensors not in entities
	registry feed.Registry
}

// buildFeeds makes the engine models of the scenario's feeds: one
// feed.Replay per replay, and the "feeds" model that owns the counts,
// delivers observations to the models and reports. live says whether MQTT
// feeds get a feed.Live model (twin live) or are left out (twin run).
// models are the scenario's models, already built.
func buildFeeds(env *Env, models []engine.Model, live bool) (*feedSet, []engine.Model, error) {
	cfgs, err := env.Scenario.decodeFeeds()
	if err != nil || len(cfgs) == 0 {
		return nil, nil, err
	}
	fs := newFeedSet(env, models)
	var out []engine.Model
	for i, c := range cfgs {
		fr := &feedRun{cfg: c, key: fmt.Sprintf("feeds[%d]", i), check: feed.NewChecker(nil)}
		if fr.registry, err = fs.registry(fr); err != nil {
			return nil, nil, err
		}
		switch {
		case c.Replay != nil:
			if err := fs.loadReplay(fr); err != nil {
				return nil, nil, err
			}
			r := feed.NewReplay("feed/"+c.Name, fr.rec, fr.check)
			r.SetDeliver(fs.deliver)
			out = append(out, r)
		case live:
			l := feed.NewLive("feed/"+c.Name, feed.NewQueue(liveQueueLen, feed.Block), fr.check, liveDrain)
			l.SetDeliver(fs.deliver)
			fs.live = append(fs.live, liveFeed{run: fr, model: l})
			out = append(out, l)
		default:
			continue // an MQTT feed in twin run: not subscribed, not reported
		}
		fs.feeds = append(fs.feeds, fr)
	}
	return fs, append(out, fs), nil
}

// Live feeds: queue length (observations) and drain period (simulated
// time): at real-time speed a reading waits at most 20 ms in the queue
// before it reaches state, within issue 7's 50 ms publish-to-state budget.
const (
	liveQueueLen = 1 << 16
	liveDrain    = 20 * engine.Millisecond
)

// registry resolves the feed's entities: map to every sensor's twin
// entity with its index in the model.
func (fs *feedSet) registry(fr *feedRun) (feed.Registry, error) {
	if len(fr.cfg.Entities) == 0 {
		return nil, nil
	}
	reg := feed.Registry{}
	for _, s := range sortedKeys(fr.cfg.Entities) {
		e := fr.cfg.Entities[s]
		idx, err := fs.resolve(e.Model, e.ID)
		if err != nil {
			return nil, fs.env.Invalid(fr.key+".entities."+s, "%v", err)
		}
		reg[s] = feed.Entity{Model: e.Model, ID: e.ID, Index: idx}
	}
	return reg, nil
}

// loadReplay reads the recording and sets every observation's entity:
// from the registry when there is one (unlisted sensors dropped and
// counted), else the mapping's entity resolved in its model.
func (fs *feedSet) loadReplay(fr *feedRun) error {
	m := *fr.cfg.Replay
	var start time.Time
	if m.Start == "" {
		start = fs.env.Start
	}
	rec, err := replay.Load(m, fs.env.Scenario.Dir, start)
	if err != nil {
		return fs.env.Invalid(fr.key+".replay", "%v", err)
	}
	resolved := map[string]feed.Entity{}
	kept := rec.Obs[:0]
	for _, o := range rec.Obs {
		e, ok := resolved[o.Sensor]
		if !ok {
			if fr.registry != nil {
				if e, ok = fr.registry[o.Sensor]; !ok {
					fr.unmapped++
					continue
				}
			} else {
				idx, err := fs.resolve(o.Entity.Model, o.Entity.ID)
				if err != nil {
					return fs.env.Invalid(fr.key+".replay.entity", "sensor %q: %v", o.Sensor, err)
				}
				e = feed.Entity{Model: o.Entity.Model, ID: o.Entity.ID, Index: idx}
			}
			resolved[o.Sensor] = e
		}
		o.Entity = e
		kept = append(kept, o)
	}
	rec.Obs = kept
	fr.rec = rec
	return nil
}

// resolve finds entity id in the named model; see entityRef.
func (fs *feedSet) resolve(model, id string) (int32, error) {
	switch m := fs.models[model].(type) {
	case parkingModel:
		if f := m.FacilityByName(id); f >= 0 {
			return int32(f), nil
		}
		if f, err := strconv.Atoi(id); err == nil && f >= 0 && f < len(m.Facilities()) {
			return int32(f), nil
		}
		return 0, fmt.Errorf("parking: no facility named or numbered %q", id)
	case *trafficModel:
		return fs.resolveEdge(id)
	case *gridModel:
		bus, err := strconv.Atoi(id)
		if err != nil || !m.g.HasBus(bus) {
			return 0, fmt.Errorf("grid: no bus %q (see grid_buses)", id)
		}
		return int32(bus), nil
	case *waterModel:
		kind, name, _ := strings.Cut(id, ":")
		if name == "" {
			kind, name = "", id
		}
		if k, ok := m.net.LinkIndex(name); ok && kind != "node" {
			return int32(k), nil
		}
		if i, ok := m.net.NodeIndex(name); ok && kind != "link" {
			return int32(waterNodeBase + i), nil
		}
		return 0, fmt.Errorf("water: no link or node %q", id)
	case nil:
		return 0, fmt.Errorf("model %q is not in this run", model)
	}
	return -1, nil // another model (waste) resolves its own ids
}

// resolveEdge reads "edge:N" or "way:ID" (or a bare way id).
func (fs *feedSet) resolveEdge(id string) (int32, error) {
	g := fs.env.City.Roads
	if n, ok := strings.CutPrefix(id, "edge:"); ok {
		e, err := strconv.Atoi(n)
		if err != nil || e < 0 || e >= g.NumEdges() {
			return 0, fmt.Errorf("traffic: no edge %q", id)
		}
		return int32(e), nil
	}
	way, err := strconv.ParseInt(strings.TrimPrefix(id, "way:"), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("traffic: entity %q: want way:<OSM id> or edge:<index>", id)
	}
	for e := 0; e < g.NumEdges(); e++ {
		if g.WayOSM[e] == way {
			return int32(e), nil
		}
	}
	return 0, fmt.Errorf("traffic: no drivable edge of way %d", way)
}

// feedSet is the engine model "feeds": it delivers the feeds'
// observations to the models (the models' own Assimilate, or the grid and
// water adapters' meter handling here), keeps what the assimilation found
// (residuals, leak alarms) and reports the counts of every feed.
type feedSet struct {
	env    *Env
	models map[string]engine.Model
	feeds  []*feedRun
	live   []liveFeed
	loops  []feedLoop // traffic counting sensors, placed at Init
	flow   water.FlowAssimilation
	st     feedState
}

// liveFeed is an MQTT feed of twin live and the model draining it.
type liveFeed struct {
	run   *feedRun
	model *feed.Live
}

type feedLoop struct {
	sensor string
	edge   int32
}

// maxResidualRows bounds the residual table (a live feed at thousands of
// messages per second must not grow memory without end); later residuals
// are counted, not kept.
const maxResidualRows = 200_000

// feedState is what the feeds model saves in a checkpoint.
type feedState struct {
	Res             residualRows
	Alarms          alarmRows
	ResidualsBeyond int
}

// residualRows: per assimilated reading, the observed value and the
// model's value just before it.
type residualRows struct {
	TimeS                     []float64
	Sensor, Model, Entity     []string
	Quantity                  []string
	Observed, Modelled, After []float64
}

// alarmRows are the water leak alarms.
type alarmRows struct {
	TimeS                         []float64
	Sensor, Link                  []string
	ObservedM3H, ModelledM3H, Exc []float64
}

func newFeedSet(env *Env, models []engine.Model) *feedSet {
	fs := &feedSet{env: env, models: map[string]engine.Model{}, flow: water.DefaultFlowAssimilation()}
	for _, m := range models {
		fs.models[m.Name()] = m
	}
	return fs
}

// Name is "feeds".
func (fs *feedSet) Name() string { return "feeds" }

// Init places the traffic model's twins of the counting sensors.
func (fs *feedSet) Init(s *engine.Sim, id engine.ModelID) error {
	tm, ok := fs.models["traffic"].(*trafficModel)
	if !ok {
		return nil
	}
	for _, l := range fs.trafficLoops() {
		if tm.Model.AddFeedLoop(l.sensor, l.edge) < 0 {
			return fmt.Errorf("feeds: sensor %q: no traffic edge %d", l.sensor, l.edge)
		}
	}
	return nil
}

// trafficLoops lists every traffic sensor of the feeds once, sorted.
func (fs *feedSet) trafficLoops() []feedLoop {
	edges := map[string]int32{}
	for _, fr := range fs.feeds {
		for s, e := range fr.registry {
			if e.Model == "traffic" {
				edges[s] = e.Index
			}
		}
		if fr.rec != nil && fr.registry == nil {
			for _, o := range fr.rec.Obs {
				if o.Entity.Model == "traffic" {
					edges[o.Sensor] = o.Entity.Index
				}
			}
		}
	}
	var out []feedLoop
	for _, s := range sortedKeys(edges) {
		out = append(out, feedLoop{sensor: s, edge: edges[s]})
	}
	return out
}

// Handle: the feeds model has no events of its own.
func (fs *feedSet) Handle(*engine.Sim, engine.Event) error { return nil }

// deliver hands one checked observation to its model.
func (fs *feedSet) deliver(s *engine.Sim, from engine.ModelID, o *feed.Observation) error {
	switch m := fs.models[o.Entity.Model].(type) {
	case parkingModel:
		before, _, err := m.Occupancy(int(o.Entity.Index))
		if err != nil {
			return fmt.Errorf("feeds: sensor %q: %w", o.Sensor, err)
		}
		if err := m.Assimilate(s, o); err != nil {
			return err
		}
		if o.Quantity == feed.QtyOccupancy && o.Quality&feed.QLate == 0 {
			after, _, _ := m.Occupancy(int(o.Entity.Index))
			fs.residual(s, o, float64(before), float64(after))
		}
		return nil
	case *trafficModel:
		return m.Model.Assimilate(s, o)
	case *gridModel:
		return fs.gridMeter(s, m, o)
	case *waterModel:
		return fs.waterReading(s, m, o)
	}
	return feed.Deliver(s, from, o)
}

// gridMeter assimilates an active-power reading at a bus (grid.AssimilateMeter).
func (fs *feedSet) gridMeter(s *engine.Sim, m *gridModel, o *feed.Observation) error {
	if o.Quantity != feed.QtyPower || o.Quality&feed.QLate != 0 {
		return nil
	}
	kw := o.Value
	switch o.Unit {
	case "W":
		kw /= 1000
	case "MW":
		kw *= 1000
	case "kW", "":
	default:
		return fmt.Errorf("feeds: sensor %q: power in %q (want W, kW or MW)", o.Sensor, o.Unit)
	}
	before, _, err := m.g.AssimilateMeter(int(o.Entity.Index), kw)
	if err != nil {
		return fmt.Errorf("feeds: sensor %q: %w", o.Sensor, err)
	}
	after, _ := m.g.BusLoadMW(int(o.Entity.Index))
	fs.residual(s, o, before, after*1000)
	return nil
}

// waterReading assimilates a flow at a link (water.FlowAssimilation:
// demand, or a leak alarm); a pressure at a node is only compared.
func (fs *feedSet) waterReading(s *engine.Sim, m *waterModel, o *feed.Observation) error {
	if o.Quality&feed.QLate != 0 {
		return nil
	}
	idx := int(o.Entity.Index)
	switch {
	case o.Quantity == feed.QtyFlow && idx < waterNodeBase:
		q, err := water.FlowToM3H(o.Value, o.Unit)
		if err != nil {
			return fmt.Errorf("feeds: sensor %q: %w", o.Sensor, err)
		}
		out, err := fs.flow.Apply(m.sim, idx, q)
		if err != nil {
			return fmt.Errorf("feeds: sensor %q: %w", o.Sensor, err)
		}
		fs.residual(s, o, out.ModelledM3H, out.Multiplier)
		if out.Alarm {
			a := &fs.st.Alarms
			a.TimeS = append(a.TimeS, s.Now().Seconds())
			a.Sensor = append(a.Sensor, o.Sensor)
			a.Link = append(a.Link, m.net.Links[idx].ID)
			a.ObservedM3H = append(a.ObservedM3H, q)
			a.ModelledM3H = append(a.ModelledM3H, out.ModelledM3H)
			a.Exc = append(a.Exc, out.ExcessM3H)
		}
	case o.Quantity == feed.QtyPressure && idx >= waterNodeBase:
		p := m.sim.NodePressure(idx - waterNodeBase)
		fs.residual(s, o, p, p)
	}
	return nil
}

// residual keeps one row of the residual table (up to maxResidualRows).
func (fs *feedSet) residual(s *engine.Sim, o *feed.Observation, modelled, after float64) {
	r := &fs.st.Res
	if len(r.TimeS) >= maxResidualRows {
		fs.st.ResidualsBeyond++
		return
	}
	r.TimeS = append(r.TimeS, s.Now().Seconds())
	r.Sensor = append(r.Sensor, o.Sensor)
	r.Model = append(r.Model, o.Entity.Model)
	r.Entity = append(r.Entity, o.Entity.ID)
	r.Quantity = append(r.Quantity, o.Quantity)
	r.Observed = append(r.Observed, o.Value)
	r.Modelled = append(r.Modelled, modelled)
	r.After = append(r.After, after)
}

// KPIs are, per feed, the Checker's counts (received = applied + late +
// duplicate + quarantined), the quarantine reasons, the recording's bad
// rows and the readings of unlisted sensors; then the leak alarms.
func (fs *feedSet) KPIs() []engine.KPI {
	var out []engine.KPI
	for _, fr := range fs.feeds {
		c := fr.check.Counts()
		p := fr.cfg.Name + "."
		out = append(out,
			engine.KPI{Name: p + "received", Unit: "obs", Value: float64(c.Received)},
			engine.KPI{Name: p + "applied", Unit: "obs", Value: float64(c.Applied)},
			engine.KPI{Name: p + "late", Unit: "obs", Value: float64(c.Late)},
			engine.KPI{Name: p + "duplicate", Unit: "obs", Value: float64(c.Duplicate)},
			engine.KPI{Name: p + "quarantined", Unit: "obs", Value: float64(c.Quarantined)})
		for _, r := range sortedKeys(c.ByReason) {
			out = append(out, engine.KPI{Name: p + "quarantined." + r, Unit: "obs", Value: float64(c.ByReason[r])})
		}
		if fr.rec != nil {
			out = append(out, engine.KPI{Name: p + "bad_rows", Unit: "rows", Value: float64(fr.rec.Bad.Total())})
		}
		out = append(out, engine.KPI{Name: p + "unmapped", Unit: "obs", Value: float64(fr.unmapped)})
	}
	return append(out, engine.KPI{Name: "water_leak_alarms", Unit: "alarms", Value: float64(len(fs.st.Alarms.TimeS))},
		engine.KPI{Name: "residuals_not_kept", Unit: "rows", Value: float64(fs.st.ResidualsBeyond)})
}

// Tables are "feed_residuals" (per assimilated reading: observed, the
// model's value before and after) and, when any, "water_leak_alarms".
func (fs *feedSet) Tables() []*record.Table {
	r := &fs.st.Res
	t := record.NewTable("feed_residuals")
	t.Float("time_s", "s", r.TimeS)
	t.Str("sensor", r.Sensor)
	t.Str("model", r.Model)
	t.Str("entity", r.Entity)
	t.Str("quantity", r.Quantity)
	t.Float("observed", "", r.Observed)
	t.Float("modelled", "", r.Modelled)
	t.Float("after", "", r.After)
	out := []*record.Table{t}
	if a := &fs.st.Alarms; len(a.TimeS) > 0 {
		at := record.NewTable("water_leak_alarms")
		at.Float("time_s", "s", a.TimeS)
		at.Str("sensor", a.Sensor)
		at.Str("link", a.Link)
		at.Float("observed_m3h", "m3/h", a.ObservedM3H)
		at.Float("modelled_m3h", "m3/h", a.ModelledM3H)
		at.Float("excess_m3h", "m3/h", a.Exc)
		out = append(out, at)
	}
	return out
}

// SaveState implements engine.Stater.
func (fs *feedSet) SaveState(w io.Writer) error { return gob.NewEncoder(w).Encode(&fs.st) }

// LoadState implements engine.Stater.
func (fs *feedSet) LoadState(r io.Reader) error {
	var st feedState
	if err := gob.NewDecoder(r).Decode(&st); err != nil {
		return fmt.Errorf("feeds: state: %w", err)
	}
	fs.st = st
	return nil
}

var (
	_ engine.Reporter = (*feedSet)(nil)
	_ engine.Stater   = (*feedSet)(nil)
)
