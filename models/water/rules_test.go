package water

import (
	"os"
	"strings"
	"testing"
)

// TestRulesReplaceControls runs Net1 with its two simple controls written
// as rules. Rules are checked every RULE TIMESTEP (6 min here), so the pump
// must switch within that much of the controls' switching times, and the
// hourly pump status must equal EPANET's for the controls.
func TestRulesReplaceControls(t *testing.T) {
	b, err := os.ReadFile("testdata/Net1.inp")
	if err != nil {
		t.Fatal(err)
	}
	inp := strings.Replace(string(b), " LINK 9 OPEN IF NODE 2 BELOW 110\n LINK 9 CLOSED IF NODE 2 ABOVE 140\n", "", 1)
	inp = strings.Replace(inp, "[RULES]\n", `[RULES]
RULE close
IF TANK 2 LEVEL ABOVE 140
THEN PUMP 9 STATUS IS CLOSED
PRIORITY 1

RULE open
IF TANK 2 LEVEL BELOW 110
THEN PUMP 9 STATUS IS OPEN
`, 1)
	net, err := Parse(strings.NewReader(inp))
	if err != nil {
		t.Fatal(err)
	}
	if len(net.Controls) != 0 || len(net.Rules) != 2 || net.Rules[0].Priority != 1 {
		t.Fatalf("%d controls, %d rules", len(net.Controls), len(net.Rules))
	}
	ref := byTime(readRef(t, "testdata/ref/Net1_links.csv", true))
	sim, err := NewSimulator(net, DefaultSimOptions())
	if err != nil {
		t.Fatal(err)
	}
	pump, _ := net.LinkIndex("9")
	var switches []int64
	open := true
	sim.Init()
	for !sim.Done() {
		if err := sim.Solve(); err != nil {
			t.Fatal(err)
		}
		if sim.LinkOpen(pump) != open {
			open = !open
			switches = append(switches, sim.Time())
		}
		if sim.IsReportTime() {
			for _, r := range ref[sim.Time()] {
				if r.id == "9" && (r.stat == "OPEN") != sim.LinkOpen(pump) {
					t.Errorf("t=%d: pump open %v, EPANET with controls %s", sim.Time(), sim.LinkOpen(pump), r.stat)
				}
			}
		}
		sim.Advance()
	}
	// EPANET with the simple controls switches the pump off in the 13th hour and back
	// on in the 23rd (the tank reaches 140 ft and 110 ft).
	if len(switches) != 2 || switches[0] <= 12*3600 || switches[0] > 13*3600 || switches[1] <= 22*3600 || switches[1] > 23*3600 {
		t.Errorf("pump switched at %v s", switches)
	}
	for _, sw := range switches {
		if sw%360 != 0 {
			t.Errorf("switch at %d s is not on a rule time step", sw)
		}
	}
}
