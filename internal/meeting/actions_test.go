package meeting

import (
	"context"
	"fmt"
	"testing"
	"time"

	"mentorskap/internal/errs"
	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
)

func titles(items []ActionItem) []string {
	out := make([]string, len(items))
	for i, a := range items {
		out[i] = a.Text + ":" + a.Status + ":" + a.Outcome
	}
	return out
}

func TestActionItemsCarryOverAcrossMeetings(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newNotesFixture(t, db)
		ctx := context.Background()
		m1, m2, m3 := f.meeting(t, 1, "confirmed"), f.meeting(t, 15, "confirmed"), f.meeting(t, 29, "proposed")
		goal := f.addGoal(t, f.pair.ID, "Find a job in logistics")

		cv, err := f.svc.AddActionItem(ctx, f.mentee, f.pair.ID, m1, ActionInput{Text: " Update the CV ", OwnerID: f.mentee.ID, Due: "2026-03-10", GoalID: goal})
		if err != nil {
			t.Fatal(err)
		}
		if cv.Text != "Update the CV" || cv.OwnerName != f.mentee.Name || cv.GoalTitle != "Find a job in logistics" || !cv.Open() {
			t.Fatalf("added: %+v", cv)
		}
		intro, err := f.svc.AddActionItem(ctx, f.mentor, f.pair.ID, m1, ActionInput{Text: "Introduce Ola to Kari", OwnerID: f.mentor.ID})
		if err != nil {
			t.Fatal(err)
		}

		// The first meeting lists what it agreed; nothing to review yet.
		n, err := f.svc.MeetingNotes(ctx, f.mentor, f.pair.ID, m1, "en")
		if err != nil {
			t.Fatal(err)
		}
		if len(n.Agreed) != 2 || len(n.Review) != 0 {
			t.Fatalf("meeting 1: agreed %v review %v", titles(n.Agreed), titles(n.Review))
		}
		// The same meeting cannot review its own items.
		if _, err := f.svc.ReviewActionItem(ctx, f.mentee, f.pair.ID, m1, cv.ID, OutcomeDone); !errs.Is(err, errs.Invalid) {
			t.Fatalf("review at its own meeting: %v", err)
		}

		// The next meeting reviews both: the CV is done, the introduction carried over.
		n, _ = f.svc.MeetingNotes(ctx, f.mentee, f.pair.ID, m2, "en")
		if got := titles(n.Review); len(got) != 2 || got[0] != "Update the CV:open:" {
			t.Fatalf("meeting 2 review: %v", got)
		}
		if _, err := f.svc.ReviewActionItem(ctx, f.mentee, f.pair.ID, m2, cv.ID, OutcomeDone); err != nil {
			t.Fatal(err)
		}
		carried, err := f.svc.ReviewActionItem(ctx, f.mentor, f.pair.ID, m2, intro.ID, OutcomeCarried)
		if err != nil {
			t.Fatal(err)
		}
		if !carried.Open() || carried.Carried != 1 || carried.Outcome != OutcomeCarried {
			t.Fatalf("carried over: %+v", carried)
		}
		n, _ = f.svc.MeetingNotes(ctx, f.mentee, f.pair.ID, m2, "en")
		if got := titles(n.Review); len(got) != 2 || got[0] != "Update the CV:done:done" || got[1] != "Introduce Ola to Kari:open:carried" {
			t.Fatalf("meeting 2 after review: %v", got)
		}
		open, err := OpenActionItems(ctx, db, f.pair.ID)
		if err != nil || len(open) != 1 || open[0].ID != intro.ID {
			t.Fatalf("open items: %v %v", titles(open), err)
		}

		// Meeting 3 sees only the carried item, still linked to meeting 1.
		n, _ = f.svc.MeetingNotes(ctx, f.mentee, f.pair.ID, m3, "en")
		if len(n.Review) != 1 || n.Review[0].ID != intro.ID || n.Review[0].MeetingID != m1 || n.Review[0].Carried != 1 || n.Review[0].Outcome != "" {
			t.Fatalf("meeting 3 review: %+v", n.Review)
		}
		if _, err := f.svc.ReviewActionItem(ctx, f.mentee, f.pair.ID, m3, intro.ID, OutcomeDropped); err != nil {
			t.Fatal(err)
		}
		// Meeting 2 may not undo what meeting 3 built on…
		if _, err := f.svc.ReviewActionItem(ctx, f.mentee, f.pair.ID, m2, intro.ID, OutcomeDone); !errs.Is(err, errs.Conflict) {
			t.Fatalf("review under a later one: %v", err)
		}
		// …and a closed item cannot be reviewed at another meeting, but its
		// own meeting may change its mind.
		if _, err := f.svc.ReviewActionItem(ctx, f.mentee, f.pair.ID, m3, cv.ID, OutcomeCarried); !errs.Is(err, errs.Conflict) {
			t.Fatalf("review of an item closed elsewhere: %v", err)
		}
		again, err := f.svc.ReviewActionItem(ctx, f.mentee, f.pair.ID, m2, cv.ID, OutcomeCarried)
		if err != nil || !again.Open() {
			t.Fatalf("change of mind at meeting 2: %+v %v", again, err)
		}
		if _, err := f.svc.ReviewActionItem(ctx, f.mentee, f.pair.ID, m3, cv.ID, "maybe"); !errs.Is(err, errs.Invalid) {
			t.Fatalf("unknown outcome: %v", err)
		}
		all, _ := f.svc.ActionItems(ctx, f.mentor, f.pair.ID, false)
		if len(all) != 2 {
			t.Fatalf("all items: %v", titles(all))
		}
	})
}

