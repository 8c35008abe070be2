package water

// Run simulates from time 0 to the end, calling report at every reporting
// period after the network is solved there (EPANET's runH/nextH loop).
func (s *Simulator) Run(report func(t int64) error) error {
	s.Init()
	for {
		if err := s.Solve(); err != nil {
			return err
		}
		if report != nil && s.IsReportTime() {
			if err := report(s.htime); err != nil {
				return err
			}
		}
		if s.Advance() == 0 {
			return nil
		}
	}
}
