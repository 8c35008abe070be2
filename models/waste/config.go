package waste

import (
	"fmt"
	"strconv"

	"github.com/paulmach/orb"
)

// Policy decides which bins the trucks empty each day.
type Policy uint8

// The collection policies.
const (
	// Fixed empties every bin every EveryDays[kind] days, whatever its fill.
	Fixed Policy = iota
	// Threshold empties the bins whose last sensor reading is at or above
	// Config.Threshold.
	Threshold
	// Predictive empties the bins whose fill, forecast from the sensor
	// readings since their last emptying (least-squares slope), reaches
	// 100 % before the end of the next day's shift, the latest the next
	// possible visit can come.
	Predictive
)

// ParsePolicy reads "fixed", "threshold" or "predictive".
func ParsePolicy(s string) (Policy, error) {
	switch s {
	case "", "fixed":
		return Fixed, nil
	case "threshold":
		return Threshold, nil
	case "predictive":
		return Predictive, nil
	}
	return 0, fmt.Errorf("waste: policy %q: want fixed, threshold or predictive", s)
}

// String is the policy's scenario name.
func (p Policy) String() string {
	if p > Predictive {
		return "policy" + strconv.Itoa(int(p))
	}
	return [...]string{"fixed", "threshold", "predictive"}[p]
}

// Sensor describes the ultrasonic fill sensors: a reading is the true fill
// plus Gaussian noise of NoiseSD (share of the bin), clamped to 0..1, every
// IntervalS, lost with probability Dropout. Ultrasonic level sensors in
// bins read to a few per cent of the depth (uneven waste surface);
// commercial ones report a few times a day to hourly.
type Sensor struct {
	Coverage  float64 // share of bins with a sensor, 0..1
	NoiseSD   float64 // standard deviation of a reading, share of the bin (default 0.03)
	IntervalS float64 // reporting interval, s (default 3600; rounded to whole hours)
	Dropout   float64 // probability that a reading is lost (default 0.05)
}

// Config holds the model's parameters. Zero values take the defaults
// given with each field.
type Config struct {
	Policy    Policy
	Threshold float64 // Threshold policy: fill share at which a bin is emptied (default 0.7)
	// EveryDays is the fixed schedule per kind, days between emptyings
	// (defaults: baskets 2, about Edinburgh's 3.1 a week; household
	// containers 7, Copenhagen's weekly residual-waste round; recycling 7).
	EveryDays   [numKinds]int
	Fleet       int       // trucks (default 6)
	DepotLL     orb.Point // depot lon/lat; zero: the road edge nearest the centroid of the road nodes
	Sensor      Sensor
	ShiftStartS float64 // local time of day the daily shift starts, s (default 7 h)
	ShiftS      float64 // shift length, s: a route's driving plus service time (default 8 h)
	// CapacityL is a truck's capacity in litres of loose waste: a
	// 20 m3 rear-loader body compacting about 3:1 (default 60,000 l).
	CapacityL float64
	// ServiceS is the time at a point per kind (defaults: basket 60 s;
	// household 30 s plus ServicePerContainerS per container; recycling bank
	// 300 s, a crane lift).
	ServiceS             [numKinds]float64
	ServicePerContainerS float64 // default 30 s
	DayOffsetS           float64 // local time of day at the run's start, s
	Iterations           int     // genetic iterations of the route solver per plan (default 100)
	FuelLPerKm           float64 // diesel while driving (default 0.5 l/km, assumed for urban stop-and-go)
	FuelLPerServiceH     float64 // diesel while stopped at bins: idling, lift and compaction (default 4 l/h, assumed)
	// CO2KgPerL is the CO2 of burnt diesel: 2.70 kg/l, from the US EPA's
	// emission factor 10.21 kg CO2 per gallon (EPA, "Emission Factors for
	// Greenhouse Gas Inventories", 2024, table 2).
	CO2KgPerL float64
	// PriorRate is what the predictive policy assumes, share of the bin per
	// day, before a bin has two readings (defaults: the kinds' medians).
	PriorRate [numKinds]float64
}

// Kind defaults: household containers fill to about 80 % in a week by the
// sizing rule of HouseholdContainers; recycling banks are assumed to fill
// in about ten days.
var (
	defaultEveryDays = [numKinds]int{Basket: 2, Household: 7, Recycling: 7}
	defaultService   = [numKinds]float64{Basket: 60, Household: 30, Recycling: 300}
	defaultRate      = [numKinds]float64{Basket: BasketMedianRate, Household: containerDesignFill / 7, Recycling: 0.1}
	kindRateSigma    = [numKinds]float64{Basket: BasketRateSigma, Household: 0.25, Recycling: 0.4}
)

func (c Config) withDefaults() Config {
	def := func(v *float64, d float64) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&c.Threshold, 0.7)
	def(&c.ShiftStartS, 7*3600)
	def(&c.ShiftS, 8*3600)
	def(&c.CapacityL, 60000)
	def(&c.ServicePerContainerS, 30)
	def(&c.FuelLPerKm, 0.5)
	def(&c.FuelLPerServiceH, 4)
	def(&c.CO2KgPerL, 2.70)
	def(&c.Sensor.NoiseSD, 0.03)
	def(&c.Sensor.IntervalS, 3600)
	for k := range numKinds {
		if c.EveryDays[k] <= 0 {
			c.EveryDays[k] = defaultEveryDays[k]
		}
		def(&c.ServiceS[k], defaultService[k])
		def(&c.PriorRate[k], defaultRate[k])
	}
	if c.Fleet <= 0 {
		c.Fleet = 6
	}
	if c.Iterations <= 0 {
		c.Iterations = 100
	}
	return c
}

// Validate reports a parameter out of range.
func (c Config) Validate() error {
	switch {
	case c.Threshold < 0 || c.Threshold > 1:
		return fmt.Errorf("waste: threshold %v: want a share 0..1", c.Threshold)
	case c.Sensor.Coverage < 0 || c.Sensor.Coverage > 1:
		return fmt.Errorf("waste: sensor coverage %v: want a share 0..1", c.Sensor.Coverage)
	case c.Sensor.Dropout < 0 || c.Sensor.Dropout >= 1:
		return fmt.Errorf("waste: sensor dropout %v: want a probability below 1", c.Sensor.Dropout)
	case c.Sensor.NoiseSD < 0 || c.Sensor.IntervalS < 0:
		return fmt.Errorf("waste: sensor noise and interval must not be negative")
	case c.Policy > Predictive:
		return fmt.Errorf("waste: policy %d unknown", c.Policy)
	case c.ShiftS > 24*3600:
		return fmt.Errorf("waste: shift %v s longer than a day", c.ShiftS)
	}
	return nil
}
