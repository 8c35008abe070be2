package scenarios

import (
	"testing"

	"citytwin/engine"
)

// buildSim parses a scenario from text, builds its models and returns an
// initialised kernel holding them, for tests that drive a run by hand.
func buildSim(t *testing.T, name, text string) (*engine.Sim, []engine.Model) {
	t.Helper()
	sc, err := Parse(name, []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	_, models, err := Build(sc)
	if err != nil {
		t.Fatal(err)
	}
	sim := engine.New(sc.Seed)
	for _, m := range models {
		sim.Add(m)
	}
	if err := sim.Init(); err != nil {
		t.Fatal(err)
	}
	return sim, models
}
