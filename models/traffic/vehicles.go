package traffic

// vehicles is the vehicle state, one entry per vehicle, indexed by
// vehicle number (the order trips were added). What every step reads and
// writes of a vehicle on the road sits together in one record of h (about
// two cache lines), so that updating a vehicle costs one or two memory
// loads instead of one per field: with a million trips the vehicles on the
// road are scattered over arrays far larger than the caches. The fields
// read only at departure, arrival and output stay in arrays of their own.
type vehicles struct {
	h []vhot

	id        []string
	from, to  []int32
	fromPos   []float64
	plannedS  []float64
	departS   []float64
	arriveS   []float64
	teleports []int32
}

// vhot is the per-step state of one vehicle.
type vhot struct {
	pos       float64
	speed     float64
	lastDx    float64 // distance moved in the last step, m
	lastSpeed float64 // speed before the last step, m/s
	length    float64
	factor    float64 // speed factor (desired speed / speed limit)
	turnV     float64 // speed limit of the turn at the end of the edge, m/s
	stamp     int64   // last step the vehicle moved in
	standS    float64 // continuous standstill, s
	waitingS  float64 // total time at v < 0.1 m/s, s
	lossS     float64 // time lost against the desired speed, s
	drivenM   float64
	lcWait    float64 // time since last lane change, s
	toPos     float64
	edge      int32 // current edge
	lane      int32 // current lane (global lane index)
	rCur      int32 // current route position in Traffic.arena
	rEnd      int32 // end of the route in Traffic.arena
	next      int32 // the edge after the current one on the route (-1: none), a copy of arena[rCur+1]
	after     int32 // the edge after next (-1: none), a copy of arena[rCur+2]
	state     uint8
	turnLo    int8 // lanes of the current edge leading into the next turn
	turnHi    int8
	nextLo    int8 // lanes of the next edge leading into the turn after it
	nextHi    int8
	turnRight bool // the next turn is a right turn
}

func (v *vehicles) n() int { return len(v.h) }

func (v *vehicles) add(tr Trip, factor, length float64) int32 {
	i := int32(len(v.h))
	v.h = append(v.h, vhot{state: statePending, edge: tr.From, lane: -1, pos: tr.FromPosM, length: length,
		factor: factor, rCur: -1, rEnd: -1, next: -1, after: -1, stamp: -1, toPos: tr.ToPosM})
	v.id = append(v.id, tr.ID)
	v.from = append(v.from, tr.From)
	v.to = append(v.to, tr.To)
	v.fromPos = append(v.fromPos, tr.FromPosM)
	v.plannedS = append(v.plannedS, tr.DepartS)
	v.departS = append(v.departS, -1)
	v.arriveS = append(v.arriveS, -1)
	v.teleports = append(v.teleports, 0)
	return i
}