func TestActionItemRules(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newNotesFixture(t, db)
		ctx := context.Background()
		m1, m2 := f.meeting(t, 1, "confirmed"), f.meeting(t, 8, "confirmed")

		// A second pair with a goal of its own.
		if _, err := db.Exec(ctx, `INSERT INTO pairs (program_id, status, created_at) VALUES (?, 'active', ?)`, f.prog.ID, f.clock.Now()); err != nil {
			t.Fatal(err)
		}
		var otherPair int64
		db.QueryRow(ctx, `SELECT MAX(id) FROM pairs`).Scan(&otherPair)
		foreignGoal := f.addGoal(t, otherPair, "Not yours")

		_, err := f.svc.AddActionItem(ctx, f.mentee, f.pair.ID, m1, ActionInput{Text: "", OwnerID: f.other.ID, Due: "10/03/2026", GoalID: foreignGoal})
		e, ok := errs.As(err)
		if !ok || e.Fields["text"].Key != "error.required" || e.Fields["owner"].Key != "actions.error.owner" ||
			e.Fields["due"].Key != "actions.error.due" || e.Fields["goal"].Key != "actions.error.goal" {
			t.Fatalf("invalid item: %v", err)
		}
		if n := f.count(t, `SELECT COUNT(*) FROM action_items`); n != 0 {
			t.Fatalf("refused item stored (%d)", n)
		}

		item, err := f.svc.AddActionItem(ctx, f.mentee, f.pair.ID, m1, ActionInput{Text: "Call Kari", OwnerID: f.mentee.ID})
		if err != nil {
			t.Fatal(err)
		}
		upd, err := f.svc.UpdateActionItem(ctx, f.mentor, f.pair.ID, item.ID, ActionInput{Text: "Call Kari on Monday", OwnerID: f.mentor.ID, Due: "2026-03-09"})
		if err != nil || upd.Text != "Call Kari on Monday" || upd.OwnerID != f.mentor.ID || upd.Due != "2026-03-09" {
			t.Fatalf("update: %+v %v", upd, err)
		}
		if upd.Overdue(Today(f.clock.Now(), "Europe/Oslo")) || !upd.Overdue(Today(f.clock.Now().AddDate(0, 0, 8), "Europe/Oslo")) {
			t.Fatal("overdue is about the due date")
		}
		if _, err := f.svc.ReviewActionItem(ctx, f.mentee, f.pair.ID, m2, item.ID, OutcomeDone); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.UpdateActionItem(ctx, f.mentor, f.pair.ID, item.ID, ActionInput{Text: "x", OwnerID: f.mentor.ID}); !errs.Is(err, errs.Conflict) {
			t.Fatalf("update of a closed item: %v", err)
		}
		// Items of another pair are not found through this pair.
		if _, err := f.svc.UpdateActionItem(ctx, f.mentor, otherPair, item.ID, ActionInput{Text: "x", OwnerID: f.mentor.ID}); !errs.Is(err, errs.NotFound) {
			t.Fatalf("item through another pair: %v", err)
		}
		for _, who := range []struct {
			name string
			err  error
		}{
			{"coordinator", func() error {
				_, err := f.svc.AddActionItem(ctx, f.coord, f.pair.ID, m1, ActionInput{Text: "x", OwnerID: f.mentee.ID})
				return err
			}()},
			{"other participant", func() error {
				_, err := f.svc.AddActionItem(ctx, f.other, f.pair.ID, m1, ActionInput{Text: "x", OwnerID: f.mentee.ID})
				return err
			}()},
			{"review by coordinator", func() error {
				_, err := f.svc.ReviewActionItem(ctx, f.admin, f.pair.ID, m2, item.ID, OutcomeDone)
				return err
			}()},
		} {
			if who.err == nil {
				t.Errorf("%s changed an action item", who.name)
			}
		}
		for i := 1; i < MaxActionsPerMeeting; i++ {
			if _, err := f.svc.AddActionItem(ctx, f.mentee, f.pair.ID, m1, ActionInput{Text: fmt.Sprint(i), OwnerID: f.mentee.ID}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := f.svc.AddActionItem(ctx, f.mentee, f.pair.ID, m1, ActionInput{Text: "one too many", OwnerID: f.mentee.ID}); !errs.Is(err, errs.Invalid) {
			t.Fatalf("past the limit: %v", err)
		}
	})
}

