package meeting

import (
	"context"
	"strings"
	"sync"
	"testing"

	"mentorskap/internal/account"
	"mentorskap/internal/agreement"
	"mentorskap/internal/errs"
	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
)

func checklist(tag string) Notes {
	return Notes{
		SinceLast: tag + " since", Today: tag + " today", TimeMinutes: 75, Theme: tag + " theme",
		NextSteps: tag + " next", Reflection: tag + " reflection", Remember: tag + " remember",
	}
}

func TestNotesChecklistRoundTrip(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newNotesFixture(t, db)
		ctx := context.Background()
		m := f.meeting(t, 1, "confirmed")
		n, err := f.svc.MeetingNotes(ctx, f.mentor, f.pair.ID, m, "en")
		if err != nil {
			t.Fatal(err)
		}
		if n.Version != 0 || !n.Notes.Empty() || !n.CanWrite || n.Private == nil || n.Theme == nil {
			t.Fatalf("empty notes: %+v", n)
		}
		in := checklist("  first")
		in.SinceLast += "\n\n- a **list**\xff"
		v, err := f.svc.SaveNotes(ctx, f.mentor, f.pair.ID, m, 0, in)
		if err != nil || v != 1 {
			t.Fatalf("save: %d %v", v, err)
		}
		n, err = f.svc.MeetingNotes(ctx, f.mentee, f.pair.ID, m, "en")
		if err != nil {
			t.Fatal(err)
		}
		want := checklist("first")
		want.SinceLast += "\n\n- a **list**\uFFFD"
		if n.Notes != want || n.Version != 1 || n.UpdatedBy != f.mentor.Name || n.UpdatedAt == nil {
			t.Fatalf("read back:\n%+v\nwant\n%+v", n.Notes, want)
		}
		// Either side edits from the version it read.
		if v, err = f.svc.SaveNotes(ctx, f.mentee, f.pair.ID, m, 1, checklist("second")); err != nil || v != 2 {
			t.Fatalf("mentee edit: %d %v", v, err)
		}
		if got, _, _, _ := f.svc.SharedNotes(ctx, f.mentor, f.pair.ID, m); got != checklist("second") {
			t.Fatalf("after the mentee's edit: %+v", got)
		}

		bad := checklist("x")
		bad.Reflection = strings.Repeat("é", MaxNoteText+1)
		bad.TimeMinutes = -5
		_, err = f.svc.SaveNotes(ctx, f.mentee, f.pair.ID, m, 2, bad)
		e, ok := errs.As(err)
		if !ok || e.Fields["reflection"].Key != "error.too_long" || e.Fields["time_minutes"].Key != "notes.error.time_range" {
			t.Fatalf("invalid notes: %v", err)
		}
		if got, v, _, _ := f.svc.SharedNotes(ctx, f.mentor, f.pair.ID, m); got != checklist("second") || v != 2 {
			t.Fatalf("refused save changed the notes: %+v", got)
		}
	})
}

func TestNotesStaleSaveIsAConflict(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newNotesFixture(t, db)
		ctx := context.Background()
		m := f.meeting(t, 1, "confirmed")
		// Both open the empty notes; the mentor saves first.
		if _, err := f.svc.SaveNotes(ctx, f.mentor, f.pair.ID, m, 0, checklist("mentor")); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.SaveNotes(ctx, f.mentee, f.pair.ID, m, 0, checklist("mentee")); !errs.Is(err, errs.Conflict) {
			t.Fatalf("second first save: %v", err)
		}
		if _, err := f.svc.SaveNotes(ctx, f.mentor, f.pair.ID, m, 1, checklist("mentor again")); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.SaveNotes(ctx, f.mentee, f.pair.ID, m, 1, checklist("mentee")); !errs.Is(err, errs.Conflict) {
			t.Fatalf("stale update: %v", err)
		}
		if got, v, _, _ := f.svc.SharedNotes(ctx, f.mentee, f.pair.ID, m); got != checklist("mentor again") || v != 2 {
			t.Fatalf("a stale save overwrote: %+v (version %d)", got, v)
		}

		// Many saves from the same version at once: exactly one wins.
		var wg sync.WaitGroup
		results := make([]error, 8)
		for i := range results {
			wg.Add(1)
			go func() {
				defer wg.Done()
				who := f.mentor
				if i%2 == 1 {
					who = f.mentee
				}
				_, results[i] = f.svc.SaveNotes(ctx, who, f.pair.ID, m, 2, checklist("race"))
			}()
		}
		wg.Wait()
		won := 0
		for _, err := range results {
			switch {
			case err == nil:
				won++
			case !errs.Is(err, errs.Conflict):
				t.Fatalf("racing save: %v", err)
			}
		}
		if won != 1 {
			t.Fatalf("%d racing saves won, want exactly 1", won)
		}
	})
}

