package sparse

import (
	"errors"
	"maps"
	"slices"
	"testing"
)

func TestBuilder(t *testing.T) {
	t.Parallel()
	b := NewBuilder(3)
	adds := [][2]int{{2, 1}, {0, 0}, {1, 1}, {2, 1}, {0, 2}, {1, 0}, {0, 0}}
	for k, rc := range adds {
		if e := b.Add(rc[0], rc[1]); e != k {
			t.Fatalf("Add #%d returned %d", k, e)
		}
	}
	m, slot := b.Build()
	if err := m.Validate(); err != nil {
		t.Fatal(err)
	}
	wantPtr := []int{0, 2, 4, 5}
	wantRow := []int{0, 1, 1, 2, 0}
	if !slices.Equal(m.ColPtr, wantPtr) || !slices.Equal(m.RowIdx, wantRow) {
		t.Fatalf("ColPtr %v RowIdx %v, want %v %v", m.ColPtr, m.RowIdx, wantPtr, wantRow)
	}
	wantSlot := []int{3, 0, 2, 3, 4, 1, 0}
	if !slices.Equal(slot, wantSlot) {
		t.Fatalf("slot %v, want %v", slot, wantSlot)
	}
	for k := range adds {
		m.Val[slot[k]] += float64(k + 1)
	}
	if want := []float64{2 + 7, 6, 3, 1 + 4, 5}; !slices.Equal(m.Val, want) {
		t.Errorf("assembled %v, want %v", m.Val, want)
	}
	m.Zero()
	if slices.ContainsFunc(m.Val, func(v float64) bool { return v != 0 }) {
		t.Errorf("Zero left %v", m.Val)
	}
	y := make([]float64, 3)
	for k := range adds {
		m.Val[slot[k]] += float64(k + 1)
	}
	m.MulVec(y, []float64{1, 10, 100})
	if want := []float64{9 + 500, 6 + 30, 50}; !slices.Equal(y, want) {
		t.Errorf("MulVec %v, want %v", y, want)
	}
}

func TestBuilderPanicsOutOfRange(t *testing.T) {
	t.Parallel()
	defer func() {
		if recover() == nil {
			t.Error("Add(3, 0) on n=3 did not panic")
		}
	}()
	NewBuilder(3).Add(3, 0)
}

func TestValidate(t *testing.T) {
	t.Parallel()
	cases := map[string]*Matrix{
		"unsorted":     {N: 2, ColPtr: []int{0, 2, 2}, RowIdx: []int{1, 0}, Val: []float64{1, 1}},
		"duplicate":    {N: 2, ColPtr: []int{0, 2, 2}, RowIdx: []int{1, 1}, Val: []float64{1, 1}},
		"out of range": {N: 2, ColPtr: []int{0, 1, 1}, RowIdx: []int{2}, Val: []float64{1}},
		"short values": {N: 2, ColPtr: []int{0, 1, 1}, RowIdx: []int{0}, Val: nil},
		"decreasing":   {N: 2, ColPtr: []int{0, 1, 0}, RowIdx: []int{0}, Val: []float64{1}},
	}
	for _, name := range slices.Sorted(maps.Keys(cases)) {
		if err := cases[name].Validate(); !errors.Is(err, ErrPattern) {
			t.Errorf("%s: %v, want ErrPattern", name, err)
		}
	}
}
