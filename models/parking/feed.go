package parking

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
)

// ErrFeed is wrapped by errors that make a whole feed unreadable (no
// header, missing columns). Bad rows are counted, never fatal.
var ErrFeed = errors.New("parking: bad feed")

// Obs is one occupancy observation of a car park: wall-clock time as
// recorded (local time of the feed, stored in time.UTC), occupied spaces
// and the capacity the feed gave with it.
type Obs struct {
	Time      time.Time
	Occupancy int
	Capacity  int
}

// Series is the cleaned occupancy record of one car park, in time order.
type Series struct {
	Code     string
	Capacity int // the capacity the feed reports most often
	Obs      []Obs
}

// FeedReport counts what reading and cleaning a feed found.
type FeedReport struct {
	Rows          int // data rows read
	BadRows       int // unreadable rows (field count, number, time), skipped
	Duplicates    int // same car park and time as an earlier row, skipped
	AboveCapacity int // occupancy above capacity
	Clamped       int // ... of which within MaxOverCapacity, clamped to capacity
	Implausible   int // ... of which beyond it, dropped
	ZeroRuns      int // runs of zeros long enough to be an outage
	ZeroRunRows   int // rows in those runs, dropped
	FrozenRuns    int // runs of one repeated value long enough to be a frozen counter
	FrozenRunRows int // rows in those runs, dropped
	Kept          int // rows in the returned series
}

// CleanOptions set the cleaning rules.
type CleanOptions struct {
	// MaxOverCapacity: occupancy up to this factor of capacity is clamped
	// to capacity (counting error at the barrier, unmarked bays); beyond
	// it the row is a sensor fault and dropped. Default 1.1.
	MaxOverCapacity float64
	// MinZeroRun: a run of zero occupancy lasting at least this long is
	// an outage (a city-centre car park is not empty for hours in the
	// day) and dropped. Default 4 h.
	MinZeroRun time.Duration
	// MinFrozenRun: a run of one repeated non-zero occupancy below 95 %
	// of capacity whose daytime part (08:00-20:00, when a city car park
	// always has cars coming and going) lasts at least this long is a
	// frozen counter and dropped (Birmingham BHMEURBRD02 reads 19 of 220
	// from 08:00 to 14:27 on 2016-11-09, then 199). Runs at night are
	// kept: Aarhus garages often hold one count from 01:00 to 05:00. A
	// nearly full car park is kept too: it may stay full for hours.
	// Default 4 h; negative: off.
	MinFrozenRun time.Duration
}

func (o CleanOptions) withDefaults() CleanOptions {
	if o.MaxOverCapacity <= 0 {
		o.MaxOverCapacity = 1.1
	}
	if o.MinZeroRun <= 0 {
		o.MinZeroRun = 4 * time.Hour
	}
	if o.MinFrozenRun == 0 {
		o.MinFrozenRun = 4 * time.Hour
	}
	return o
}

// column layout of a feed: indexes of code, capacity, occupancy, time.
type feedLayout struct {
	code, capacity, occupancy, time int
	timeLayouts                     []string
}

// ReadBirmingham reads the UCI "Parking Birmingham" CSV
// (SystemCodeNumber,Capacity,Occupancy,LastUpdated) and cleans it.
func ReadBirmingham(r io.Reader, name string, opt CleanOptions) ([]Series, FeedReport, error) {
	return readFeed(r, name, opt, []string{"SystemCodeNumber", "Capacity", "Occupancy", "LastUpdated"},
		[]string{"2006-01-02 15:04:05"})
}

// ReadAarhus reads the CityPulse Aarhus parking stream
// (vehiclecount,updatetime,_id,totalspaces,garagecode,streamtime) and
// cleans it.
func ReadAarhus(r io.Reader, name string, opt CleanOptions) ([]Series, FeedReport, error) {
	return readFeed(r, name, opt, []string{"garagecode", "totalspaces", "vehiclecount", "updatetime"},
		[]string{"2006-01-02 15:04:05.000", "2006-01-02 15:04:05"})
}

// readFeed reads a CSV with the named columns (code, capacity, occupancy,
// time), skipping bad rows, and cleans every car park's series.
func readFeed(r io.Reader, name string, opt CleanOptions, cols []string, layouts []string) ([]Series, FeedReport, error) {
	var rep FeedReport
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		return nil, rep, fmt.Errorf("%w: %s: line 1: header: %v", ErrFeed, name, err)
	}
	lay, err := layoutOf(header, cols)
	if err != nil {
		return nil, rep, fmt.Errorf("%w: %s: line 1: %v", ErrFeed, name, err)
	}
	lay.timeLayouts = layouts
	raw := map[string][]Obs{}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		rep.Rows++
		if err != nil { // a malformed quote: the row is lost, the reader goes on
			rep.BadRows++
			continue
		}
		code, o, ok := lay.parse(rec)
		if !ok {
			rep.BadRows++
			continue
		}
		raw[code] = append(raw[code], o)
	}
	codes := make([]string, 0, len(raw))
	for c := range raw {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	out := make([]Series, 0, len(codes))
	for _, c := range codes {
		s := clean(c, raw[c], opt.withDefaults(), &rep)
		rep.Kept += len(s.Obs)
		out = append(out, s)
	}
	return out, rep, nil
}

