package event

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/emersion/go-ical"

	"mentorskap/internal/account"
	"mentorskap/internal/clock"
	"mentorskap/internal/errs"
	"mentorskap/internal/i18n"
	"mentorskap/internal/jobs"
	"mentorskap/internal/notify"
	"mentorskap/internal/privacy"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
	"mentorskap/internal/testtool"
)

func TestMain(m *testing.M) {
	testtool.RaiseParallel(4)
	account.UseCheapHashesForTests()
	os.Exit(storetest.Run(m))
}

// env is a program with a coordinator in Oslo, a mentor, two approved
// mentees (one writing Indonesian, one Norwegian), a mentee still waiting
// for approval, someone from outside and the coordinator of another
// program.
type env struct {
	t                       *testing.T
	db                      *store.DB
	clk                     *clock.Fixed
	bundle                  *i18n.Bundle
	svc                     *Service
	prog                    *program.Program
	coord, otherCoord       *account.User
	mentor, ayu, kari, pend *account.User
	outsider                *account.User
	n                       int
}

func newEnv(t *testing.T, db *store.DB) *env {
	t.Helper()
	bundle, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, db: db, bundle: bundle, clk: clock.NewFixed(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))}
	outbox := &notify.Outbox{Bundle: bundle, BaseURL: "https://mentor.example.org"}
	e.svc = &Service{DB: db, Clock: e.clk, Outbox: outbox, Bundle: bundle}
	progs := &program.Service{DB: db, Clock: e.clk}
	ctx := context.Background()
	e.coord = e.user("Cora Coordinator", account.RoleCoordinator, "en", "Europe/Oslo")
	e.otherCoord = e.user("Otto Other", account.RoleCoordinator, "sv", "UTC")
	e.mentor = e.user("Mona Mentor", account.RoleMember, "en", "Europe/Oslo")
	e.ayu = e.user("Ayu Lestari", account.RoleMember, "id", "Asia/Jakarta")
	e.kari = e.user("Kari Nordmann", account.RoleMember, "nb", "Europe/Oslo")
	e.pend = e.user("Per Pending", account.RoleMember, "nb", "Europe/Oslo")
	e.outsider = e.user("Sven Svensson", account.RoleMember, "sv", "Europe/Stockholm")
	s := program.SettingsOf(program.Defaults(e.clk.Now(), "en"))
	s.Name = "Ny i arbeidslivet"
	if e.prog, err = progs.Create(ctx, e.coord, s); err != nil {
		t.Fatal(err)
	}
	s.Name = "Another cohort"
	if _, err = progs.Create(ctx, e.otherCoord, s); err != nil {
		t.Fatal(err)
	}
	e.participant(e.mentor, "mentor", "approved")
	e.participant(e.ayu, "mentee", "approved")
	e.participant(e.kari, "mentee", "approved")
	e.participant(e.pend, "mentee", "pending")
	return e
}

