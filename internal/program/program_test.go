package program

import (
	"context"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"mentorskap/internal/account"
	"mentorskap/internal/clock"
	"mentorskap/internal/errs"
	"mentorskap/internal/i18n"
	"mentorskap/internal/notify"
	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
)

// progEnv is a service over a fresh database with a fixed clock.
type progEnv struct {
	t   *testing.T
	db  *store.DB
	svc *Service
	clk *clock.Fixed
	n   int
}

func newProgEnv(t *testing.T, db *store.DB) *progEnv {
	t.Helper()
	bundle, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	clk := clock.NewFixed(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	out := &notify.Outbox{Bundle: bundle, BaseURL: "http://mentorskap.test"}
	return &progEnv{t: t, db: db, clk: clk, svc: &Service{DB: db, Clock: clk, Outbox: out}}
}

func (e *progEnv) user(role, lang string) *account.User {
	e.t.Helper()
	e.n++
	var u *account.User
	err := e.db.Tx(context.Background(), func(tx *store.Tx) (err error) {
		u, err = account.CreateUser(context.Background(), tx, e.clk.Now(), account.NewUser{
			Email: "p" + strconv.Itoa(e.n) + "@example.org", Name: "Person " + strconv.Itoa(e.n),
			Password: "long-enough-password", Role: role, Language: lang,
		})
		return err
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return u
}

func goodSettings() Settings {
	s := SettingsOf(Defaults(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), "nb"))
	s.Name = "Mentorprogram våren 2026"
	s.Purpose = "Hjelpe nyutdannede inn i arbeidslivet"
	return s
}

func (e *progEnv) program(coord *account.User) *Program {
	e.t.Helper()
	p, err := e.svc.Create(context.Background(), coord, goodSettings())
	if err != nil {
		e.t.Fatal(err)
	}
	return p
}

// participant enrols u directly, as the enrolment flow would.
func (e *progEnv) participant(programID int64, u *account.User, role, status string, capacity int) {
	e.t.Helper()
	now := e.clk.Now()
	_, err := e.db.Exec(context.Background(), `INSERT INTO participants (program_id, user_id, role, status, capacity,
		organisation, field, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		programID, u.ID, role, status, capacity, "Org "+u.Name, "Field of "+u.Name, now, now)
	if err != nil {
		e.t.Fatal(err)
	}
}

func (e *progEnv) count(query string, args ...any) int {
	e.t.Helper()
	var n int
	if err := e.db.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

func wantKind(t *testing.T, err error, kind errs.Kind) {
	t.Helper()
	if errs.KindOf(err) != kind || err == nil {
		t.Fatalf("error %v (kind %d), want kind %d", err, errs.KindOf(err), kind)
	}
}

func wantField(t *testing.T, err error, field, key string) {
	t.Helper()
	e, ok := errs.As(err)
	if !ok || e.Kind != errs.Invalid {
		t.Fatalf("error %v, want a validation error", err)
	}
	if got := e.Fields[field].Key; got != key {
		t.Fatalf("field %s: message %q, want %q (all: %v)", field, got, key, e.Fields)
	}
}

func TestDefaultsReproduceSeeds(t *testing.T) {
	t.Parallel()
	d := Defaults(time.Date(2026, 1, 31, 22, 0, 0, 0, time.UTC), "sv")
	if d.MinMeetings != 4 || d.MaxGapDays != 31 || d.MeetingMinMinutes != 45 || d.MeetingMaxMinutes != 120 {
		t.Fatalf("rhythm defaults: %+v", d)
	}
	if !d.MessagesAllowed || !d.EvalFollowup || !d.EvalMidpoint || !d.EvalFinal {
		t.Fatalf("switch defaults: %+v", d)
	}
	if d.Start.Format(DateLayout) != "2026-01-31" || d.End.Format(DateLayout) != "2026-07-01" {
		t.Fatalf("five months from 31 January gave %s – %s", d.Start.Format(DateLayout), d.End.Format(DateLayout))
	}
	if d.DefaultLanguage != "sv" || Defaults(time.Now(), "xx").DefaultLanguage != "en" {
		t.Fatal("default language not taken from the creator or not falling back to English")
	}
}

func TestCreateAndEditProgram(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newProgEnv(t, db)
		ctx := context.Background()
		coord := e.user(account.RoleCoordinator, "nb")
		p := e.program(coord)
		if p.JoinToken == "" || len(p.JoinToken) < 20 {
			t.Fatalf("join token %q", p.JoinToken)
		}
		got, err := Get(ctx, db, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Name != "Mentorprogram våren 2026" || got.MinMeetings != 4 || !got.EvalMidpoint ||
			got.Start.Format(DateLayout) != "2026-03-02" || got.End.Format(DateLayout) != "2026-08-02" {
			t.Fatalf("stored program: %+v", got)
		}
		if role, _ := e.svc.RoleIn(ctx, coord, p.ID); role != RoleCoordinator {
			t.Fatalf("creator's role %q", role)
		}

		in := SettingsOf(*got)
		in.Name = "Renamed"
		in.MessagesAllowed = false
		in.MeetingMaxMinutes = 90
		e.clk.Advance(time.Hour)
		if _, err := e.svc.Update(ctx, coord, p.ID, in); err != nil {
			t.Fatal(err)
		}
		got, _ = Get(ctx, db, p.ID)
		if got.Name != "Renamed" || got.MessagesAllowed || got.MeetingMaxMinutes != 90 || !got.UpdatedAt.After(got.CreatedAt) {
			t.Fatalf("after edit: %+v", got)
		}

		member := e.user(account.RoleMember, "en")
		_, err = e.svc.Create(ctx, member, goodSettings())
		wantKind(t, err, errs.Forbidden)
	})
}

func TestBadSettingsChangeNothing(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, field, key string
		edit             func(*Settings)
	}{
		{"missing name", "name", "error.required", func(s *Settings) { s.Name = "  " }},
		{"long name", "name", "error.too_long", func(s *Settings) { s.Name = strings.Repeat("n", MaxNameLen+1) }},
		{"long purpose", "purpose", "error.too_long", func(s *Settings) { s.Purpose = strings.Repeat("p", MaxTextLen+1) }},
		{"long goals", "goals", "error.too_long", func(s *Settings) { s.Goals = strings.Repeat("g", MaxTextLen+1) }},
		{"end before start", "end", "program.error.end_before_start", func(s *Settings) { s.Start, s.End = "2026-05-01", "2026-04-01" }},
		{"end equals start", "end", "program.error.end_before_start", func(s *Settings) { s.Start, s.End = "2026-05-01", "2026-05-01" }},
		{"bad date", "start", "program.error.date_invalid", func(s *Settings) { s.Start = "1 May" }},
		{"min above max", "meeting_max_minutes", "program.error.length_order", func(s *Settings) { s.MeetingMinMinutes, s.MeetingMaxMinutes = 90, 60 }},
		{"too short meeting", "meeting_min_minutes", "program.error.range", func(s *Settings) { s.MeetingMinMinutes = 4 }},
		{"too long meeting", "meeting_max_minutes", "program.error.range", func(s *Settings) { s.MeetingMaxMinutes = 601 }},
		{"no meetings", "min_meetings", "program.error.range", func(s *Settings) { s.MinMeetings = 0 }},
		{"too many meetings", "min_meetings", "program.error.range", func(s *Settings) { s.MinMeetings = 101 }},
		{"zero gap", "max_gap_days", "program.error.range", func(s *Settings) { s.MaxGapDays = 0 }},
		{"gap over a year", "max_gap_days", "program.error.range", func(s *Settings) { s.MaxGapDays = 366 }},
		{"unknown language", "default_language", "error.choice_invalid", func(s *Settings) { s.DefaultLanguage = "de" }},
		{"unknown join role", "join_role", "error.choice_invalid", func(s *Settings) { s.JoinRole = "boss" }},
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newProgEnv(t, db)
		ctx := context.Background()
		coord := e.user(account.RoleCoordinator, "en")
		p := e.program(coord)
		before, _ := Get(ctx, db, p.ID)
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				in := goodSettings()
				c.edit(&in)
				_, err := e.svc.Create(ctx, coord, in)
				wantField(t, err, c.field, c.key)
				_, err = e.svc.Update(ctx, coord, p.ID, in)
				wantField(t, err, c.field, c.key)
			})
		}
		if n := e.count(`SELECT COUNT(*) FROM programs`); n != 1 {
			t.Fatalf("%d programs after refused creations", n)
		}
		after, _ := Get(ctx, db, p.ID)
		if !reflect.DeepEqual(after, before) {
			t.Fatalf("program changed by refused edits:\n%+v\n%+v", before, after)
		}
	})
}

func TestProgramAccess(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newProgEnv(t, db)
		ctx := context.Background()
		admin := e.user(account.RoleAdmin, "en")
		coordA := e.user(account.RoleCoordinator, "en")
		coordB := e.user(account.RoleCoordinator, "en")
		mentee := e.user(account.RoleMember, "en")
		a, b := e.program(coordA), e.program(coordB)
		e.participant(a.ID, mentee, "mentee", StatusPending, 1)

		if _, err := e.svc.RequireCoordinator(ctx, admin, b.ID); err != nil {
			t.Fatalf("admin refused: %v", err)
		}
		_, err := e.svc.RequireCoordinator(ctx, coordA, b.ID)
		wantKind(t, err, errs.NotFound)
		_, err = e.svc.RequireCoordinator(ctx, mentee, a.ID)
		wantKind(t, err, errs.Forbidden)
		_, err = e.svc.RequireCoordinator(ctx, nil, a.ID)
		wantKind(t, err, errs.Unauthorized)
		_, err = e.svc.RequireCoordinator(ctx, admin, 9999)
		wantKind(t, err, errs.NotFound)

		in := goodSettings()
		in.Name = "Hijacked"
		_, err = e.svc.Update(ctx, coordA, b.ID, in)
		wantKind(t, err, errs.NotFound)
		_, err = e.svc.Update(ctx, mentee, a.ID, in)
		wantKind(t, err, errs.Forbidden)
		wantKind(t, e.svc.Decide(ctx, coordB, a.ID, mentee.ID, true), errs.NotFound)
		wantKind(t, e.svc.Decide(ctx, mentee, a.ID, mentee.ID, true), errs.Forbidden)
		if n := e.count(`SELECT COUNT(*) FROM programs WHERE name = 'Hijacked'`); n != 0 {
			t.Fatal("a foreign coordinator renamed a program")
		}
		if p, _ := GetParticipant(ctx, db, a.ID, mentee.ID); p.Status != StatusPending {
			t.Fatal("a refused decision changed the status")
		}

		// Mine lists only one's own programs; admins see all.
		co, part, err := e.svc.Mine(ctx, coordA)
		if err != nil || len(co) != 1 || co[0].ID != a.ID || len(part) != 0 {
			t.Fatalf("coordinator A's programs: %v %v %v", co, part, err)
		}
		if co[0].Pending != 1 {
			t.Fatalf("pending count %d", co[0].Pending)
		}
		co, _, _ = e.svc.Mine(ctx, admin)
		if len(co) != 2 {
			t.Fatalf("admin sees %d programs", len(co))
		}
		co, part, _ = e.svc.Mine(ctx, mentee)
		if len(co) != 0 || len(part) != 1 || part[0].Role != RoleMentee || part[0].Status != StatusPending {
			t.Fatalf("mentee's programs: %v %v", co, part)
		}
	})
}

func TestAddCoordinator(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newProgEnv(t, db)
		ctx := context.Background()
		coord := e.user(account.RoleCoordinator, "en")
		other := e.user(account.RoleMember, "en")
		outsider := e.user(account.RoleCoordinator, "en")
		p := e.program(coord)

		wantKind(t, e.svc.AddCoordinator(ctx, outsider, p.ID, other.Email), errs.NotFound)
		err := e.svc.AddCoordinator(ctx, coord, p.ID, "nobody@example.org")
		wantField(t, err, "email", "program.error.no_such_account")
		if err := e.svc.AddCoordinator(ctx, coord, p.ID, "  "+strings.ToUpper(other.Email)); err != nil {
			t.Fatal(err)
		}
		wantKind(t, e.svc.AddCoordinator(ctx, coord, p.ID, other.Email), errs.Conflict)
		if role, _ := e.svc.RoleIn(ctx, other, p.ID); role != RoleCoordinator {
			t.Fatalf("added coordinator has role %q", role)
		}
		cs, _ := Coordinators(ctx, db, p.ID)
		if len(cs) != 2 {
			t.Fatalf("coordinators: %v", cs)
		}
	})
}

func TestParticipantsListAndDecide(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newProgEnv(t, db)
		ctx := context.Background()
		coord := e.user(account.RoleCoordinator, "en")
		p := e.program(coord)
		ana := e.user(account.RoleMember, "id")
		bo := e.user(account.RoleMember, "")
		cy := e.user(account.RoleMember, "sv")
		e.participant(p.ID, ana, "mentor", StatusPending, 2)
		e.participant(p.ID, bo, "mentee", StatusPending, 1)
		e.participant(p.ID, cy, "mentee", StatusApproved, 1)

		all, err := e.svc.Participants(ctx, coord, p.ID, ParticipantFilter{})
		if err != nil || len(all) != 3 {
			t.Fatalf("list: %v %v", all, err)
		}
		mentees, _ := e.svc.Participants(ctx, coord, p.ID, ParticipantFilter{Role: "mentee", Status: StatusPending})
		if len(mentees) != 1 || mentees[0].UserID != bo.ID {
			t.Fatalf("filtered: %v", mentees)
		}
		// Search covers name, email, organisation and field, case-insensitively.
		for _, q := range []string{strings.ToUpper(ana.Name), ana.Email, "org " + strings.ToLower(ana.Name), "FIELD OF " + ana.Name} {
			got, _ := e.svc.Participants(ctx, coord, p.ID, ParticipantFilter{Search: q})
			if len(got) != 1 || got[0].UserID != ana.ID {
				t.Fatalf("search %q: %v", q, got)
			}
		}
		if got, _ := e.svc.Participants(ctx, coord, p.ID, ParticipantFilter{Search: "%"}); len(got) != 0 {
			t.Fatalf("a %% search matched %d people", len(got))
		}

		if err := e.svc.Decide(ctx, coord, p.ID, ana.ID, true); err != nil {
			t.Fatal(err)
		}
		if err := e.svc.Decide(ctx, coord, p.ID, bo.ID, false); err != nil {
			t.Fatal(err)
		}
		counts, _ := CountByStatus(ctx, db, p.ID)
		if counts != (StatusCounts{Pending: 0, Approved: 2, Declined: 1}) {
			t.Fatalf("counts %+v", counts)
		}
		got, _ := GetParticipant(ctx, db, p.ID, ana.ID)
		if got.Status != StatusApproved || got.DecidedAt == nil || !got.DecidedAt.Equal(e.clk.Now()) {
			t.Fatalf("approved participant: %+v", got)
		}
		// Each person hears in their own language; without one, the program's.
		var lang, subject string
		db.QueryRow(ctx, `SELECT language, subject FROM outbox WHERE to_email = ?`, ana.Email).Scan(&lang, &subject)
		if lang != "id" || !strings.Contains(subject, p.Name) {
			t.Fatalf("approval email: %s %q", lang, subject)
		}
		db.QueryRow(ctx, `SELECT language FROM outbox WHERE to_email = ?`, bo.Email).Scan(&lang)
		if lang != "nb" {
			t.Fatalf("decline email language %s, want the program's nb", lang)
		}
		// Deciding again the same way sends nothing more.
		e.svc.Decide(ctx, coord, p.ID, ana.ID, true)
		if n := e.count(`SELECT COUNT(*) FROM outbox`); n != 2 {
			t.Fatalf("%d emails", n)
		}
		wantKind(t, e.svc.Decide(ctx, coord, p.ID, 9999, true), errs.NotFound)
	})
}
