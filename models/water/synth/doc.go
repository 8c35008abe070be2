// Package synth synthesizes a city's drinking-water distribution network
// from OpenStreetMap, for a scenario where the utility's own EPANET model is
// not at hand: mains along the streets, demand from the buildings, a source
// at the tagged water works or tower, pipes sized from the flow they carry.
// The result is a water.Network written as a real EPANET .inp file
// (water.WriteINP), so it opens in EPANET as well as in our solver.
//
// Every number is a documented assumption a municipality replaces with its
// own data (Params):
//
//   - Junctions are the road graph's nodes; nodes closer than MergeM (30 m)
//     to an earlier kept node are merged into it, and each street segment
//     between two different junctions becomes a pipe (the contraction keeps
//     the street network's connectivity and its loops, as real distribution
//     mains are laid as loops under the streets). Parallel segments between
//     the same two junctions keep the shortest. Only the largest connected
//     part is kept: a main must reach the source.
//   - Demand: residents are residential floor area / M2PerResident (about
//     52 m² of dwelling per person in Denmark, Statistics Denmark's housing
//     statistics), times LitresPerPersonDay (105 l per person and day in
//     Danish households, 2021; DANVA, "Declining water consumption since
//     1987", danva.dk); other uses get a consumption per m² of floor area
//     and day (LitresPerM2Day, assumed: 3 l/(m²·d) for shops, offices and
//     public buildings, 2 for industry, none for garages and sheds).
//     Non-revenue water (leaks) adds LossShare (8 %; Danish utilities are
//     taxed above 10 % losses since 1993, same source). Each building's
//     demand goes to its nearest junction.
//   - The diurnal pattern (Pattern, 24 hourly multipliers of mean 1) is a
//     residential curve with a morning peak of 1.6 at 07-08 h, an evening
//     peak of 1.45 at 18-19 h and a night minimum of 0.4 (the shape of the diurnal
//     curves in Walski et al., "Advanced Water Distribution Modeling and
//     Management", Haestad Press 2003, ch. 4: peak-hour factors of 1.3-2.0
//     for a few thousand homes).
//   - Elevations are flat (0 m): no elevation model is in an OSM extract.
//     A municipality with a DEM replaces them.
//   - The source is the tagged water works (man_made=water_works,
//     reservoir_covered or pumping_station) nearest the demand centre: a
//     reservoir at ground level lifting into the network through a pump
//     whose head at the peak flow is PumpHeadM. Else the tagged water tower
//     nearest the centre: a fixed head of TowerHeadM above ground, by
//     gravity. Else a synthetic reservoir and pump at the junction nearest
//     the demand-weighted centre (named as a gap).
//   - Pipes (Hazen-Williams, C = RoughnessC, new ductile iron or PE) are
//     sized first from the peak flow each carries when every junction is
//     fed along its shortest path from the source: the smallest standard
//     diameter (Diameters, at least MinDiameterMM for fire flow) whose
//     velocity stays below DesignVelocity (1 m/s). Then the network is
//     solved at the peak hour with our GGA solver and the pipes with the
//     steepest hydraulic gradient are enlarged until every junction's
//     pressure lies within MinPressureM..MaxPressureM (20..60 m).
package synth
