package parking

import (
	"math"
	"testing"
	"time"
)

// syntheticSeries is a car park of capacity 100 observed hourly 08:00-16:00
// for weeks weeks before end, at occupancy level(week age, weekend) spaces.
func syntheticSeries(code string, end time.Time, weeks int, level func(age int, weekend bool) int) Series {
	s := Series{Code: code, Capacity: 100}
	for d := weeks * 7; d >= 1; d-- {
		day := end.AddDate(0, 0, -d)
		age := (d - 1) / 7
		we := day.Weekday() == time.Saturday || day.Weekday() == time.Sunday
		for h := 8; h <= 16; h++ {
			s.Obs = append(s.Obs, Obs{Time: day.Add(time.Duration(h) * time.Hour), Occupancy: level(age, we), Capacity: 100})
		}
	}
	return s
}

// TestCityTrendOf: the city trend is the median of the car parks' own
// week-on-week growth, for working days and the weekend apart.
func TestCityTrendOf(t *testing.T) {
	end := time.Date(2016, 12, 13, 0, 0, 0, 0, time.UTC)
	grow := func(wd, we float64) func(int, bool) int {
		return func(age int, weekend bool) int {
			g := wd
			if weekend {
				g = we
			}
			if age == 0 {
				return int(math.Round(40 * g))
			}
			return 40
		}
	}
	ss := []Series{
		syntheticSeries("a", end, 3, grow(1.1, 1.5)),
		syntheticSeries("b", end, 3, grow(0.9, 1.0)),
		syntheticSeries("c", end, 3, grow(1.0, 1.25)),
		{Code: "empty", Capacity: 100},
	}
	ct := CityTrendOf(ss, end)
	if !ct.End.Equal(end) || ct.Parks != [2]int{3, 3} {
		t.Fatalf("trend %+v", ct)
	}
	if math.Abs(ct.Growth[0]-1) > 1e-9 || math.Abs(ct.Growth[1]-1.25) > 1e-9 {
		t.Errorf("growth %v, want [1 1.25]", ct.Growth)
	}
	// the trend counts only for the week it was computed for
	opt := ForecastOptions{City: ct, CityDamping: 1, ProfileWeeks: -1}
	occ, ok := Forecast(ss[1], end, opt)
	sat := 5*SlotsPerDay + 12*2
	if !ok[sat] || math.Abs(occ[sat]-0.4*1.25) > 1e-9 {
		t.Errorf("Saturday noon %.4f (ok %v), want %.4f", occ[sat], ok[sat], 0.4*1.25)
	}
	occ, _ = Forecast(ss[1], end.AddDate(0, 0, -7), opt)
	if math.Abs(occ[sat]-0.4) > 1e-9 {
		t.Errorf("trend of another week applied: %.4f, want 0.4", occ[sat])
	}
}

// TestForecastBlend: with a constant profile for weeks and a last week
// 20 points higher on working days, the blend is half the last week and
// half the median profile scaled by 0.75 of the level ratio.
func TestForecastBlend(t *testing.T) {
	end := time.Date(2016, 12, 13, 0, 0, 0, 0, time.UTC)
	s := syntheticSeries("x", end, 6, func(age int, weekend bool) int {
		if age == 0 && !weekend {
			return 60
		}
		return 40
	})
	occ, ok := Forecast(s, end, ForecastOptions{})
	wed := 2*SlotsPerDay + 12*2
	sun := 6*SlotsPerDay + 12*2
	// median of the 4 youngest weeks: 40; ratio 60/40 = 1.5 -> 1.375
	want := 0.5*0.6 + 0.5*0.4*1.375
	if !ok[wed] || math.Abs(occ[wed]-want) > 1e-9 {
		t.Errorf("Wednesday noon %.4f, want %.4f", occ[wed], want)
	}
	if math.Abs(occ[sun]-0.4) > 1e-9 {
		t.Errorf("Sunday noon %.4f, want 0.4 (weekend level unchanged)", occ[sun])
	}
	if ok[3*SlotsPerDay+2*2] {
		t.Error("Thursday 02:00 never observed but forecast")
	}
}

// TestOfferedLoad: the Erlang loss formula against tabulated values and
// the offered load that inverts the loss system's mean occupancy.
func TestOfferedLoad(t *testing.T) {
	for _, c := range []struct {
		servers int
		load, b float64
	}{
		{1, 1, 0.5},
		{2, 1, 0.2},
		{10, 5, 0.018385},
		{100, 100, 0.075700},
	} {
		if got := erlangB(c.servers, c.load); math.Abs(got-c.b) > 5e-6 {
			t.Errorf("B(%d, %g) = %.6f, want %.6f", c.servers, c.load, got, c.b)
		}
	}
	for _, c := range []struct {
		occ      float64
		capacity int
	}{{0.3, 500}, {0.9, 387}, {0.97, 220}} {
		a := offeredLoad(c.occ, c.capacity)
		if a < c.occ {
			t.Errorf("offered load %.4f below the occupancy %.4f", a, c.occ)
		}
		if got := lossMean(c.capacity, a*float64(c.capacity)) / float64(c.capacity); math.Abs(got-c.occ) > 1e-5 {
			t.Errorf("occupancy %.4f of %d: loss mean at the offered load %.6f", c.occ, c.capacity, got)
		}
	}
	if a := offeredLoad(1, 100); a != maxOfferedLoad {
		t.Errorf("full car park: offered load %.3f, want the bound %.1f", a, maxOfferedLoad)
	}
}

// BenchmarkCityTrendOf: the city trend over the 30 Birmingham car parks.
func BenchmarkCityTrendOf(b *testing.B) {
	ss := birmingham(b)
	b.ReportAllocs()
	for b.Loop() {
		CityTrendOf(ss, heldBack)
	}
}
