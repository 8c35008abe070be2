package waste

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The litter-basket fill rates, fitted on the Edinburgh 2016 collections
// (testdata/edinburgh_collections_2016.csv, 334 sensor-equipped bins).
//
// Edinburgh's schedule was itself driven by the bins' sensors, so the
// intervals between emptyings are not independent of the fill: a bin is
// emptied sooner when it fills faster. Replaying the emptying times on
// bins whose rate ignores this gives 35-42 % of emptyings at 100 % for a
// mean fill of 77 % (observed: 14 %). The replay therefore gives each site
// the rate BasketFillAtMeanInterval / (its mean interval), and each
// interval that rate times (interval / mean interval)^-BasketElasticity,
// the elasticity standing for the council's response to fill. FitBasket
// finds the two so that the replay gives the observed mean fill at
// emptying (76.9 %) and share at 100 % (14.1 %); TestCalibrationMatchesEdinburgh
// checks them.
//
// The model's own baskets take the site rates of the fit: lognormal with
// median BasketMedianRate (share of the bin per day) and log-standard
// deviation BasketRateSigma, the distribution of
// BasketFillAtMeanInterval x emptyings per day over the Edinburgh sites.
const (
	BasketFillAtMeanInterval = 0.80
	BasketElasticity         = 0.65
	BasketMedianRate         = 0.364
	BasketRateSigma          = 0.62
)

// ErrData is returned (wrapped) for malformed collection or register
// files.
var ErrData = errors.New("waste: bad data")

// Emptying is one recorded emptying of a bin: when (local time, s since
// 1970 read as UTC, so that the hour of day is local) and the sensed fill
// just before, %.
type Emptying struct {
	Site    string
	TimeS   float64
	FillPct float64
}

// ReadCollections reads a collection record CSV with at least the columns
// site_id, collected_at_local ("2006-01-02 15:04:05") and fill_before_pct
// (the layout of the Edinburgh 2016 data). Errors name the file, line and
// column.
func ReadCollections(r io.Reader, name string) ([]Emptying, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	var col map[string]int
	var out []Emptying
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(text) == "" {
			continue
		}
		f := strings.Split(text, ",")
		if col == nil {
			var err error
			if col, err = header(f, "site_id", "collected_at_local", "fill_before_pct"); err != nil {
				return nil, fmt.Errorf("%w: %s:%d: %v", ErrData, name, line, err)
			}
			continue
		}
		e, err := parseEmptying(f, col)
		if err != nil {
			return nil, fmt.Errorf("%w: %s:%d:%v", ErrData, name, line, err)
		}
		out = append(out, e)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrData, name, err)
	}
	if col == nil {
		return nil, fmt.Errorf("%w: %s: no header", ErrData, name)
	}
	return out, nil
}

// header maps the wanted column names to their indexes.
func header(f []string, want ...string) (map[string]int, error) {
	col := map[string]int{}
	for i, h := range f {
		col[strings.TrimSpace(h)] = i
	}
	for _, w := range want {
		if _, ok := col[w]; !ok {
			return nil, fmt.Errorf("missing column %q", w)
		}
	}
	return col, nil
}

// field returns column c of f, or an error naming its 1-based column.
func field(f []string, col map[string]int, c string) (string, int, error) {
	i := col[c]
	if i >= len(f) {
		return "", i + 1, fmt.Errorf("%d: %s: missing", i+1, c)
	}
	return strings.TrimSpace(f[i]), i + 1, nil
}

func parseEmptying(f []string, col map[string]int) (Emptying, error) {
	site, _, err := field(f, col, "site_id")
	if err != nil {
		return Emptying{}, err
	}
	ts, ci, err := field(f, col, "collected_at_local")
	if err != nil {
		return Emptying{}, err
	}
	t, err := time.Parse(time.DateTime, ts)
	if err != nil {
		return Emptying{}, fmt.Errorf("%d: collected_at_local: %q is not YYYY-MM-DD HH:MM:SS", ci, ts)
	}
	fs, ci, err := field(f, col, "fill_before_pct")
	if err != nil {
		return Emptying{}, err
	}
	v, err := strconv.ParseFloat(fs, 64)
	if err != nil || math.IsNaN(v) || v < 0 || v > 1000 {
		return Emptying{}, fmt.Errorf("%d: fill_before_pct: %q is not a percentage", ci, fs)
	}
	return Emptying{Site: site, TimeS: float64(t.Unix()), FillPct: v}, nil
}

// FillStats summarises fill at emptying: the mean, %, and the share of
// emptyings at or above 100 % (0..1).
type FillStats struct {
	N        int
	MeanPct  float64
	ShareFul float64
}

