// Package grid is the electricity network model of citytwin: a MATPOWER
// case reader, the bus admittance matrix, AC power flow by Newton-Raphson in
// polar form and by backward/forward sweep for radial feeders, DC power flow,
// and a quasi-static time series engine with violations and KPIs.
//
// The formulations follow MATPOWER (R. D. Zimmerman, C. E. Murillo-Sánchez
// and R. J. Thomas, "MATPOWER: Steady-State Operations, Planning and Analysis
// Tools for Power Systems Research and Education", IEEE Trans. Power Systems
// 26(1):12-19, 2011, and the MATPOWER User's Manual): the branch model is the
// standard π model with an ideal phase-shifting transformer at the from end,
// powers are in MW/MVAr on input and output and per unit of the case's
// baseMVA inside the solvers, angles are in degrees on input and output and
// radians inside.
package grid
