package parking

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"citytwin/models/city"
)

const osterbro = "../../scenarios/data/osm/copenhagen_osterbro.osm.pbf"

// TestSearchExperiment: on Østerbro, search time and cruising rise
// sharply once demand passes the supply's ~85 % (Levy et al. 2013). Set
// PARKING_EXPERIMENT=path to also write the Markdown table there.
func TestSearchExperiment(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the Østerbro experiment")
	}
	t.Parallel()
	c, err := city.Load(osterbro)
	if err != nil {
		t.Fatal(err)
	}
	fac := SupplyFromCity(c, SupplyOptions{EstimateResidential: true})
	demands := []float64{0.5, 1.3}
	warmup, hours := 0.5, 1.5
	if os.Getenv("PARKING_EXPERIMENT") != "" {
		demands, warmup, hours = []float64{0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 1.0, 1.1, 1.2, 1.3}, 2, 5
	}
	rows, err := SearchExperiment(c, fac, demands, []Guidance{GuidanceNone, GuidanceNearest, GuidanceScore}, warmup, hours, 1)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "| guidance | demand / supply | arrivals/h | mean occupancy | peak occupancy | search time mean (s) | p95 (s) | cruising mean (m) | walk mean (m) | parked elsewhere | turned away |\n|---|---|---|---|---|---|---|---|---|---|---|\n")
	byKey := map[string]map[string]float64{}
	for _, r := range rows {
		k := r.KPIs
		byKey[fmt.Sprintf("%s/%.2f", r.Guidance, r.Demand)] = k
		fmt.Fprintf(&b, "| %s | %.2f | %.0f | %.2f | %.2f | %.0f | %.0f | %.0f | %.0f | %.3f | %.0f |\n", r.Guidance, r.Demand, r.ArrivalsPerH,
			k["occupancy_mean"], k["occupancy_peak"], k["search_time_mean"], k["search_time_p95"], k["cruising_distance_mean"],
			k["walking_distance_mean"], k["share_parked_elsewhere"], k["turned_away"])
	}
	t.Logf("supply %d spaces in %d facilities\n%s", rows[0].SupplySpaces, len(fac), b.String())
	if p := os.Getenv("PARKING_EXPERIMENT"); p != "" {
		if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	lo, hi := byKey["none/0.50"], byKey["none/1.30"]
	if hi["search_time_mean"] < 2*lo["search_time_mean"] || hi["cruising_distance_mean"] < 3*lo["cruising_distance_mean"] {
		t.Errorf("no sharp rise: 50 %% %v, 130 %% %v", lo, hi)
	}
	if byKey["score/1.30"]["walking_distance_mean"] > byKey["nearest/1.30"]["walking_distance_mean"] {
		t.Errorf("score guidance walks farther than nearest-free guidance")
	}
}
