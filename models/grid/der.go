package grid

import (
	"math"
	"time"
)

// Distributed loads and generation for planners' what-ifs: rooftop PV,
// heat pumps and home EV charging. Each is a documented model of the
// expected (aggregate) power of many units, the level quasi-static feeder
// studies work at; every parameter is a field a user replaces.

// SolarElevation is the sun's elevation above the horizon, radians, at
// lat, lon (degrees) and instant t, from Spencer's (1971) Fourier series
// for the declination and the equation of time (accurate to about 0.1°).
func SolarElevation(lat, lon float64, t time.Time) float64 {
	u := t.UTC()
	g := 2 * math.Pi / 365 * (float64(u.YearDay()-1) + (float64(u.Hour())-12)/24)
	decl := 0.006918 - 0.399912*math.Cos(g) + 0.070257*math.Sin(g) - 0.006758*math.Cos(2*g) +
		0.000907*math.Sin(2*g) - 0.002697*math.Cos(3*g) + 0.00148*math.Sin(3*g)
	eqTime := 229.18 * (0.000075 + 0.001868*math.Cos(g) - 0.032077*math.Sin(g) - 0.014615*math.Cos(2*g) - 0.040849*math.Sin(2*g)) // minutes
	minutes := float64(u.Hour()*60+u.Minute()) + float64(u.Second())/60
	solarMin := minutes + eqTime + 4*lon
	hourAngle := (solarMin/4 - 180) * math.Pi / 180
	phi := lat * math.Pi / 180
	sinEl := math.Sin(phi)*math.Sin(decl) + math.Cos(phi)*math.Cos(decl)*math.Cos(hourAngle)
	return math.Asin(math.Max(-1, math.Min(1, sinEl)))
}

// ClearSkyGHI is the global horizontal irradiance under a clear sky,
// W/m², by Haurwitz's model (1945): 1098 cos z exp(-0.057 / cos z), z the
// solar zenith angle; 0 at night.
func ClearSkyGHI(lat, lon float64, t time.Time) float64 {
	cosZ := math.Sin(SolarElevation(lat, lon, t))
	if cosZ <= 0 {
		return 0
	}
	return 1098 * cosZ * math.Exp(-0.057/cosZ)
}

// RooftopPV is rooftop photovoltaics: capacity from roof area, output from
// irradiance.
type RooftopPV struct {
	KWpPerM2 float64 // peak capacity per m² of footprint (0.1: half the roof at 0.2 kWp/m²)
	// PerformanceRatio covers inverter, temperature, soiling and
	// orientation losses (0.75).
	PerformanceRatio float64
	// ClearSkyIndex scales the clear-sky irradiance for clouds: the
	// ratio of mean to clear-sky irradiance (0.55 for Denmark's annual
	// average; 1 for a clear day, the feeder's worst case for reverse flow).
	ClearSkyIndex float64
}

// DefaultPV returns the defaults above.
func DefaultPV() RooftopPV {
	return RooftopPV{KWpPerM2: 0.1, PerformanceRatio: 0.75, ClearSkyIndex: 0.55}
}

// PowerKW is the output of kWp of panels at lat, lon and t.
func (p RooftopPV) PowerKW(kWp, lat, lon float64, t time.Time) float64 {
	return kWp * p.PerformanceRatio * p.ClearSkyIndex * ClearSkyGHI(lat, lon, t) / 1000
}

// HeatPump is space heating by air-source heat pumps.
type HeatPump struct {
	LossWPerM2K float64 // heat loss per m² of floor per kelvin (1.0, Danish stock of the 1960s-80s)
	IndoorC     float64 // set point (20)
	HeatingOffC float64 // no heating above this outdoor temperature (15)
	// COP = COP0 + COPSlope × outdoor °C (2.8 + 0.08 T: about 2.0 at -10 °C,
	// 3.6 at 10 °C, as measured air-to-water units report).
	COP0, COPSlope float64
}

// DefaultHeatPump returns the defaults above.
func DefaultHeatPump() HeatPump {
	return HeatPump{LossWPerM2K: 1.0, IndoorC: 20, HeatingOffC: 15, COP0: 2.8, COPSlope: 0.08}
}

// PowerKW is the electric power of the heat pump of a building with
// floorM2 at outdoor temperature tOutC.
func (h HeatPump) PowerKW(floorM2, tOutC float64) float64 {
	if tOutC >= h.HeatingOffC {
		return 0
	}
	heatKW := floorM2 * h.LossWPerM2K * (h.IndoorC - tOutC) / 1000
	return heatKW / math.Max(1, h.COP0+h.COPSlope*tOutC)
}

// Climate is a smooth outdoor temperature: an annual sine (coldest on
// ColdestDay) plus a daily sine (warmest at 15:00 local solar time).
type Climate struct {
	MeanC, AnnualAmpC, DailyAmpC float64
	ColdestDay                   int // day of year
}

// Copenhagen is DMI's 1991-2020 normal for Copenhagen to a sine: monthly
// means from about 1.5 °C in January to 17.8 °C in July (mean 9.3 °C,
// amplitude 8.2 °C), with a 3 °C daily swing.
var Copenhagen = Climate{MeanC: 9.3, AnnualAmpC: 8.2, DailyAmpC: 3, ColdestDay: 20}

// TempC is the outdoor temperature at local time t.
func (c Climate) TempC(t time.Time) float64 {
	day := float64(t.YearDay()) + float64(t.Hour())/24
	annual := -math.Cos(2 * math.Pi * (day - float64(c.ColdestDay)) / 365.25)
	hour := float64(t.Hour()) + float64(t.Minute())/60
	daily := math.Cos(2 * math.Pi * (hour - 15) / 24)
	return c.MeanC + c.AnnualAmpC*annual + c.DailyAmpC/2*daily
}

// HomeEV is home charging of electric cars, as the expected load of many:
// each car plugs in on arriving home (normally distributed about
// ArriveHour with ArriveSDHours) and charges DailyKWh at ChargerKW.
type HomeEV struct {
	CarsPerDwelling float64 // 0.35 in central Copenhagen (Statistics Denmark, BIL707, municipality of Copenhagen)
	DwellingM2      float64 // floor area per dwelling (80)
	DailyKWh        float64 // 30 km a day at 0.18 kWh/km (5.4)
	ChargerKW       float64 // 11 (three-phase 16 A)
	ArriveHour      float64 // 17.5
	ArriveSDHours   float64 // 2
}

// DefaultHomeEV returns the defaults above.
func DefaultHomeEV() HomeEV {
	return HomeEV{CarsPerDwelling: 0.35, DwellingM2: 80, DailyKWh: 5.4, ChargerKW: 11, ArriveHour: 17.5, ArriveSDHours: 2}
}

// KWPerCar is the expected charging power of one electric car at local
// time t: ChargerKW times the probability it is charging then, that is
// that it arrived within the last DailyKWh/ChargerKW hours (the arrival
// distribution wrapped around midnight).
func (e HomeEV) KWPerCar(t time.Time) float64 {
	h := float64(t.Hour()) + float64(t.Minute())/60 + float64(t.Second())/3600
	dur := e.DailyKWh / e.ChargerKW
	p := 0.0
	for _, shift := range []float64{-24, 0, 24} {
		p += normCDF((h+shift-e.ArriveHour)/e.ArriveSDHours) - normCDF((h+shift-dur-e.ArriveHour)/e.ArriveSDHours)
	}
	return e.ChargerKW * p
}

func normCDF(x float64) float64 { return 0.5 * math.Erfc(-x/math.Sqrt2) }
