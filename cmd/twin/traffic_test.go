package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const trianglenOSM = "../../scenarios/data/osm/copenhagen_osterbro_trianglen_1km2.osm"

func TestTrafficSimulate(t *testing.T) {
	dir := t.TempDir()
	trips := filepath.Join(dir, "trips.csv")
	os.WriteFile(trips, []byte("id,depart_s,from_lon,from_lat,to_lon,to_lat\n"+
		"a,0,12.5730,55.7010,12.5830,55.7060\n"+
		"b,5,12.5830,55.7060,12.5730,55.7010\n"), 0o644)
	out := filepath.Join(dir, "out")
	if code := execute([]string{"traffic", "simulate", "--osm", trianglenOSM, "--trips", trips, "--out", out, "--seed", "3"}); code != 0 {
		t.Fatalf("exit code %d", code)
	}
	b, err := os.ReadFile(filepath.Join(out, "trips.csv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "id,depart_s,arrive_s,travel_time_s,route_m,time_loss_s,waiting_s") {
		t.Fatalf("trips.csv:\n%s", b)
	}
	for _, l := range lines[1:] {
		if f := strings.Split(l, ","); f[2] == "" {
			t.Errorf("trip did not arrive: %s", l)
		}
	}
}

func TestTrafficSimulateScale(t *testing.T) {
	dir := t.TempDir()
	trips := filepath.Join(dir, "trips.csv")
	os.WriteFile(trips, []byte("id,depart_s,from_lon,from_lat,to_lon,to_lat\n"+
		"a,0,12.5730,55.7010,12.5830,55.7060\n"), 0o644)
	out := filepath.Join(dir, "out")
	if code := execute([]string{"traffic", "simulate", "--osm", trianglenOSM, "--trips", trips, "--out", out, "--scale", "3", "--loop", "5", "--close", "7,0,100"}); code != 0 {
		t.Fatalf("exit code %d", code)
	}
	b, _ := os.ReadFile(filepath.Join(out, "trips.csv"))
	if n := strings.Count(string(b), "\n"); n != 4 {
		t.Errorf("%d lines in trips.csv, want a header and 3 trips:\n%s", n, b)
	}
	if _, err := os.Stat(filepath.Join(out, "loops.csv")); err != nil {
		t.Error(err)
	}
	if code := execute([]string{"traffic", "simulate", "--osm", trianglenOSM, "--trips", trips, "--out", out, "--close", "7,x"}); code != 2 {
		t.Errorf("bad --close: exit code %d, want 2", code)
	}
}

func TestTrafficSimulateBadInput(t *testing.T) {
	dir := t.TempDir()
	trips := filepath.Join(dir, "trips.csv")
	os.WriteFile(trips, []byte("id,depart_s,from_lon,from_lat,to_lon,to_lat\na,0,12.57,55.70,12.58,55.71\nb,soon,1,2,3,4\n"), 0o644)
	if code := execute([]string{"traffic", "simulate", "--osm", trianglenOSM, "--trips", trips, "--out", dir}); code != 2 {
		t.Errorf("bad trips: exit code %d, want 2", code)
	}
	if code := execute([]string{"traffic", "simulate", "--osm", trianglenOSM, "--trips", trips, "--out", dir, "--format", "xls"}); code != 2 {
		t.Errorf("bad format: exit code %d, want 2", code)
	}
}