func (e *env) user(name, role, lang, tz string) *account.User {
	e.t.Helper()
	e.n++
	var u *account.User
	err := e.db.Tx(context.Background(), func(tx *store.Tx) (err error) {
		u, err = account.CreateUser(context.Background(), tx, e.clk.Now(), account.NewUser{
			Email: "e" + strconv.Itoa(e.n) + "@example.org", Name: name,
			Password: "long-enough-password", Role: role, Language: lang, Timezone: tz,
		})
		return err
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return u
}

func (e *env) participant(u *account.User, role, status string) {
	e.t.Helper()
	now := e.clk.Now()
	if _, err := e.db.Exec(context.Background(), `INSERT INTO participants (program_id, user_id, role, status, capacity,
		created_at, updated_at) VALUES (?, ?, ?, ?, 1, ?, ?)`, e.prog.ID, u.ID, role, status, now, now); err != nil {
		e.t.Fatal(err)
	}
}

// kickoff is an event three days ahead, 17:00 to 19:00 Oslo time.
func (e *env) kickoff(audience string, capacity int) Input {
	return Input{Kind: KindKickoff, Title: "Kick-off, spring cohort", Description: "Meet each other.\nFood is served.",
		Date: e.clk.Now().AddDate(0, 0, 3).Format("2006-01-02"), Start: "17:00", End: "19:00",
		Timezone: "Europe/Oslo", Place: "Rådhuset, room 2", OnlineURL: "https://meet.example.org/kick",
		Audience: audience, Capacity: capacity}
}

func (e *env) create(in Input) *Event {
	e.t.Helper()
	ev, err := e.svc.Create(context.Background(), e.coord, e.prog.ID, in)
	if err != nil {
		e.t.Fatal(err)
	}
	return ev
}

// emails lists the emails of kind queued so far, by recipient.
func (e *env) emails(kind string) map[string][]string {
	e.t.Helper()
	rows, err := e.db.Query(context.Background(), `SELECT to_email, subject, body FROM outbox WHERE kind = ? ORDER BY id`, kind)
	if err != nil {
		e.t.Fatal(err)
	}
	defer rows.Close()
	out := map[string][]string{}
	for rows.Next() {
		var to, subject, body string
		if err := rows.Scan(&to, &subject, &body); err != nil {
			e.t.Fatal(err)
		}
		out[to] = append(out[to], subject+"\n"+body)
	}
	return out
}

func (e *env) respond(u *account.User, ev *Event, answer string) string {
	e.t.Helper()
	d, err := e.svc.Respond(context.Background(), u, e.prog.ID, ev.ID, answer)
	if err != nil {
		e.t.Fatalf("%s answers %s: %v", u.Name, answer, err)
	}
	return d.Mine.Response
}

func TestAudienceDecidesWhoIsInvitedAndWhoSees(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		ev := e.create(e.kickoff(AudienceMentees, 0))
		inv := e.emails("event_invite")
		if len(inv) != 2 || len(inv[e.ayu.Email]) != 1 || len(inv[e.kari.Email]) != 1 {
			t.Fatalf("invitations went to %v, want the two approved mentees", keys(inv))
		}
		// Each in their own language and time zone.
		if got := inv[e.ayu.Email][0]; !bytes.Contains([]byte(got), []byte("Halo Ayu")) || !bytes.Contains([]byte(got), []byte("WIB")) {
			t.Errorf("Indonesian invitation:\n%s", got)
		}
		if got := inv[e.kari.Email][0]; !bytes.Contains([]byte(got), []byte("Hei Kari")) {
			t.Errorf("Norwegian invitation:\n%s", got)
		}
		if ev.Invited != 2 {
			t.Errorf("invited %d, want 2", ev.Invited)
		}
		// The mentor is not in the audience: the event does not exist for them.
		if _, list, err := e.svc.List(ctx, e.mentor, e.prog.ID); err != nil || len(list) != 0 {
			t.Errorf("mentor's list: %v, %v", list, err)
		}
		if _, err := e.svc.Get(ctx, e.mentor, e.prog.ID, ev.ID); errs.KindOf(err) != errs.NotFound {
			t.Errorf("mentor opens a mentees' event: %v", err)
		}
		if _, err := e.svc.Respond(ctx, e.mentor, e.prog.ID, ev.ID, Yes); errs.KindOf(err) != errs.NotFound {
			t.Errorf("mentor answers a mentees' event: %v", err)
		}
		for _, u := range []*account.User{e.outsider, e.otherCoord} {
			if _, err := e.svc.Get(ctx, u, e.prog.ID, ev.ID); errs.KindOf(err) != errs.NotFound {
				t.Errorf("%s opens the event: %v", u.Name, err)
			}
			if _, _, err := e.svc.List(ctx, u, e.prog.ID); errs.KindOf(err) != errs.NotFound {
				t.Errorf("%s lists the events: %v", u.Name, err)
			}
			if _, err := e.svc.Create(ctx, u, e.prog.ID, e.kickoff(AudienceAll, 0)); err == nil {
				t.Errorf("%s planned an event in someone else's program", u.Name)
			}
			if _, err := e.svc.Cancel(ctx, u, e.prog.ID, ev.ID); err == nil {
				t.Errorf("%s cancelled the event", u.Name)
			}
		}
		if _, err := e.svc.Get(ctx, e.pend, e.prog.ID, ev.ID); errs.KindOf(err) != errs.Forbidden {
			t.Errorf("a mentee not yet approved opens the event: %v", err)
		}
		if _, err := e.svc.Create(ctx, e.mentor, e.prog.ID, e.kickoff(AudienceAll, 0)); errs.KindOf(err) != errs.Forbidden {
			t.Errorf("a mentor planned an event: %v", err)
		}
		// The mentee sees it, on the list and the start page.
		if _, list, err := e.svc.List(ctx, e.ayu, e.prog.ID); err != nil || len(list) != 1 {
			t.Errorf("mentee's list: %v, %v", list, err)
		}
		up, err := UpcomingFor(ctx, db, e.ayu.ID, e.clk.Now())
		if err != nil || len(up) != 1 || up[0].ID != ev.ID || up[0].ProgramName != e.prog.Name {
			t.Errorf("mentee's start page: %+v, %v", up, err)
		}
		if up, _ := UpcomingFor(ctx, db, e.mentor.ID, e.clk.Now()); len(up) != 0 {
			t.Errorf("mentor's start page lists a mentees' event: %+v", up)
		}
		e.respond(e.ayu, ev, No)
		if up, _ := UpcomingFor(ctx, db, e.ayu.ID, e.clk.Now()); len(up) != 0 {
			t.Errorf("start page still lists an event the mentee said no to: %+v", up)
		}

		// Widening the audience invites the mentor; nobody is invited twice.
		in := e.kickoff(AudienceAll, 0)
		if ev, err = e.svc.Update(ctx, e.coord, e.prog.ID, ev.ID, in); err != nil {
			t.Fatal(err)
		}
		inv = e.emails("event_invite")
		if len(inv) != 3 || len(inv[e.mentor.Email]) != 1 || len(inv[e.ayu.Email]) != 1 {
			t.Errorf("after widening, invitations: %v", inv)
		}
		// Narrowing it to mentors takes the mentees' invitations away and
		// tells the one who had not said no.
		in.Audience = AudienceMentors
		if ev, err = e.svc.Update(ctx, e.coord, e.prog.ID, ev.ID, in); err != nil {
			t.Fatal(err)
		}
		if ev.Invited != 1 {
			t.Errorf("after narrowing, %d invited, want the mentor alone", ev.Invited)
		}
		if off := e.emails("event_cancelled"); len(off[e.kari.Email]) != 1 {
			t.Errorf("the mentee left out was not told: %v", keys(off))
		}
	})
}