func TestPrivateNotesStayPrivate(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newNotesFixture(t, db)
		ctx := context.Background()
		m := f.meeting(t, 1, "confirmed")
		v, err := f.svc.SavePrivateNote(ctx, f.mentor, f.pair.ID, m, 0, "I worry the mentee is overloaded")
		if err != nil || v != 1 {
			t.Fatalf("save: %d %v", v, err)
		}
		if _, err := f.svc.SavePrivateNote(ctx, f.mentee, f.pair.ID, m, 0, "Mine"); err != nil {
			t.Fatal(err)
		}
		p, err := f.svc.PrivateNote(ctx, f.mentor, f.pair.ID, m)
		if err != nil || p.Body != "I worry the mentee is overloaded" || p.Version != 1 {
			t.Fatalf("mentor's own note: %+v %v", p, err)
		}
		n, err := f.svc.MeetingNotes(ctx, f.mentee, f.pair.ID, m, "en")
		if err != nil || n.Private.Body != "Mine" {
			t.Fatalf("mentee sees: %+v %v", n.Private, err)
		}
		// A stale private save is a conflict too.
		if _, err := f.svc.SavePrivateNote(ctx, f.mentor, f.pair.ID, m, 0, "second tab"); !errs.Is(err, errs.Conflict) {
			t.Fatalf("stale private save: %v", err)
		}
		for _, c := range []struct {
			who  *account.User
			want errs.Kind
		}{
			{nil, errs.Unauthorized}, {f.other, errs.NotFound}, {f.foreign, errs.NotFound},
			{f.coord, errs.Forbidden}, {f.admin, errs.Forbidden},
		} {
			if _, err := f.svc.PrivateNote(ctx, c.who, f.pair.ID, m); !errs.Is(err, c.want) {
				t.Errorf("%v reads a private note: %v", c.who, err)
			}
			if _, err := f.svc.SavePrivateNote(ctx, c.who, f.pair.ID, m, 0, "x"); !errs.Is(err, c.want) {
				t.Errorf("%v writes a private note: %v", c.who, err)
			}
		}
		if n := f.count(t, `SELECT COUNT(*) FROM private_notes`); n != 2 {
			t.Fatalf("%d private notes, want 2", n)
		}
	})
}

func TestNotesWhoSeesWhat(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newNotesFixture(t, db)
		ctx := context.Background()
		m := f.meeting(t, 1, "confirmed")
		if _, err := f.svc.SaveNotes(ctx, f.mentee, f.pair.ID, m, 0, checklist("secret")); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			who  *account.User
			want errs.Kind
		}{
			{nil, errs.Unauthorized}, {f.other, errs.NotFound}, {f.foreign, errs.NotFound},
			{f.coord, errs.Forbidden}, {f.admin, errs.Forbidden},
		} {
			if n, err := f.svc.MeetingNotes(ctx, c.who, f.pair.ID, m, "en"); !errs.Is(err, c.want) || n != nil {
				t.Errorf("%v reads notes: %v", c.who, err)
			}
			if _, err := f.svc.SaveNotes(ctx, c.who, f.pair.ID, m, 1, checklist("x")); !errs.Is(err, c.want) {
				t.Errorf("%v writes notes: %v", c.who, err)
			}
			if _, err := f.svc.ActionItems(ctx, c.who, f.pair.ID, false); !errs.Is(err, c.want) {
				t.Errorf("%v lists action items: %v", c.who, err)
			}
		}

		// An ended pair keeps its notes readable and closed for changes.
		if _, err := db.Exec(ctx, `UPDATE pairs SET status = 'ended', ended_at = ? WHERE id = ?`, f.clock.Now(), f.pair.ID); err != nil {
			t.Fatal(err)
		}
		n, err := f.svc.MeetingNotes(ctx, f.mentor, f.pair.ID, m, "en")
		if err != nil || n.CanWrite || n.Notes != checklist("secret") {
			t.Fatalf("ended pair: %+v %v", n, err)
		}
		if _, err := f.svc.SaveNotes(ctx, f.mentor, f.pair.ID, m, 1, checklist("late")); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("write to an ended pair: %v", err)
		}
	})
}

