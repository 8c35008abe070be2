package water

import (
	"bytes"
	"testing"
)

// TestStateContinuesExactly: a run saved midway and loaded into a fresh
// simulator continues with the same heads, flows and quality, to the bit.
func TestStateContinuesExactly(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"Net1.inp", "Net3.inp"} {
		net, err := Load("testdata/" + name)
		if err != nil {
			t.Fatal(err)
		}
		straight, _ := NewSimulator(net, DefaultSimOptions())
		straight.Init()
		half, _ := NewSimulator(net, DefaultSimOptions())
		half.Init()
		// A burst before the checkpoint adds an emitter the fresh simulator
		// does not have.
		if err := straight.SetEmitter(2, 50); err != nil {
			t.Fatal(err)
		}
		if err := half.SetEmitter(2, 50); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 20; i++ {
			if _, err := straight.Step(); err != nil {
				t.Fatal(err)
			}
			if _, err := half.Step(); err != nil {
				t.Fatal(err)
			}
		}
		var buf bytes.Buffer
		if err := half.SaveState(&buf); err != nil {
			t.Fatal(err)
		}
		resumed, _ := NewSimulator(net, DefaultSimOptions())
		resumed.Init()
		if err := resumed.LoadState(&buf); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 30 && !straight.Done(); i++ {
			t1, err1 := straight.Step()
			t2, err2 := resumed.Step()
			if t1 != t2 || err1 != nil || err2 != nil {
				t.Fatalf("%s: step %d: times %d and %d (%v, %v)", name, i, t1, t2, err1, err2)
			}
			for j := range net.Nodes {
				if straight.NodeHead(j) != resumed.NodeHead(j) || straight.NodeQuality(j) != resumed.NodeQuality(j) {
					t.Fatalf("%s: t=%d node %s: head %v vs %v, quality %v vs %v", name, t1, net.Nodes[j].ID,
						straight.NodeHead(j), resumed.NodeHead(j), straight.NodeQuality(j), resumed.NodeQuality(j))
				}
			}
			for k := range net.Links {
				if straight.LinkFlow(k) != resumed.LinkFlow(k) {
					t.Fatalf("%s: t=%d link %s: flow %v vs %v", name, t1, net.Links[k].ID, straight.LinkFlow(k), resumed.LinkFlow(k))
				}
			}
		}
	}
}
