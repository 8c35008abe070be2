package scenarios

import (
	_ "embed"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"citytwin/engine/record"
	"citytwin/models/city"
	"citytwin/models/grid/citygrid"
	"citytwin/models/traffic"
	"citytwin/models/water/synth"
)

// bdewProfiles is the shipped copy of the BDEW standard load profiles
// (data/grid/SOURCES.md), written beside a scenario that cannot reach it.
//
//go:embed data/grid/selp_series.csv
var bdewProfiles []byte

// InitOptions says what Init makes and where.
type InitOptions struct {
	OSM  string // the OpenStreetMap extract (.osm, .osm.gz, .osm.pbf)
	Name string // scenario name (default: the extract's file name without extensions)
	Out  string // scenario file to write (default scenarios/NAME.yaml)
	// Profiles is the BDEW profile table the grid needs; when the file
	// does not exist the shipped copy is written beside the scenario.
	// Default scenarios/data/grid/selp_series.csv.
	Profiles string
	Start    string // local start (default 2024-05-14T07:00:00, a Tuesday morning)
	TimeZone string // IANA zone (default Europe/Copenhagen)
	Duration string // default 2h
	// Force lets Init replace an existing scenario file; without it an
	// existing file (perhaps edited since) is an error.
	Force bool
}

// InitResult is what Init wrote and what it found missing.
type InitResult struct {
	Scenario string   // the scenario file
	WaterINP string   // the synthesized network as EPANET .inp, beside it
	Profiles string   // the profile table the scenario names
	Found    []string // what the extract gave each model
	Gaps     []string // what it lacked and what stands in for it
}

// Init writes a scenario running all five models on the city in an OSM
// extract alone: traffic from the buildings, parking, waste (when the
// waste model is built in), the grid and the water network synthesized
// from the streets, substations and buildings. Every assumption is a key
// with its value and a comment. The scenario is parsed and its models built
// before it is written, so what Init writes loads.
func Init(opt InitOptions) (*InitResult, error) {
	explicitProfiles := opt.Profiles != ""
	opt.defaults()
	if err := opt.check(explicitProfiles); err != nil {
		return nil, err
	}
	c, err := city.Load(opt.OSM)
	if err != nil {
		return nil, err
	}
	res := &InitResult{Scenario: opt.Out}
	dir := filepath.Dir(opt.Out)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	w := &initWriter{opt: opt, c: c, res: res}
	if err := w.prepare(dir); err != nil {
		return nil, err
	}
	text := w.render()
	sc, err := Parse(opt.Out, []byte(text))
	if err != nil {
		return nil, fmt.Errorf("init: the generated scenario does not load: %w", err)
	}
	if _, _, err := Build(sc); err != nil {
		return nil, fmt.Errorf("init: the generated scenario does not build: %w", err)
	}
	if err := record.WriteFileAtomic(opt.Out, func(f io.Writer) error { _, err := io.WriteString(f, text); return err }); err != nil {
		return nil, err
	}
	return res, nil
}

// check refuses, before the city is read, what would fail or do harm
// later: a start, zone or duration the scenario could not hold, a profile
// table the user named that is not there (the shipped copy stands in only
// for the default path), and an existing scenario file without Force.
func (o *InitOptions) check(explicitProfiles bool) error {
	loc, err := time.LoadLocation(o.TimeZone)
	if err != nil {
		return fmt.Errorf("%w: init: time zone %q: %v", ErrInvalid, o.TimeZone, err)
	}
	if _, err := time.ParseInLocation("2006-01-02T15:04:05", o.Start, loc); err != nil {
		return fmt.Errorf("%w: init: start %q: want a local date-time like 2024-05-14T07:00:00", ErrInvalid, o.Start)
	}
	if d, err := ParseDuration(o.Duration); err != nil || d <= 0 {
		return fmt.Errorf("%w: init: duration %q: want a positive duration like 2h", ErrInvalid, o.Duration)
	}
	if explicitProfiles {
		if _, err := os.Stat(o.Profiles); err != nil {
			return fmt.Errorf("%w: init: profiles: %v", ErrInvalid, err)
		}
	}
	if !o.Force {
		if _, err := os.Stat(o.Out); err == nil {
			return fmt.Errorf("%w: init: %s exists (give --force to replace it)", ErrInvalid, o.Out)
		}
	}
	return nil
}

