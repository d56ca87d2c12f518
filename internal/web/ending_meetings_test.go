package web

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	ical "github.com/emersion/go-ical"

	"mentorskap/internal/account"
	"mentorskap/internal/agreement"
	"mentorskap/internal/evaluation"
	"mentorskap/internal/jobs"
	"mentorskap/internal/meeting"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
)

// endingScene is a pair with a meeting already held, a confirmed meeting
// ahead and a proposal ahead, both after the pair's planned end so that
// every way of ending it (the planned end too) finds them still to come.
// The mentor writes Norwegian in Oslo, the mentee Indonesian in Jakarta.
type endingScene struct {
	app                         *testApp
	prog                        *program.Program
	pair                        *program.Pair
	coord, mentor, mentee       *account.User
	held, confirmed, proposed   *meeting.Meeting
	feed                        string // the mentor's calendar feed secret
	plannedClose                time.Time
	cMentorBefore, cCoordBefore *client
	cMenteeBefore               *client
	confirmedSeq, proposedSeq   int
	outboxBefore                int
	mentorTZ, menteeTZ          string
	mentorLang, menteeLang      string
	homeBefore                  string
	deleted                     bool // the mentee deleted their account
}

func newEndingScene(t *testing.T, db *store.DB) *endingScene {
	t.Helper()
	app := newTestAppDB(t, db)
	ctx := context.Background()
	s := &endingScene{app: app, mentorTZ: "Europe/Oslo", menteeTZ: "Asia/Jakarta", mentorLang: "nb", menteeLang: "id"}
	s.coord = app.addUser("coord@example.org", "Cora Coordinator", account.RoleCoordinator, "en")
	alien := app.addUser("alien@example.org", "Al Alien", account.RoleCoordinator, "en")
	s.mentor = app.addUser("mentor@example.org", "Kari Nordmann", account.RoleMember, s.mentorLang)
	s.mentee = app.addUser("mentee@example.org", "Ayu Lestari", account.RoleMember, s.menteeLang)
	other := app.addUser("other@example.org", "Ola Other", account.RoleMember, "en")
	for id, tz := range map[int64]string{s.mentor.ID: s.mentorTZ, s.mentee.ID: s.menteeTZ} {
		if _, err := db.Exec(ctx, `UPDATE users SET timezone = ? WHERE id = ?`, tz, id); err != nil {
			t.Fatal(err)
		}
	}
	s.prog, s.pair = app.pairedProgram("Ny i arbeidslivet", s.coord, s.mentor, s.mentee, other, "Other cohort", alien)
	terms, err := agreement.TermsFor(ctx, db, s.pair.ID)
	if err != nil {
		t.Fatal(err)
	}
	s.plannedClose = agreement.PlannedClose(terms.End)

	book := func(by, other *account.User, at time.Time, accept bool) *meeting.Meeting {
		t.Helper()
		local := at.In(mustZone(t, s.mentorTZ))
		m, err := app.srv.Meetings.Propose(ctx, by, s.pair.ID, meeting.Proposal{Date: local.Format("2006-01-02"),
			Time: local.Format("15:04"), Timezone: s.mentorTZ, Minutes: 60, Place: "Kafé Åpent"})
		if err != nil {
			t.Fatal(err)
		}
		if accept {
			if m, err = app.srv.Meetings.Accept(ctx, other, s.pair.ID, m.ID, m.Sequence); err != nil {
				t.Fatal(err)
			}
		}
		return m
	}
	now := app.clock.Now()
	s.held = book(s.mentor, s.mentee, now.Add(2*time.Hour), true)
	s.confirmed = book(s.mentor, s.mentee, s.plannedClose.Add(5*24*time.Hour+10*time.Hour), true)
	s.proposed = book(s.mentee, s.mentor, s.plannedClose.Add(12*24*time.Hour+10*time.Hour), false)
	s.confirmedSeq, s.proposedSeq = s.confirmed.Sequence, s.proposed.Sequence
	app.clock.Set(now.Add(4 * time.Hour)) // the first meeting is held
	if s.feed, err = app.srv.Meetings.RenewFeed(ctx, s.mentor); err != nil {
		t.Fatal(err)
	}
	s.cMentorBefore = app.login(s.mentor.Email)
	s.cMenteeBefore = app.login(s.mentee.Email)
	s.cCoordBefore = app.login(s.coord.Email)
	s.homeBefore = s.cMentorBefore.get(s.pairPath()).Body
	s.outboxBefore = app.count(`SELECT COALESCE(MAX(id), 0) FROM outbox`)
	return s
}

