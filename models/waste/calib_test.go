package waste

import (
	"math"
	"os"
	"slices"
	"testing"
)

func readEdinburgh(t testing.TB) []Emptying {
	t.Helper()
	f, err := os.Open("testdata/edinburgh_collections_2016.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	es, err := ReadCollections(f, "edinburgh_collections_2016.csv")
	if err != nil {
		t.Fatal(err)
	}
	return es
}

// TestCalibrationMatchesEdinburgh replays Edinburgh's 2016 emptying times
// on simulated baskets with the fitted parameters: the fill at emptying
// must match the sensed one (mean 76.9 %, 14.1 % at 100 %), and the
// model's basket rate distribution must be the fit's site rates.
func TestCalibrationMatchesEdinburgh(t *testing.T) {
	t.Parallel()
	es := readEdinburgh(t)
	if len(es) != 10000 {
		t.Fatalf("read %d emptyings, want 10000", len(es))
	}
	obs := Observed(es)
	if math.Abs(obs.MeanPct-76.9) > 0.5 || math.Abs(obs.ShareFul-0.141) > 0.01 {
		t.Fatalf("observed %+v, want mean 76.9 %%, 14.1 %% full", obs)
	}
	for _, seed := range []uint64{1, 2, 3} {
		sim := Replay(es, BasketFillAtMeanInterval, BasketElasticity, seed)
		t.Logf("seed %d: simulated mean %.1f %%, %.1f %% full (observed %.1f %%, %.1f %%)",
			seed, sim.MeanPct, 100*sim.ShareFul, obs.MeanPct, 100*obs.ShareFul)
		if math.Abs(sim.MeanPct-obs.MeanPct) > 2 {
			t.Errorf("seed %d: mean fill at emptying %.1f %%, observed %.1f %%", seed, sim.MeanPct, obs.MeanPct)
		}
		if math.Abs(sim.ShareFul-obs.ShareFul) > 0.025 {
			t.Errorf("seed %d: share at 100 %% %.3f, observed %.3f", seed, sim.ShareFul, obs.ShareFul)
		}
	}
	rates := SiteRates(es, BasketFillAtMeanInterval)
	logs := make([]float64, len(rates))
	var mean float64
	for i, r := range rates {
		logs[i] = math.Log(r)
		mean += logs[i] / float64(len(rates))
	}
	var v float64
	for _, l := range logs {
		v += (l - mean) * (l - mean) / float64(len(logs))
	}
	slices.Sort(rates)
	med := rates[len(rates)/2]
	t.Logf("site rates: median %.3f /day, log-sd %.3f over %d sites", med, math.Sqrt(v), len(rates))
	if math.Abs(med-BasketMedianRate) > 0.01 || math.Abs(math.Sqrt(v)-BasketRateSigma) > 0.01 {
		t.Errorf("site rates median %.3f log-sd %.3f; calib.go has %.3f %.3f", med, math.Sqrt(v), BasketMedianRate, BasketRateSigma)
	}
}

// TestFitBasket reruns the fit (slow): the constants in calib.go must be
// what it finds, to the grid's resolution.
func TestFitBasket(t *testing.T) {
	if testing.Short() {
		t.Skip("the fit replays the data a few hundred times")
	}
	es := readEdinburgh(t)
	m, g, fit := FitBasket(es, 1)
	t.Logf("fit: fill at mean interval %.3f, elasticity %.2f: %+v", m, g, fit)
	if math.Abs(m-BasketFillAtMeanInterval) > 0.02 || math.Abs(g-BasketElasticity) > 0.051 {
		t.Errorf("fit gives %.3f, %.2f; calib.go has %.3f, %.2f", m, g, BasketFillAtMeanInterval, BasketElasticity)
	}
}