func (o *InitOptions) defaults() {
	if o.Name == "" {
		base := filepath.Base(o.OSM)
		for _, ext := range []string{".gz", ".pbf", ".osm", ".xml"} {
			base = strings.TrimSuffix(base, ext)
		}
		o.Name = base
	}
	if o.Out == "" {
		o.Out = filepath.Join("scenarios", o.Name+".yaml")
	}
	if o.Profiles == "" {
		o.Profiles = filepath.Join("scenarios", "data", "grid", "selp_series.csv")
	}
	if o.Start == "" {
		o.Start = "2024-05-14T07:00:00"
	}
	if o.TimeZone == "" {
		o.TimeZone = "Europe/Copenhagen"
	}
	if o.Duration == "" {
		o.Duration = "2h"
	}
}

// initWriter gathers what the scenario text needs.
type initWriter struct {
	opt      InitOptions
	c        *city.City
	res      *InitResult
	osmRel   string // the extract, relative to the scenario
	profRel  string
	waterRel string
	water    *synth.Result
	grid     *citygrid.Result
	homes    bool // residential buildings near a road: building demand possible
}

// prepare synthesizes the water network (written as .inp) and the grid
// (to check it and name its gaps), and resolves the paths.
func (w *initWriter) prepare(dir string) error {
	var err error
	if w.osmRel, err = relativeTo(dir, w.opt.OSM); err != nil {
		return err
	}
	if err := w.profiles(dir); err != nil {
		return err
	}
	if w.water, err = synth.Synthesize(w.c, synth.DefaultParams()); err != nil {
		return fmt.Errorf("init: water: %w", err)
	}
	w.res.WaterINP = filepath.Join(dir, w.opt.Name+"-water.inp")
	w.waterRel = filepath.Base(w.res.WaterINP)
	if err := record.WriteFileAtomic(w.res.WaterINP, func(f io.Writer) error { _, err := f.Write(w.water.INP); return err }); err != nil {
		return err
	}
	if w.grid, err = citygrid.Synthesize(w.c, citygrid.DefaultParams()); err != nil {
		return fmt.Errorf("init: grid: %w", err)
	}
	w.findings()
	return nil
}

// profiles points the scenario at the profile table, writing the shipped
// copy beside it when the given one does not exist.
func (w *initWriter) profiles(dir string) error {
	path := w.opt.Profiles
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		path = filepath.Join(dir, w.opt.Name+"-selp_series.csv")
		if err := record.WriteFileAtomic(path, func(f io.Writer) error { _, err := f.Write(bdewProfiles); return err }); err != nil {
			return err
		}
		w.res.Found = append(w.res.Found, "grid: BDEW profiles written to "+path+" (demandlib, MIT; see scenarios/data/grid/SOURCES.md)")
	}
	w.res.Profiles = path
	var err error
	w.profRel, err = relativeTo(dir, path)
	return err
}

// relativeTo is path relative to dir (both made absolute first).
func relativeTo(dir, path string) (string, error) {
	ad, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	ap, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	rel, err := filepath.Rel(ad, ap)
	if err != nil {
		return "", err
	}
	return filepath.ToSlash(rel), nil
}