func TestOpenActionItemsOrder(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newNotesFixture(t, db)
		ctx := context.Background()
		m := f.meeting(t, 1, "confirmed")
		for _, in := range []ActionInput{
			{Text: "undated", OwnerID: f.mentee.ID},
			{Text: "late", OwnerID: f.mentee.ID, Due: "2026-04-01"},
			{Text: "soon", OwnerID: f.mentor.ID, Due: "2026-03-05"},
		} {
			if _, err := f.svc.AddActionItem(ctx, f.mentee, f.pair.ID, m, in); err != nil {
				t.Fatal(err)
			}
		}
		open, err := OpenActionItems(ctx, db, f.pair.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got := fmt.Sprint(titles(open)); got != "[soon:open: late:open: undated:open:]" {
			t.Fatalf("order: %s", got)
		}
	})
}

// benchFixture gives a pair years of history: 300 weekly meetings, each
// with an agenda and notes, and 2,000 action items, one in forty still open.
func benchFixture(b *testing.B) (*store.DB, int64, []int64) {
	b.Helper()
	db := storetest.Default(b)
	ctx := context.Background()
	now := time.Date(2020, 1, 6, 9, 0, 0, 0, time.UTC)
	exec := func(q string, args ...any) {
		if _, err := db.Exec(ctx, q, args...); err != nil {
			b.Fatal(err)
		}
	}
	exec(`INSERT INTO users (email, name, password_hash, created_at) VALUES ('a@example.org', 'A', 'x', ?), ('b@example.org', 'B', 'x', ?)`, now, now)
	exec(`INSERT INTO programs (name, start_date, end_date, min_meetings, max_gap_days, meeting_min_minutes,
		meeting_max_minutes, messages_allowed, eval_followup, eval_midpoint, eval_final, default_language, join_token,
		created_at, updated_at) VALUES ('P', '2020-01-01', '2026-01-01', 4, 31, 45, 120, TRUE, TRUE, TRUE, TRUE, 'en', 'tok', ?, ?)`, now, now)
	exec(`INSERT INTO pairs (program_id, status, created_at) VALUES (1, 'active', ?)`, now)
	var meetings []int64
	err := db.Tx(ctx, func(tx *store.Tx) error {
		item := 0
		for i := range 300 {
			at := now.AddDate(0, 0, 7*i)
			var id int64
			if err := tx.QueryRow(ctx, `INSERT INTO meetings (pair_id, uid, status, starts_at, timezone, minutes, created_at, updated_at)
				VALUES (1, ?, 'confirmed', ?, 'UTC', 60, ?, ?) RETURNING id`, fmt.Sprint("u", i), at, at, at).Scan(&id); err != nil {
				return err
			}
			meetings = append(meetings, id)
			if _, err := tx.Exec(ctx, `INSERT INTO agendas (meeting_id, version, updated_at) VALUES (?, 1, ?)`, id, at); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `INSERT INTO agenda_items (meeting_id, position, source, title) VALUES (?, 0, 'own', 'x'), (?, 1, 'own', 'y')`, id, id); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `INSERT INTO meeting_notes (meeting_id, version, updated_at) VALUES (?, 1, ?)`, id, at); err != nil {
				return err
			}
			for ; item < (i+1)*2000/300; item++ {
				status := "done"
				if item%40 == 0 {
					status = "open"
				}
				if _, err := tx.Exec(ctx, `INSERT INTO action_items (pair_id, meeting_id, body, owner_id, due_date, status, created_at, updated_at)
					VALUES (1, ?, ?, 1, ?, ?, ?, ?)`, id, fmt.Sprint("item ", item), at.AddDate(0, 0, 7).Format("2006-01-02"), status, at, at); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return db, 1, meetings
}

// BenchmarkOpenActionItems reads the open items of a pair with 300
// meetings and 2,000 action items, as the pair's home page does.
func BenchmarkOpenActionItems(b *testing.B) {
	db, pairID, _ := benchFixture(b)
	ctx := context.Background()
	for b.Loop() {
		items, err := OpenActionItems(ctx, db, pairID)
		if err != nil || len(items) != 50 {
			b.Fatalf("%d items, %v", len(items), err)
		}
	}
}

// BenchmarkAgendaStatus reads the agenda state of all 300 meetings of the
// same pair in one query.
func BenchmarkAgendaStatus(b *testing.B) {
	db, _, meetings := benchFixture(b)
	ctx := context.Background()
	for b.Loop() {
		st, err := AgendaStatus(ctx, db, meetings)
		if err != nil || len(st) != 300 {
			b.Fatalf("%d states, %v", len(st), err)
		}
	}
}
