package api

import (
	"context"
	"fmt"
	"html"
	"mentorskap/internal/account"
	"mentorskap/internal/agreement"
	"mentorskap/internal/meeting"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// Fixtures shared with the page tests in internal/web, where they were
// written first.

func pid(id int64) string { return strconv.FormatInt(id, 10) }

func TestProgramCreateAndEditPages(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	app.addUser("coord@example.org", "Cora Coordinator", account.RoleCoordinator, "en")
	app.addUser("member@example.org", "Mo Member", account.RoleMember, "en")
	c := app.login("coord@example.org")

	res := c.get("/programs/new")
	res.mustStatus(t, http.StatusOK)
	// The form starts from the seed defaults.
	res.mustContain(t, `name="min_meetings" type="number" value="4"`, `value="45"`, `value="120"`, `value="31"`,
		`value="2026-03-02"`, `value="2026-08-02"`, `name="eval_midpoint" type="checkbox" value="1" checked`)

	bad := []struct {
		name, field, value, message string
	}{
		{"end before start", "end", "2026-02-01", "The end date must come after the start date."},
		{"min above max", "meeting_min_minutes", "150", "The longest meeting cannot be shorter than the shortest."},
		{"oversized name", "name", strings.Repeat("x", 201), "Use at most 200 characters."},
		{"oversized purpose", "purpose", strings.Repeat("x", 5001), "Use at most 5,000 characters."},
		{"missing name", "name", "", "This field is required."},
		{"gap out of range", "max_gap_days", "400", "Enter a whole number from 1 to 365."},
		{"unknown language", "default_language", "fr", "Choose one of the options."},
	}
	for _, b := range bad {
		f := programForm("Spring cohort")
		f.Set(b.field, b.value)
		res := c.post("/programs", f)
		res.mustStatus(t, http.StatusUnprocessableEntity)
		res.mustContain(t, b.message, "Please correct the marked fields.")
	}
	if n := app.scalar(`SELECT COUNT(*) FROM programs`); n != "0" {
		t.Fatalf("%s programs saved from bad input", n)
	}

	res = c.post("/programs", programForm("Spring cohort"))
	res.mustStatus(t, http.StatusSeeOther)
	loc := res.Header.Get("Location")
	if !strings.HasPrefix(loc, "/programs/") {
		t.Fatalf("redirect to %q", loc)
	}
	id := strings.TrimPrefix(loc, "/programs/")
	res = c.get(loc)
	res.mustStatus(t, http.StatusOK)
	res.mustContain(t, "Spring cohort", "The program is created.", "Cora Coordinator", "Help new graduates into work",
		"/programs/"+id+"/invitations", "/programs/"+id+"/participants", "/programs/"+id+"/pairs", "45–120 minutes")
	if app.scalar(`SELECT COUNT(*) FROM program_coordinators WHERE program_id = ?`, id) != "1" {
		t.Fatal("the creator is not a coordinator")
	}

	// Editing: a bad edit shows the message, keeps the typed values and saves nothing.
	before := app.scalar(`SELECT name || start_date || end_date || meeting_min_minutes || meeting_max_minutes FROM programs WHERE id = ?`, id)
	f := programForm("Renamed cohort")
	f.Set("meeting_min_minutes", "130")
	res = c.post("/programs/"+id+"/edit", f)
	res.mustStatus(t, http.StatusUnprocessableEntity)
	res.mustContain(t, "The longest meeting cannot be shorter than the shortest.", `value="Renamed cohort"`, `value="130"`)
	f = programForm("Renamed cohort")
	f.Set("start", "2026-09-01")
	c.post("/programs/"+id+"/edit", f).mustStatus(t, http.StatusUnprocessableEntity)
	if after := app.scalar(`SELECT name || start_date || end_date || meeting_min_minutes || meeting_max_minutes FROM programs WHERE id = ?`, id); after != before {
		t.Fatalf("bad edits changed the program: %s → %s", before, after)
	}

	f = programForm("Renamed cohort")
	f.Del("messages_allowed")
	f.Set("meeting_max_minutes", "90")
	res = c.post("/programs/"+id+"/edit", f)
	res.mustStatus(t, http.StatusSeeOther)
	if got := app.scalar(`SELECT name || '/' || meeting_max_minutes FROM programs WHERE id = ?`, id); got != "Renamed cohort/90" {
		t.Fatalf("after edit: %s", got)
	}
	res = c.get("/programs/" + id + "/edit")
	res.mustStatus(t, http.StatusOK)
	res.mustContain(t, `value="Renamed cohort"`, `value="90"`)
	if strings.Contains(res.Body, `name="messages_allowed" type="checkbox" value="1" checked`) {
		t.Fatal("unchecked setting shown as checked")
	}

	// A plain member may not start programs.
	m := app.login("member@example.org")
	m.get("/programs/new").mustStatus(t, http.StatusForbidden)
	m.post("/programs", programForm("Sneaky")).mustStatus(t, http.StatusForbidden)
	if app.scalar(`SELECT COUNT(*) FROM programs`) != "1" {
		t.Fatal("a member created a program")
	}
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

func notesSetup(t *testing.T, app *testApp) *notesFixture {
	t.Helper()
	f := &notesFixture{}
	f.admin = app.addUser("admin@example.org", "Ada Admin", account.RoleAdmin, "en")
	f.coord = app.addUser("coord@example.org", "Cora Coordinator", account.RoleCoordinator, "en")
	f.foreign = app.addUser("foreign@example.org", "Finn Foreign", account.RoleCoordinator, "en")
	f.mentor = app.addUser("mentor@example.org", "Marit Mentor", account.RoleMember, "nb")
	f.mentee = app.addUser("mentee@example.org", "Ola Mentee", account.RoleMember, "en")
	f.other = app.addUser("other@example.org", "Oscar Other", account.RoleMember, "en")
	f.prog, f.pair = app.pairedProgram("Into work", f.coord, f.mentor, f.mentee, f.other, "Elsewhere", f.foreign)
	now := app.clock.Now()
	f.m1 = notesMeeting(t, app.db, f.pair.ID, now.AddDate(0, 0, 1))
	f.m2 = notesMeeting(t, app.db, f.pair.ID, now.AddDate(0, 0, 8))
	f.m3 = notesMeeting(t, app.db, f.pair.ID, now.AddDate(0, 0, 15))
	// Pairing queued emails; tests look only at their own.
	if _, err := app.db.Exec(context.Background(), `DELETE FROM outbox`); err != nil {
		t.Fatal(err)
	}
	f.mentorC, f.menteeC, f.otherC = app.login(f.mentor.Email), app.login(f.mentee.Email), app.login(f.other.Email)
	f.coordC, f.foreignC, f.adminC = app.login(f.coord.Email), app.login(f.foreign.Email), app.login(f.admin.Email)
	return f
}

func (a *testApp) enrolT(lang, key string, args ...any) string {
	return html.EscapeString(a.bundle.Locale(lang).T(key, args...))
}

// enrol makes u a participant directly, as the enrolment flow would.
func (a *testApp) enrol(programID int64, u *account.User, role, status string) {
	a.t.Helper()
	now := a.clock.Now()
	_, err := a.db.Exec(context.Background(), `INSERT INTO participants (program_id, user_id, role, status,
		organisation, field, capacity, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?)`,
		programID, u.ID, role, status, "Org of "+u.Name, "Field of "+u.Name, now, now)
	if err != nil {
		a.t.Fatal(err)
	}
}

// notesLacks fails if the answer holds any of the strings.
func notesLacks(t *testing.T, r *response, bad ...string) {
	t.Helper()
	for _, b := range bad {
		if strings.Contains(r.Body, b) {
			t.Fatalf("response (status %d) holds %q:\n%s", r.StatusCode, b, r.Body)
		}
	}
}

func meetingCount(t *testing.T, app *testApp) int {
	t.Helper()
	return apiCountRows(t, app.db, "meetings")
}

// newProgramAs creates a program through the domain for coord.
func (a *testApp) newProgramAs(coord *account.User, name string) *program.Program {
	a.t.Helper()
	in := program.SettingsOf(program.Defaults(a.clock.Now(), "en"))
	in.Name = name
	p, err := a.srv.Programs.Create(context.Background(), coord, in)
	if err != nil {
		a.t.Fatal(err)
	}
	return p
}

// invitationPath finds the link in the latest email to an address, and the
// email's language.
func (a *testApp) invitationPath(to string) (path, lang string) {
	a.t.Helper()
	var body string
	err := a.db.QueryRow(context.Background(), `SELECT body, language FROM outbox WHERE to_email = ? ORDER BY id DESC LIMIT 1`, to).Scan(&body, &lang)
	if err != nil {
		a.t.Fatalf("no email to %s: %v", to, err)
	}
	m := inviteLinkRe.FindStringSubmatch(body)
	if m == nil {
		a.t.Fatalf("no link in %q", body)
	}
	return m[1], lang
}

func (a *testApp) count(query string, args ...any) int {
	a.t.Helper()
	var n int
	if err := a.db.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		a.t.Fatal(err)
	}
	return n
}

// notesFixture is one program with a pair and everyone the role matrix
// needs, and three meetings of the pair a week apart.
type notesFixture struct {
	prog                                               *program.Program
	pair                                               *program.Pair
	mentor, mentee, other, coord, foreign, admin       *account.User
	m1, m2, m3                                         int64
	mentorC, menteeC, otherC, coordC, foreignC, adminC *client
}

// notesShareMeetings signs an agreement in which the pair shares its
// meetings with the coordinator.
func notesShareMeetings(t *testing.T, app *testApp, f *notesFixture) {
	t.Helper()
	ctx := context.Background()
	c := agreement.Content{StartDate: "2026-03-02", EndDate: "2026-08-02", MeetingCount: 4, TypicalMinutes: 60,
		MaxMinutes: 90, CoordinatorSees: agreement.ShareMeetings}
	v, err := app.srv.Agreements.SaveDraft(ctx, f.mentee, f.pair.ID, 0, c, app.bundle.Locale("en"))
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []*account.User{f.mentee, f.mentor} {
		if _, err := app.srv.Agreements.Sign(ctx, u, f.pair.ID, v.Number, "password-"+u.Email, u.Name); err != nil {
			t.Fatal(err)
		}
	}
	if terms, _ := agreement.TermsFor(ctx, app.db, f.pair.ID); terms.CoordinatorSees != agreement.ShareMeetings {
		t.Fatalf("agreement does not share meetings: %+v", terms)
	}
}

func notesMails(t *testing.T, app *testApp) [][3]string {
	t.Helper()
	rows, err := app.db.Query(context.Background(), `SELECT to_email, subject, body FROM outbox ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out [][3]string
	for rows.Next() {
		var m [3]string
		if err := rows.Scan(&m[0], &m[1], &m[2]); err != nil {
			t.Fatal(err)
		}
		out = append(out, m)
	}
	return out
}

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

func (a *testApp) scalar(query string, args ...any) string {
	a.t.Helper()
	var s string
	if err := a.db.QueryRow(context.Background(), query, args...).Scan(&s); err != nil {
		a.t.Fatal(err)
	}
	return s
}

// programForm is a valid settings form; tests change single fields.
func programForm(name string) url.Values {
	return url.Values{
		"name": {name}, "purpose": {"Help new graduates into work"}, "goals": {"Confidence\nNetwork"},
		"focus_areas": {"Career"}, "start": {"2026-03-02"}, "end": {"2026-08-02"},
		"min_meetings": {"4"}, "max_gap_days": {"31"}, "meeting_min_minutes": {"45"}, "meeting_max_minutes": {"120"},
		"messages_allowed": {"1"}, "eval_followup": {"1"}, "eval_midpoint": {"1"}, "eval_final": {"1"},
		"default_language": {"en"}, "join_role": {"choose"},
	}
}

// notesMeeting adds a confirmed meeting directly, as the planning pages
// would after both sides agreed.
func notesMeeting(t *testing.T, db *store.DB, pairID int64, at time.Time) int64 {
	t.Helper()
	uid := fmt.Sprintf("notes-%d@test", notesUID.Add(1))
	var id int64
	err := db.Tx(context.Background(), func(tx *store.Tx) error {
		return tx.QueryRow(context.Background(), `INSERT INTO meetings (pair_id, uid, status, starts_at, timezone, minutes,
			created_at, updated_at) VALUES (?, ?, 'confirmed', ?, 'Europe/Oslo', 60, ?, ?) RETURNING id`,
			pairID, uid, at.UTC(), at.UTC(), at.UTC()).Scan(&id)
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func (a *testApp) role(id int64) string {
	a.t.Helper()
	var role string
	if err := a.db.QueryRow(context.Background(), `SELECT role FROM users WHERE id = ?`, id).Scan(&role); err != nil {
		a.t.Fatal(err)
	}
	return role
}

// notesUID makes uids unique across tests that run side by side.
var notesUID atomic.Int64

var inviteLinkRe = regexp.MustCompile(`http://mentorskap\.test(/invite/[A-Za-z0-9_-]+)`)

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

func newAnnounceScene(t *testing.T, db *store.DB) announceScene {
	app := newTestAppDB(t, db)
	s := announceScene{scene: newScene(t, app, "Spring cohort", "nb"), app: app}
	s.pending = app.addUser("pending@example.org", "Pia Pending", account.RoleMember, "en")
	app.enrol(s.prog.ID, s.pending, "mentor", program.StatusPending)
	s.alien = app.addUser("alienp@example.org", "Ali Elsewhere", account.RoleMember, "en")
	var other int64
	if err := db.QueryRow(context.Background(), `SELECT id FROM programs WHERE name = 'Other cohort'`).Scan(&other); err != nil {
		t.Fatal(err)
	}
	app.enrol(other, s.alien, "mentor", program.StatusApproved)
	s.base = "/programs/" + pid(s.prog.ID)
	return s
}

// announceScene is a program with one pair (mentor writes Norwegian,
// mentee English), an unpaired mentee, a mentor still waiting for
// approval, and another program with a participant of its own.
type announceScene struct {
	scene
	app     *testApp
	pending *account.User
	alien   *account.User // a participant of the other program
	base    string
}

func (s announceScene) emails(to string) (int, string) {
	s.app.t.Helper()
	var n int
	var lang string
	err := s.app.db.QueryRow(context.Background(), `SELECT COUNT(*), COALESCE(MAX(language), '') FROM outbox
		WHERE kind = 'announcement' AND to_email = ?`, to).Scan(&n, &lang)
	if err != nil {
		s.app.t.Fatal(err)
	}
	return n, lang
}

var pdfBytes = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