// findings lists what each model got from the extract and what it lacks.
func (w *initWriter) findings() {
	c, r := w.c, w.res
	s := c.Summary()
	r.Found = append(r.Found,
		fmt.Sprintf("city: %d road nodes, %.1f km of car roads, %d buildings (%.2f km² floor area)", s.Nodes, s.DrivableKm, s.Buildings, s.BuildingFloorAreaKm2),
		fmt.Sprintf("water: %d junctions, %d links, %.1f km of mains, %.0f residents, %.1f l/s mean, %.1f l/s at %02d h; pressure at the peak hour %.1f..%.1f m; source %s %s",
			w.water.Net.NJuncs, len(w.water.Net.Links), w.water.PipeKm, w.water.Residents, w.water.MeanDemandLps, w.water.PeakDemandLps, w.water.PeakHour,
			w.water.MinPressureM, w.water.MaxPressureM, w.water.Source.Kind, w.water.Source.Name),
		fmt.Sprintf("grid: %d buses, %d primary and %d secondary substations, %.1f km of MV cable", len(w.grid.Case.Buses), w.grid.Primaries, w.grid.Secondaries, w.grid.CableKm),
		fmt.Sprintf("parking: %d car parks, %d on-street strips, %d charging stations", len(c.CarParks), len(c.OnStreet), len(c.Chargers)),
		fmt.Sprintf("waste: %d waste baskets, %d recycling points", len(c.WasteBaskets), len(c.Recycling)))
	r.Gaps = append(r.Gaps, w.water.Gaps...)
	for _, n := range w.grid.Notes {
		r.Gaps = append(r.Gaps, "grid: "+n+w.primaryAt(n))
	}
	if len(c.CarParks) == 0 {
		r.Gaps = append(r.Gaps, "parking: no car parks tagged (amenity=parking): supply from on-street strips and kerbside estimates only; add a register with car_parks: FILE.csv")
	}
	if len(c.Chargers) == 0 {
		r.Gaps = append(r.Gaps, "parking: no charging stations tagged (amenity=charging_station): electric cars find nowhere to charge")
	}
	if len(c.WasteBaskets)+len(c.Recycling) == 0 {
		r.Gaps = append(r.Gaps, "waste: no waste baskets or recycling points tagged")
	}
	if _, ok := builders["waste"]; !ok {
		r.Gaps = append(r.Gaps, "waste: the waste model is not in this build of twin: no waste section written")
	}
	for _, b := range c.Buildings {
		w.homes = w.homes || b.Use == "residential" && b.FloorAreaM2 > 0 && b.Edge != city.NoEdge
	}
	if !w.homes {
		r.Gaps = append(r.Gaps, "traffic: no residential buildings to draw trips from: random trips instead")
	}
}

// primaryAt adds the place of a synthetic primary substation to its note.
func (w *initWriter) primaryAt(note string) string {
	if !w.grid.SyntheticPrimary || !strings.Contains(note, "primary") {
		return ""
	}
	for i, k := range w.grid.BusKind {
		if k == citygrid.PrimaryMV {
			ll := w.grid.BusLonLat[i]
			return fmt.Sprintf(" (%.5f, %.5f)", ll[0], ll[1])
		}
	}
	return ""
}

// text builds the scenario line by line; comments are aligned.
type text struct{ b strings.Builder }

// kv writes "key: value  # comment" at the indent.
func (t *text) kv(indent int, key, value, comment string) {
	line := strings.Repeat("  ", indent) + key + ":"
	if value != "" {
		line += " " + value
	}
	if comment != "" {
		line = fmt.Sprintf("%-38s # %s", line, comment)
	}
	t.b.WriteString(line + "\n")
}

// note writes comment lines at the indent.
func (t *text) note(indent int, lines ...string) {
	for _, l := range lines {
		t.b.WriteString(strings.Repeat("  ", indent) + "# " + l + "\n")
	}
}

func num(v float64) string { return record.FormatFloat(v) }

func nums(v []float64) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = num(x)
	}
	return "[" + strings.Join(s, ", ") + "]"
}

// render writes the scenario text.
func (w *initWriter) render() string {
	t := &text{}
	o := w.opt
	t.note(0, fmt.Sprintf("%s: generated by `twin init --osm %s` from the OpenStreetMap extract alone.", o.Name, filepath.Base(o.OSM)),
		"Map data © OpenStreetMap contributors, ODbL 1.0.",
		"Every assumption is a key with its value and a comment: replace it with the",
		"municipality's own data, model by model (each section says how).")
	if len(w.res.Gaps) > 0 {
		t.note(0, "", "Gaps in the extract, and what stands in for them:")
		for _, g := range w.res.Gaps {
			t.note(0, "  - "+g)
		}
	}
	t.kv(0, "name", o.Name, "")
	t.kv(0, "description", fmt.Sprintf("%q", "All five models on "+w.c.Name+", from OpenStreetMap alone (twin init)."), "")
	t.kv(0, "city", "", "")
	t.kv(1, "osm", w.osmRel, "relative to this file")
	t.kv(0, "start", o.Start, "local date-time")
	t.kv(0, "timezone", o.TimeZone, "")
	t.kv(0, "duration", o.Duration, "")
	t.kv(0, "seed", "1", "master seed: same seed, same results")
	t.kv(0, "models", "", "")
	w.traffic(t)
	w.parking(t)
	w.waste(t)
	w.gridSection(t)
	w.waterSection(t)
	t.kv(0, "outputs", "", "")
	t.kv(1, "format", "arrow", "csv, arrow or parquet")
	return t.b.String()
}