// TestCoordinatorReadsSharedMeetings signs an agreement that shares the
// pair's meetings with the coordinator: then the program's coordinators
// (and administrators) read agendas, shared notes and action items, change
// nothing, and never see a private note.
func TestCoordinatorReadsSharedMeetings(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newNotesFixture(t, db)
		ctx := context.Background()
		m1, m2 := f.meeting(t, 1, "confirmed"), f.meeting(t, 8, "confirmed")
		if _, err := f.svc.SaveAgenda(ctx, f.mentee, f.pair.ID, m1, 0, []AgendaItem{{Title: "Salary"}}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.SaveNotes(ctx, f.mentor, f.pair.ID, m1, 0, checklist("shared")); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.SavePrivateNote(ctx, f.mentor, f.pair.ID, m1, 0, "mine alone"); err != nil {
			t.Fatal(err)
		}
		item, err := f.svc.AddActionItem(ctx, f.mentee, f.pair.ID, m1, ActionInput{Text: "Call", OwnerID: f.mentee.ID})
		if err != nil {
			t.Fatal(err)
		}

		agreements := &agreement.Service{DB: db, Clock: f.clock}
		c := agreement.Content{StartDate: "2026-03-02", EndDate: "2026-08-02", MeetingCount: 4, TypicalMinutes: 60,
			MaxMinutes: 90, CoordinatorSees: agreement.ShareMeetings}
		v, err := agreements.SaveDraft(ctx, f.mentee, f.pair.ID, 0, c, f.bundle.Locale("en"))
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range []*account.User{f.mentee, f.mentor} {
			if _, err := agreements.Sign(ctx, u, f.pair.ID, v.Number, "password-"+u.Email, u.Name); err != nil {
				t.Fatal(err)
			}
		}

		for _, who := range []*account.User{f.coord, f.admin} {
			a, err := f.svc.Agenda(ctx, who, f.pair.ID, m1, "en")
			if err != nil || len(a.Items) != 1 || a.CanEdit || a.Plan != nil {
				t.Fatalf("%s reads the agenda: %+v %v", who.Name, a, err)
			}
			n, err := f.svc.MeetingNotes(ctx, who, f.pair.ID, m1, "en")
			if err != nil || n.Notes != checklist("shared") || n.CanWrite || n.Private != nil || len(n.Agreed) != 1 {
				t.Fatalf("%s reads the notes: %+v %v", who.Name, n, err)
			}
			if _, err := f.svc.PrivateNote(ctx, who, f.pair.ID, m1); !errs.Is(err, errs.Forbidden) {
				t.Fatalf("%s reads a private note: %v", who.Name, err)
			}
			if _, err := f.svc.SaveNotes(ctx, who, f.pair.ID, m1, 1, checklist("x")); !errs.Is(err, errs.Forbidden) {
				t.Fatalf("%s writes notes: %v", who.Name, err)
			}
			if _, err := f.svc.ReviewActionItem(ctx, who, f.pair.ID, m2, item.ID, OutcomeDone); !errs.Is(err, errs.Forbidden) {
				t.Fatalf("%s reviews an item: %v", who.Name, err)
			}
		}
		// Sharing is the pair's choice for its own coordinator only.
		if _, err := f.svc.Agenda(ctx, f.foreign, f.pair.ID, m1, "en"); !errs.Is(err, errs.NotFound) {
			t.Fatalf("another program's coordinator: %v", err)
		}
		if _, err := f.svc.Agenda(ctx, f.other, f.pair.ID, m1, "en"); !errs.Is(err, errs.NotFound) {
			t.Fatalf("another participant: %v", err)
		}
	})
}
