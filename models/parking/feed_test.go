package parking

import (
	"bytes"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

const dirtyBirmingham = `SystemCodeNumber,Capacity,Occupancy,LastUpdated
A,100,50,2016-10-04 08:00:00
A,100,50,2016-10-04 08:00:00
A,100,105,2016-10-04 08:30:00
A,100,900,2016-10-04 09:00:00
A,100,zero,2016-10-04 09:30:00
A,100,40,yesterday
A,100
B,200,0,2016-10-04 08:00:00
B,200,0,2016-10-04 10:00:00
B,200,0,2016-10-04 12:30:00
B,200,10,2016-10-04 13:00:00	
B,200,0,2016-10-04 13:30:00
`

func TestReadBirminghamCountsDirtyRows(t *testing.T) {
	t.Parallel()
	ss, rep, err := ReadBirmingham(strings.NewReader(dirtyBirmingham), "dirty.csv", CleanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := FeedReport{Rows: 12, BadRows: 3, Duplicates: 1, AboveCapacity: 2, Clamped: 1, Implausible: 1,
		ZeroRuns: 1, ZeroRunRows: 3, Kept: 4}
	if rep != want {
		t.Fatalf("report %+v\nwant   %+v", rep, want)
	}
	if len(ss) != 2 || ss[0].Code != "A" || ss[0].Obs[1].Occupancy != 100 || len(ss[1].Obs) != 2 {
		t.Fatalf("series %+v", ss)
	}
}

func TestReadFeedErrors(t *testing.T) {
	t.Parallel()
	for name, doc := range map[string]string{"empty": "", "missing column": "SystemCodeNumber,Capacity\nA,1\n"} {
		if _, _, err := ReadBirmingham(strings.NewReader(doc), name, CleanOptions{}); !errors.Is(err, ErrFeed) || !strings.Contains(err.Error(), "line 1") {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// TestAarhusDirtyData: the head of the Aarhus stream has garages that
// report more cars than spaces (BUSGADEHUSET, NORREPORT); they are
// counted, clamped or dropped.
func TestAarhusDirtyData(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("testdata/aarhus_2014_head.csv")
	if err != nil {
		t.Fatal(err)
	}
	ss, rep, err := ReadAarhus(bytes.NewReader(data), "aarhus", CleanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(ss) != 8 || rep.Rows != 3000 || rep.AboveCapacity == 0 || rep.Implausible == 0 {
		t.Fatalf("%d garages, %+v", len(ss), rep)
	}
	t.Logf("%+v", rep)
}

func FuzzReadBirmingham(f *testing.F) {
	f.Add([]byte(dirtyBirmingham))
	f.Add([]byte("SystemCodeNumber,Capacity,Occupancy,LastUpdated\n\"A,1,1,x\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ss, rep, err := ReadBirmingham(bytes.NewReader(data), "fuzz", CleanOptions{})
		if err != nil {
			return
		}
		checkCleaned(t, ss, rep)
	})
}

// checkCleaned fails unless every kept reading lies within its capacity
// and the report counts exactly the readings kept.
func checkCleaned(t *testing.T, ss []Series, rep FeedReport) {
	t.Helper()
	n := 0
	for _, s := range ss {
		for _, o := range s.Obs {
			if o.Occupancy > o.Capacity || o.Occupancy < 0 {
				t.Fatalf("uncleaned %+v", o)
			}
		}
		n += len(s.Obs)
	}
	if n != rep.Kept {
		t.Fatalf("kept %d, series hold %d", rep.Kept, n)
	}
}

func FuzzReadAarhus(f *testing.F) {
	f.Add([]byte("vehiclecount,updatetime,_id,totalspaces,garagecode,streamtime\n0,2014-05-22 09:09:04.145,1,65,NORREPORT,x\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ss, rep, err := ReadAarhus(bytes.NewReader(data), "fuzz", CleanOptions{})
		if err != nil {
			return
		}
		checkCleaned(t, ss, rep)
	})
}

func FuzzReadDundeeSessions(f *testing.F) {
	f.Add([]byte("Charging event,CP ID,Connector,Start Date,Start Time,End Date,End Time,Total kWh,Cost,Site,Group,Model\n" +
		"1,2,1,02/03/2018,23:50,03/03/2018,14:16,19.99,0,\"Gellatly, Dundee\",G,APT 7kW Dual Outlet\n" +
		"1,2,1,02/03/2018,23:50,,,,,\"x\",G,APT 50kW Raption\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ss, rep, err := ReadDundeeSessions(bytes.NewReader(data), "fuzz")
		if err != nil {
			return
		}
		if len(ss) != rep.Kept {
			t.Fatalf("kept %d, got %d", rep.Kept, len(ss))
		}
		for _, s := range ss {
			if !(s.DurationH > 0) || s.EnergyKWh < 0 || s.StartMin < 0 || s.StartMin >= 1440 {
				t.Fatalf("bad session %+v", s)
			}
		}
	})
}

func TestDundeeSample(t *testing.T) {
	t.Parallel()
	ss, bad, err := readSampleCSV(strings.NewReader(dundeeSample))
	if err != nil || bad != 0 || len(ss) != 1200 {
		t.Fatalf("%d sessions, %d bad, %v", len(ss), bad, err)
	}
	var ac, dc, acKWh, dcKWh float64
	for _, s := range ss {
		if s.Rapid {
			dc++
			dcKWh += s.EnergyKWh
		} else {
			ac++
			acKWh += s.EnergyKWh
		}
	}
	// Rapid sessions are short top-ups of some 10-20 kWh; AC sessions
	// vary more. A loose check that the sample is the real data's.
	if ac != 600 || dc != 600 || dcKWh/dc < 8 || dcKWh/dc > 25 || acKWh/ac < 4 || acKWh/ac > 30 {
		t.Fatalf("AC %v sessions mean %.1f kWh, DC %v mean %.1f kWh", ac, acKWh/ac, dc, dcKWh/dc)
	}
	t.Logf("AC mean %.1f kWh, rapid mean %.1f kWh", acKWh/ac, dcKWh/dc)
}

func TestSeriesTable(t *testing.T) {
	t.Parallel()
	ss, _, err := ReadBirmingham(strings.NewReader(dirtyBirmingham), "dirty.csv", CleanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	origin := ss[0].Obs[0].Time
	tab := SeriesTable("birmingham", origin, ss)
	if n, err := tab.Rows(); err != nil || n != 4 {
		t.Fatalf("%d rows, %v", n, err)
	}
}

// TestFrozenRuns: a value repeated through 4 h of daytime below 95 % of
// capacity is a frozen counter; the same at night, when nearly full, or
// for less than 4 h is kept.
func TestFrozenRuns(t *testing.T) {
	t.Parallel()
	day := time.Date(2016, 11, 9, 0, 0, 0, 0, time.UTC)
	run := func(from, to float64, occ int) []Obs { // hours of day, every 30 min
		var out []Obs
		for h := from; h <= to; h += 0.5 {
			out = append(out, Obs{Time: day.Add(time.Duration(h * float64(time.Hour))), Occupancy: occ, Capacity: 220})
		}
		return out
	}
	for _, c := range []struct {
		name       string
		obs        []Obs
		runs, rows int
	}{
		{"frozen 08:00-14:30", append(run(8, 14.5, 19), run(15, 16.5, 199)...), 1, 14},
		{"3.5 h only", append(run(8, 11.5, 19), run(12, 14, 199)...), 0, 0},
		{"at night", append(run(0, 6, 40), run(6.5, 9, 60)...), 0, 0},
		{"nearly full", run(10, 16, 215), 0, 0},
		{"zero (an outage, not frozen)", run(8, 16, 0), 0, 0},
		{"varying", append(run(8, 8, 19), append(run(8.5, 8.5, 20), run(9, 9, 19)...)...), 0, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			var rep FeedReport
			out := dropFrozenRuns(slices.Clone(c.obs), 4*time.Hour, &rep)
			if rep.FrozenRuns != c.runs || rep.FrozenRunRows != c.rows || len(out) != len(c.obs)-c.rows {
				t.Errorf("runs %d rows %d kept %d of %d, want runs %d rows %d", rep.FrozenRuns, rep.FrozenRunRows, len(out), len(c.obs), c.runs, c.rows)
			}
		})
	}
}

// TestDaytime: the part of an interval between 08:00 and 20:00.
func TestDaytime(t *testing.T) {
	t.Parallel()
	at := func(d, h int) time.Time { return time.Date(2016, 11, d, h, 0, 0, 0, time.UTC) }
	for _, c := range []struct {
		name string
		a, b time.Time
		want time.Duration
	}{
		{"within a day", at(9, 9), at(9, 15), 6 * time.Hour},
		{"night only", at(9, 21), at(10, 7), 0},
		{"evening to morning", at(9, 16), at(10, 10), 6 * time.Hour},
		{"three days", at(9, 0), at(12, 0), 36 * time.Hour},
		{"reversed", at(9, 15), at(9, 9), 0},
	} {
		if got := daytime(c.a, c.b); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}
