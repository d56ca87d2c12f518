package report

import (
	"slices"
	"testing"
)

func TestShownSuppressesSmallGroups(t *testing.T) {
	t.Parallel()
	counts := func(ns ...int) []Count {
		var out []Count
		for i, n := range ns {
			out = append(out, Count{Label: string(rune('a' + i)), N: n})
		}
		return out
	}
	withTotal := func(ns ...int) []Count {
		sum := 0
		for _, n := range ns {
			sum += n
		}
		return append(counts(ns...), Count{Label: "total", N: sum, Total: true})
	}
	for _, tc := range []struct {
		name   string
		table  Table
		hidden []bool
	}{
		{"not people: nothing hidden", Table{Counts: counts(1, 2, 30)}, []bool{false, false, false}},
		{"zero and large shown", Table{People: true, Counts: counts(0, 5, 12)}, []bool{false, false, false}},
		{"two small hide each other", Table{People: true, Counts: withTotal(3, 4, 20)}, []bool{true, true, false, false}},
		// One small line beside a total: the smallest other line goes too,
		// or 30 - 12 - 15 would give the 3 away.
		{"one small hides the next smallest", Table{People: true, Counts: withTotal(3, 15, 12)}, []bool{true, false, true, false}},
		// The only line above zero is small: the zeros and the total would
		// give it away, so everything goes.
		{"only line hides the table", Table{People: true, Counts: withTotal(0, 2, 0)}, []bool{true, true, true, true}},
		{"small total hidden", Table{People: true, Counts: withTotal(1, 1)}, []bool{true, true, true}},
		{"no total, one small, one other", Table{People: true, Counts: counts(7, 1)}, []bool{true, true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cells := Shown(tc.table)
			var got []bool
			for i, c := range cells {
				got = append(got, c.Hidden)
				if c.Hidden && c.N != 0 {
					t.Errorf("hidden line %d keeps its number %d", i, c.N)
				}
				if !c.Hidden && c.N != tc.table.Counts[i].N {
					t.Errorf("line %d shows %d, want %d", i, c.N, tc.table.Counts[i].N)
				}
			}
			if !slices.Equal(got, tc.hidden) {
				t.Errorf("hidden %v, want %v", got, tc.hidden)
			}
		})
	}
}

// TestShownNeverRecoverable checks the promise for every small table: no
// hidden line can be worked out as a shown total minus the lines shown.
func TestShownNeverRecoverable(t *testing.T) {
	t.Parallel()
	for a := 0; a < 8; a++ {
		for b := 0; b < 8; b++ {
			for c := 0; c < 8; c++ {
				sum := a + b + c
				cells := Shown(Table{People: true, Counts: []Count{{N: a}, {N: b}, {N: c}, {N: sum, Total: true}}})
				hidden, shown := 0, 0
				for _, cell := range cells[:3] {
					if cell.Hidden {
						hidden++
					} else {
						shown += cell.N
					}
					if !cell.Hidden && cell.N > 0 && cell.N < Threshold {
						t.Fatalf("%d %d %d: a small line shown", a, b, c)
					}
				}
				if hidden == 1 && !cells[3].Hidden {
					t.Fatalf("%d %d %d: one hidden line and its total shown (%d - %d)", a, b, c, sum, shown)
				}
				// A hidden line with only zeros shown beside it is
				// everyone: the total from elsewhere gives it away.
				if hidden == 1 && shown == 0 {
					t.Fatalf("%d %d %d: hidden lines beside shown zeros only", a, b, c)
				}
			}
		}
	}
}
