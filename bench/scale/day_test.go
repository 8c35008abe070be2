package scale

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"citytwin/models/city/synth"
)

// TestDayReusesHierarchy runs a small day three times in one work folder
// with the hierarchy kept beside the city: the first run builds and
// writes it, the second reads it, the third finds it damaged and builds
// it again; all three give the same summary and every trip arrives.
func TestDayReusesHierarchy(t *testing.T) {
	work := t.TempDir()
	o := DayOptions{Edges: 800, Layout: synth.Organic, Trips: 3000, Seed: 2, Work: work, StepS: 1,
		Hierarchy: true, ReuseHierarchy: true}
	first, err := Day(o)
	if err != nil {
		t.Fatal(err)
	}
	if first.HierarchyRead {
		t.Fatal("the first run read a hierarchy file that did not exist")
	}
	files, _ := filepath.Glob(filepath.Join(work, "*.ch"))
	if len(files) != 1 {
		t.Fatalf("hierarchy files after the first run: %v", files)
	}
	second, err := Day(o)
	if err != nil {
		t.Fatal(err)
	}
	if !second.HierarchyRead {
		t.Fatal("the second run did not read the hierarchy file")
	}
	b, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 0xff
	if err := os.WriteFile(files[0], b, 0o644); err != nil {
		t.Fatal(err)
	}
	third, err := Day(o)
	if err != nil {
		t.Fatal(err)
	}
	if third.HierarchyRead {
		t.Fatal("the third run read a damaged hierarchy file")
	}
	for i, r := range []DayResult{first, second, third} {
		if r.Summary.Arrived != r.Trips || r.Trips < 2000 {
			t.Errorf("run %d: %d of %d trips arrived", i+1, r.Summary.Arrived, r.Trips)
		}
	}
	if !reflect.DeepEqual(first.Summary, second.Summary) || !reflect.DeepEqual(first.Summary, third.Summary) {
		t.Errorf("summaries differ:\n%+v\n%+v\n%+v", first.Summary, second.Summary, third.Summary)
	}
	if tmp, _ := filepath.Glob(filepath.Join(work, ".*.tmp-*")); len(tmp) > 0 { // record.WriteFileAtomic's
		t.Errorf("temporary files left: %v", tmp)
	}
}
