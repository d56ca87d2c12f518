package demo

import (
	"context"
	"testing"

	"mentorskap/internal/store"
)

// extrasOf counts the program's own pieces the demo adds beside the pairs.
type extrasOf struct {
	questions, matching, reporting, answers         int
	events, attended, yes, no, maybe, announcements int
	announced, resources, files, followUpSwitchedOn int
	questions3, open3                               int
}

func countExtras(t *testing.T, db *store.DB) extrasOf {
	t.Helper()
	ctx := context.Background()
	var e extrasOf
	for _, c := range []struct {
		n *int
		q string
	}{
		{&e.questions, `SELECT COUNT(*) FROM program_questions`},
		{&e.matching, `SELECT COUNT(*) FROM program_questions WHERE match_mode <> '' AND match_weight > 0`},
		{&e.reporting, `SELECT COUNT(*) FROM program_questions WHERE reporting = ?`},
		{&e.answers, `SELECT COUNT(*) FROM program_question_answers`},
		{&e.events, `SELECT COUNT(*) FROM events`},
		{&e.attended, `SELECT COUNT(*) FROM event_invites WHERE attended = ?`},
		{&e.yes, `SELECT COUNT(*) FROM event_invites WHERE response = 'yes'`},
		{&e.no, `SELECT COUNT(*) FROM event_invites WHERE response = 'no'`},
		{&e.maybe, `SELECT COUNT(*) FROM event_invites WHERE response = 'maybe'`},
		{&e.announcements, `SELECT COUNT(*) FROM announcements`},
		{&e.announced, `SELECT COUNT(*) FROM announcement_recipients`},
		{&e.resources, `SELECT COUNT(*) FROM resources`},
		{&e.files, `SELECT COUNT(*) FROM resource_files`},
		{&e.followUpSwitchedOn, `SELECT COUNT(*) FROM outcome_settings WHERE enabled = ?`},
		{&e.questions3, `SELECT COUNT(*) FROM outcome_surveys`},
		{&e.open3, `SELECT COUNT(*) FROM outcome_surveys WHERE answered_at IS NULL AND round = 3`},
	} {
		var args []any
		if c.n == &e.reporting || c.n == &e.attended || c.n == &e.followUpSwitchedOn {
			args = append(args, true)
		}
		if err := db.QueryRow(ctx, c.q, args...).Scan(c.n); err != nil {
			t.Fatalf("%s: %v", c.q, err)
		}
	}
	return e
}

func checkExtras(t *testing.T, got extrasOf) {
	t.Helper()
	want := extrasOf{
		questions: 2, matching: 1, reporting: 1,
		// Everyone answers the sector; the mentees also their situation.
		answers: len(mentors) + 2*len(mentees),
		events:  2, yes: 16 + 5, no: 2, maybe: 1 + 2, attended: 16,
		announcements: 1, resources: 2, files: 1, followUpSwitchedOn: 1,
		// Only Daniel left long enough ago for the first round.
		questions3: 1, open3: 1,
	}
	want.announced = got.announced
	if got != want || got.announced == 0 {
		t.Fatalf("the program's own pieces: %+v, want %+v", got, want)
	}
}
