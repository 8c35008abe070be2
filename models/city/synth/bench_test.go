package synth

import (
	"fmt"
	"io"
	"testing"
)

// BenchmarkGenerate generates and encodes cities of growing size.
func BenchmarkGenerate(b *testing.B) {
	for _, n := range []int{1000, 10_000} {
		b.Run(fmt.Sprintf("edges=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				m, _, err := Generate(Options{Seed: 1, Layout: Organic, TargetEdges: n})
				if err != nil {
					b.Fatal(err)
				}
				if err := Write(io.Discard, m); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
