package dashboard

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
)

// A pair that ended before endings called off its meetings keeps live
// meetings after its end; migration 0027 calls them off as an ending now
// does, and the monthly chart counts neither those nor the ones an ending
// calls off as cancellations anyone made.
func TestEndedPairsMeetingsCalledOff(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		err := db.Tx(ctx, func(tx *store.Tx) error {
			return endedPairScene(t, tx)
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

// endedPairScene writes the scene, applies the migration and checks it,
// inside one transaction (SQLite writes go through the writer).
func endedPairScene(t *testing.T, db *store.Tx) error {
	ctx := context.Background()
	s := &seed{t: t, db: db}
	prog := s.program(s.user("Coordinator", "coordinator"))
	old, _ := s.pair(prog, "Mentor", "Mentee", jan1)
	s.meeting(old, "confirmed", d(1, 20)) // held before the end: stays
	s.meeting(old, "confirmed", d(3, 10)) // after the end
	s.meeting(old, "proposed", d(3, 20))  // after the end
	s.meeting(old, "cancelled", d(1, 25)) // a person's cancellation
	running, _ := s.pair(prog, "Mentor 2", "Mentee 2", jan1)
	s.meeting(running, "confirmed", d(3, 12))
	// What the code before the fix did: end the pair, leave its meetings.
	s.exec(`UPDATE pairs SET status = 'ended', ended_at = ? WHERE id = ?`, d(2, 1), old)

	body, err := os.ReadFile(filepath.Join("..", "store", "migrations", string(db.Dialect()), "0027_ended_pairs_meetings.sql"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(ctx, string(body)); err != nil {
		t.Fatal(err)
	}
	count := func(query string, args ...any) int {
		t.Helper()
		var n int
		if err := db.QueryRow(ctx, query, args...).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := count(`SELECT COUNT(*) FROM meetings WHERE pair_id = ? AND status IN ('confirmed', 'proposed')`, old); n != 1 {
		t.Errorf("ended pair keeps %d live meetings, want only the one held before its end", n)
	}
	if n := count(`SELECT COUNT(*) FROM meetings WHERE pair_id = ? AND ended_with_pair = ? AND sequence = 1 AND late_cancel = ?`, old, true, false); n != 2 {
		t.Errorf("%d meetings called off with the pair, want 2 with a raised sequence and not late", n)
	}
	if n := count(`SELECT COUNT(*) FROM meeting_events WHERE pair_id = ? AND kind = 'cancelled' AND user_id IS NULL`, old); n != 2 {
		t.Errorf("%d history rows for the called-off meetings, want 2", n)
	}
	if n := count(`SELECT COUNT(*) FROM meetings WHERE pair_id = ? AND status = 'confirmed'`, running); n != 1 {
		t.Errorf("a running pair's meeting changed")
	}
	months, err := meetingMonths(ctx, db, prog, now)
	if err != nil {
		t.Fatal(err)
	}
	cancelled := 0
	for _, m := range months {
		cancelled += m.Cancelled
	}
	if cancelled != 1 {
		t.Errorf("chart counts %d cancellations, want only the one a person made: %+v", cancelled, months)
	}
	return nil
}
