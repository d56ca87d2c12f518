package meeting

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"mentorskap/internal/account"
	"mentorskap/internal/agreement"
	"mentorskap/internal/clock"
	"mentorskap/internal/errs"
	"mentorskap/internal/i18n"
	"mentorskap/internal/notify"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
)

// meetEnv is a pair in a program: a mentor in Oslo writing Norwegian and
// a mentee in Jakarta writing Indonesian, with everyone else the role
// matrix needs.
type meetEnv struct {
	t                     *testing.T
	db                    *store.DB
	clk                   *clock.Fixed
	bundle                *i18n.Bundle
	svc                   *Service
	progs                 *program.Service
	agreements            *agreement.Service
	coord, mentor, mentee *account.User
	outsider, otherCoord  *account.User
	admin                 *account.User
	prog                  *program.Program
	pair                  *program.Pair
	n                     int
}

const testPassword = "long-enough-password"

func newMeetEnv(t *testing.T, db *store.DB) *meetEnv {
	t.Helper()
	bundle, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	e := &meetEnv{t: t, db: db, bundle: bundle, clk: clock.NewFixed(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))}
	outbox := &notify.Outbox{Bundle: bundle, BaseURL: "https://mentor.example.org"}
	e.svc = &Service{DB: db, Clock: e.clk, Outbox: outbox}
	e.progs = &program.Service{DB: db, Clock: e.clk}
	e.agreements = &agreement.Service{DB: db, Clock: e.clk}
	ctx := context.Background()
	e.admin = e.user("Ada Admin", account.RoleAdmin, "en", "UTC")
	e.coord = e.user("Cora Coordinator", account.RoleCoordinator, "en", "Europe/Oslo")
	e.otherCoord = e.user("Otto Other", account.RoleCoordinator, "en", "UTC")
	e.mentor = e.user("Kari Nordmann", account.RoleMember, "nb", "Europe/Oslo")
	e.mentee = e.user("Ayu Lestari", account.RoleMember, "id", "Asia/Jakarta")
	e.outsider = e.user("Sven Svensson", account.RoleMember, "sv", "Europe/Stockholm")
	s := program.SettingsOf(program.Defaults(e.clk.Now(), "en"))
	s.Name = "Ny i arbeidslivet"
	if e.prog, err = e.progs.Create(ctx, e.coord, s); err != nil {
		t.Fatal(err)
	}
	s.Name = "Another cohort"
	if _, err = e.progs.Create(ctx, e.otherCoord, s); err != nil {
		t.Fatal(err)
	}
	e.participant(e.mentor, "mentor")
	e.participant(e.mentee, "mentee")
	e.participant(e.outsider, "mentee")
	if e.pair, err = e.progs.CreatePair(ctx, e.coord, e.prog.ID, []int64{e.mentor.ID}, []int64{e.mentee.ID}); err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *meetEnv) user(name, role, lang, tz string) *account.User {
	e.t.Helper()
	e.n++
	var u *account.User
	err := e.db.Tx(context.Background(), func(tx *store.Tx) (err error) {
		u, err = account.CreateUser(context.Background(), tx, e.clk.Now(), account.NewUser{
			Email: "m" + strconv.Itoa(e.n) + "@example.org", Name: name,
			Password: testPassword, Role: role, Language: lang, Timezone: tz,
		})
		return err
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return u
}

func (e *meetEnv) participant(u *account.User, role string) {
	e.t.Helper()
	now := e.clk.Now()
	if _, err := e.db.Exec(context.Background(), `INSERT INTO participants (program_id, user_id, role, status, capacity,
		created_at, updated_at) VALUES (?, ?, ?, 'approved', 1, ?, ?)`, e.prog.ID, u.ID, role, now, now); err != nil {
		e.t.Fatal(err)
	}
}

// sign puts an agreement in force with the given notice and sharing, the
// way the pair would: one side saves the draft, both sign it.
func (e *meetEnv) sign(noticeHours int, share string) {
	e.t.Helper()
	ctx := context.Background()
	l := e.bundle.Locale("en")
	d, err := e.agreements.DraftFor(ctx, e.mentee, e.pair.ID, l)
	if err != nil {
		e.t.Fatal(err)
	}
	c := d.Content
	c.CancelNoticeHours, c.CoordinatorSees = noticeHours, share
	v, err := e.agreements.SaveDraft(ctx, e.mentee, e.pair.ID, d.Base, c, l)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, u := range []*account.User{e.mentee, e.mentor} {
		if _, err := e.agreements.Sign(ctx, u, e.pair.ID, v.Number, testPassword, u.Name); err != nil {
			e.t.Fatal(err)
		}
	}
	terms, err := agreement.TermsFor(ctx, e.db, e.pair.ID)
	if err != nil || terms.CancelNoticeHours != noticeHours || terms.CoordinatorSees != share {
		e.t.Fatalf("agreement not in force: %+v, %v", terms, err)
	}
}

// at proposes in the given zone: day offset from the clock's date, at
// hh:mm local time.
func at(now time.Time, days int, hhmm, tz string) Proposal {
	loc, _ := time.LoadLocation(tz)
	d := now.In(loc).AddDate(0, 0, days)
	return Proposal{Date: d.Format("2006-01-02"), Time: hhmm, Timezone: tz, Minutes: 60, Place: "Café Åpent, Oslo"}
}

// email is one queued email with its calendar file.
type email struct {
	To, Lang, Subject, Body string
	ICS                     string
}

func (e *meetEnv) emails() []email {
	e.t.Helper()
	rows, err := e.db.Query(context.Background(), `SELECT o.to_email, o.language, o.subject, o.body,
		COALESCE((SELECT a.data FROM outbox_attachments a WHERE a.outbox_id = o.id), '') FROM outbox o ORDER BY o.id`)
	if err != nil {
		e.t.Fatal(err)
	}
	defer rows.Close()
	var out []email
	for rows.Next() {
		var m email
		var data []byte
		if err := rows.Scan(&m.To, &m.Lang, &m.Subject, &m.Body, &data); err != nil {
			e.t.Fatal(err)
		}
		m.ICS = string(data)
		out = append(out, m)
	}
	return out
}

// lastEmail is the newest email, which must go to u.
func (e *meetEnv) lastEmail(u *account.User) email {
	e.t.Helper()
	all := e.emails()
	if len(all) == 0 {
		e.t.Fatal("no email queued")
	}
	m := all[len(all)-1]
	if m.To != u.Email {
		e.t.Fatalf("last email went to %s, want %s: %s", m.To, u.Email, m.Subject)
	}
	return m
}

func mustKind(t *testing.T, err error, kind errs.Kind, key string) {
	t.Helper()
	e, ok := errs.As(err)
	if !ok || e.Kind != kind || (key != "" && e.Key != key) {
		t.Fatalf("got %v, want kind %d %s", err, kind, key)
	}
}

func mustField(t *testing.T, err error, field, key string) {
	t.Helper()
	e, ok := errs.As(err)
	if !ok || e.Kind != errs.Invalid || e.Fields[field].Key != key {
		t.Fatalf("got %v, want %s on %s", err, key, field)
	}
}

func TestPlanningFlowAcrossTimeZones(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newMeetEnv(t, db)
		ctx := context.Background()
		// The mentee in Jakarta proposes 17:00 their time, a week ahead:
		// 11:00 in Oslo (winter time, UTC+1).
		in := at(e.clk.Now(), 7, "17:00", "Asia/Jakarta")
		in.OnlineURL = "https://meet.example.org/ayu-kari"
		m, err := e.svc.Propose(ctx, e.mentee, e.pair.ID, in)
		if err != nil {
			t.Fatal(err)
		}
		want := time.Date(2026, 3, 9, 10, 0, 0, 0, time.UTC)
		if !m.StartsAt.Equal(want) || m.Status != StatusProposed || m.Sequence != 0 || m.Number != 1 || m.ProposedBy != e.mentee.ID {
			t.Fatalf("proposed %+v", m)
		}
		mail := e.lastEmail(e.mentor)
		if mail.Lang != "nb" || !strings.Contains(mail.Subject, "Ayu Lestari foreslår et møte") ||
			!strings.Contains(mail.Body, "mandag 9. mar. 2026 kl. 11.00 (norsk tid)") || !strings.Contains(mail.Body, "Sted: Café Åpent, Oslo\nLenke til nettmøtet: https://meet.example.org/ayu-kari") {
			t.Fatalf("mentor's email not in Norwegian and Oslo time:\n%s\n%s", mail.Subject, mail.Body)
		}
		if !strings.Contains(mail.ICS, "STATUS:TENTATIVE") || !strings.Contains(mail.ICS, "SEQUENCE:0") ||
			!strings.Contains(mail.ICS, "DTSTART;TZID=Asia/Jakarta:20260309T170000") || !strings.Contains(mail.ICS, "UID:"+m.UID) {
			t.Fatalf("calendar file with the proposal:\n%s", mail.ICS)
		}

		// The mentee cannot confirm their own proposal.
		_, err = e.svc.Accept(ctx, e.mentee, e.pair.ID, m.ID, -1)
		mustKind(t, err, errs.Conflict, "meeting.error.own_proposal")

		// The mentor in Oslo suggests 18:00 Oslo time the next day instead.
		counter := at(e.clk.Now(), 8, "18:00", "Europe/Oslo")
		counter.Reason = "Etter jobb passer bedre"
		m, err = e.svc.Counter(ctx, e.mentor, e.pair.ID, m.ID, counter)
		if err != nil {
			t.Fatal(err)
		}
		if m.Sequence != 1 || m.Status != StatusProposed || m.ProposedBy != e.mentor.ID || m.Timezone != "Europe/Oslo" {
			t.Fatalf("countered %+v", m)
		}
		mail = e.lastEmail(e.mentee)
		// 18:00 in Oslo is midnight in Jakarta: the email says so in
		// Indonesian, on the right day.
		if mail.Lang != "id" || !strings.Contains(mail.Body, "Rabu, 11 Mar 2026, pukul 00.00 WIB") ||
			!strings.Contains(mail.Body, "Etter jobb passer bedre") || !strings.Contains(mail.Subject, "Kari Nordmann mengusulkan waktu lain") {
			t.Fatalf("mentee's email not in Indonesian and Jakarta time:\n%s\n%s", mail.Subject, mail.Body)
		}
		_, err = e.svc.Accept(ctx, e.mentor, e.pair.ID, m.ID, -1)
		mustKind(t, err, errs.Conflict, "meeting.error.own_proposal")

		// An answer to a page that is out of date confirms nothing.
		_, err = e.svc.Accept(ctx, e.mentee, e.pair.ID, m.ID, 0)
		mustKind(t, err, errs.Conflict, "meeting.error.changed")
		m, err = e.svc.Accept(ctx, e.mentee, e.pair.ID, m.ID, 1)
		if err != nil {
			t.Fatal(err)
		}
		if m.Status != StatusConfirmed || m.Sequence != 2 {
			t.Fatalf("accepted %+v", m)
		}
		mail = e.lastEmail(e.mentor)
		if !strings.Contains(mail.ICS, "STATUS:CONFIRMED") || !strings.Contains(mail.ICS, "SEQUENCE:2") {
			t.Fatalf("confirmation's calendar file:\n%s", mail.ICS)
		}

		// Moving needs a reason, and the meeting needs a yes again.
		move := at(e.clk.Now(), 9, "18:30", "Europe/Oslo")
		_, err = e.svc.Move(ctx, e.mentor, e.pair.ID, m.ID, move)
		mustField(t, err, "reason", "meeting.error.reason_required")
		move.Reason = "Sykt barn"
		m, err = e.svc.Move(ctx, e.mentor, e.pair.ID, m.ID, move)
		if err != nil {
			t.Fatal(err)
		}
		if m.Status != StatusProposed || m.Sequence != 3 {
			t.Fatalf("moved %+v", m)
		}
		mail = e.lastEmail(e.mentee)
		if !strings.Contains(mail.Body, "Rabu, 11 Mar 2026, pukul 00.00 WIB") || !strings.Contains(mail.Body, "Kamis, 12 Mar 2026, pukul 00.30 WIB") ||
			!strings.Contains(mail.Body, "Sykt barn") {
			t.Fatalf("move email lacks the old and new time in Jakarta:\n%s", mail.Body)
		}
		_, err = e.svc.Move(ctx, e.mentor, e.pair.ID, m.ID, move)
		mustKind(t, err, errs.Conflict, "meeting.error.not_confirmed")
		if m, err = e.svc.Accept(ctx, e.mentee, e.pair.ID, m.ID, -1); err != nil {
			t.Fatal(err)
		}

		// Cancelling needs a reason too, and tells the other side.
		_, err = e.svc.Cancel(ctx, e.mentee, e.pair.ID, m.ID, "  ")
		mustField(t, err, "reason", "meeting.error.reason_required")
		m, err = e.svc.Cancel(ctx, e.mentee, e.pair.ID, m.ID, "Saya sakit")
		if err != nil {
			t.Fatal(err)
		}
		if m.Status != StatusCancelled || m.Sequence != 5 || m.CancelReason != "Saya sakit" || m.CancelledBy != e.mentee.ID || m.LateCancel || m.Number != 0 {
			t.Fatalf("cancelled %+v", m)
		}
		mail = e.lastEmail(e.mentor)
		if !strings.Contains(mail.Body, "Saya sakit") || !strings.Contains(mail.ICS, "STATUS:CANCELLED") || !strings.Contains(mail.ICS, "SEQUENCE:5") ||
			!strings.Contains(mail.ICS, "UID:"+m.UID) {
			t.Fatalf("cancellation email:\n%s\n%s", mail.Body, mail.ICS)
		}
		_, err = e.svc.Cancel(ctx, e.mentee, e.pair.ID, m.ID, "again")
		mustKind(t, err, errs.Conflict, "meeting.error.cancelled")

		d, err := e.svc.Get(ctx, e.mentor, e.pair.ID, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		var kinds []string
		for _, c := range d.History {
			kinds = append(kinds, c.Kind)
		}
		if got := strings.Join(kinds, " "); got != "proposed countered accepted moved accepted cancelled" {
			t.Fatalf("history %s", got)
		}
		if d.History[3].Reason != "Sykt barn" || d.History[3].Previous == nil || d.History[3].Name != "Kari Nordmann" {
			t.Fatalf("move in history %+v", d.History[3])
		}
		if n := len(e.emails()); n != 6 {
			t.Fatalf("%d emails, want one per change", n)
		}
	})
}

func TestProposeValidation(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newMeetEnv(t, db)
		ctx := context.Background()
		now := e.clk.Now()
		ok := at(now, 3, "10:00", "Europe/Oslo")
		cases := []struct {
			name       string
			change     func(p *Proposal)
			field, key string
		}{
			{"past", func(p *Proposal) { *p = at(now, -1, "10:00", "Europe/Oslo") }, "date", "meeting.error.in_past"},
			{"earlier today", func(p *Proposal) { *p = at(now, 0, "09:30", "Europe/Oslo") }, "date", "meeting.error.in_past"},
			{"years ahead", func(p *Proposal) { p.Date = "2031-01-01" }, "date", "meeting.error.too_far"},
			{"bad date", func(p *Proposal) { p.Date = "2026-02-30" }, "date", "meeting.error.date_invalid"},
			{"bad time", func(p *Proposal) { p.Time = "25:00" }, "time", "meeting.error.time_invalid"},
			{"bad zone", func(p *Proposal) { p.Timezone = "Mars/Olympus" }, "timezone", "error.timezone_invalid"},
			{"no length", func(p *Proposal) { p.Minutes = 0 }, "minutes", "meeting.error.minutes_range"},
			{"a day long", func(p *Proposal) { p.Minutes = 1440; p.ConfirmLength = true }, "minutes", "meeting.error.minutes_range"},
			{"too short for the program", func(p *Proposal) { p.Minutes = 20 }, "minutes", LengthWarning},
			{"too long for the program", func(p *Proposal) { p.Minutes = 180 }, "minutes", LengthWarning},
			{"nowhere", func(p *Proposal) { p.Place = " \n " }, "place", "meeting.error.where_required"},
			{"script link", func(p *Proposal) { p.OnlineURL = "javascript:alert(1)" }, "online_url", "meeting.error.url_invalid"},
			{"file link", func(p *Proposal) { p.OnlineURL = "file:///etc/passwd" }, "online_url", "meeting.error.url_invalid"},
			{"relative link", func(p *Proposal) { p.OnlineURL = "/pairs/1" }, "online_url", "meeting.error.url_invalid"},
			{"link with a password", func(p *Proposal) { p.OnlineURL = "https://a:b@meet.example.org/" }, "online_url", "meeting.error.url_invalid"},
			{"link with a line break", func(p *Proposal) { p.OnlineURL = "https://meet.example.org/\r\nX: y" }, "online_url", "meeting.error.url_invalid"},
			{"long place", func(p *Proposal) { p.Place = strings.Repeat("å", MaxPlace+1) }, "place", "error.too_long"},
		}
		for _, c := range cases {
			p := ok
			c.change(&p)
			_, err := e.svc.Propose(ctx, e.mentor, e.pair.ID, p)
			if e, isE := errs.As(err); !isE || e.Fields[c.field].Key != c.key {
				t.Errorf("%s: got %v, want %s on %s", c.name, err, c.key, c.field)
			}
		}
		if n := e.count(`SELECT COUNT(*) FROM meetings`); n != 0 {
			t.Fatalf("%d meetings saved from bad input", n)
		}
		if n := e.count(`SELECT COUNT(*) FROM outbox`); n != 0 {
			t.Fatalf("%d emails sent for bad input", n)
		}
		// A length outside the agreed range is a warning the person can
		// confirm; a place with line breaks becomes one line.
		p := ok
		p.Minutes, p.ConfirmLength, p.Place = 30, true, "Kafé\r\nStortorget 1"
		m, err := e.svc.Propose(ctx, e.mentor, e.pair.ID, p)
		if err != nil {
			t.Fatal(err)
		}
		if m.Minutes != 30 || m.Place != "Kafé Stortorget 1" {
			t.Fatalf("saved %+v", m)
		}
		// Online only is fine.
		p = ok
		p.Place, p.OnlineURL = "", "https://meet.example.org/x?y=1"
		if _, err := e.svc.Propose(ctx, e.mentor, e.pair.ID, p); err != nil {
			t.Fatal(err)
		}
	})
}

