package parking

import (
	"flag"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite derived data files from the shared data")

const dundeeDir = "../../../shared/data/energy/ev_charging_dundee_2017_2018"

// TestDeriveDundeeSample rewrites data/dundee_ev_sessions.csv, a sample
// of 1200 sessions (600 AC, 600 rapid, uniformly at random with a fixed
// seed) from the three Dundee files, when run with -update.
func TestDeriveDundeeSample(t *testing.T) {
	if !*update {
		t.Skip("run with -update to rewrite the sample")
	}
	var all []Session
	for _, name := range []string{"cp-data-dec-mar-2018.csv", "cp-data-mar-may-2018.csv", "charge-sessions-june-sept.csv"} {
		f, err := os.Open(filepath.Join(dundeeDir, name))
		if err != nil {
			t.Skip(err)
		}
		ss, rep, err := ReadDundeeSessions(f, name)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: %+v", name, rep)
		all = append(all, ss...)
	}
	rng := rand.New(rand.NewPCG(2018, 6))
	var ac, dc []Session
	for _, s := range all {
		if s.Rapid {
			dc = append(dc, s)
		} else {
			ac = append(ac, s)
		}
	}
	pick := func(ss []Session, n int) []Session {
		rng.Shuffle(len(ss), func(i, j int) { ss[i], ss[j] = ss[j], ss[i] })
		return ss[:min(n, len(ss))]
	}
	sample := append(pick(ac, 600), pick(dc, 600)...)
	nRapid := 0
	for _, s := range sample {
		if s.Rapid {
			nRapid++
		}
	}
	if len(sample) != 1200 || nRapid != 600 {
		t.Fatalf("sample of %d sessions (%d AC, %d rapid), want 1200 (600 AC, 600 rapid); not written", len(sample), len(sample)-nRapid, nRapid)
	}
	f, err := os.Create("data/dundee_ev_sessions.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := writeSampleCSV(f, sample); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d sessions (%d AC, %d rapid) -> 1200", len(all), len(ac), len(dc))
}
