// Package grid is the electricity network model of citytwin: a MATPOWER
// case reader, the bus admittance matrix, AC power flow by Newton-Raphson in
// polar form and by backward/forward sweep for radial feeders, DC power flow,
// and a quasi-static time series engine with violations and KPIs.
//
// The pieces:
//
//   - ReadCase / ReadCaseFile read MATPOWER version 2 .m files into a Case
//     (rows of bus, gen and branch as plain structs).
//   - NewNetwork compiles a Case: in-service elements, per-unit π-model
//     admittances, Ybus (MATPOWER's ext2int, bustypes and makeYbus).
//   - Network.SolveAC (Newton-Raphson, newtonpf), Network.SolveSweep
//     (backward/forward sweep) and Network.SolveDC (rundcpf) return a Result
//     in MATPOWER's units with the branch flows and losses of pfsoln and
//     get_losses; Result.Write writes bus, branch and summary tables.
//   - NewNewton and NewSweep are the reusable, allocation-free solvers behind
//     them; Grid drives them step by step for a time series (loads from
//     Profiles, loads injected by other models, outages, EN 50160 voltage
//     band, branch loading, KPIs).
//
// The formulations follow MATPOWER (R. D. Zimmerman, C. E. Murillo-Sánchez
// and R. J. Thomas, "MATPOWER: Steady-State Operations, Planning and Analysis
// Tools for Power Systems Research and Education", IEEE Trans. Power Systems
// 26(1):12-19, 2011, and the MATPOWER User's Manual): the branch model is the
// standard π model with an ideal phase-shifting transformer at the from end,
// powers are in MW/MVAr on input and output and per unit of the case's
// baseMVA inside the solvers, angles are in degrees on input and output and
// radians inside. The sparse LU and Cholesky factorizations are those of
// citytwin/models/internal/sparse.
package grid
