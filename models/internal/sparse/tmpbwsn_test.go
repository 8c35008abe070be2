package sparse
import ("testing"; "math/rand/v2")
func bwsn(b testing.TB) *Matrix {
	n, links, grounded := waterNetwork(b, "/work/shared/data/water/benchmarks/BWSN_Network_2.inp")
	return ggaMatrix(rand.New(rand.NewPCG(1, 1)), n, links, grounded)
}
func TestTmpStats(t *testing.T) {
	m := bwsn(t)
	c, _ := NewCholesky(m)
	fl, mx := 0, 0
	for j := 0; j < m.N; j++ { l := c.lPtr[j+1]-c.lPtr[j]; fl += l*l; mx = max(mx, l) }
	maxdeg := 0
	for j := 0; j < m.N; j++ { maxdeg = max(maxdeg, m.ColPtr[j+1]-m.ColPtr[j]) }
	t.Logf("sum l^2=%d max l=%d maxdeg=%d", fl, mx, maxdeg)
}
func BenchmarkTmpBWSN(b *testing.B) {
	m := bwsn(b)
	c, _ := NewCholesky(m)
	b.Run("Factor", func(b *testing.B) { cpuLoop(b, func() { c.Factor(m) }) })
	x := make([]float64, m.N)
	b.Run("Solve", func(b *testing.B) { cpuLoop(b, func() { c.Solve(x) }) })
	b.Run("AMD", func(b *testing.B) { cpuLoop(b, func() { AMD(m) }) })
}
