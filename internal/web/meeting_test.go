package web

import (
	"bytes"
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	ical "github.com/emersion/go-ical"

	"mentorskap/internal/account"
	"mentorskap/internal/meeting"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
)

// meetFixture is a pair with a mentor in Oslo writing Norwegian and a
// mentee in Jakarta writing Indonesian, and everyone else the role matrix
// needs: another participant, the coordinator, a coordinator of another
// program and an administrator.
type meetFixture struct {
	app                                      *testApp
	coord, otherCoord, admin, mentor, mentee *account.User
	outsider                                 *account.User
	prog                                     *program.Program
	pair                                     *program.Pair
}

func newMeetFixture(t *testing.T, db *store.DB) *meetFixture {
	t.Helper()
	app := newTestAppDB(t, db)
	f := &meetFixture{app: app}
	f.admin = app.addUser("admin@example.org", "Ada Admin", account.RoleAdmin, "en")
	f.coord = app.addUser("coord@example.org", "Cora Coordinator", account.RoleCoordinator, "en")
	f.otherCoord = app.addUser("other@example.org", "Otto Other", account.RoleCoordinator, "en")
	f.mentor = app.addUser("kari@example.org", "Kari Nordmann", account.RoleMember, "nb")
	f.mentee = app.addUser("ayu@example.org", "Ayu Lestari", account.RoleMember, "id")
	f.outsider = app.addUser("sven@example.org", "Sven Svensson", account.RoleMember, "sv")
	for u, tz := range map[*account.User]string{f.mentor: "Europe/Oslo", f.mentee: "Asia/Jakarta", f.coord: "Europe/Oslo"} {
		if _, err := db.Exec(context.Background(), `UPDATE users SET timezone = ? WHERE id = ?`, tz, u.ID); err != nil {
			t.Fatal(err)
		}
	}
	f.prog, f.pair = app.pairedProgram("Ny i arbeidslivet", f.coord, f.mentor, f.mentee, f.outsider, "Another cohort", f.otherCoord)
	return f
}

func (f *meetFixture) path(rest string) string { return "/pairs/" + pid(f.pair.ID) + rest }

// book proposes through the domain as the mentee and, when confirm is
// set, accepts as the mentor.
func (f *meetFixture) book(t *testing.T, in time.Duration, confirm bool) *meeting.Meeting {
	t.Helper()
	ctx := context.Background()
	start := f.app.clock.Now().Add(in).UTC()
	m, err := f.app.srv.Meetings.Propose(ctx, f.mentee, f.pair.ID, meeting.Proposal{Date: start.Format("2006-01-02"),
		Time: start.Format("15:04"), Timezone: "UTC", Minutes: 60, Place: "Kafé <Stortorget> & co", OnlineURL: "https://meet.example.org/x"})
	if err != nil {
		t.Fatal(err)
	}
	if confirm {
		if m, err = f.app.srv.Meetings.Accept(ctx, f.mentor, f.pair.ID, m.ID, -1); err != nil {
			t.Fatal(err)
		}
	}
	return m
}

func meetingCount(t *testing.T, app *testApp) int {
	t.Helper()
	return apiCountRows(t, app.db, "meetings")
}