func (e *meetEnv) count(q string, args ...any) int {
	e.t.Helper()
	var n int
	if err := e.db.QueryRow(context.Background(), q, args...).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

// confirmed books a meeting starting in the given time from now.
func (e *meetEnv) confirmed(in time.Duration) *Meeting {
	e.t.Helper()
	ctx := context.Background()
	start := e.clk.Now().Add(in).In(time.UTC)
	m, err := e.svc.Propose(ctx, e.mentor, e.pair.ID, Proposal{Date: start.Format("2006-01-02"), Time: start.Format("15:04"),
		Timezone: "UTC", Minutes: 60, Place: "Office"})
	if err != nil {
		e.t.Fatal(err)
	}
	if m, err = e.svc.Accept(ctx, e.mentee, e.pair.ID, m.ID, m.Sequence); err != nil {
		e.t.Fatal(err)
	}
	return m
}

func TestLateChangesFollowTheAgreedNotice(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newMeetEnv(t, db)
		ctx := context.Background()
		// Before an agreement there is no notice: nothing is late.
		m := e.confirmed(2 * time.Hour)
		if m, err := e.svc.Cancel(ctx, e.mentor, e.pair.ID, m.ID, "Fell ill"); err != nil || m.LateCancel {
			t.Fatalf("cancel without agreed notice: %+v, %v", m, err)
		}

		e.sign(24, agreement.ShareNothing)
		early := e.confirmed(48 * time.Hour)
		if m, err := e.svc.Cancel(ctx, e.mentor, e.pair.ID, early.ID, "Travel"); err != nil || m.LateCancel {
			t.Fatalf("cancel two days ahead: %+v, %v", m, err)
		}
		late := e.confirmed(10 * time.Hour)
		d, err := e.svc.Get(ctx, e.mentee, e.pair.ID, late.ID)
		if err != nil || !d.LateNow {
			t.Fatalf("page does not warn that a change now is late: %+v, %v", d, err)
		}
		if m, err := e.svc.Cancel(ctx, e.mentee, e.pair.ID, late.ID, "Overslept the planning"); err != nil || !m.LateCancel {
			t.Fatalf("cancel ten hours ahead: %+v, %v", m, err)
		}
		// A move inside the notice counts too, and so does the clock
		// catching up with a meeting booked well ahead.
		moved := e.confirmed(72 * time.Hour)
		e.clk.Advance(60 * time.Hour)
		p := ProposalOf(moved)
		p.Date, p.Reason = e.clk.Now().AddDate(0, 0, 3).Format("2006-01-02"), "Work trip"
		if _, err := e.svc.Move(ctx, e.mentor, e.pair.ID, moved.ID, p); err != nil {
			t.Fatal(err)
		}
		// Withdrawing a proposal is never late: nothing was agreed yet.
		if _, err := e.svc.Cancel(ctx, e.mentor, e.pair.ID, moved.ID, "Let us find another week"); err != nil {
			t.Fatal(err)
		}
		counts, err := LateChanges(ctx, db, e.pair.ID)
		if err != nil {
			t.Fatal(err)
		}
		got := map[int64]int{}
		for _, c := range counts {
			got[c.UserID] = c.Count
		}
		if len(counts) != 2 || got[e.mentee.ID] != 1 || got[e.mentor.ID] != 1 {
			t.Fatalf("late changes %+v", counts)
		}
		// A meeting under way can no longer be moved or cancelled.
		now := e.confirmed(time.Hour)
		e.clk.Advance(90 * time.Minute)
		_, err = e.svc.Cancel(ctx, e.mentor, e.pair.ID, now.ID, "Too late")
		mustKind(t, err, errs.Conflict, "meeting.error.started")
	})
}