func keys(m map[string][]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestBadInputChangesNothing(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		cases := map[string]func(*Input){
			"kind":       func(in *Input) { in.Kind = "party" },
			"title":      func(in *Input) { in.Title = "  " },
			"date":       func(in *Input) { in.Date = "2026-02-30" },
			"end":        func(in *Input) { in.End = "16:00" },
			"timezone":   func(in *Input) { in.Timezone = "Mars/Olympus" },
			"place":      func(in *Input) { in.Place, in.OnlineURL = "", "" },
			"online_url": func(in *Input) { in.OnlineURL = "javascript:alert(1)" },
			"audience":   func(in *Input) { in.Audience = "everyone" },
			"capacity":   func(in *Input) { in.Capacity = -1 },
		}
		for field, spoil := range cases {
			in := e.kickoff(AudienceAll, 0)
			spoil(&in)
			_, err := e.svc.Create(ctx, e.coord, e.prog.ID, in)
			ce, ok := errs.As(err)
			if !ok || ce.Kind != errs.Invalid || ce.Fields[field].Key == "" {
				t.Errorf("%s: %v", field, err)
			}
		}
		past := e.kickoff(AudienceAll, 0)
		past.Date = "2026-03-01"
		if _, err := e.svc.Create(ctx, e.coord, e.prog.ID, past); errs.KindOf(err) != errs.Invalid {
			t.Errorf("an event in the past: %v", err)
		}
		var n int
		db.QueryRow(ctx, `SELECT COUNT(*) FROM events`).Scan(&n)
		if n != 0 || len(e.emails("event_invite")) != 0 {
			t.Errorf("%d events and some emails after bad input only", n)
		}
		ev := e.create(e.kickoff(AudienceAll, 0))
		if _, err := e.svc.Respond(ctx, e.ayu, e.prog.ID, ev.ID, "perhaps"); errs.KindOf(err) != errs.Invalid {
			t.Errorf("an unknown answer: %v", err)
		}
	})
}

