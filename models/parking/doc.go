// Package parking is the parking model of citytwin: supply (car parks,
// on-street strips, EV charging points) taken from the city, demand
// (vehicles arriving from the traffic model and background arrivals),
// the search for a space under a guidance policy, EV charging sessions
// drawn from recorded sessions, sensor-ready occupancy and per-bay
// status, and the calibration of arrival profiles to recorded occupancy
// feeds (Aarhus 2014, Birmingham 2016).
//
// Cruising is modelled on the road graph with the city Router, as time
// and distance driven between candidate facilities; the vehicle is not
// put back into the traffic model. Shoup (2006, "Cruising for parking",
// Transport Policy 13(6)) reviews 16 studies: cruising is 8-74 % (mean
// 30 %) of city-centre traffic, 3.5-13.9 min per search. Levy, Martens &
// Benenson (2013, "Exploring cruising using agent-based and analytical
// models of parking", Transportmetrica A 9(9)) show that search time and
// distance stay low up to about 85-90 % occupancy and then rise sharply.
//
// # Calibration
//
// Fit matches a car park's weekly arrival profile (Poisson rates per
// 30-min slot, lognormal dwell) to a Forecast of the week to come: half
// the last week's occupancy at the same slot (Monday to Thursday lending
// each other their value at half weight), half the per-slot median of
// the last four weeks scaled to the last week's level (working days and
// weekend apart), times the city-wide week-on-week growth (CityTrendOf,
// the median over all car parks). The fitted car park is then simulated
// as the loss system it is and the fit corrected towards the forecast
// (FitOptions.SimCorrections). Those choices, the smoothness weight and
// the alternatives were compared by leave-last-week-out validation on
// the last three training weeks (bench/parking.md). Feeds are cleaned
// of duplicates, impossible counts, zero-run outages and frozen
// counters (CleanOptions).
//
// # Car-park register
//
// A register lists car parks (and other facilities) the city's
// OpenStreetMap data lacks or gets wrong. It is a CSV file with a header
// naming these columns, each once, in any order (ReadRegister):
//
//	id          unique, non-empty text; names the entry in errors
//	name        display name (may be empty: the id is used)
//	lon, lat    position in WGS84 degrees; reached from the nearest
//	            drivable road, which must lie within MaxRegisterSnapM
//	capacity    bays, an integer 1..100000
//	chargers    charging bays among them, 0..capacity
//	charger_kw  power of each charging point in kW (0 < kW <= 1000);
//	            empty when chargers is 0
//	kind        car_park, on_street or charger (a charger's bays are
//	            all charging bays: chargers = capacity)
//
// In a scenario, models.parking.car_parks: FILE.csv (a path relative to
// the scenario) replaces the city's facilities of every kind the
// register lists (with car_park rows only: the OSM car parks, keeping
// on-street strips, kerb estimates and charging stations);
// car_parks: {file: FILE.csv, mode: add} keeps them all and adds the
// register's. The reader is strict: any bad header, field or repeated id
// is an error naming file:line:column and the column.
//
// A Model is not safe for concurrent use: the kernel runs it on one
// goroutine.
package parking