func TestLateChange(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		until  time.Duration
		notice int
		late   bool
	}{
		{48 * time.Hour, 24, false},
		{24 * time.Hour, 24, false},
		{24*time.Hour - time.Second, 24, true},
		{time.Minute, 24, true},
		{0, 24, false},
		{-time.Hour, 24, false},
		{time.Minute, 0, false},
	} {
		if got := lateChange(now, now.Add(c.until), c.notice); got != c.late {
			t.Errorf("%v before, %dh notice: late = %v", c.until, c.notice, got)
		}
	}
}

// TestWhoMayPlan is the role matrix of the planning use cases: only the
// pair's members plan; coordinators see dates and lengths; everyone else
// learns nothing.
func TestWhoMayPlan(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newMeetEnv(t, db)
		ctx := context.Background()
		m := e.confirmed(72 * time.Hour)
		in := at(e.clk.Now(), 5, "10:00", "Europe/Oslo")
		in.Reason = "x"
		for _, c := range []struct {
			name string
			who  *account.User
			kind errs.Kind
		}{
			{"anonymous", nil, errs.Unauthorized},
			{"other participant", e.outsider, errs.NotFound},
			{"other coordinator", e.otherCoord, errs.NotFound},
			{"coordinator", e.coord, errs.Forbidden},
			{"administrator", e.admin, errs.Forbidden},
		} {
			_, err := e.svc.Propose(ctx, c.who, e.pair.ID, in)
			mustKind(t, err, c.kind, "")
			_, err = e.svc.Move(ctx, c.who, e.pair.ID, m.ID, in)
			mustKind(t, err, c.kind, "")
			_, err = e.svc.Cancel(ctx, c.who, e.pair.ID, m.ID, "x")
			mustKind(t, err, c.kind, "")
			_, _, err = e.svc.ICS(ctx, c.who, e.pair.ID, m.ID, e.bundle.Locale("en"), "")
			mustKind(t, err, c.kind, "")
			_, _, _, err = e.svc.List(ctx, c.who, e.pair.ID, true)
			if c.kind == errs.Forbidden {
				if err != nil {
					t.Errorf("%s cannot list the pair's meetings: %v", c.name, err)
				}
			} else {
				mustKind(t, err, c.kind, "")
			}
		}
		// Coordinators see when and how long, not where or why.
		_, err := e.svc.Cancel(ctx, e.mentor, e.pair.ID, m.ID, "Private reason")
		if err != nil {
			t.Fatal(err)
		}
		d, err := e.svc.Get(ctx, e.coord, e.pair.ID, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		if d.Details || d.Meeting.Place != "" || d.Meeting.CancelReason != "" || d.History != nil || !d.Meeting.StartsAt.Equal(m.StartsAt) ||
			d.Meeting.Minutes != 60 || !d.Meeting.Cancelled() || d.CanCancel || d.CanAccept {
			t.Fatalf("coordinator sees %+v", d)
		}
		// A meeting id of another pair is not found through this pair.
		_, err = e.svc.Get(ctx, e.mentor, e.pair.ID+1000, m.ID)
		mustKind(t, err, errs.NotFound, "")
	})
}

