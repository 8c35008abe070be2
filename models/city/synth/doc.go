// Package synth generates synthetic cities of a given size as OpenStreetMap
// data, so that the whole pipeline (city.Load, the models, twin run) can be
// measured on cities larger than the extracts at hand.
//
// A city is a street plan plus what stands along its streets:
//
//   - Streets. Intersections on an nx×ny lattice with BlockM spacing. Every
//     ArterialEvery-th row and column is an arterial (highway=secondary,
//     and highway=primary with two lanes each way on every PrimaryEvery-th
//     arterial line, by default every second); the streets in between are residential (maxspeed 30). A share
//     of the residential segments is one-way. Where two arterials cross the
//     node carries highway=traffic_signals.
//   - Layout Grid keeps the lattice straight. Layout Organic perturbs it:
//     every intersection moves by up to Jitter×BlockM in x and y (arterials
//     by a third of that), residential segments bend through a middle node
//     offset sideways, and DropShare of the residential segments are left
//     out, which gives the irregular blocks, dead ends and T-junctions of
//     an old town. This is the "perturbed lattice" family of street network
//     models; see M. Barthelemy, "Spatial networks", Physics Reports 499
//     (2011) 1-101, section 7, on lattices with random removals as models
//     of urban street patterns.
//   - Connectivity. A random spanning tree of the street segments (Kruskal
//     on a seeded shuffle, arterials first) is always kept and always
//     two-way, so every intersection can be reached from every other in
//     both directions; one-way and dropped segments are chosen only among
//     the others. Since U-turns are allowed at dead ends, the
//     turn-expanded graph city.Load builds is strongly connected as a whole.
//   - Buildings. Along each side of each block, lots of LotM frontage hold
//     a rectangular footprint set back from the street, with a use
//     (residential, commercial, industrial, public) and building:levels that
//     both depend on the distance from the centre: a denser, taller,
//     more commercial core and a lower, more residential edge.
//   - Facilities. Car parks (amenity=parking with capacity), EV chargers
//     (amenity=charging_station, two Type 2 sockets), waste baskets and
//     recycling points, secondary (MV/LV) and a few primary substations
//     (power=substation) on a regular grid of blocks, a transmission
//     substation, a water works and a water tower.
//
// Everything is drawn from rand.New(rand.NewPCG(Seed, stream)) with one
// stream per concern, so the same Options give the same file byte for
// byte. The size is asked either as a number of directed road edges
// (TargetEdges: the lattice is grown until the generated plan has the
// nearest count) or as an area (AreaKm2).
package synth
