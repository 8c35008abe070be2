package parking

import (
	_ "embed"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
)

// Session is one EV charging session: when it began (minute of the day,
// local time), how long the vehicle stayed connected, the energy it took
// and the power class of the charger.
type Session struct {
	StartMin  int     // minute of the day, 0..1439
	Weekday   int     // Monday 0
	DurationH float64 // connected, h
	EnergyKWh float64
	Rapid     bool // DC rapid charger (43-50 kW), else AC (7-22 kW)
}

// SessionReport counts what reading sessions found.
type SessionReport struct {
	Rows    int
	BadRows int // unreadable fields
	Open    int // no end time or energy (still open at export)
	Invalid int // duration <= 0 or > 72 h, or negative energy
	Kept    int
}

// ReadDundeeSessions reads a Dundee City Council charging-session CSV
// (columns "Start Date", "Start Time", "End Date", "End Time", "Total
// kWh", "Model"; dates dd/mm/yyyy, times HH:MM). Bad and open rows are
// counted and skipped.
func ReadDundeeSessions(r io.Reader, name string) ([]Session, SessionReport, error) {
	var rep SessionReport
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, rep, fmt.Errorf("%w: %s: line 1: header: %v", ErrFeed, name, err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))] = i
	}
	need := []string{"Start Date", "Start Time", "End Date", "End Time", "Total kWh", "Model"}
	idx := make([]int, len(need))
	for i, n := range need {
		j, ok := col[n]
		if !ok {
			return nil, rep, fmt.Errorf("%w: %s: line 1: missing column %q", ErrFeed, name, n)
		}
		idx[i] = j
	}
	var out []Session
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		rep.Rows++
		if err != nil {
			rep.BadRows++
			continue
		}
		s, status := parseSession(rec, idx)
		switch status {
		case sessionOK:
			out = append(out, s)
			rep.Kept++
		case sessionOpen:
			rep.Open++
		case sessionInvalid:
			rep.Invalid++
		default:
			rep.BadRows++
		}
	}
	return out, rep, nil
}

const (
	sessionOK = iota
	sessionOpen
	sessionInvalid
	sessionBad
)

// parseSession reads one row; idx holds the needed columns in the order
// of ReadDundeeSessions.
func parseSession(rec []string, idx []int) (Session, int) {
	for _, i := range idx {
		if i >= len(rec) {
			return Session{}, sessionBad
		}
	}
	f := func(k int) string { return strings.TrimSpace(rec[idx[k]]) }
	start, err := time.Parse("02/01/2006 15:04", f(0)+" "+f(1))
	if err != nil {
		return Session{}, sessionBad
	}
	if f(2) == "" || f(3) == "" || f(4) == "" {
		return Session{}, sessionOpen
	}
	end, err1 := time.Parse("02/01/2006 15:04", f(2)+" "+f(3))
	kwh, err2 := strconv.ParseFloat(f(4), 64)
	if err1 != nil || err2 != nil || math.IsNaN(kwh) || math.IsInf(kwh, 0) {
		return Session{}, sessionBad
	}
	d := end.Sub(start).Hours()
	if d <= 0 || d > 72 || kwh < 0 {
		return Session{}, sessionInvalid
	}
	model := strings.ToLower(f(5))
	rapid := strings.Contains(model, "rapid") || strings.Contains(model, "50kw") || strings.Contains(model, "raption")
	return Session{StartMin: start.Hour()*60 + start.Minute(), Weekday: (int(start.Weekday()) + 6) % 7,
		DurationH: d, EnergyKWh: kwh, Rapid: rapid}, sessionOK
}

// dundeeSample is a small stratified sample of the Dundee sessions
// (data/dundee_ev_sessions.csv, made by TestDeriveDundeeSample from the
// three council files; see data/SOURCES.md). Contains public sector
// information licensed under the Open Government Licence v3.0 (Dundee
// City Council).
//
//go:embed data/dundee_ev_sessions.csv
var dundeeSample string

// SessionTable draws sessions by charger class and time of day.
type SessionTable struct {
	byClassHour [2][24][]Session
}

// DefaultSessions is the table of the embedded Dundee sample.
func DefaultSessions() (*SessionTable, error) {
	ss, _, err := readSampleCSV(strings.NewReader(dundeeSample))
	if err != nil {
		return nil, err
	}
	return NewSessionTable(ss), nil
}

// NewSessionTable indexes sessions by class and start hour.
func NewSessionTable(ss []Session) *SessionTable {
	t := &SessionTable{}
	for _, s := range ss {
		c := 0
		if s.Rapid {
			c = 1
		}
		h := s.StartMin / 60
		t.byClassHour[c][h] = append(t.byClassHour[c][h], s)
	}
	return t
}

// Draw picks a session of the class that began in the same hour of the
// day (or the nearest hour that has one); ok is false for an empty table.
func (t *SessionTable) Draw(rng *rand.Rand, rapid bool, hour int) (Session, bool) {
	c := 0
	if rapid {
		c = 1
	}
	for d := 0; d < 12; d++ {
		for _, h := range []int{hour + d, hour - d} {
			hs := t.byClassHour[c][((h%24)+24)%24]
			if len(hs) > 0 {
				return hs[rng.IntN(len(hs))], true
			}
		}
	}
	return Session{}, false
}

// writeSampleCSV writes sessions as start_min,weekday,duration_h,energy_kwh,rapid.
func writeSampleCSV(w io.Writer, ss []Session) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"start_min", "weekday", "duration_h", "energy_kwh", "rapid"})
	for _, s := range ss {
		cw.Write([]string{strconv.Itoa(s.StartMin), strconv.Itoa(s.Weekday), strconv.FormatFloat(s.DurationH, 'f', 3, 64),
			strconv.FormatFloat(s.EnergyKWh, 'f', 3, 64), strconv.FormatBool(s.Rapid)})
	}
	cw.Flush()
	return cw.Error()
}

// readSampleCSV reads what writeSampleCSV wrote.
func readSampleCSV(r io.Reader) ([]Session, int, error) {
	rows, err := csv.NewReader(r).ReadAll()
	if err != nil {
		return nil, 0, fmt.Errorf("parking: ev sample: %w", err)
	}
	var out []Session
	bad := 0
	for i, rec := range rows {
		if i == 0 {
			continue
		}
		if len(rec) != 5 {
			bad++
			continue
		}
		m, e1 := strconv.Atoi(rec[0])
		wd, e2 := strconv.Atoi(rec[1])
		d, e3 := strconv.ParseFloat(rec[2], 64)
		kwh, e4 := strconv.ParseFloat(rec[3], 64)
		rapid, e5 := strconv.ParseBool(rec[4])
		if e1 != nil || e2 != nil || e3 != nil || e4 != nil || e5 != nil || m < 0 || m >= 1440 || !(d > 0) || kwh < 0 {
			bad++
			continue
		}
		out = append(out, Session{StartMin: m, Weekday: wd, DurationH: d, EnergyKWh: kwh, Rapid: rapid})
	}
	return out, bad, nil
}
