package grid

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
)

// Profile is a regularly sampled time series: Values[k] holds over
// [k·Step, (k+1)·Step) from the start.
type Profile struct {
	Name   string
	Step   time.Duration
	Values []float64
}

// ErrProfile is wrapped by every error about the content of a profile file.
var ErrProfile = errors.New("grid: invalid profile")

// maxProfileValues bounds the length of a profile read from a file.
const maxProfileValues = 10_000_000

// ReadColumnProfile reads a profile with one number per line (blank lines
// skipped), as the IEEE European LV test feeder's load shapes (1 min, kW)
// and EPRI's ckt24 yearly shapes (1 h, per unit). name is used in errors.
func ReadColumnProfile(r io.Reader, name string, step time.Duration) (*Profile, error) {
	sc := bufio.NewScanner(r)
	p := &Profile{Name: name, Step: step}
	for line := 1; sc.Scan(); line++ {
		s := strings.TrimSpace(sc.Text())
		if s == "" {
			continue
		}
		if i := strings.IndexByte(s, ','); i >= 0 { // "value,..." shapes keep the first column
			s = strings.TrimSpace(s[:i])
		}
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("%s: line %d: %w: %q is not a number", name, line, ErrProfile, s)
		}
		if len(p.Values) >= maxProfileValues {
			return nil, fmt.Errorf("%s: line %d: %w: more than %d values", name, line, ErrProfile, maxProfileValues)
		}
		p.Values = append(p.Values, v)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(p.Values) == 0 {
		return nil, fmt.Errorf("%s: %w: no values", name, ErrProfile)
	}
	return p, nil
}

// At returns the value in force at offset t from the start, wrapping
// around at the end (a daily shape repeats every day).
func (p *Profile) At(t time.Duration) float64 {
	n := int64(len(p.Values))
	k := int64(t/p.Step) % n
	if k < 0 {
		k += n
	}
	return p.Values[k]
}

// Resample returns the profile at a new step: the mean over each new
// interval when coarsening, the value in force when refining, for n steps
// (wrapping around).
func (p *Profile) Resample(step time.Duration, n int) *Profile {
	out := &Profile{Name: p.Name, Step: step, Values: make([]float64, n)}
	for k := range out.Values {
		t0 := time.Duration(k) * step
		if step <= p.Step {
			out.Values[k] = p.At(t0)
			continue
		}
		m := int(step / p.Step)
		sum := 0.0
		for j := 0; j < m; j++ {
			sum += p.At(t0 + time.Duration(j)*p.Step)
		}
		out.Values[k] = sum / float64(m)
	}
	return out
}

// Max returns the largest value.
func (p *Profile) Max() float64 {
	m := math.Inf(-1)
	for _, v := range p.Values {
		m = math.Max(m, v)
	}
	return m
}

// Scaled returns the profile multiplied by f.
func (p *Profile) Scaled(f float64) *Profile {
	out := &Profile{Name: p.Name, Step: p.Step, Values: make([]float64, len(p.Values))}
	for k, v := range p.Values {
		out.Values[k] = v * f
	}
	return out
}

// BDEW holds the German BDEW/VDEW standard load profiles (1999) as typical
// days: for each profile (h0, g0..g6, l0..l2) 3 seasons × 7 weekdays × 96
// quarter hours, from demandlib's selp_series.csv.
type BDEW struct {
	names []string
	// days[profile][season][weekday-1] holds 96 quarter-hour values.
	days [][3][7][96]float64
}

// BDEW seasons as in the VDEW profile definition.
const (
	bdewSummer = iota
	bdewWinter
	bdewTransition
)

