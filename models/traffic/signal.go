package traffic

// SignalConfig sets the default plans of the traffic signals.
type SignalConfig struct {
	CycleS    float64 // fixed-time cycle, s (90)
	AmberS    float64 // amber after each green, s (3)
	AllRedS   float64 // all-red after each amber, s (2)
	Actuated  bool    // actuated control instead of fixed time
	MinGreenS float64 // actuated: shortest green, s (5)
	MaxGreenS float64 // actuated: longest green, s (45)
	DetectM   float64 // actuated: a vehicle this close to the stop line calls or extends green, m (30)
}

// DefaultSignalConfig is a 90 s fixed-time cycle with 3 s amber and 2 s
// all-red, the green split equally among the approach groups (a common
// urban default; SUMO's netconvert also uses a 90 s cycle).
func DefaultSignalConfig() SignalConfig {
	return SignalConfig{CycleS: 90, AmberS: 3, AllRedS: 2, MinGreenS: 5, MaxGreenS: 45, DetectM: 30}
}

// Plan is the signal plan of one node: the green time of each approach
// group in turn, then amber and all-red.
type Plan struct {
	GreenS   []float64 // green per approach group, s
	AmberS   float64
	AllRedS  float64
	Actuated bool
	MinGreen float64
	MaxGreen float64
}

type light uint8

const (
	green light = iota
	amber
	red
)

// signals is the state of every signalised node.
type signals struct {
	plan    []Plan  // per controller
	phase   []int8  // current green group
	part    []light // green, amber or all-red (red)
	timer   []float64
	net     *Network
	detect  float64
	entries [][]int32 // entry edges of each controller
}

func (s *signals) init(n *Network, c SignalConfig) {
	s.net = n
	s.detect = c.DetectM
	s.entries = make([][]int32, len(n.ctrlRep))
	for e := range n.From {
		if n.controlled(int32(e)) {
			k := n.ctrl[n.To[e]]
			s.entries[k] = append(s.entries[k], int32(e))
		}
	}
	for k := range n.ctrlRep {
		s.plan = append(s.plan, defaultPlan(max(1, int(n.ctrlGroups[k])), c))
		s.phase = append(s.phase, 0)
		s.part = append(s.part, green)
		s.timer = append(s.timer, 0)
	}
}

func defaultPlan(groups int, c SignalConfig) Plan {
	g := (c.CycleS - float64(groups)*(c.AmberS+c.AllRedS)) / float64(groups)
	if g < c.MinGreenS {
		g = c.MinGreenS
	}
	p := Plan{AmberS: c.AmberS, AllRedS: c.AllRedS, Actuated: c.Actuated, MinGreen: c.MinGreenS, MaxGreen: c.MaxGreenS}
	for i := 0; i < groups; i++ {
		p.GreenS = append(p.GreenS, g)
	}
	return p
}

// controls reports whether a signal controls the end of edge e.
func (s *signals) controls(e int32) bool { return s.net.controlled(e) }

// state is the light shown to edge e (which a signal controls).
func (s *signals) state(e int32) light {
	k := s.net.ctrl[s.net.To[e]]
	if s.phase[k] != s.net.group[e] {
		return red
	}
	return s.part[k]
}

// advance moves every signal on by dt.
func (s *signals) advance(t *Traffic, dt float64) {
	for k := range s.plan {
		s.timer[k] += dt
		p := &s.plan[k]
		switch s.part[k] {
		case green:
			if s.greenOver(t, k, p) {
				s.part[k], s.timer[k] = amber, 0
			}
		case amber:
			if s.timer[k] >= p.AmberS {
				s.part[k], s.timer[k] = red, 0
			}
		default:
			if s.timer[k] >= p.AllRedS {
				s.phase[k] = (s.phase[k] + 1) % int8(len(p.GreenS))
				s.part[k], s.timer[k] = green, 0
			}
		}
	}
}

// greenOver decides the end of a green: at its planned length (fixed
// time), or for actuated control after the minimum green once no vehicle
// is near the stop line of the green group, at the latest at the maximum
// green, and only if some other group has a vehicle waiting.
func (s *signals) greenOver(t *Traffic, k int, p *Plan) bool {
	g := p.GreenS[s.phase[k]]
	if !p.Actuated {
		return s.timer[k] >= g-1e-9
	}
	if s.timer[k] < p.MinGreen {
		return false
	}
	if s.timer[k] >= p.MaxGreen {
		return s.demand(t, k, false)
	}
	return !s.demand(t, k, true) && s.demand(t, k, false)
}

// demand reports whether a vehicle is within the detection distance of
// the stop line on the green group (mine) or on any other group.
func (s *signals) demand(t *Traffic, k int, mine bool) bool {
	n := s.net
	for _, e := range s.entries[k] {
		if (n.group[e] == s.phase[k]) != mine {
			continue
		}
		for l := n.laneStart[e]; l < n.laneStart[e+1]; l++ {
			if q := t.lanes[l]; len(q) > 0 && n.LengthM[e]-t.v.h[q[0]].pos <= s.detect {
				return true
			}
		}
	}
	return false
}

// SetPlan replaces the plan of the signal at node; it reports false when
// the node has no signal or the plan has the wrong number of groups.
func (t *Traffic) SetPlan(node int32, p Plan) bool {
	if node < 0 || int(node) >= len(t.net.ctrl) {
		return false
	}
	k := t.net.ctrl[node]
	if k < 0 || len(p.GreenS) != len(t.sig.plan[k].GreenS) {
		return false
	}
	t.sig.plan[k] = p
	return true
}

// SignalNodes lists one node of each signal controller (the key for
// SetPlan and the SignalPlan what-if) and its number of approach groups.
func (t *Traffic) SignalNodes() (nodes []int32, groups []int) {
	for k, v := range t.net.ctrlRep {
		nodes = append(nodes, v)
		groups = append(groups, int(t.net.ctrlGroups[k]))
	}
	return nodes, groups
}
