package meeting

import (
	"context"
	"slices"
	"strings"
	"testing"

	"mentorskap/internal/account"
	"mentorskap/internal/errs"
	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
)

type outboxMail struct{ To, Lang, Subject, Body string }

func (f *notesFixture) mails(t *testing.T) []outboxMail {
	t.Helper()
	rows, err := f.db.Query(context.Background(), `SELECT to_email, language, subject, body FROM outbox ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []outboxMail
	for rows.Next() {
		var m outboxMail
		if err := rows.Scan(&m.To, &m.Lang, &m.Subject, &m.Body); err != nil {
			t.Fatal(err)
		}
		out = append(out, m)
	}
	return out
}

func TestAgendaSuggestsThePlansThemeForMeetingN(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newNotesFixture(t, db)
		ctx := context.Background()
		first := f.meeting(t, 1, "confirmed")
		f.meeting(t, 3, "cancelled") // does not count
		second := f.meeting(t, 7, "proposed")

		a, err := f.svc.Agenda(ctx, f.mentee, f.pair.ID, first, "en")
		if err != nil {
			t.Fatal(err)
		}
		if a.Meeting.Number != 1 || a.Theme == nil || a.Theme.Title != DefaultPlan("en").Themes[0].Title {
			t.Fatalf("first meeting: number %d theme %+v", a.Meeting.Number, a.Theme)
		}
		if !a.CanEdit || a.Plan == nil || len(a.Plan.Topics) != 14 {
			t.Fatalf("the mentee prepares with the libraries: %+v", a)
		}
		a, err = f.svc.Agenda(ctx, f.mentor, f.pair.ID, second, "nb")
		if err != nil {
			t.Fatal(err)
		}
		if a.Meeting.Number != 2 || a.Theme.Title != DefaultPlan("nb").Themes[1].Title {
			t.Fatalf("second meeting in Norwegian: number %d theme %+v", a.Meeting.Number, a.Theme)
		}
		if a.CanEdit || a.Plan != nil {
			t.Fatal("the mentor reads the agenda but does not prepare it")
		}
		for i := 3; i <= 7; i++ {
			f.meeting(t, 7+i, "confirmed")
		}
		seventh := f.meeting(t, 30, "confirmed")
		if a, _ = f.svc.Agenda(ctx, f.mentee, f.pair.ID, seventh, "en"); a.Meeting.Number != 8 || a.Theme != nil {
			t.Fatalf("past the plan nothing is suggested: number %d theme %+v", a.Meeting.Number, a.Theme)
		}
	})
}

func TestSavingTheAgendaEmailsTheMentor(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newNotesFixture(t, db)
		ctx := context.Background()
		m := f.meeting(t, 2, "confirmed") // 2026-03-04 09:00 UTC, 10:00 in Oslo
		items := []AgendaItem{
			{Source: SourceTheme, Title: "Goals and expectations"},
			{Source: SourceOwn, Title: "  Pay in my field ", Note: "What should I ask for?"},
		}
		v, err := f.svc.SaveAgenda(ctx, f.mentee, f.pair.ID, m, 0, items)
		if err != nil {
			t.Fatal(err)
		}
		if v != 1 {
			t.Fatalf("version %d", v)
		}
		mails := f.mails(t)
		if len(mails) != 1 {
			t.Fatalf("%d emails, want 1 to the mentor: %+v", len(mails), mails)
		}
		mail := mails[0]
		nb := f.bundle.Locale("nb")
		if mail.To != f.mentor.Email || mail.Lang != "nb" ||
			mail.Subject != nb.T("email.agenda_ready.subject", "mentee", f.mentee.Name, "program", f.prog.Name) {
			t.Fatalf("email: %+v", mail)
		}
		for _, want := range []string{"Marit Mentor", "Ola Mentee", "- Goals and expectations\n- Pay in my field",
			"onsdag 4. mar. 2026 kl. 10.00 (norsk tid)", "http://mentorskap.test/pairs/"} {
			if !strings.Contains(mail.Body, want) {
				t.Errorf("email body lacks %q:\n%s", want, mail.Body)
			}
		}

		a, err := f.svc.Agenda(ctx, f.mentor, f.pair.ID, m, "nb")
		if err != nil {
			t.Fatal(err)
		}
		if len(a.Items) != 2 || a.Items[1].Title != "Pay in my field" || a.Items[1].Note != "What should I ask for?" ||
			a.Version != 1 || a.UpdatedBy != f.mentee.Name {
			t.Fatalf("mentor reads: %+v", a)
		}

		// Saving the same topics again tells nobody, nor does a changed
		// note under the same topics (the email lists only the topics);
		// a new topic does.
		if v, err = f.svc.SaveAgenda(ctx, f.mentee, f.pair.ID, m, 1, a.Items); err != nil || v != 2 {
			t.Fatalf("resave: %d %v", v, err)
		}
		if n := len(f.mails(t)); n != 1 {
			t.Fatalf("an unchanged agenda sent email (%d)", n)
		}
		noted := slices.Clone(a.Items)
		noted[0].Note = "Ask about the first year"
		if v, err = f.svc.SaveAgenda(ctx, f.mentee, f.pair.ID, m, 2, noted); err != nil || v != 3 {
			t.Fatalf("save with a changed note: %d %v", v, err)
		}
		if n := len(f.mails(t)); n != 1 {
			t.Fatalf("a changed note under the same topics sent email (%d)", n)
		}
		if _, err = f.svc.SaveAgenda(ctx, f.mentee, f.pair.ID, m, 3, append(noted, AgendaItem{Title: "Mock interview", Source: SourceActivity})); err != nil {
			t.Fatal(err)
		}
		mails = f.mails(t)
		if len(mails) != 2 || mails[1].Subject != nb.T("email.agenda_updated.subject", "mentee", f.mentee.Name, "program", f.prog.Name) {
			t.Fatalf("update email: %+v", mails)
		}

		// A stale version is a conflict and keeps the saved agenda.
		if _, err = f.svc.SaveAgenda(ctx, f.mentee, f.pair.ID, m, 1, []AgendaItem{{Title: "Lost"}}); !errs.Is(err, errs.Conflict) {
			t.Fatalf("stale save: %v", err)
		}
		if a, _ = f.svc.Agenda(ctx, f.mentee, f.pair.ID, m, "en"); len(a.Items) != 3 || a.Version != 4 || a.Items[0].Note != "Ask about the first year" {
			t.Fatalf("stale save changed the agenda: %+v", a.Items)
		}
	})
}

// TestSavingTheAgendaKeepsTheList saves lists that grow, shrink, change in
// place and are reordered, and checks that each save reads back exactly
// as it was saved, in order (items are rewritten only where they changed,
// see writeAgendaItems).
func TestSavingTheAgendaKeepsTheList(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newNotesFixture(t, db)
		ctx := context.Background()
		m := f.meeting(t, 2, "confirmed")
		a, b, c, d := AgendaItem{Source: SourceTheme, Title: "A"}, AgendaItem{Source: SourceOwn, Title: "B", Note: "b"},
			AgendaItem{Source: SourceTopic, Title: "C"}, AgendaItem{Source: SourceActivity, Title: "D", Note: "d"}
		noted := b
		noted.Note = "a new note"
		for i, list := range [][]AgendaItem{
			{a, b, c},
			{a, noted, c},    // one note changed
			{a, noted},       // shorter
			{d, c, a, noted}, // longer and reordered
			{d, c, a, noted}, // the same again
			{c},              // shorter by three
			{},               // empty
			{b, d},           // again from nothing
		} {
			v, err := f.svc.SaveAgenda(ctx, f.mentee, f.pair.ID, m, i, list)
			if err != nil || v != i+1 {
				t.Fatalf("save %d: %d %v", i, v, err)
			}
			got, err := f.svc.Agenda(ctx, f.mentor, f.pair.ID, m, "en")
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got.Items, list) || got.Version != i+1 {
				t.Fatalf("save %d: read back %+v (version %d), want %+v", i, got.Items, got.Version, list)
			}
			if n := f.count(t, `SELECT COUNT(DISTINCT position) FROM agenda_items WHERE meeting_id = ? AND position < ?`, m, len(list)); n != len(list) ||
				f.count(t, `SELECT COUNT(*) FROM agenda_items WHERE meeting_id = ?`, m) != len(list) {
				t.Fatalf("save %d: the rows are not one at each position 0-%d", i, len(list)-1)
			}
		}
	})
}

func TestAgendaRules(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newNotesFixture(t, db)
		ctx := context.Background()
		m := f.meeting(t, 2, "confirmed")
		ok := []AgendaItem{{Title: "Topic"}}

		// The mentor reads but does not prepare.
		if _, err := f.svc.SaveAgenda(ctx, f.mentor, f.pair.ID, m, 0, ok); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("mentor saves: %v", err)
		}
		_, err := f.svc.SaveAgenda(ctx, f.mentee, f.pair.ID, m, 0, []AgendaItem{{Title: " "}, {Title: "x", Source: "gossip"}, {Title: "y", Note: strings.Repeat("n", MaxAgendaNote+1)}})
		e, isErr := errs.As(err)
		if !isErr || e.Kind != errs.Invalid || e.Fields["items.0.title"].Key != "error.required" ||
			e.Fields["items.1.source"].Key != "error.choice_invalid" || e.Fields["items.2.note"].Key != "error.too_long" {
			t.Fatalf("invalid agenda: %v", err)
		}
		if _, err := f.svc.SaveAgenda(ctx, f.mentee, f.pair.ID, m, 0, make([]AgendaItem, MaxAgendaItems+1)); !errs.Is(err, errs.Invalid) {
			t.Fatalf("too many items: %v", err)
		}
		cancelled := f.meeting(t, 4, "cancelled")
		if _, err := f.svc.SaveAgenda(ctx, f.mentee, f.pair.ID, cancelled, 0, ok); !errs.Is(err, errs.Invalid) {
			t.Fatalf("cancelled meeting: %v", err)
		}
		if n := f.count(t, `SELECT COUNT(*) FROM agendas`); n != 0 {
			t.Fatalf("refused saves wrote %d agendas", n)
		}
		if n := len(f.mails(t)); n != 0 {
			t.Fatalf("refused saves sent %d emails", n)
		}

		// A meeting of another pair is not found through this pair.
		otherPair := f.pair.ID + 1000
		if _, err := f.svc.Agenda(ctx, f.mentee, otherPair, m, "en"); !errs.Is(err, errs.NotFound) {
			t.Fatalf("unknown pair: %v", err)
		}
		strange := addMeeting(t, db, f.pair.ID, f.clock.Now(), "confirmed")
		if _, err := f.svc.Agenda(ctx, f.mentee, f.pair.ID, strange+1000, "en"); !errs.Is(err, errs.NotFound) {
			t.Fatalf("unknown meeting: %v", err)
		}
		// Nor saved to: a save reads the pair and the meeting together.
		if _, err := f.svc.SaveAgenda(ctx, f.mentee, f.pair.ID, strange+1000, 0, ok); !errs.Is(err, errs.NotFound) {
			t.Fatalf("save to an unknown meeting: %v", err)
		}
		if _, err := f.svc.SaveAgenda(ctx, f.mentee, otherPair, m, 0, ok); !errs.Is(err, errs.NotFound) {
			t.Fatalf("save through an unknown pair: %v", err)
		}
		if n := f.count(t, `SELECT COUNT(*) FROM agendas`); n != 0 {
			t.Fatalf("refused saves wrote %d agendas", n)
		}
	})
}

func TestAgendaWhoSeesWhat(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newNotesFixture(t, db)
		ctx := context.Background()
		m := f.meeting(t, 2, "confirmed")
		if _, err := f.svc.SaveAgenda(ctx, f.mentee, f.pair.ID, m, 0, []AgendaItem{{Title: "Private worries"}}); err != nil {
			t.Fatal(err)
		}
		cases := []struct {
			who  *account.User
			want errs.Kind // 0: allowed
		}{
			{f.mentee, 0}, {f.mentor, 0},
			{nil, errs.Unauthorized}, {f.other, errs.NotFound}, {f.foreign, errs.NotFound},
			// The agreement shares nothing with the coordinator by default.
			{f.coord, errs.Forbidden}, {f.admin, errs.Forbidden},
		}
		for _, c := range cases {
			a, err := f.svc.Agenda(ctx, c.who, f.pair.ID, m, "en")
			if c.want == 0 {
				if err != nil || len(a.Items) != 1 {
					t.Errorf("%v: %v", c.who, err)
				}
				continue
			}
			if !errs.Is(err, c.want) || a != nil {
				t.Errorf("%v reads: %v, want kind %d", c.who, err, c.want)
			}
			if _, err := f.svc.SaveAgenda(ctx, c.who, f.pair.ID, m, 1, nil); !errs.Is(err, c.want) {
				t.Errorf("%v saves: %v, want kind %d", c.who, err, c.want)
			}
		}
		status, err := AgendaStatus(ctx, db, []int64{m, m + 100})
		if err != nil {
			t.Fatal(err)
		}
		if st := status[m]; st.Items != 1 || st.UpdatedAt == nil || st.Notes || !st.Prepared() || len(status) != 1 {
			t.Fatalf("status: %+v", status)
		}
	})
}