func TestCapacityKeepsAWaitingListInOrder(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		ev := e.create(e.kickoff(AudienceAll, 1))
		if got := e.respond(e.ayu, ev, Yes); got != Yes {
			t.Fatalf("first yes: %s", got)
		}
		e.clk.Advance(time.Minute)
		if got := e.respond(e.kari, ev, Yes); got != Waiting {
			t.Fatalf("yes to a full event: %s, want waiting", got)
		}
		e.clk.Advance(time.Minute)
		if got := e.respond(e.mentor, ev, Yes); got != Waiting {
			t.Fatalf("second on the waiting list: %s", got)
		}
		d, _ := e.svc.Get(ctx, e.mentor, e.prog.ID, ev.ID)
		if d.Position != 2 {
			t.Errorf("mentor's place in line: %d, want 2", d.Position)
		}
		// Saying yes again keeps the place in line.
		e.clk.Advance(time.Minute)
		if got := e.respond(e.kari, ev, Yes); got != Waiting {
			t.Errorf("yes again: %s", got)
		}
		// Maybe is not a place.
		// Ayu gives up her place: Kari, first in line, gets it and is told.
		if got := e.respond(e.ayu, ev, Maybe); got != Maybe {
			t.Errorf("maybe: %s", got)
		}
		d, _ = e.svc.Get(ctx, e.kari, e.prog.ID, ev.ID)
		if d.Mine.Response != Yes || d.Event.Yes != 1 || d.Event.Waiting != 1 {
			t.Errorf("after a place came free: Kari %s, %d yes, %d waiting", d.Mine.Response, d.Event.Yes, d.Event.Waiting)
		}
		if place := e.emails("event_place"); len(place) != 1 || len(place[e.kari.Email]) != 1 {
			t.Errorf("place emails: %v", keys(place))
		}
		// Ayu wants back in: behind the mentor.
		if got := e.respond(e.ayu, ev, Yes); got != Waiting {
			t.Errorf("back to yes on a full event: %s", got)
		}
		// Two more places let both in, in order.
		in := e.kickoff(AudienceAll, 3)
		if ev, err := e.svc.Update(ctx, e.coord, e.prog.ID, ev.ID, in); err != nil || ev.Yes != 3 || ev.Waiting != 0 {
			t.Fatalf("after raising capacity: %+v, %v", ev, err)
		}
		// A smaller capacity sends nobody away.
		in.Capacity = 1
		ev, err := e.svc.Update(ctx, e.coord, e.prog.ID, ev.ID, in)
		if err != nil || ev.Yes != 3 {
			t.Fatalf("after lowering capacity: %+v, %v", ev, err)
		}
		// Answers close when the event begins.
		e.clk.Set(ev.StartsAt)
		if _, err := e.svc.Respond(ctx, e.ayu, e.prog.ID, ev.ID, No); errs.KindOf(err) != errs.Conflict {
			t.Errorf("answer after the start: %v", err)
		}
		if _, err := e.svc.Update(ctx, e.coord, e.prog.ID, ev.ID, in); errs.KindOf(err) != errs.Conflict {
			t.Errorf("change after the start: %v", err)
		}
	})
}

