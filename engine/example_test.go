package engine_test

import (
	"fmt"

	"citytwin/engine"
)

// clock prints a line every quarter hour.
type clock struct{ id engine.ModelID }

func (c *clock) Name() string { return "clock" }
func (c *clock) Init(s *engine.Sim, id engine.ModelID) error {
	c.id = id
	s.Every(id, 0, 15*engine.Minute, engine.PhaseSolve, 1, 0)
	return nil
}
func (c *clock) Handle(s *engine.Sim, ev engine.Event) error {
	fmt.Println("tick at", s.Now())
	return nil
}

func ExampleSim_RunUntil() {
	s := engine.New(1)
	s.Add(&clock{})
	if err := s.Init(); err != nil {
		panic(err)
	}
	if err := s.RunUntil(45 * engine.Minute); err != nil {
		panic(err)
	}
	fmt.Println("events:", s.Dispatched())
	// Output:
	// tick at 00:00:00
	// tick at 00:15:00
	// tick at 00:30:00
	// tick at 00:45:00
	// events: 4
}