func (w *initWriter) traffic(t *text) {
	d := traffic.DefaultBuildingDemand()
	t.kv(1, "traffic", "", "")
	t.kv(2, "step", "0.5s", "time step of the car-following model")
	t.kv(2, "edge_series", "5m", "interval of the per-street series")
	t.kv(2, "demand", "", "")
	if !w.homes {
		t.note(3, "No residential buildings: random trips over the road network (our assumption).")
		t.kv(3, "random_trips", "200", "vehicles departing uniformly within depart_within")
		t.kv(3, "depart_within", "1h", "")
		return
	}
	t.note(3, "Car trips between homes and workplaces drawn from the buildings",
		"(models/traffic BuildingDemand). With recorded counts, set counts: FILE.csv",
		"(columns hour,count): the departures follow their shape, and with",
		"counts_are_trips: true their total is the day's number of trips.")
	t.kv(3, "buildings", "1", "factor on the demand below (1 = as documented)")
	t.kv(3, "trips_per_home_m2", num(d.TripsPerHomeM2), "car trips per m² of dwelling and day: our assumption (~2 per 100 m² home); replace with a travel survey")
	t.kv(3, "home_work_share", num(d.HomeWorkShare), "share of trips home->work before noon, work->home after (the rest between homes)")
	t.kv(3, "profile", nums(d.Profile[:]), "relative departures in each hour from 00 h: our assumed weekday shape")
}

func (w *initWriter) parking(t *text) {
	t.kv(1, "parking", "", "")
	t.note(2, "Supply from OSM car parks, on-street strips and kerbside estimates (models/parking).",
		"The municipality's car-park register replaces OSM's: car_parks: FILE.csv (columns in models/parking/doc.go).")
	t.kv(2, "guidance", "score", "drivers choose by driving + walking score (none, nearest, score)")
	t.kv(2, "estimate_residential", "true", "kerbside parking along untagged residential streets")
	t.kv(2, "ev_share", "0.1", "share of arriving cars that are electric and want to charge")
	t.kv(2, "prefill", "0.5", "share of bays occupied at the start (residents, long stays): our assumption")
	t.kv(2, "sample", "5m", "occupancy series interval")
}

// waste writes the waste section with the model's documented defaults
// (models/waste Config) when the waste model is built in.
func (w *initWriter) waste(t *text) {
	if _, ok := builders["waste"]; !ok {
		t.note(1, "waste: the waste model is not in this build of twin (see the gaps above).")
		return
	}
	t.kv(1, "waste", "", "")
	t.note(2, "Bins: OSM waste baskets and recycling points, and a household container per residential",
		"building (models/waste). The municipality's register replaces them: bins: FILE.csv (id,lon,lat,volume_l,kind).")
	for _, kv := range []struct{ key, value, comment string }{
		{"policy", "fixed", "collection: fixed schedule, threshold (fill sensors) or predictive"},
		{"every_days", "{basket: 2, household: 7, recycling: 7}", "fixed schedule, days between emptyings (Edinburgh's baskets ~3 a week; Copenhagen's weekly round)"},
		{"fleet_size", "6", "trucks"},
		{"truck_capacity_l", "60000", "a 20 m³ rear-loader compacting about 3:1, litres of loose waste"},
		{"shift_start", `"07:00"`, "local time the daily shift starts"},
		{"shift", "8h", "driving plus service time of a route"},
		{"sensor_coverage", "1", "share of bins with a fill sensor (threshold and predictive policies)"},
		{"sensor_noise", "0.03", "reading noise, share of the bin"},
		{"sensor_interval", "1h", "reporting interval"},
		{"sensor_dropout", "0.05", "probability a reading is lost"},
		{"iterations", "100", "route solver iterations per day"},
	} {
		t.kv(2, kv.key, kv.value, kv.comment)
	}
}