func TestReminderIsSentOnceAcrossWorkers(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		ev := e.create(e.kickoff(AudienceAll, 0))
		e.respond(e.ayu, ev, Yes)
		e.respond(e.kari, ev, Maybe)
		e.respond(e.mentor, ev, No)
		// A second event, moved after its reminder was planned: the old
		// reminder sends nothing, the new one goes out once.
		moved := e.create(e.kickoff(AudienceMentees, 0))
		e.respond(e.ayu, moved, Yes)
		in := e.kickoff(AudienceMentees, 0)
		in.Date = e.clk.Now().AddDate(0, 0, 5).Format("2006-01-02")
		if _, err := e.svc.Update(ctx, e.coord, e.prog.ID, moved.ID, in); err != nil {
			t.Fatal(err)
		}
		log := slog.New(slog.NewTextHandler(io.Discard, nil))
		var workers []*jobs.Worker
		for i := range 2 {
			w := jobs.NewWorker(db, e.clk, log)
			w.ID = "instance-" + strconv.Itoa(i)
			e.svc.Register(w)
			workers = append(workers, w)
		}
		run := func() {
			for range 3 {
				for _, w := range workers {
					if _, err := w.RunOnce(ctx); err != nil {
						t.Fatal(err)
					}
				}
			}
		}
		run() // nothing is due yet
		if r := e.emails("event_reminder"); len(r) != 0 {
			t.Fatalf("reminders before they were due: %v", keys(r))
		}
		e.clk.Set(ev.StartsAt.Add(-RemindAhead))
		run()
		r := e.emails("event_reminder")
		if len(r) != 2 || len(r[e.ayu.Email]) != 1 || len(r[e.kari.Email]) != 1 {
			t.Fatalf("reminders: %v, want one each to the yes and the maybe", r)
		}
		e.clk.Set(ev.StartsAt.Add(47 * time.Hour)) // the moved event's day before
		run()
		run()
		r = e.emails("event_reminder")
		if len(r[e.ayu.Email]) != 2 || len(r[e.kari.Email]) != 1 || len(r[e.mentor.Email]) != 0 {
			t.Errorf("after the moved event's reminder: %d, %d, %d", len(r[e.ayu.Email]), len(r[e.kari.Email]), len(r[e.mentor.Email]))
		}
		var failed int
		db.QueryRow(ctx, `SELECT COUNT(*) FROM jobs WHERE kind = ? AND (done_at IS NULL OR last_error <> '')`, JobRemind).Scan(&failed)
		if failed != 0 {
			t.Errorf("%d reminder jobs not done cleanly", failed)
		}
	})
}

