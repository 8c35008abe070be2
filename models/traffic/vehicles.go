package traffic

// vehicles is the vehicle state as struct-of-arrays, one entry per
// vehicle, indexed by vehicle number (the order trips were added).
type vehicles struct {
	id     []string
	state  []uint8
	edge   []int32 // current edge
	lane   []int32 // current lane (global lane index)
	pos    []float64
	speed  []float64
	length []float64
	factor []float64 // speed factor (desired speed / speed limit)

	rCur, rEnd []int32 // current route position and end in Traffic.arena
	turnLo     []int8  // lanes of the current edge leading into the next turn
	turnHi     []int8
	turnV      []float64 // speed limit of the turn at the end of the edge, m/s
	turnRight  []bool    // the next turn is a right turn
	nextLo     []int8    // lanes of the next edge leading into the turn after it
	nextHi     []int8
	stamp      []int64 // last step the vehicle moved in

	from, to       []int32
	fromPos, toPos []float64
	plannedS       []float64
	departS        []float64
	arriveS        []float64
	standS         []float64 // continuous standstill, s
	waitingS       []float64 // total time at v < 0.1 m/s, s
	lossS          []float64 // time lost against the desired speed, s
	drivenM        []float64
	teleports      []int32
	lcWait         []float64 // time since last lane change, s
	lastDx         []float64 // distance moved in the last step, m
	lastSpeed      []float64 // speed before the last step, m/s
}

func (v *vehicles) n() int { return len(v.state) }

func (v *vehicles) add(tr Trip, factor, length float64) int32 {
	i := int32(len(v.state))
	v.id = append(v.id, tr.ID)
	v.state = append(v.state, statePending)
	v.edge = append(v.edge, tr.From)
	v.lane = append(v.lane, -1)
	v.pos = append(v.pos, tr.FromPosM)
	v.speed = append(v.speed, 0)
	v.length = append(v.length, length)
	v.factor = append(v.factor, factor)
	v.rCur = append(v.rCur, -1)
	v.rEnd = append(v.rEnd, -1)
	v.turnLo = append(v.turnLo, 0)
	v.turnHi = append(v.turnHi, 0)
	v.turnV = append(v.turnV, 0)
	v.turnRight = append(v.turnRight, false)
	v.nextLo = append(v.nextLo, 0)
	v.nextHi = append(v.nextHi, 0)
	v.stamp = append(v.stamp, -1)
	v.from = append(v.from, tr.From)
	v.to = append(v.to, tr.To)
	v.fromPos = append(v.fromPos, tr.FromPosM)
	v.toPos = append(v.toPos, tr.ToPosM)
	v.plannedS = append(v.plannedS, tr.DepartS)
	v.departS = append(v.departS, -1)
	v.arriveS = append(v.arriveS, -1)
	v.standS = append(v.standS, 0)
	v.waitingS = append(v.waitingS, 0)
	v.lossS = append(v.lossS, 0)
	v.drivenM = append(v.drivenM, 0)
	v.teleports = append(v.teleports, 0)
	v.lcWait = append(v.lcWait, 0)
	v.lastDx = append(v.lastDx, 0)
	v.lastSpeed = append(v.lastSpeed, 0)
	return i
}
