package report

// Small groups are suppressed so that nobody can be recognised in a table
// that counts people by a trait (Table.People): an age band, an answer, who
// ended a pair. The rule, applied to each such table on its own:
//
//  1. A count from 1 to Threshold-1 (1–4) is shown as "fewer than 5".
//     Zero is shown: it says nobody, which points at no one.
//  2. If exactly one line (not counting total lines) is hidden by rule 1,
//     the smallest other non-zero line is hidden too. The lines of a table
//     add up to a figure a reader can know (its total line, or a count
//     elsewhere in the report such as the pairs that ended early), and one
//     hidden line would be that figure minus the lines shown.
//  3. If rule 2 finds no other line to hide (the hidden line is the only
//     one above zero), every line of the table is hidden, zeros and totals
//     too: the zeros would say that the hidden line holds everyone, whose
//     number the report may show elsewhere (one pair ended early, ended by
//     its mentee). A total line from 1 to 4 is always hidden.
//
// A hidden line reads "fewer than 5", which is true of a hidden zero too.
// What the rule guarantees is that no single line can be worked out from
// the lines shown and a total; several hidden lines are only bounded by it.
//
// Tables that count pairs, meetings or answers owed (People false) are
// shown as they are: they describe the program's activity, not traits.

// Threshold is the smallest group a report shows as a number.
const Threshold = 5

// Cell is one line of a table as the report shows it: the count, or
// Hidden when it is suppressed. A hidden cell's N is zero, so that the
// number cannot leave the package by accident.
type Cell struct {
	Label  string
	N      int
	Hidden bool
	Total  bool
}

// Shown applies the suppression rule to a table and returns its lines.
func Shown(t Table) []Cell {
	cells := make([]Cell, len(t.Counts))
	for i, c := range t.Counts {
		cells[i] = Cell{Label: c.Label, N: c.N, Total: c.Total}
	}
	if !t.People {
		return cells
	}
	small := func(n int) bool { return n > 0 && n < Threshold }
	hidden := 0
	for i := range cells {
		if small(cells[i].N) {
			cells[i].Hidden = true
			if !cells[i].Total {
				hidden++
			}
		}
	}
	if hidden == 1 {
		next := -1
		for i, c := range cells {
			if !c.Total && !c.Hidden && c.N > 0 && (next < 0 || c.N < cells[next].N) {
				next = i
			}
		}
		if next >= 0 {
			cells[next].Hidden = true
		} else {
			for i := range cells {
				cells[i].Hidden = true
			}
		}
	}
	for i := range cells {
		if cells[i].Hidden {
			cells[i].N = 0
		}
	}
	return cells
}
