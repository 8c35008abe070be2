package water

type quality struct{ s *Simulator }

func newQuality(s *Simulator) *quality         { return &quality{s: s} }
func (q *quality) init()                       {}
func (q *quality) advance(t, dt int64)         {}
func (s *Simulator) NodeQuality(i int) float64 { return 0 }
func (s *Simulator) LinkQuality(k int) float64 { return 0 }