func TestMeetingPlanningThroughPages(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newMeetFixture(t, db)
		app := f.app
		mentee, mentor := app.login("ayu@example.org"), app.login("kari@example.org")

		// No meeting yet: the home page asks to book one, in Indonesian.
		res := mentee.get(f.path(""))
		res.mustStatus(t, http.StatusOK)
		res.mustContain(t, app.tr("id", "pairhome.no_meeting"), `href="/pairs/`+pid(f.pair.ID)+`/meetings/new"`, "Kari Nordmann")

		res = mentee.get(f.path("/meetings/new"))
		res.mustStatus(t, http.StatusOK)
		res.mustContain(t, `name="date"`, `name="time" type="time"`, `value="Asia/Jakarta"`, `name="minutes"`, `name="online_url" type="url"`)

		form := url.Values{"date": {"2026-03-09"}, "time": {"17:00"}, "timezone": {"Asia/Jakarta"}, "minutes": {"60"},
			"place": {"Kafé <Stortorget>"}, "online_url": {"https://meet.example.org/ayu-kari"}}
		bad := url.Values{}
		for k, v := range form {
			bad[k] = v
		}
		bad.Set("date", "2026-03-01")
		res = mentee.post(f.path("/meetings"), bad)
		res.mustStatus(t, http.StatusUnprocessableEntity)
		res.mustContain(t, app.tr("id", "meeting.error.in_past"), `value="Kafé &lt;Stortorget&gt;"`)
		bad.Set("date", "2026-03-09")
		bad.Set("minutes", "20")
		res = mentee.post(f.path("/meetings"), bad)
		res.mustStatus(t, http.StatusUnprocessableEntity)
		res.mustContain(t, `name="confirm_length"`)
		bad.Set("online_url", "javascript:alert(1)")
		res = mentee.post(f.path("/meetings"), bad)
		res.mustStatus(t, http.StatusUnprocessableEntity)
		res.mustContain(t, app.tr("id", "meeting.error.url_invalid"))
		if n := meetingCount(t, app); n != 0 {
			t.Fatalf("%d meetings saved from bad input", n)
		}

		res = mentee.post(f.path("/meetings"), form)
		res.mustStatus(t, http.StatusSeeOther)
		loc := res.Header.Get("Location")
		if !regexp.MustCompile(`^/pairs/\d+/meetings/\d+$`).MatchString(loc) {
			t.Fatalf("redirect to %q", loc)
		}
		res = mentee.get(loc)
		res.mustStatus(t, http.StatusOK)
		// 17:00 in Jakarta, shown to the mentee in their zone and language.
		res.mustContain(t, app.tr("id", "meeting.proposed_flash"), "9 Mar 2026 17.00", app.tr("id", "meeting.waiting", "names", "Kari Nordmann"),
			"Kafé &lt;Stortorget&gt;", `href="https://meet.example.org/ayu-kari" rel="noopener noreferrer nofollow"`)
		if strings.Contains(res.Body, "/accept") {
			t.Fatal("the proposer is offered to accept their own proposal")
		}

		// The mentor sees 11:00 Oslo time in Norwegian, with the time as
		// planned in Jakarta beside it.
		res = mentor.get(loc)
		res.mustStatus(t, http.StatusOK)
		res.mustContain(t, "9. mar. 2026 11.00", "(norsk tid)", app.tr("nb", "meeting.accept"), "Jakarta-tid, WIB")
		seq := regexp.MustCompile(`name="sequence" value="(\d+)"`).FindStringSubmatch(res.Body)
		if seq == nil || seq[1] != "0" {
			t.Fatalf("accept form lacks the sequence: %v", seq)
		}
		// An email went to the mentor in Norwegian and Oslo time.
		var subject, body string
		if err := db.QueryRow(context.Background(), `SELECT subject, body FROM outbox WHERE to_email = ? ORDER BY id DESC LIMIT 1`,
			"kari@example.org").Scan(&subject, &body); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(subject, "Ayu Lestari foreslår et møte") || !strings.Contains(body, "mandag 9. mar. 2026 kl. 11.00 (norsk tid)") ||
			!strings.Contains(body, "http://mentorskap.test"+loc) {
			t.Fatalf("mentor's email:\n%s\n%s", subject, body)
		}
		if n := apiCountRows(t, db, "outbox_attachments"); n != 1 {
			t.Fatalf("%d calendar files attached, want 1", n)
		}

		// The mentee changes the proposal meanwhile: the mentor's accept
		// of the old time confirms nothing.
		res = mentee.get(loc + "/change")
		res.mustStatus(t, http.StatusOK)
		res.mustContain(t, `action="`+loc+`/counter"`, `value="2026-03-09"`, `value="17:00"`)
		later := url.Values{"date": {"2026-03-09"}, "time": {"18:00"}, "timezone": {"Asia/Jakarta"}, "minutes": {"60"}, "place": {"Kafé"}}
		mentee.post(loc+"/counter", later).mustStatus(t, http.StatusSeeOther)
		res = mentor.post(loc+"/accept", url.Values{"sequence": {"0"}})
		res.mustStatus(t, http.StatusSeeOther)
		res = mentor.get(loc)
		res.mustContain(t, app.tr("nb", "meeting.error.changed"), "9. mar. 2026 12.00")
		res = mentor.post(loc+"/accept", url.Values{"sequence": {"1"}})
		res.mustStatus(t, http.StatusSeeOther)
		res = mentor.get(loc)
		res.mustContain(t, app.tr("nb", "meeting.accepted_flash"), app.tr("nb", "meeting.state.confirmed"), app.tr("nb", "meeting.move"))

		// The calendar file reads back with an independent parser.
		res = mentor.get(loc + "/ics")
		res.mustStatus(t, http.StatusOK)
		if ct := res.Header.Get("Content-Type"); ct != "text/calendar; charset=utf-8" {
			t.Fatalf("content type %q", ct)
		}
		cal, err := ical.NewDecoder(strings.NewReader(res.Body)).Decode()
		if err != nil {
			t.Fatal(err)
		}
		ev := cal.Events()[0]
		if st, _ := ev.Status(); st != ical.EventConfirmed {
			t.Fatalf("status %v", st)
		}
		start, err := ev.DateTimeStart(nil)
		if err != nil || !start.Equal(time.Date(2026, 3, 9, 11, 0, 0, 0, time.UTC)) {
			t.Fatalf("start %v, %v", start, err)
		}
		if sum, _ := ev.Props.Get("SUMMARY").Text(); sum != app.tr("nb", "calendar.summary", "names", "Ayu Lestari") {
			t.Fatalf("summary %q", sum)
		}

		// Moving needs a reason; the form keeps what was typed.
		res = mentor.get(loc + "/change")
		res.mustContain(t, `action="`+loc+`/move"`, `name="reason"`)
		move := url.Values{"date": {"2026-03-10"}, "time": {"18:00"}, "timezone": {"Europe/Oslo"}, "minutes": {"90"}, "place": {"Biblioteket"}}
		res = mentor.post(loc+"/move", move)
		res.mustStatus(t, http.StatusUnprocessableEntity)
		res.mustContain(t, app.tr("nb", "meeting.error.reason_required"), `value="Biblioteket"`)
		move.Set("reason", "Jobbreise")
		mentor.post(loc+"/move", move).mustStatus(t, http.StatusSeeOther)
		res = mentee.get(loc)
		res.mustContain(t, app.tr("id", "meeting.accept"), "Jobbreise", "11 Mar 2026 00.00")

		// Cancelling: reason required, then the meeting stays, cancelled.
		res = mentee.get(loc + "/cancel")
		res.mustStatus(t, http.StatusOK)
		res = mentee.post(loc+"/cancel", url.Values{"reason": {""}})
		res.mustStatus(t, http.StatusUnprocessableEntity)
		res.mustContain(t, app.tr("id", "meeting.error.reason_required"))
		mentee.post(loc+"/cancel", url.Values{"reason": {"Saya sakit <b>"}}).mustStatus(t, http.StatusSeeOther)
		res = mentor.get(loc)
		res.mustContain(t, app.tr("nb", "meeting.state.cancelled"), "Saya sakit &lt;b&gt;", app.tr("nb", "meeting.book_next"))
		res = mentor.post(loc+"/cancel", url.Values{"reason": {"again"}})
		res.mustStatus(t, http.StatusConflict)

		// The list shows the history; the home page asks for a new booking.
		res = mentee.get(f.path("/meetings"))
		res.mustStatus(t, http.StatusOK)
		res.mustContain(t, app.tr("id", "meeting.state.cancelled"), app.tr("id", "meeting.none_upcoming"))
		mentee.get(f.path("")).mustContain(t, app.tr("id", "pairhome.no_meeting"))

		// Once a later meeting is booked, the cancelled one's page no
		// longer asks for the next booking.
		next := url.Values{"date": {"2026-03-20"}, "time": {"17:00"}, "timezone": {"Asia/Jakarta"}, "minutes": {"60"}, "place": {"Perpustakaan"}}
		mentee.post(f.path("/meetings"), next).mustStatus(t, http.StatusSeeOther)
		res = mentor.get(loc)
		res.mustContain(t, app.tr("nb", "meeting.state.cancelled"))
		if strings.Contains(res.Body, app.tr("nb", "meeting.book_next")) {
			t.Error("a cancelled meeting's page asks to book the next one although a later one is booked")
		}
	})
}