func TestCoordinatorSeesDetailsWhenTheAgreementShares(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newMeetEnv(t, db)
		e.sign(24, agreement.ShareMeetings)
		m := e.confirmed(72 * time.Hour)
		_, ms, _, err := e.svc.List(context.Background(), e.coord, e.pair.ID, false)
		if err != nil {
			t.Fatal(err)
		}
		if len(ms) != 1 || ms[0].Place != "Office" || ms[0].ID != m.ID {
			t.Fatalf("coordinator of a sharing pair sees %+v", ms)
		}
	})
}

func TestEndedPairKeepsItsMeetings(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newMeetEnv(t, db)
		ctx := context.Background()
		m := e.confirmed(72 * time.Hour)
		if err := e.progs.EndPair(ctx, e.coord, e.prog.ID, e.pair.ID); err != nil {
			t.Fatal(err)
		}
		_, err := e.svc.Propose(ctx, e.mentee, e.pair.ID, at(e.clk.Now(), 5, "10:00", "UTC"))
		mustKind(t, err, errs.Conflict, "meeting.error.pair_ended")
		_, err = e.svc.Cancel(ctx, e.mentee, e.pair.ID, m.ID, "x")
		mustKind(t, err, errs.Conflict, "meeting.error.pair_ended")
		d, err := e.svc.Get(ctx, e.mentee, e.pair.ID, m.ID)
		if err != nil || d.CanCancel || d.CanMove {
			t.Fatalf("ended pair's meeting: %+v, %v", d, err)
		}
	})
}

