package water

import "testing"

// TestSourceTrace runs Net3 (QUALITY TRACE Lake): the percentage of Lake
// water stays in [0, 100], the Lake is 100 %, and junction 10 on the Lake
// pump's discharge is 100 % after an hour of the pump running.
func TestSourceTrace(t *testing.T) {
	net, err := Load("testdata/Net3.inp")
	if err != nil {
		t.Fatal(err)
	}
	if net.Options.Quality != QualTrace {
		t.Fatalf("quality %v, want trace", net.Options.Quality)
	}
	sim, err := NewSimulator(net, DefaultSimOptions())
	if err != nil {
		t.Fatal(err)
	}
	lake, _ := net.NodeIndex("Lake")
	j10, _ := net.NodeIndex("10")
	pump, _ := net.LinkIndex("10")
	pumpHours := 0
	prevOpen := false
	err = sim.Run(func(tm int64) error {
		// quality at tm comes from the flows of the hour before it
		wasOpen := prevOpen
		prevOpen = sim.LinkOpen(pump)
		for i := range net.Nodes {
			if c := sim.NodeQuality(i); c < -1e-9 || c > 100+1e-9 {
				t.Errorf("t=%d node %s: %.4g %%", tm, net.Nodes[i].ID, c)
			}
		}
		if sim.NodeQuality(lake) != 100 {
			t.Errorf("t=%d: Lake %.4g %%", tm, sim.NodeQuality(lake))
		}
		if wasOpen && sim.LinkOpen(pump) {
			pumpHours++
			if c := sim.NodeQuality(j10); c < 99.9 {
				t.Errorf("t=%d: junction 10 %.4g %% of Lake water with the Lake pump on", tm, c)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if pumpHours == 0 {
		t.Error("Lake pump never ran")
	}
}
