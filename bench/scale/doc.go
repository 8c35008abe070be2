// Package scale measures the engine's limits on synthetic cities
// (models/city/synth): the cost of a traffic day against the city's size
// and the number of trips (wall time, CPU time, vehicle updates per
// second, memory per vehicle), and the city import against size. `twin
// bench` calls it for the scaling curves of bench/report.md; `twin bench
// day` runs the single city-scale day (1,000,000 trips on 50,000 edges)
// under /usr/bin/time -v.
package scale