func TestMeetingNumbers(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newMeetEnv(t, db)
		ctx := context.Background()
		third := e.confirmed(96 * time.Hour)
		first := e.confirmed(24 * time.Hour)
		gone := e.confirmed(48 * time.Hour)
		second := e.confirmed(72 * time.Hour)
		if _, err := e.svc.Cancel(ctx, e.mentor, e.pair.ID, gone.ID, "x"); err != nil {
			t.Fatal(err)
		}
		ms, err := ForPair(ctx, db, e.pair.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := map[int64]int{first.ID: 1, gone.ID: 0, second.ID: 2, third.ID: 3}
		for _, m := range ms {
			got, err := Get(ctx, db, m.ID)
			if err != nil {
				t.Fatal(err)
			}
			if m.Number != want[m.ID] || got.Number != m.Number {
				t.Errorf("meeting %d: ForPair says %d, Get says %d, want %d", m.ID, m.Number, got.Number, want[m.ID])
			}
		}
		if _, err := InPair(ctx, db, e.pair.ID+1, first.ID); !errs.Is(err, errs.NotFound) {
			t.Fatalf("meeting found through another pair: %v", err)
		}
		if _, err := Get(ctx, db, 999999); !errs.Is(err, errs.NotFound) {
			t.Fatalf("unknown meeting: %v", err)
		}
	})
}