// TestMeetingPagesWho is the role matrix of every meeting page: members
// plan; the program's coordinators (and administrators) see dates and
// lengths only; everyone else is told nothing exists.
func TestMeetingPagesWho(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newMeetFixture(t, db)
		app := f.app
		m := f.book(t, 72*time.Hour, true)
		mp := f.path("/meetings/" + pid(m.ID))
		reads := []string{f.path(""), f.path("/meetings"), mp}
		memberOnly := []string{f.path("/meetings/new"), mp + "/change", mp + "/cancel", mp + "/ics"}
		posts := []string{f.path("/meetings"), mp + "/accept", mp + "/counter", mp + "/move", mp + "/cancel"}
		planning := url.Values{"date": {"2026-03-20"}, "time": {"10:00"}, "timezone": {"UTC"}, "minutes": {"60"}, "place": {"x"}, "reason": {"x"}}

		anon := app.client()
		for _, p := range append(reads, memberOnly...) {
			res := anon.get(p)
			if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login") {
				t.Errorf("anonymous GET %s: %d %s", p, res.StatusCode, res.Header.Get("Location"))
			}
		}
		for _, p := range posts {
			if res := anon.post(p, planning); res.StatusCode != http.StatusUnauthorized {
				t.Errorf("anonymous POST %s: %d", p, res.StatusCode)
			}
		}
		for _, c := range []struct {
			email      string
			read, plan int
		}{
			{"sven@example.org", http.StatusNotFound, http.StatusNotFound},
			{"other@example.org", http.StatusNotFound, http.StatusNotFound},
			{"coord@example.org", http.StatusOK, http.StatusForbidden},
			{"admin@example.org", http.StatusOK, http.StatusForbidden},
			{"ayu@example.org", http.StatusOK, http.StatusOK},
			{"kari@example.org", http.StatusOK, http.StatusOK},
		} {
			cl := app.login(c.email)
			for _, p := range reads {
				res := cl.get(p)
				if res.StatusCode != c.read {
					t.Errorf("%s GET %s: %d, want %d", c.email, p, res.StatusCode, c.read)
				}
				if c.read == http.StatusOK && c.plan != http.StatusOK && (strings.Contains(res.Body, "Stortorget") || strings.Contains(res.Body, "meet.example.org")) {
					t.Errorf("%s sees the place or link on %s", c.email, p)
				}
			}
			for _, p := range memberOnly {
				if res := cl.get(p); res.StatusCode != c.plan {
					t.Errorf("%s GET %s: %d, want %d", c.email, p, res.StatusCode, c.plan)
				}
			}
			if c.plan == http.StatusOK {
				continue
			}
			for _, p := range posts {
				if res := cl.post(p, planning); res.StatusCode != c.plan {
					t.Errorf("%s POST %s: %d, want %d", c.email, p, res.StatusCode, c.plan)
				}
			}
		}
		if n := meetingCount(t, app); n != 1 {
			t.Fatalf("%d meetings after refused attempts", n)
		}
		got, err := meeting.Get(context.Background(), db, m.ID)
		if err != nil || got.Sequence != m.Sequence || got.Status != meeting.StatusConfirmed {
			t.Fatalf("meeting changed by refused attempts: %+v, %v", got, err)
		}
		// A meeting of this pair is not reachable through another pair.
		other := app.login("kari@example.org").get("/pairs/" + pid(f.pair.ID+100) + "/meetings/" + pid(m.ID))
		other.mustStatus(t, http.StatusNotFound)
	})
}