func TestCalendarFileParsesAndFollowsTheEvent(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		ev := e.create(e.kickoff(AudienceAll, 0))
		e.respond(e.ayu, ev, Yes)
		// The invitation's attachment, as Ayu got it.
		var data []byte
		if err := db.QueryRow(ctx, `SELECT a.data FROM outbox_attachments a JOIN outbox o ON o.id = a.outbox_id
			WHERE o.to_email = ? AND o.kind = 'event_invite'`, e.ayu.Email).Scan(&data); err != nil {
			t.Fatal(err)
		}
		first := parseOne(t, data)
		if uid, _ := first.Props.Text(ical.PropUID); uid != ev.UID {
			t.Errorf("UID %q, want %q", uid, ev.UID)
		}
		if s, _ := first.Props.Text(ical.PropSummary); s != "Kick-off, spring cohort" {
			t.Errorf("summary %q", s)
		}
		start, err := first.DateTimeStart(nil)
		if err != nil || !start.Equal(ev.StartsAt) {
			t.Errorf("start %v (%v), want %v", start, err, ev.StartsAt)
		}
		if start.Location().String() != "Europe/Oslo" || start.Hour() != 17 {
			t.Errorf("start %v is not 17:00 Oslo time", start)
		}
		end, err := first.DateTimeEnd(nil)
		if err != nil || !end.Equal(ev.EndsAt) {
			t.Errorf("end %v (%v), want %v", end, err, ev.EndsAt)
		}
		if st, err := first.Status(); err != nil || st != ical.EventConfirmed {
			t.Errorf("status %v, %v", st, err)
		}
		if d, _ := first.Props.Text(ical.PropDescription); !bytes.Contains([]byte(d), []byte("/programs/")) {
			t.Errorf("description has no link to the event: %q", d)
		}
		// Cancelled: the same UID, a higher sequence, status cancelled.
		if _, err := e.svc.Cancel(ctx, e.coord, e.prog.ID, ev.ID); err != nil {
			t.Fatal(err)
		}
		if err := db.QueryRow(ctx, `SELECT a.data FROM outbox_attachments a JOIN outbox o ON o.id = a.outbox_id
			WHERE o.to_email = ? AND o.kind = 'event_cancelled'`, e.ayu.Email).Scan(&data); err != nil {
			t.Fatalf("Ayu, who said yes, was not told of the cancellation: %v", err)
		}
		off := parseOne(t, data)
		if uid, _ := off.Props.Text(ical.PropUID); uid != ev.UID {
			t.Errorf("cancellation UID %q", uid)
		}
		if st, _ := off.Status(); st != ical.EventCancelled {
			t.Errorf("cancellation status %v", st)
		}
		s1, _ := first.Props.Get(ical.PropSequence).Int()
		s2, _ := off.Props.Get(ical.PropSequence).Int()
		if s2 <= s1 {
			t.Errorf("sequence %d after %d", s2, s1)
		}
		// Those who had not said yes are not told; nothing more can change.
		if c := e.emails("event_cancelled"); len(c) != 1 {
			t.Errorf("cancellation told %v, want only Ayu", keys(c))
		}
		if _, err := e.svc.Respond(ctx, e.kari, e.prog.ID, ev.ID, Yes); errs.KindOf(err) != errs.Conflict {
			t.Errorf("answer to a cancelled event: %v", err)
		}
		if _, err := e.svc.Cancel(ctx, e.coord, e.prog.ID, ev.ID); errs.KindOf(err) != errs.Conflict {
			t.Errorf("cancelled twice: %v", err)
		}
	})
}

func parseOne(t *testing.T, data []byte) ical.Event {
	t.Helper()
	cal, err := ical.NewDecoder(bytes.NewReader(data)).Decode()
	if err != nil {
		t.Fatalf("calendar file does not parse: %v\n%s", err, data)
	}
	evs := cal.Events()
	if len(evs) != 1 {
		t.Fatalf("%d events in the calendar file", len(evs))
	}
	return evs[0]
}