func TestCalendarFeedSecret(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newMeetEnv(t, db)
		ctx := context.Background()
		m := e.confirmed(72 * time.Hour)
		if since, err := e.svc.FeedStatus(ctx, e.mentee); err != nil || since != nil {
			t.Fatalf("feed before making one: %v, %v", since, err)
		}
		token, err := e.svc.RenewFeed(ctx, e.mentee)
		if err != nil {
			t.Fatal(err)
		}
		if n := e.count(`SELECT COUNT(*) FROM calendar_feeds WHERE token_hash = ?`, token); n != 0 {
			t.Fatal("the secret is stored as it is")
		}
		f, err := FeedFor(ctx, db, token, e.clk.Now())
		if err != nil {
			t.Fatal(err)
		}
		if f.User.ID != e.mentee.ID || len(f.Items) != 1 || f.Items[0].Meeting.ID != m.ID || f.Items[0].Others != "Kari Nordmann" {
			t.Fatalf("feed %+v", f)
		}
		renewed, err := e.svc.RenewFeed(ctx, e.mentee)
		if err != nil || renewed == token {
			t.Fatalf("renew: %q, %v", renewed, err)
		}
		if _, err := FeedFor(ctx, db, token, e.clk.Now()); !errs.Is(err, errs.NotFound) {
			t.Fatalf("old secret still works: %v", err)
		}
		if _, err := FeedFor(ctx, db, renewed, e.clk.Now()); err != nil {
			t.Fatal(err)
		}
		// Someone else's feed holds only their own meetings.
		other, _ := e.svc.RenewFeed(ctx, e.outsider)
		if f, err := FeedFor(ctx, db, other, e.clk.Now()); err != nil || len(f.Items) != 0 {
			t.Fatalf("outsider's feed: %+v, %v", f, err)
		}
		if err := e.svc.RevokeFeed(ctx, e.mentee); err != nil {
			t.Fatal(err)
		}
		if _, err := FeedFor(ctx, db, renewed, e.clk.Now()); !errs.Is(err, errs.NotFound) {
			t.Fatalf("revoked secret still works: %v", err)
		}
		for _, bad := range []string{"", "short", strings.Repeat("x", 200)} {
			if _, err := FeedFor(ctx, db, bad, e.clk.Now()); !errs.Is(err, errs.NotFound) {
				t.Fatalf("secret %q: %v", bad, err)
			}
		}
	})
}

