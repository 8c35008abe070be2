package grid

import (
	"math"
	"testing"
	"time"
)

func TestSolarElevationCopenhagen(t *testing.T) {
	t.Parallel()
	// Copenhagen (55.68 N, 12.57 E): at the June solstice the noon sun
	// stands 90 - 55.68 + 23.44 = 57.76° high; at the December solstice
	// 90 - 55.68 - 23.44 = 10.88°. Solar noon is about 11:10 UTC.
	for _, c := range []struct {
		t    time.Time
		want float64
	}{
		{time.Date(2024, 6, 21, 11, 10, 0, 0, time.UTC), 57.76},
		{time.Date(2024, 12, 21, 11, 8, 0, 0, time.UTC), 10.88},
	} {
		got := SolarElevation(55.68, 12.57, c.t) * 180 / math.Pi
		if math.Abs(got-c.want) > 0.3 {
			t.Errorf("%v: elevation %.2f°, want %.2f°", c.t, got, c.want)
		}
	}
	if g := ClearSkyGHI(55.68, 12.57, time.Date(2024, 6, 21, 23, 0, 0, 0, time.UTC)); g != 0 {
		t.Errorf("GHI at midnight %v", g)
	}
	// Haurwitz at a 57.76° elevation: 1098 * 0.8457 * exp(-0.057/0.8457) = 868 W/m².
	if g := ClearSkyGHI(55.68, 12.57, time.Date(2024, 6, 21, 11, 10, 0, 0, time.UTC)); math.Abs(g-868) > 10 {
		t.Errorf("GHI at June noon %.0f W/m², want about 868", g)
	}
}

func TestHeatPumpAndClimate(t *testing.T) {
	t.Parallel()
	h := DefaultHeatPump()
	// 100 m² at -10 °C: 100 * 1.0 * 30 W = 3 kW of heat at COP 2.0 = 1.5 kW.
	if p := h.PowerKW(100, -10); math.Abs(p-1.5) > 1e-9 {
		t.Errorf("heat pump at -10 °C: %v kW", p)
	}
	if p := h.PowerKW(100, 16); p != 0 {
		t.Errorf("heat pump above the heating limit: %v kW", p)
	}
	jan := Copenhagen.TempC(time.Date(2024, 1, 20, 3, 0, 0, 0, time.UTC))
	jul := Copenhagen.TempC(time.Date(2024, 7, 20, 15, 0, 0, 0, time.UTC))
	if jan > 2 || jul < 17 {
		t.Errorf("January night %.1f °C, July afternoon %.1f °C", jan, jul)
	}
}

func TestHomeEVChargesInTheEvening(t *testing.T) {
	t.Parallel()
	e := DefaultHomeEV()
	// Over a day the expected energy is the daily need.
	sum := 0.0
	for m := 0; m < 24*60; m++ {
		sum += e.KWPerCar(time.Date(2024, 3, 1, 0, m, 0, 0, time.UTC)) / 60
	}
	if math.Abs(sum-e.DailyKWh) > 0.01 {
		t.Errorf("daily energy %.3f kWh, want %.3f", sum, e.DailyKWh)
	}
	eve := e.KWPerCar(time.Date(2024, 3, 1, 18, 0, 0, 0, time.UTC))
	morning := e.KWPerCar(time.Date(2024, 3, 1, 8, 0, 0, 0, time.UTC))
	if eve < 10*morning || eve > e.ChargerKW {
		t.Errorf("evening %.3f kW, morning %.3f kW", eve, morning)
	}
}
