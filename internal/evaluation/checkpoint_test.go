package evaluation

import (
	"context"
	"strconv"
	"testing"
	"time"

	"mentorskap/internal/errs"
	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
)

func TestScheduleMovesTheDate(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEvalEnv(t, db)
		s := e.scene()
		ctx := context.Background()
		first := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
		if err := Schedule(ctx, db, s.pair.ID, KindFollowup, first); err != nil {
			t.Fatal(err)
		}
		later := first.AddDate(0, 0, 10)
		if err := Schedule(ctx, db, s.pair.ID, KindFollowup, later); err != nil {
			t.Fatal(err)
		}
		if n := e.count(`SELECT COUNT(*) FROM checkpoints WHERE pair_id = ?`, s.pair.ID); n != 1 {
			t.Fatalf("%d check points after scheduling one twice", n)
		}
		c, err := DueFor(ctx, db, s.pair.ID, s.mentee.ID, e.clk.Now())
		if err != nil {
			t.Fatal(err)
		}
		// A month and more away: still to come, not waiting.
		if due := c.Upcoming; len(due) != 1 || len(c.Waiting) != 0 || due[0].Kind != KindFollowup || !due[0].DueAt.Equal(later) ||
			due[0].Overdue || !due[0].OpensAt.Equal(later.Add(-OpenBefore)) {
			t.Fatalf("due after moving: %+v", c)
		}

		wantErr(t, Schedule(ctx, db, s.pair.ID, "party", first), errs.Invalid, "evaluation.error.kind")
		wantErr(t, Schedule(ctx, db, s.pair.ID+1000, KindFinal, first), errs.NotFound, "pair.error.not_found")
		if n := e.count(`SELECT COUNT(*) FROM checkpoints`); n != 1 {
			t.Fatalf("refused schedules wrote rows: %d", n)
		}
	})
}

func TestDueFor(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEvalEnv(t, db)
		s := e.scene()
		ctx := context.Background()
		// Everything not answered, open or to come, in date order.
		due := func(userID int64) []Due {
			t.Helper()
			c, err := DueFor(ctx, db, s.pair.ID, userID, e.clk.Now())
			if err != nil {
				t.Fatal(err)
			}
			return append(c.Waiting, c.Upcoming...)
		}
		if d := due(s.mentee.ID); len(d) != 0 {
			t.Fatalf("due before anything happened: %+v", d)
		}

		// A proposed meeting in the past and a confirmed one ahead do not
		// open the chemistry check.
		start := e.clk.Now().Add(48 * time.Hour)
		e.meeting(s.pair.ID, "proposed", e.clk.Now().Add(-time.Hour))
		e.meeting(s.pair.ID, "confirmed", start)
		if d := due(s.mentee.ID); len(d) != 0 {
			t.Fatalf("due before the first meeting: %+v", d)
		}

		e.clk.Set(start.Add(time.Hour))
		final := start.AddDate(0, 4, 0)
		if err := Schedule(ctx, db, s.pair.ID, KindFinal, final); err != nil {
			t.Fatal(err)
		}
		if err := Schedule(ctx, db, s.pair.ID, KindFollowup, start.AddDate(0, 0, 3)); err != nil {
			t.Fatal(err)
		}
		for _, u := range []int64{s.mentee.ID, s.mentor.ID} {
			d := due(u)
			if len(d) != 3 || d[0].Kind != KindFollowup || d[1].Kind != KindChemistry || d[2].Kind != KindFinal {
				t.Fatalf("user %d: due %+v, want follow-up, chemistry, final", u, d)
			}
			if !d[1].DueAt.Equal(start.Add(ChemistryWindow)) || d[1].Overdue {
				t.Fatalf("chemistry due %v (overdue %v), want %v", d[1].DueAt, d[1].Overdue, start.Add(ChemistryWindow))
			}
			if d[1].Path() != "/pairs/"+strconv.FormatInt(s.pair.ID, 10)+"/chemistry" {
				t.Fatalf("path %q", d[1].Path())
			}
		}
		// People outside the pair, coordinators included, have nothing due.
		for _, u := range []int64{s.coord.ID, s.other.ID, s.admin.ID} {
			if d := due(u); len(d) != 0 {
				t.Fatalf("non-member %d has %+v due", u, d)
			}
		}

		// Answering removes the check for that person only.
		if err := e.svc.AnswerChemistry(ctx, s.mentee, s.pair.ID, AnswerYes, ""); err != nil {
			t.Fatal(err)
		}
		if d := due(s.mentee.ID); len(d) != 2 || d[0].Kind != KindFollowup || d[1].Kind != KindFinal {
			t.Fatalf("mentee due after answering: %+v", d)
		}
		e.clk.Set(start.Add(ChemistryWindow + time.Hour))
		d := due(s.mentor.ID)
		if len(d) != 3 || d[1].Kind != KindChemistry || !d[1].Overdue || !d[0].Overdue || d[2].Overdue {
			t.Fatalf("mentor due a week later: %+v", d)
		}

		// An ended pair asks nothing more.
		if err := e.progs.EndPair(ctx, s.coord, s.prog.ID, s.pair.ID); err != nil {
			t.Fatal(err)
		}
		if d := due(s.mentor.ID); len(d) != 0 {
			t.Fatalf("due after the pair ended: %+v", d)
		}
	})
}
