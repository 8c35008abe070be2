package waste

import (
	"fmt"

	"citytwin/engine"
	"citytwin/models/city"
)

// RunAlone runs the model by itself (trucks at free-flow times) for
// duration d with master seed seed, and returns it for its Totals, KPIs
// and Tables.
func RunAlone(c *city.City, bins []Bin, cfg Config, seed uint64, d engine.Time) (*Model, error) {
	m, err := New(c, bins, cfg)
	if err != nil {
		return nil, err
	}
	s := engine.New(seed)
	s.Add(m)
	if err := s.Init(); err != nil {
		return nil, err
	}
	if err := s.RunUntil(d); err != nil {
		return nil, err
	}
	return m, nil
}

// ExperimentRow is one policy's result in a policy experiment.
type ExperimentRow struct {
	Policy Policy
	Totals Totals
}

// Experiment runs the same bins, seed and configuration under each
// policy for the given number of weeks (common random numbers: the fill
// process draws from its own stream, so every policy sees the same
// deposits until their emptyings differ).
func Experiment(c *city.City, bins []Bin, cfg Config, seed uint64, weeks float64, policies []Policy) ([]ExperimentRow, error) {
	if !(weeks > 0) {
		return nil, fmt.Errorf("waste: experiment: %v weeks", weeks)
	}
	var rows []ExperimentRow
	for _, p := range policies {
		cfg.Policy = p
		m, err := RunAlone(c, bins, cfg, seed, engine.Seconds(weeks*7*86400))
		if err != nil {
			return nil, fmt.Errorf("waste: experiment: %s: %w", p, err)
		}
		rows = append(rows, ExperimentRow{Policy: p, Totals: m.Totals()})
	}
	return rows, nil
}