// TestRacingAnswersConfirmOnce sends the same answer twice at once, as a
// double click or two devices would: one confirms, the other is told the
// meeting changed, and the other side gets one email.
func TestRacingAnswersConfirmOnce(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newMeetEnv(t, db)
		ctx := context.Background()
		m, err := e.svc.Propose(ctx, e.mentee, e.pair.ID, at(e.clk.Now(), 4, "10:00", "UTC"))
		if err != nil {
			t.Fatal(err)
		}
		before := len(e.emails())
		errc := make(chan error, 4)
		for range 4 {
			go func() {
				_, err := e.svc.Accept(ctx, e.mentor, e.pair.ID, m.ID, -1)
				errc <- err
			}()
		}
		ok := 0
		for range 4 {
			if err := <-errc; err == nil {
				ok++
			} else if !errs.Is(err, errs.Conflict) {
				t.Fatalf("racing accept: %v", err)
			}
		}
		if ok != 1 {
			t.Fatalf("%d accepts succeeded, want 1", ok)
		}
		if n := e.count(`SELECT COUNT(*) FROM meeting_events WHERE meeting_id = ? AND kind = 'accepted'`, m.ID); n != 1 {
			t.Fatalf("%d accepted events", n)
		}
		if got, err := Get(ctx, db, m.ID); err != nil || got.Sequence != 1 || !got.Confirmed() {
			t.Fatalf("after the race: %+v, %v", got, err)
		}
		if n := len(e.emails()) - before; n != 1 {
			t.Fatalf("%d emails for one confirmation", n)
		}
	})
}
