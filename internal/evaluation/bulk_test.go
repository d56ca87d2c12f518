package evaluation

import (
	"context"
	"reflect"
	"testing"
	"time"

	"mentorskap/internal/program"
	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
)

// TestDueInMatchesDueFor checks that reading what is due for every active
// pair at once gives each member of each pair what DueFor gives them alone:
// answers count for the person who gave them, the chemistry check of one
// pair does not hide another's, and ended pairs owe nothing.
func TestDueInMatchesDueFor(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEvalEnv(t, db)
		ctx := context.Background()
		a, b, c := e.scene(), e.scene(), e.scene()
		now := e.clk.Now()
		day := 24 * time.Hour
		// a: met twice; the chemistry check has no row yet. The mid-point
		// is answered by the mentor.
		e.meeting(a.pair.ID, "confirmed", now.Add(-10*day))
		e.meeting(a.pair.ID, "confirmed", now.Add(-3*day))
		if err := Schedule(ctx, db, a.pair.ID, KindMidpoint, now.Add(day)); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(ctx, `INSERT INTO checkpoint_responses (checkpoint_id, user_id, submitted_at)
			VALUES ((SELECT id FROM checkpoints WHERE pair_id = ? AND kind = 'midpoint'), ?, ?)`, a.pair.ID, a.mentor.ID, now); err != nil {
			t.Fatal(err)
		}
		// b: its chemistry check written (so no longer stands in for
		// itself), the follow-up and the final scheduled; a proposal in
		// the past counts for nothing.
		e.meeting(b.pair.ID, "proposed", now.Add(-20*day))
		for kind, due := range map[string]time.Time{KindChemistry: now.Add(-day), KindFollowup: now.Add(-day), KindFinal: now.Add(90 * day)} {
			if err := Schedule(ctx, db, b.pair.ID, kind, due); err != nil {
				t.Fatal(err)
			}
		}
		// c: everything due, but the pair has ended.
		e.meeting(c.pair.ID, "confirmed", now.Add(-10*day))
		if err := Schedule(ctx, db, c.pair.ID, KindFollowup, now); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(ctx, `UPDATE pairs SET status = 'ended', ended_at = ? WHERE id = ?`, now, c.pair.ID); err != nil {
			t.Fatal(err)
		}

		all, err := DueIn(ctx, db, program.ActivePairs(), now)
		if err != nil {
			t.Fatal(err)
		}
		counts := map[int64]int{}
		for _, s := range []scene{a, b, c} {
			for _, u := range []int64{s.mentor.ID, s.mentee.ID, s.other.ID} {
				alone, err := DueFor(ctx, db, s.pair.ID, u, now)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(alone, all[s.pair.ID][u]) {
					t.Errorf("pair %d, person %d: alone %+v, in bulk %+v", s.pair.ID, u, alone, all[s.pair.ID][u])
				}
				counts[u] = len(alone.Waiting) + len(alone.Upcoming)
			}
		}
		want := map[int64]int{
			a.mentor.ID: 1, a.mentee.ID: 2, // chemistry; chemistry and mid-point
			b.mentor.ID: 3, b.mentee.ID: 3, // chemistry, follow-up; final to come
		}
		for _, s := range []scene{a, b, c} {
			for _, u := range []int64{s.mentor.ID, s.mentee.ID, s.other.ID} {
				if counts[u] != want[u] {
					t.Errorf("person %d has %d due, want %d", u, counts[u], want[u])
				}
			}
		}
		if d := all[a.pair.ID][a.mentee.ID].Waiting; len(d) != 2 || d[0].Kind != KindChemistry || d[1].Kind != KindMidpoint ||
			!d[0].DueAt.Equal(now.Add(-10*day+ChemistryWindow)) || !d[0].Overdue || d[1].Overdue {
			t.Errorf("a's mentee: %+v", d)
		}
		if d := all[b.pair.ID][b.mentee.ID]; len(d.Waiting) != 2 || len(d.Upcoming) != 1 || d.Upcoming[0].Kind != KindFinal {
			t.Errorf("b's mentee: %+v", d)
		}
		if _, ok := all[c.pair.ID]; ok || len(all) != 2 {
			t.Errorf("bulk read %d pairs, ended pair included: %v", len(all), ok)
		}
	})
}