func TestCoordinatorPairListShowsMissingBookings(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newMeetFixture(t, db)
		coord := f.app.login("coord@example.org")
		path := "/programs/" + pid(f.prog.ID) + "/pairs"
		res := coord.get(path)
		res.mustStatus(t, http.StatusOK)
		res.mustContain(t, f.app.tr("en", "pairhome.no_meeting"), `href="/pairs/`+pid(f.pair.ID)+`"`)
		f.book(t, 48*time.Hour, false)
		res = coord.get(path)
		if strings.Contains(res.Body, f.app.tr("en", "pairhome.no_meeting")) {
			t.Fatal("a pair with a proposed meeting is still listed as having none")
		}
		// The coordinator reads times in their own zone (Oslo).
		res.mustContain(t, "4 Mar 2026 10:00")
		// The participants' start page links to the pair.
		f.app.login("ayu@example.org").get("/").mustContain(t, `href="/pairs/`+pid(f.pair.ID)+`"`)
	})
}

func TestCalendarFeedPages(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newMeetFixture(t, db)
		app := f.app
		m := f.book(t, 72*time.Hour, true)
		mentee := app.login("ayu@example.org")
		res := mentee.get("/calendar")
		res.mustStatus(t, http.StatusOK)
		res.mustContain(t, app.tr("id", "calendar.none"))
		res = mentee.post("/calendar/renew", nil)
		res.mustStatus(t, http.StatusOK)
		feed := regexp.MustCompile(`http://mentorskap\.test(/calendar/[A-Za-z0-9_-]{40,}\.ics)`).FindStringSubmatch(res.Body)
		if feed == nil {
			t.Fatalf("no feed address shown:\n%s", res.Body)
		}
		// Shown once: the page later says only that there is one.
		if again := mentee.get("/calendar"); strings.Contains(again.Body, feed[1]) {
			t.Fatal("the feed address is shown again")
		}
		anon := app.client()
		res = anon.get(feed[1])
		res.mustStatus(t, http.StatusOK)
		cal, err := ical.NewDecoder(bytes.NewReader([]byte(res.Body))).Decode()
		if err != nil {
			t.Fatal(err)
		}
		if evs := cal.Events(); len(evs) != 1 {
			t.Fatalf("%d events in the feed", len(evs))
		} else if uid, _ := evs[0].Props.Get("UID").Text(); uid != m.UID {
			t.Fatalf("UID %q, want %q", uid, m.UID)
		}
		if name, _ := cal.Props.Get("X-WR-CALNAME").Text(); name != app.tr("id", "calendar.feed_name") {
			t.Fatalf("feed name %q, want the subscriber's language", name)
		}
		// Cancelling shows up in the feed with the same UID.
		if _, err := app.srv.Meetings.Cancel(context.Background(), f.mentor, f.pair.ID, m.ID, "sick"); err != nil {
			t.Fatal(err)
		}
		res = anon.get(feed[1])
		if !strings.Contains(res.Body, "STATUS:CANCELLED") || !strings.Contains(res.Body, "UID:"+m.UID) {
			t.Fatalf("cancelled meeting not in the feed:\n%s", res.Body)
		}
		mentee.post("/calendar/renew", nil).mustStatus(t, http.StatusOK)
		anon.get(feed[1]).mustStatus(t, http.StatusNotFound)
		mentee.post("/calendar/revoke", url.Values{"confirmed": {"yes"}}).mustStatus(t, http.StatusSeeOther)
		mentee.get("/calendar").mustContain(t, app.tr("id", "calendar.revoked_flash"))
		for _, p := range []string{"/calendar/nothing.ics", "/calendar/x", "/calendar/" + strings.Repeat("a", 43) + ".ics"} {
			anon.get(p).mustStatus(t, http.StatusNotFound)
		}
		anonPage := anon.get("/calendar")
		if anonPage.StatusCode != http.StatusSeeOther {
			t.Fatalf("anonymous calendar page: %d", anonPage.StatusCode)
		}
		if res := anon.post("/calendar/renew", nil); res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("anonymous renew: %d", res.StatusCode)
		}
	})
}

