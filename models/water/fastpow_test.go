package water

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestPowPositive compares powPositive with math.Pow on 200,000
// log-uniform x per exponent, on 1e-12..1e6 (flows in any unit) and on
// 1e-300..1e300. The relative error is at most 4e-15 + 4e-16 |a ln x|: it
// grows with |a ln x| as that of exp(a log x) does, since an error of one
// unit in the last place of a ln x is that much relative error of the
// result (for H-W gradients, a = 0.852 and |ln q| < 30: below 1.4e-14).
// Where it defers to math.Pow the results agree.
func TestPowPositive(t *testing.T) {
	const seed = 7
	rng := rand.New(rand.NewPCG(seed, 1))
	for _, a := range []float64{0.852, 0.5, 1.5, -0.148, 0.9, 2} {
		for _, dom := range []struct{ lo, hi float64 }{{-12, 6}, {-300, 300}} {
			worst, at := 0.0, 0.0
			for n := 0; n < 200000; n++ {
				x := math.Pow(10, dom.lo+(dom.hi-dom.lo)*rng.Float64())
				if n < 4096 {
					x = math.Ldexp(1+float64(n%256)/256, n/256-8) // interval edges
				}
				want := math.Pow(x, a)
				d := math.Abs(powPositive(x, a)-want) / want
				if excess := d - 4e-16*math.Abs(a*math.Log(x)); excess > worst {
					worst, at = excess, x
				}
			}
			if worst > 4e-15 {
				t.Errorf("a=%g, x in 1e%g..1e%g: relative error beyond the bound %.3g at x=%g (seed %d)", a, dom.lo, dom.hi, worst, at, seed)
			}
		}
	}
	for _, x := range []float64{0, 1e-310, 0x1p-1001, 0x1p1001, math.Inf(1), math.NaN()} {
		got, want := powPositive(x, 0.852), math.Pow(x, 0.852)
		if got != want && !(math.IsNaN(got) && math.IsNaN(want)) {
			t.Errorf("powPositive(%g, 0.852) = %g, want math.Pow's %g", x, got, want)
		}
	}
}

func BenchmarkPowPositive(b *testing.B) {
	xs := make([]float64, 1024)
	rng := rand.New(rand.NewPCG(1, 1))
	for i := range xs {
		xs[i] = math.Pow(10, -6+10*rng.Float64())
	}
	b.ReportAllocs()
	b.Run("powPositive", func(b *testing.B) {
		var s float64
		for i := 0; i < b.N; i++ {
			s += powPositive(xs[i&1023], 0.852)
		}
		sinkPow = s
	})
	b.Run("ExpLog", func(b *testing.B) {
		var s float64
		for i := 0; i < b.N; i++ {
			s += math.Exp(0.852 * math.Log(xs[i&1023]))
		}
		sinkPow = s
	})
	b.Run("Pow", func(b *testing.B) {
		var s float64
		for i := 0; i < b.N; i++ {
			s += math.Pow(xs[i&1023], 0.852)
		}
		sinkPow = s
	})
}

var sinkPow float64
