// Package report is the shape of the funder report: the tables of counts
// that never name anyone, the Source through which features contribute
// theirs, and the suppression of small groups (suppress.go). It imports
// nothing of the product, so that any feature can contribute; the report
// itself is built from the program's figures in internal/report/funder.
package report

import (
	"context"
	"time"
)

// Count is one line of a report table: a label in the reader's language and
// how many people (or meetings, or events) it counts.
type Count struct {
	Label string
	N     int
	// Total marks a line that sums the others (suppress.go treats it so).
	Total bool
}

// Table is one section of the report, already in the reader's language.
// Features outside this package (custom questions, events, outcome
// follow-up) contribute theirs through a Source.
type Table struct {
	Title  string
	Note   string // one sentence under the title, may be empty
	Counts []Count
	// People marks counts of people by a trait: those below the
	// suppression threshold are hidden so that no one can be recognised.
	People bool
}

// Source contributes tables to the report of programID for the period
// [from, to), written in lang (en, nb, sv or id).
type Source func(ctx context.Context, programID int64, from, to time.Time, lang string) ([]Table, error)