func TestLateCancellationVisibleToThePair(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newMeetFixture(t, db)
		app := f.app
		f.signAgreement(t, 24)
		m := f.book(t, 10*time.Hour, true)
		mp := f.path("/meetings/" + pid(m.ID))
		mentor := app.login("kari@example.org")
		res := mentor.get(mp + "/cancel")
		res.mustContain(t, app.bundle.Locale("nb").N("meeting.late_warning", 24))
		res = mentor.post(mp+"/cancel", url.Values{"reason": {"Syk"}})
		res.mustStatus(t, http.StatusSeeOther)
		mentor.get(mp).mustContain(t, app.tr("nb", "meeting.cancelled_late_flash"), app.tr("nb", "meeting.late"))
		late := app.bundle.Locale("id").N("meeting.late_count", 1, "name", "Kari Nordmann")
		mentee := app.login("ayu@example.org")
		mentee.get(f.path("")).mustContain(t, late)
		mentee.get(f.path("/meetings")).mustContain(t, late)
		// The coordinator sees a cancellation, never who was late or why.
		coord := app.login("coord@example.org")
		for _, p := range []string{f.path(""), f.path("/meetings"), mp} {
			res = coord.get(p)
			if strings.Contains(res.Body, "Syk") || strings.Contains(res.Body, app.tr("en", "meeting.late_title")) ||
				strings.Contains(res.Body, `class="badge late"`) {
				t.Fatalf("coordinator sees the late count or reason on %s:\n%s", p, res.Body)
			}
		}
		coord.get(f.path("/meetings")).mustContain(t, app.tr("en", "meeting.state.cancelled"))
	})
}

