package scenarios

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"

	"citytwin/engine"
	"citytwin/models/city"
)

// Env is what a model builder is given: the scenario, its city and the
// simulated start.
type Env struct {
	Scenario *Scenario
	City     *city.City
	Start    time.Time
}

// builder makes a model from its scenario section.
type builder func(env *Env, key string, node ast.Node) (engine.Model, error)

// builders maps model names to their builders; modelOrder is the order in
// which models are added to the kernel (their ModelIDs), whatever order
// the scenario lists them in.
var (
	builders   = map[string]builder{}
	modelOrder = []string{"traffic", "parking", "waste", "grid", "water"}
)

func registerModel(name string, b builder) { builders[name] = b }

func knownModels() string {
	names := make([]string, 0, len(builders))
	for n := range builders {
		names = append(names, n)
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

// Decode decodes a scenario section into v strictly: an unknown key or a
// wrong type is an error naming file:line:column.
func (env *Env) Decode(node ast.Node, v any) error {
	if node == nil {
		return nil
	}
	return nodeToValue(env.Scenario.locator(), node, v, yaml.Strict())
}

// Invalid reports an invalid value at a dotted key of the scenario.
func (env *Env) Invalid(key, format string, args ...any) error {
	return env.Scenario.fieldError(key, format, args...)
}

// Build loads the city and makes the scenario's models in kernel order.
func Build(sc *Scenario) (*Env, []engine.Model, error) {
	c, err := city.Load(sc.Resolve(sc.City.OSM))
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %s: city.osm: %v", ErrInvalid, sc.Position("city.osm"), err)
	}
	env := &Env{Scenario: sc, City: c, Start: sc.StartTime}
	var models []engine.Model
	for _, name := range modelOrder {
		node, ok := sc.Models[name]
		if !ok {
			continue
		}
		m, err := builders[name](env, "models."+name, node)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				// What a model refuses at build time is its input: the
				// city, its files or its parameters (exit code 2).
				key := "models." + name
				err = fmt.Errorf("%w: %s: %s: %w", ErrInvalid, sc.Position(key), key, err)
			}
			return nil, nil, err
		}
		models = append(models, m)
	}
	return env, models, nil
}