func mustZone(t *testing.T, tz string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(tz)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func (s *endingScene) pairPath() string { return "/pairs/" + pid(s.pair.ID) }

func (s *endingScene) meetingPath(m *meeting.Meeting) string {
	return meeting.MeetingPath(s.pair.ID, m.ID)
}

// sentSince is what was queued for an address after the scene was set up:
// each email's body with its attachments.
type sentMail struct {
	ID    int64
	Body  string
	Files map[string][]byte
}

func (s *endingScene) sentSince(email string) []sentMail {
	t := s.app.t
	t.Helper()
	ctx := context.Background()
	rows, err := s.app.db.Query(ctx, `SELECT id, subject, body FROM outbox WHERE to_email = ? AND id > ? ORDER BY id`, email, s.outboxBefore)
	if err != nil {
		t.Fatal(err)
	}
	var out []sentMail
	for rows.Next() {
		var m sentMail
		var subject, body string
		if err := rows.Scan(&m.ID, &subject, &body); err != nil {
			t.Fatal(err)
		}
		m.Body, m.Files = subject+"\n"+body, map[string][]byte{}
		out = append(out, m)
	}
	rows.Close()
	for i := range out {
		files, err := s.app.db.Query(ctx, `SELECT name, data FROM outbox_attachments WHERE outbox_id = ? ORDER BY id`, out[i].ID)
		if err != nil {
			t.Fatal(err)
		}
		for files.Next() {
			var name string
			var data []byte
			if err := files.Scan(&name, &data); err != nil {
				t.Fatal(err)
			}
			out[i].Files[name] = data
		}
		files.Close()
	}
	return out
}

// cancelledEvent reads a calendar file and returns the event with uid,
// failing unless it is there.
func calendarEvent(t *testing.T, data []byte, uid string) ical.Event {
	t.Helper()
	cal, err := ical.NewDecoder(bytes.NewReader(data)).Decode()
	if err != nil {
		t.Fatalf("go-ical cannot read the file: %v\n%s", err, data)
	}
	for _, ev := range cal.Events() {
		if got, _ := ev.Props.Text(ical.PropUID); got == uid {
			return ev
		}
	}
	t.Fatalf("no event %s in:\n%s", uid, data)
	return ical.Event{}
}

func wantEvent(t *testing.T, ev ical.Event, status string, seq int) {
	t.Helper()
	if st, err := ev.Status(); err != nil || string(st) != status {
		t.Fatalf("STATUS %v (%v), want %s", st, err, status)
	}
	if got, err := ev.Props.Get(ical.PropSequence).Int(); err != nil || got != seq {
		t.Fatalf("SEQUENCE %d (%v), want %d", got, err, seq)
	}
}

// TestEndingCallsOffMeetings ends the same pair in every way a pair ends
// and checks that its meetings still ahead end with it, everywhere they
// show: the database, the meeting's calendar file, the calendar feed, the
// reminders, the ending emails (in each reader's language and zone, with
// the cancelled calendar files) and the pair's pages and API.
func TestEndingCallsOffMeetings(t *testing.T) {
	t.Parallel()
	paths := []struct {
		name string
		end  func(t *testing.T, s *endingScene)
		// kinds of the emails each side gets, as catalog subjects
		mentorKind, menteeKind string
	}{
		{"member", func(t *testing.T, s *endingScene) {
			s.cMentorBefore.post(s.pairPath()+"/end", url.Values{"reason": {""}}).mustStatus(t, http.StatusSeeOther)
		}, "ending_called_off", "ending_notice_mentee"},
		{"coordinator", func(t *testing.T, s *endingScene) {
			s.cCoordBefore.post(fmt.Sprintf("/programs/%d/pairs/%d/end", s.prog.ID, s.pair.ID), url.Values{}).mustStatus(t, http.StatusSeeOther)
		}, "pair_ended", "pair_ended"},
		{"rematch", func(t *testing.T, s *endingScene) {
			if err := s.app.srv.Evals.AnswerChemistry(context.Background(), s.mentee, s.pair.ID, evaluation.AnswerNo, ""); err != nil {
				t.Fatal(err)
			}
			s.cCoordBefore.post(fmt.Sprintf("/programs/%d/chemistry/%d/rematch", s.prog.ID, s.pair.ID), url.Values{}).mustStatus(t, http.StatusSeeOther)
		}, "chemistry_rematch_mentor", "chemistry_rematch_mentee"},
		{"planned", func(t *testing.T, s *endingScene) {
			s.app.clock.Set(s.plannedClose.Add(time.Hour))
			if n, err := s.app.srv.Agreements.CloseDue(context.Background()); err != nil || n != 1 {
				t.Fatalf("closed %d pairs: %v", n, err)
			}
		}, "ending_planned", "ending_planned"},
		{"account deletion", func(t *testing.T, s *endingScene) {
			s.cMenteeBefore.post("/profile/delete", url.Values{"password": {"password-" + s.mentee.Email}}).mustStatus(t, http.StatusSeeOther)
			s.deleted = true
		}, "privacy_pair_ended", ""},
	}
	for _, path := range paths {
		t.Run(path.name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, db *store.DB) {
				s := newEndingScene(t, db)
				app := s.app
				ctx := context.Background()
				if !strings.Contains(s.homeBefore, `href="`+s.meetingPath(s.confirmed)+`"`) {
					t.Fatal("before the end, the pair's home does not show its next meeting")
				}
				path.end(t, s)
				if got := app.scalar(`SELECT status FROM pairs WHERE id = ?`, s.pair.ID); got != "ended" {
					t.Fatalf("pair %s", got)
				}

				// The database: both meetings ahead cancelled, marked as
				// called off by the ending, a step further in SEQUENCE,
				// late for nobody; the held one untouched.
				for _, c := range []struct {
					m   *meeting.Meeting
					seq int
				}{{s.confirmed, s.confirmedSeq + 1}, {s.proposed, s.proposedSeq + 1}} {
					m, err := meeting.Get(ctx, db, c.m.ID)
					if err != nil {
						t.Fatal(err)
					}
					if !m.Cancelled() || !m.EndedWithPair || m.LateCancel || m.CancelledBy != 0 || m.CancelReason != "" ||
						m.Sequence != c.seq || m.CancelledAt == nil {
						t.Fatalf("meeting %d after the end: %+v", m.ID, m)
					}
				}
				if held, _ := meeting.Get(ctx, db, s.held.ID); !held.Confirmed() || held.Sequence != s.held.Sequence || held.EndedWithPair {
					t.Fatalf("the meeting already held changed: %+v", held)
				}
				if n := app.count(`SELECT COUNT(*) FROM meeting_events WHERE pair_id = ? AND kind = 'cancelled' AND user_id IS NULL AND late = ?`, s.pair.ID, false); n != 2 {
					t.Fatalf("%d cancellations in the history, want 2", n)
				}
				if late, err := meeting.LateChanges(ctx, db, s.pair.ID); err != nil || len(late) != 0 {
					t.Fatalf("late changes %+v, %v", late, err)
				}
				// pair_facts follows, and agrees with the facts worked out
				// from scratch: only the held meeting is left.
				facts := app.scalar(`SELECT meetings FROM pair_facts WHERE pair_id = ?`, s.pair.ID)
				if want := fmt.Sprintf("c%d", s.held.StartsAt.Unix()); facts != want ||
					facts != app.scalar(`SELECT meetings FROM pair_meeting_facts WHERE pair_id = ?`, s.pair.ID) {
					t.Fatalf("pair_facts.meetings %q, want %q", facts, want)
				}

				// The calendar file over HTTP and the feed say cancelled,
				// with the higher SEQUENCE, so calendars drop the events.
				cMentor := app.login(s.mentor.Email)
				for _, c := range []struct {
					m   *meeting.Meeting
					seq int
				}{{s.confirmed, s.confirmedSeq + 1}, {s.proposed, s.proposedSeq + 1}} {
					res := cMentor.get(s.meetingPath(c.m) + "/ics")
					res.mustStatus(t, http.StatusOK)
					wantEvent(t, calendarEvent(t, []byte(res.Body), c.m.UID), "CANCELLED", c.seq)
				}
				feed := app.client().get("/calendar/" + s.feed + ".ics")
				feed.mustStatus(t, http.StatusOK)
				wantEvent(t, calendarEvent(t, []byte(feed.Body), s.confirmed.UID), "CANCELLED", s.confirmedSeq+1)
				wantEvent(t, calendarEvent(t, []byte(feed.Body), s.proposed.UID), "CANCELLED", s.proposedSeq+1)
				wantEvent(t, calendarEvent(t, []byte(feed.Body), s.held.UID), "CONFIRMED", s.held.Sequence)

				// Each side's ending email lists the meetings called off in
				// their own language and zone, with a cancelled calendar
				// file for each.
				for _, who := range []struct {
					u        *account.User
					lang, tz string
					kind     string
					gone     bool
				}{
					{s.mentor, s.mentorLang, s.mentorTZ, path.mentorKind, false},
					{s.mentee, s.menteeLang, s.menteeTZ, path.menteeKind, s.deleted},
				} {
					if who.gone {
						continue
					}
					sent := s.sentSince(who.u.Email)
					if len(sent) != 1 {
						t.Fatalf("%d emails to %s, want 1", len(sent), who.u.Email)
					}
					l := app.bundle.Locale(who.lang)
					subjectArgs := []any{"program", s.prog.Name, "by", "", "when", ""}
					if subject := l.T("email."+who.kind+".subject", subjectArgs...); !strings.HasPrefix(sent[0].Body, subject+"\n") {
						t.Fatalf("%s's email is not %s in %s:\n%s", who.u.Email, who.kind, who.lang, sent[0].Body)
					}
					list := "\n- " + l.When(s.confirmed.StartsAt, who.tz) +
						"\n- " + l.When(s.proposed.StartsAt, who.tz)
					if want := l.N("ending.called_off", 2, "list", list); !strings.Contains(sent[0].Body, want) {
						t.Fatalf("%s's email lacks %q:\n%s", who.u.Email, want, sent[0].Body)
					}
					if strings.Contains(sent[0].Body, "{meetings}") {
						t.Fatalf("placeholder left in:\n%s", sent[0].Body)
					}
					if len(sent[0].Files) != 2 {
						t.Fatalf("%d files attached, want 2", len(sent[0].Files))
					}
					for _, c := range []struct {
						m   *meeting.Meeting
						seq int
					}{{s.confirmed, s.confirmedSeq + 1}, {s.proposed, s.proposedSeq + 1}} {
						ev := calendarEvent(t, sent[0].Files[meeting.ICSName(c.m)], c.m.UID)
						wantEvent(t, ev, "CANCELLED", c.seq)
						if sum, _ := ev.Props.Text(ical.PropSummary); s.deleted && strings.Contains(sum, s.mentee.Name) {
							t.Fatalf("the deleted person is named in the calendar file: %q", sum)
						}
					}
				}

				// No reminder for the meetings called off.
				app.clock.Set(s.confirmed.StartsAt.Add(-12 * time.Hour))
				if n, err := jobs.Scan(ctx, db, app.clock.Now()); err != nil || n != 0 {
					t.Fatalf("queued %d reminders after the end: %v", n, err)
				}

				// The pair's home shows no next meeting and offers no
				// booking; the booking routes refuse.
				cMentor = app.login(s.mentor.Email)
				home := cMentor.get(s.pairPath())
				home.mustStatus(t, http.StatusOK)
				home.mustContain(t, app.tr(s.mentorLang, "meeting.pair_ended_none"))
				for _, bad := range []string{"/meetings/new", `href="` + s.meetingPath(s.confirmed) + `"`, `href="` + s.meetingPath(s.proposed) + `"`} {
					if strings.Contains(home.Body, bad) {
						t.Fatalf("the ended pair's home still holds %q", bad)
					}
				}
				for _, page := range []string{s.pairPath() + "/meetings", s.meetingPath(s.held)} {
					res := cMentor.get(page)
					res.mustStatus(t, http.StatusOK)
					if strings.Contains(res.Body, "/meetings/new") {
						t.Fatalf("%s offers booking for an ended pair", page)
					}
				}
				show := cMentor.get(s.meetingPath(s.confirmed))
				show.mustContain(t, app.tr(s.mentorLang, "meeting.ended_with_pair"))
				if strings.Contains(show.Body, app.tr(s.mentorLang, "meeting.late")+"<") {
					t.Fatal("the called-off meeting is shown as a late cancellation")
				}
				res := cMentor.get(s.pairPath() + "/meetings/new")
				res.mustStatus(t, http.StatusConflict)
				res.mustContain(t, app.tr(s.mentorLang, "meeting.error.pair_ended"))
				day := s.confirmed.StartsAt.Add(48 * time.Hour).In(mustZone(t, s.mentorTZ))
				cMentor.post(s.pairPath()+"/meetings", url.Values{"date": {day.Format("2006-01-02")}, "time": {"10:00"},
					"timezone": {s.mentorTZ}, "minutes": {"60"}, "place": {"Kafé"}}).mustStatus(t, http.StatusConflict)

				api := app.apiClient(s.mentor.Email)
				h := apiDecode[map[string]any](t, api.send("GET", "/api/v1/pairs/"+pid(s.pair.ID)+"/home", "", nil), http.StatusOK)
				if h["next_meeting"] != nil || len(h["upcoming"].([]any)) != 0 || h["no_meeting_booked"] != true {
					t.Fatalf("the API's pair home still has a next meeting: %v / %v", h["next_meeting"], h["upcoming"])
				}
				d := apiDecode[map[string]any](t, api.send("GET", "/api/v1/pairs/"+pid(s.pair.ID)+"/meetings/"+pid(s.confirmed.ID), "", nil), http.StatusOK)
				hist := d["history"].([]any)
				if d["ended_with_pair"] != true || d["late_cancel"] != false || hist[len(hist)-1].(map[string]any)["kind"] != "pair_ended" {
					t.Fatalf("the API's meeting: %v", d)
				}
			})
		})
	}
}