// signAgreement puts an agreement with the given notice in force through
// the agreement's own use cases.
func (f *meetFixture) signAgreement(t *testing.T, noticeHours int) {
	t.Helper()
	ctx := context.Background()
	l := f.app.bundle.Locale("en")
	svc := f.app.srv.Agreements
	d, err := svc.DraftFor(ctx, f.mentee, f.pair.ID, l)
	if err != nil {
		t.Fatal(err)
	}
	c := d.Content
	c.CancelNoticeHours = noticeHours
	v, err := svc.SaveDraft(ctx, f.mentee, f.pair.ID, d.Base, c, l)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []*account.User{f.mentee, f.mentor} {
		if _, err := svc.Sign(ctx, u, f.pair.ID, v.Number, "password-"+u.Email, u.Name); err != nil {
			t.Fatal(err)
		}
	}
}

// TestStartPageListsTheTimesOffered books a proposal offering three times:
// each side's start page lists all three on the pair's card (read with the
// card's next meeting, pairhome.LoadCards), in the viewer's zone, and once
// the mentor picks one, only the time picked.
func TestStartPageListsTheTimesOffered(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newMeetFixture(t, db)
		ctx := context.Background()
		day := func(d int) string { return f.app.clock.Now().AddDate(0, 0, d).UTC().Format("2006-01-02") }
		m, err := f.app.srv.Meetings.Propose(ctx, f.mentee, f.pair.ID, meeting.Proposal{Date: day(3), Time: "09:00",
			Timezone: "UTC", Minutes: 60, Place: "Kafé", More: []meeting.Slot{{Date: day(4), Time: "10:00"}, {Date: day(5), Time: "11:00"}}})
		if err != nil {
			t.Fatal(err)
		}
		opts, err := meeting.Options(ctx, db, m)
		if err != nil || len(opts) != 3 {
			t.Fatalf("options: %v %v", opts, err)
		}
		nb := f.app.srv.Bundle.Locale("nb")
		mentor := f.app.login(f.mentor.Email)
		home := mentor.get("/")
		home.mustStatus(t, http.StatusOK)
		home.mustContain(t, html.EscapeString(nb.T("home.times_offered")))
		for _, o := range opts {
			home.mustContain(t, html.EscapeString(nb.DateTime(o, "Europe/Oslo")))
		}
		if _, err := f.app.srv.Meetings.AcceptOption(ctx, f.mentor, f.pair.ID, m.ID, -1, 2); err != nil {
			t.Fatal(err)
		}
		home = mentor.get("/")
		if strings.Contains(home.Body, html.EscapeString(nb.T("home.times_offered"))) ||
			strings.Contains(home.Body, html.EscapeString(nb.DateTime(opts[0], "Europe/Oslo"))) {
			t.Fatalf("a confirmed meeting still offers times:\n%s", home.Body)
		}
		home.mustContain(t, html.EscapeString(nb.DateTime(opts[1], "Europe/Oslo")))
	})
}