func (w *initWriter) gridSection(t *text) {
	p := citygrid.DefaultParams()
	t.kv(1, "grid", "", "")
	t.note(2, "Distribution grid synthesized from the OSM substations and buildings (models/grid/citygrid),",
		"loads by the BDEW standard profiles H0 (homes) and G0 (the rest). The utility's own grid:",
		"case: FILE.m (a MATPOWER case) replaces the synthesis.")
	t.kv(2, "step", "15m", "power flow interval")
	t.kv(2, "profiles", w.profRel, "BDEW standard load profiles (demandlib)")
	t.kv(2, "kwh_per_m2", "", "annual electricity per m² of floor area, by building use (citygrid's assumption)")
	for _, use := range []string{"residential", "commercial", "industrial", "public", "other"} {
		t.kv(3, use, num(p.KWhPerM2[use]), "")
	}
	t.kv(2, "power_factor", num(p.PowerFactor), "of every load (inductive)")
	t.kv(2, "secondary_cell_m", num(p.SecondaryCellM), "grid cell for placed secondary substations where none are tagged, m")
}

func (w *initWriter) waterSection(t *text) {
	p := synth.DefaultParams()
	t.kv(1, "water", "", "")
	t.note(2, "A drinking-water network laid under the streets at every run from the values below",
		"(models/water/synth). twin init also wrote it as EPANET .inp: "+w.waterRel+" (opens in EPANET).",
		"The utility's own network: replace synthesize: by inp: FILE.inp",
		"(and coordinates: lonlat if its coordinates are longitude/latitude).")
	t.kv(2, "synthesize", "", "")
	for _, kv := range []struct{ key, value, comment string }{
		{"merge_m", num(p.MergeM), "road nodes closer than this become one junction, m"},
		{"m2_per_resident", num(p.M2PerResident), "dwelling floor area per resident, m² (DK about 52, Statistics Denmark)"},
		{"litres_per_person_day", num(p.LitresPerPersonDay), "household use, l per person and day (DK 2021: 105, DANVA)"},
		{"litres_per_m2_day", "", "other uses, l per m² floor area and day: our assumption"},
	} {
		t.kv(3, kv.key, kv.value, kv.comment)
	}
	for _, use := range []string{"commercial", "public", "industrial", "other"} {
		t.kv(4, use, num(p.LitresPerM2Day[use]), "")
	}
	for _, kv := range []struct{ key, value, comment string }{
		{"loss_share", num(p.LossShare), "non-revenue water (leaks) on top of billed use (DK utilities taxed above 0.10)"},
		{"pattern", nums(p.Pattern), "hourly demand multipliers from 00 h, mean 1 (residential curve, Walski et al. 2003)"},
		{"roughness_c", num(p.RoughnessC), "Hazen-Williams C of the mains (new ductile iron or PE)"},
		{"design_velocity_m_s", num(p.DesignVelocity), "velocity mains are first sized for at peak flow, m/s"},
		{"min_diameter_mm", num(p.MinDiameterMM), "smallest main (fire flow), mm"},
		{"diameters_mm", nums(p.Diameters), "standard diameters, mm"},
		{"min_pressure_m", num(p.MinPressureM), "lowest pressure at peak demand, m (design band 20..60 m)"},
		{"max_pressure_m", num(p.MaxPressureM), "highest pressure, m"},
		{"pump_head_m", num(p.PumpHeadM), "source pump head at peak flow, m (ground is flat: no elevation model)"},
		{"tower_head_m", num(p.TowerHeadM), "water level of a tagged water tower above ground, m"},
		{"max_sizing_rounds", fmt.Sprint(p.MaxIterations), "hydraulic solves to size the pipes"},
	} {
		t.kv(3, kv.key, kv.value, kv.comment)
	}
}