func TestAttendanceIsCountedInTheReport(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		kick := e.create(e.kickoff(AudienceAll, 0))
		training := e.kickoff(AudienceMentors, 0)
		training.Kind, training.Title = KindTraining, "Mentor training"
		train := e.create(training)
		off := e.create(e.kickoff(AudienceAll, 0))
		if _, err := e.svc.Cancel(ctx, e.coord, e.prog.ID, off.ID); err != nil {
			t.Fatal(err)
		}
		e.respond(e.ayu, kick, Yes)
		e.respond(e.kari, kick, Yes)
		e.respond(e.mentor, train, Yes)
		if _, err := e.svc.SetAttendance(ctx, e.coord, e.prog.ID, kick.ID, []int64{e.ayu.ID}); errs.KindOf(err) != errs.Conflict {
			t.Errorf("attendance before the event: %v", err)
		}
		e.clk.Set(kick.EndsAt)
		if _, err := e.svc.SetAttendance(ctx, e.mentor, e.prog.ID, kick.ID, []int64{e.ayu.ID}); errs.KindOf(err) != errs.Forbidden {
			t.Errorf("a mentor marks attendance: %v", err)
		}
		if _, err := e.svc.SetAttendance(ctx, e.coord, e.prog.ID, kick.ID, []int64{e.outsider.ID}); errs.KindOf(err) != errs.Invalid {
			t.Errorf("marking someone not invited: %v", err)
		}
		// The mentor came without answering; Kari said yes and stayed away.
		ev, err := e.svc.SetAttendance(ctx, e.coord, e.prog.ID, kick.ID, []int64{e.ayu.ID, e.mentor.ID})
		if err != nil || ev.Attended != 2 || ev.AttendanceAt == nil {
			t.Fatalf("attendance: %+v, %v", ev, err)
		}
		if _, err := e.svc.SetAttendance(ctx, e.coord, e.prog.ID, train.ID, []int64{e.mentor.ID}); err != nil {
			t.Fatal(err)
		}
		from, to := e.clk.Now().AddDate(0, 0, -30), e.clk.Now().AddDate(0, 0, 1)
		tables, err := e.svc.ReportTables(ctx, e.prog.ID, from, to, "nb")
		if err != nil {
			t.Fatal(err)
		}
		if len(tables) != 2 {
			t.Fatalf("%d tables", len(tables))
		}
		held := map[string]int{}
		for _, c := range tables[0].Counts {
			held[c.Label] = c.N
		}
		if held["Oppstartsmøte"] != 1 || held["Mentoropplæring"] != 1 || held["Avslutning"] != 0 {
			t.Errorf("events held by kind: %v (the cancelled one must not count)", held)
		}
		people := map[string]int{}
		for _, c := range tables[1].Counts {
			people[c.Label] = c.N
		}
		// kick-off: 3 invited, 2 yes, 2 came; training: 1 invited, 1 yes, 1 came.
		if people["Invitert"] != 4 || people["Svarte ja"] != 3 || people["Møtte"] != 3 {
			t.Errorf("invitations and attendance: %v", people)
		}
		// A period before the events counts nothing.
		tables, _ = e.svc.ReportTables(ctx, e.prog.ID, from.AddDate(-1, 0, 0), from, "en")
		for _, c := range append(tables[0].Counts, tables[1].Counts...) {
			if c.N != 0 {
				t.Errorf("an empty period counts %s: %d", c.Label, c.N)
			}
		}
		// Another program's report sees none of it.
		var other int64
		db.QueryRow(ctx, `SELECT id FROM programs WHERE name = 'Another cohort'`).Scan(&other)
		tables, _ = e.svc.ReportTables(ctx, other, from, to, "en")
		for _, c := range tables[1].Counts {
			if c.N != 0 {
				t.Errorf("another program counts %s: %d", c.Label, c.N)
			}
		}
	})
}

func TestAnswersAreInTheDataDownloadAndGoWithTheAccount(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		ev := e.create(e.kickoff(AudienceAll, 0))
		e.respond(e.ayu, ev, Maybe)
		ex, err := privacy.Collect(ctx, db, e.ayu.ID, e.clk.Now())
		if err != nil {
			t.Fatal(err)
		}
		rows := ex.Sections["event_answers"]
		if len(rows) != 1 || rows[0]["response"] != Maybe || rows[0]["title"] != ev.Title {
			t.Errorf("event answers in the data download: %v", rows)
		}
		if err := privacy.DeleteAccount(ctx, db, e.svc.Outbox, e.clk.Now(), e.ayu, "long-enough-password"); err != nil {
			t.Fatal(err)
		}
		d, err := e.svc.Get(ctx, e.coord, e.prog.ID, ev.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range d.People {
			if p.UserID == e.ayu.ID {
				t.Errorf("the deleted account's answer is still listed: %+v", p)
			}
		}
	})
}
