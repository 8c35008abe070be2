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
// A Model is not safe for concurrent use: the kernel runs it on one
// goroutine.
package parking