// layoutOf finds the named columns in the header.
func layoutOf(header, cols []string) (feedLayout, error) {
	idx := make([]int, len(cols))
	for i, want := range cols {
		idx[i] = -1
		for j, h := range header {
			if strings.EqualFold(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")), want) {
				idx[i] = j
				break
			}
		}
		if idx[i] < 0 {
			return feedLayout{}, fmt.Errorf("missing column %q", want)
		}
	}
	return feedLayout{code: idx[0], capacity: idx[1], occupancy: idx[2], time: idx[3]}, nil
}

// parse reads one row; ok is false when a field is missing or unreadable.
func (l feedLayout) parse(rec []string) (string, Obs, bool) {
	n := max(l.code, l.capacity, l.occupancy, l.time)
	if len(rec) <= n {
		return "", Obs{}, false
	}
	code := strings.TrimSpace(rec[l.code])
	capacity, err1 := strconv.Atoi(strings.TrimSpace(rec[l.capacity]))
	occ, err2 := strconv.Atoi(strings.TrimSpace(rec[l.occupancy]))
	if code == "" || err1 != nil || err2 != nil || capacity <= 0 || occ < 0 || capacity > 1e6 {
		return "", Obs{}, false
	}
	ts := strings.TrimSpace(rec[l.time])
	for _, layout := range l.timeLayouts {
		if t, err := time.Parse(layout, ts); err == nil {
			return code, Obs{Time: t, Occupancy: occ, Capacity: capacity}, true
		}
	}
	return "", Obs{}, false
}

// clean sorts one car park's rows by time, drops duplicates, handles
// occupancy above capacity and drops outage runs of zeros.
func clean(code string, obs []Obs, opt CleanOptions, rep *FeedReport) Series {
	slices.SortStableFunc(obs, func(a, b Obs) int { return a.Time.Compare(b.Time) })
	s := Series{Code: code, Capacity: modeCapacity(obs)}
	kept := obs[:0]
	for i, o := range obs {
		if i > 0 && o.Time.Equal(obs[i-1].Time) {
			rep.Duplicates++
			continue
		}
		if o.Occupancy > o.Capacity {
			rep.AboveCapacity++
			if float64(o.Occupancy) > opt.MaxOverCapacity*float64(o.Capacity) {
				rep.Implausible++
				continue
			}
			rep.Clamped++
			o.Occupancy = o.Capacity
		}
		kept = append(kept, o)
	}
	s.Obs = dropZeroRuns(kept, opt.MinZeroRun, rep)
	if opt.MinFrozenRun > 0 {
		s.Obs = dropFrozenRuns(s.Obs, opt.MinFrozenRun, rep)
	}
	return s
}

// dropZeroRuns removes runs of zero occupancy lasting at least minRun
// (first to last zero sample, or one day's worth of zero samples).
func dropZeroRuns(obs []Obs, minRun time.Duration, rep *FeedReport) []Obs {
	out := make([]Obs, 0, len(obs))
	for i := 0; i < len(obs); {
		if obs[i].Occupancy != 0 {
			out = append(out, obs[i])
			i++
			continue
		}
		j := i
		for j < len(obs) && obs[j].Occupancy == 0 {
			j++
		}
		if obs[j-1].Time.Sub(obs[i].Time) >= minRun {
			rep.ZeroRuns++
			rep.ZeroRunRows += j - i
		} else {
			out = append(out, obs[i:j]...)
		}
		i = j
	}
	return out
}

// dropFrozenRuns removes runs of one repeated non-zero occupancy below
// 95 % of capacity whose daytime part lasts at least minRun.
func dropFrozenRuns(obs []Obs, minRun time.Duration, rep *FeedReport) []Obs {
	out := obs[:0]
	for i := 0; i < len(obs); {
		j := i + 1
		for j < len(obs) && obs[j].Occupancy == obs[i].Occupancy {
			j++
		}
		o := obs[i]
		if o.Occupancy > 0 && float64(o.Occupancy) < 0.95*float64(o.Capacity) &&
			daytime(o.Time, obs[j-1].Time) >= minRun {
			rep.FrozenRuns++
			rep.FrozenRunRows += j - i
		} else {
			out = append(out, obs[i:j]...)
		}
		i = j
	}
	return out
}

// daytime is how much of [a, b] falls between 08:00 and 20:00 of a day
// (wall clock). O(1).
func daytime(a, b time.Time) time.Duration {
	if !b.After(a) {
		return 0
	}
	const day = 24 * time.Hour
	da, db := a.Truncate(day), b.Truncate(day)
	if da.Equal(db) {
		return dayOverlap(a, b, da)
	}
	between := db.Sub(da)/day - 1 // whole days strictly between
	return dayOverlap(a, da.Add(day), da) + between*12*time.Hour + dayOverlap(db, b, db)
}

// dayOverlap is how much of [a, b] falls between 08:00 and 20:00 of the
// day starting at midnight.
func dayOverlap(a, b, midnight time.Time) time.Duration {
	lo, hi := midnight.Add(8*time.Hour), midnight.Add(20*time.Hour)
	if a.After(lo) {
		lo = a
	}
	if b.Before(hi) {
		hi = b
	}
	if hi.After(lo) {
		return hi.Sub(lo)
	}
	return 0
}

// modeCapacity is the capacity reported most often (the smallest on a
// tie).
func modeCapacity(obs []Obs) int {
	count := map[int]int{}
	best, bestN := 0, 0
	for _, o := range obs {
		count[o.Capacity]++
	}
	for c, n := range count {
		if n > bestN || n == bestN && c < best {
			best, bestN = c, n
		}
	}
	return best
}
