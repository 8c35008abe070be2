package grid

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"time"
)

func FuzzReadColumnProfile(f *testing.F) {
	f.Add("0.036\n0.036\n 2.5 \n")
	f.Add("0.44,1\n0.43,2\n\n")
	f.Add("1e-3\nNaN\n")
	f.Fuzz(func(t *testing.T, src string) {
		p, err := ReadColumnProfile(strings.NewReader(src), "fuzz.txt", time.Minute)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.txt: ") {
				t.Errorf("error without file name: %v", err)
			}
			return
		}
		if len(p.Values) == 0 {
			t.Fatal("empty profile without error")
		}
		_ = p.At(-time.Hour)
		_ = p.Resample(15*time.Minute, 4)
	})
}

func FuzzReadBDEW(f *testing.F) {
	b, err := os.ReadFile("testdata/profiles/selp_series.csv")
	if err != nil {
		f.Fatal(err)
	}
	lines := bytes.SplitAfter(b, []byte("\n"))
	f.Add(string(bytes.Join(lines[:200], nil)))
	f.Add(",period,weekday,h0\nx,summer,1,0.1\n")
	f.Fuzz(func(t *testing.T, src string) {
		bd, err := ReadBDEW(strings.NewReader(src), "fuzz.csv")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.csv: ") {
				t.Errorf("error without file name: %v", err)
			}
			return
		}
		for _, n := range bd.names {
			if _, err := bd.Year(n, 2023); err != nil {
				t.Fatal(err)
			}
		}
	})
}