// ReadBDEW reads selp_series.csv: a header ",period,weekday,h0,g0,...",
// then rows "timestamp,period,weekday,values..." with period summer,
// winter or transition and weekday 1 (Monday) to 7 (Sunday/holiday), 96
// rows per typical day in time order.
func ReadBDEW(r io.Reader, name string) (*BDEW, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	head, err := cr.Read()
	if err != nil || len(head) < 4 {
		return nil, fmt.Errorf("%s: line 1: %w: bad header", name, ErrProfile)
	}
	b := &BDEW{names: head[3:], days: make([][3][7][96]float64, len(head)-3)}
	var count [3][7]int
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: line %d: %w: %v", name, line, ErrProfile, err)
		}
		if err := b.addRow(rec, &count); err != nil {
			return nil, fmt.Errorf("%s: line %d: %w: %v", name, line, ErrProfile, err)
		}
	}
	for s := range count {
		for d := range count[s] {
			if count[s][d] != 96 {
				return nil, fmt.Errorf("%s: %w: season %d weekday %d has %d quarter hours, want 96", name, ErrProfile, s, d+1, count[s][d])
			}
		}
	}
	return b, nil
}

func (b *BDEW) addRow(rec []string, count *[3][7]int) error {
	if len(rec) != len(b.names)+3 {
		return fmt.Errorf("%d fields, want %d", len(rec), len(b.names)+3)
	}
	season := map[string]int{"summer": bdewSummer, "winter": bdewWinter, "transition": bdewTransition}
	s, ok := season[rec[1]]
	if !ok {
		return fmt.Errorf("unknown period %q", rec[1])
	}
	wd, err := strconv.Atoi(rec[2])
	if err != nil || wd < 1 || wd > 7 {
		return fmt.Errorf("weekday %q not 1..7", rec[2])
	}
	q := count[s][wd-1]
	if q >= 96 {
		return fmt.Errorf("more than 96 quarter hours for %s weekday %d", rec[1], wd)
	}
	for j, f := range rec[3:] {
		v, err := strconv.ParseFloat(f, 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("column %s: %q is not a number", b.names[j], f)
		}
		b.days[j][s][wd-1][q] = v
	}
	count[s][wd-1]++
	return nil
}

// Year returns the named profile (e.g. "h0") for a calendar year at 15-min
// resolution, starting 1 January 00:00 local time: seasons winter
// (1 Nov - 20 Mar), summer (15 May - 14 Sep) and transition otherwise,
// weekdays from the calendar (public holidays are not modelled). The
// household profile h0 is multiplied by the VDEW dynamisation factor
// F(d) = -3.92e-10 d⁴ + 3.2e-7 d³ - 7.02e-5 d² + 2.1e-3 d + 1.24 of the day
// of year d (VDEW, "Repräsentative VDEW-Lastprofile", M-28/1999). Values
// are in the file's units: for demandlib's table, kW for an annual
// consumption of 1,000 kWh.
func (b *BDEW) Year(profile string, year int) (*Profile, error) {
	j := -1
	for k, n := range b.names {
		if strings.EqualFold(n, profile) {
			j = k
		}
	}
	if j < 0 {
		return nil, fmt.Errorf("%w: no BDEW profile %q (have %v)", ErrProfile, profile, b.names)
	}
	start := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC)
	days := start.AddDate(1, 0, 0).Sub(start) / (24 * time.Hour)
	p := &Profile{Name: b.names[j], Step: 15 * time.Minute, Values: make([]float64, 0, int(days)*96)}
	for d := 0; d < int(days); d++ {
		day := start.AddDate(0, 0, d)
		wd := (int(day.Weekday())+6)%7 + 1 // Monday 1 ... Sunday 7
		f := 1.0
		if strings.EqualFold(b.names[j], "h0") {
			x := float64(d + 1)
			f = -3.92e-10*x*x*x*x + 3.2e-7*x*x*x - 7.02e-5*x*x + 2.1e-3*x + 1.24
		}
		for _, v := range b.days[j][bdewSeason(day)][wd-1] {
			p.Values = append(p.Values, v*f)
		}
	}
	return p, nil
}

func bdewSeason(day time.Time) int {
	m, d := day.Month(), day.Day()
	md := int(m)*100 + d
	switch {
	case md >= 1101 || md <= 320:
		return bdewWinter
	case md >= 515 && md <= 914:
		return bdewSummer
	}
	return bdewTransition
}