// Observed is the statistics of the recorded fill at emptying, over every
// emptying but each site's first (which has no interval before it, like
// Replay).
func Observed(es []Emptying) FillStats {
	var st FillStats
	for _, site := range bySite(es) {
		for _, e := range site[1:] {
			st.add(e.FillPct)
		}
	}
	return st.done()
}

func (st *FillStats) add(pct float64) {
	st.N++
	st.MeanPct += pct
	if pct >= 100 {
		st.ShareFul++
	}
}

func (st FillStats) done() FillStats {
	if st.N > 0 {
		st.MeanPct /= float64(st.N)
		st.ShareFul /= float64(st.N)
	}
	return st
}

// bySite groups emptyings by site (sites in order of id, emptyings in time
// order).
func bySite(es []Emptying) [][]Emptying {
	s := slices.Clone(es)
	slices.SortStableFunc(s, func(a, b Emptying) int {
		if c := strings.Compare(a.Site, b.Site); c != 0 {
			return c
		}
		return int(math.Copysign(1, a.TimeS-b.TimeS)) * b2i(a.TimeS != b.TimeS)
	})
	var out [][]Emptying
	for i := 0; i < len(s); {
		j := i
		for j < len(s) && s[j].Site == s[i].Site {
			j++
		}
		out = append(out, s[i:j])
		i = j
	}
	return out
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// SiteRates is each site's fill rate in the replay, share of the bin per
// day: fillAtMean / (the site's mean interval between emptyings, days),
// in site order; sites with one emptying are left out.
func SiteRates(es []Emptying, fillAtMean float64) []float64 {
	var out []float64
	for _, site := range bySite(es) {
		if len(site) < 2 {
			continue
		}
		meanDays := (site[len(site)-1].TimeS - site[0].TimeS) / 86400 / float64(len(site)-1)
		if meanDays > 0 {
			out = append(out, fillAtMean/meanDays)
		}
	}
	return out
}

// maxIntervalS is the longest interval Replay takes as one: longer ones
// are gaps in the record (the Edinburgh record spans 67 days).
const maxIntervalS = 70 * 86400

// Replay plays the recorded emptying times on simulated litter baskets:
// each site fills at fillAtMean / (its mean interval) of the bin per day,
// scaled for each interval by (interval / mean interval)^-elasticity, by
// the basket deposit process, and is emptied to zero at each emptying;
// fill is capped at 100 %. It returns the statistics of the simulated
// fill at emptying.
func Replay(es []Emptying, fillAtMean, elasticity float64, seed uint64) FillStats {
	rng := rand.New(rand.NewPCG(seed, 0x77617374))
	var st FillStats
	for _, site := range bySite(es) {
		if len(site) < 2 {
			continue
		}
		meanS := (site[len(site)-1].TimeS - site[0].TimeS) / float64(len(site)-1)
		if !(meanS > 0) {
			continue
		}
		for i := 1; i < len(site); i++ {
			dt := site[i].TimeS - site[i-1].TimeS
			if dt > maxIntervalS {
				continue // a gap in the record, not an interval
			}
			rateL := fillAtMean * 86400 / meanS * math.Pow(math.Max(dt, 60)/meanS, -elasticity) * BasketL
			from := math.Mod(site[i-1].TimeS, 86400)
			l := FillBetween(rng, Basket, rateL, from, from+dt)
			st.add(math.Min(100, 100*l/BasketL))
		}
	}
	return st.done()
}

// FitBasket searches the fill at the mean interval and the elasticity that
// make Replay match the observed mean fill and share at 100 %: for each
// elasticity on a grid, the fill at the mean interval is found by
// bisection on the mean; the elasticity whose share at 100 % is closest is
// kept. It replays the data a few hundred times (tens of seconds).
func FitBasket(es []Emptying, seed uint64) (fillAtMean, elasticity float64, fit FillStats) {
	obs := Observed(es)
	best := math.Inf(1)
	for g := 0.2; g <= 0.8001; g += 0.05 {
		lo, hi := 0.3, 1.5
		var st FillStats
		for range 14 {
			mid := (lo + hi) / 2
			st = Replay(es, mid, g, seed)
			if st.MeanPct < obs.MeanPct {
				lo = mid
			} else {
				hi = mid
			}
		}
		if d := math.Abs(st.ShareFul - obs.ShareFul); d < best {
			best, fillAtMean, elasticity, fit = d, (lo+hi)/2, g, st
		}
	}
	return fillAtMean, elasticity, fit
}
