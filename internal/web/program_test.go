package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"mentorskap/internal/account"
	"mentorskap/internal/program"
)

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

func (a *testApp) scalar(query string, args ...any) string {
	a.t.Helper()
	var s string
	if err := a.db.QueryRow(context.Background(), query, args...).Scan(&s); err != nil {
		a.t.Fatal(err)
	}
	return s
}

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

// TestProgramRoleMatrix checks every role against every coordinator action,
// each on a program of its own so that one allowed action cannot hide
// another's outcome.
func TestProgramRoleMatrix(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	admin := app.addUser("admin@example.org", "Ada Admin", account.RoleAdmin, "en")
	coordA := app.addUser("a@example.org", "Alma Coordinator", account.RoleCoordinator, "en")
	coordB := app.addUser("b@example.org", "Bert Coordinator", account.RoleCoordinator, "en")
	mentor := app.addUser("mentor@example.org", "Mia Mentor", account.RoleMember, "nb")
	mentee := app.addUser("mentee@example.org", "Max Mentee", account.RoleMember, "sv")
	app.newProgramAs(coordB, "Program B")

	actors := []struct {
		name string
		c    *client
		// want is the status per action: view settings, edit, list, approve, pair
		want [5]int
	}{
		{"admin", app.login(admin.Email), [5]int{200, 303, 200, 303, 303}},
		{"coordinator of program", app.login(coordA.Email), [5]int{200, 303, 200, 303, 303}},
		{"coordinator of other program", app.login(coordB.Email), [5]int{404, 404, 404, 404, 404}},
		{"mentor", app.login(mentor.Email), [5]int{403, 403, 403, 403, 403}},
		{"mentee", app.login(mentee.Email), [5]int{403, 403, 403, 403, 403}},
		{"anonymous", app.client(), [5]int{303, 401, 303, 401, 401}},
	}
	for i, a := range actors {
		t.Run(a.name, func(t *testing.T) {
			p := app.newProgramAs(coordA, fmt.Sprintf("Program A%d", i))
			id := pid(p.ID)
			app.enrol(p.ID, mentor, "mentor", program.StatusApproved)
			app.enrol(p.ID, mentee, "mentee", program.StatusApproved)
			applicant := app.addUser(fmt.Sprintf("applicant%d@example.org", i), "Applicant", account.RoleMember, "id")
			app.enrol(p.ID, applicant, "mentee", program.StatusPending)

			got := [5]int{
				a.c.get("/programs/" + id + "/edit").StatusCode,
				a.c.post("/programs/"+id+"/edit", programForm("Changed")).StatusCode,
				a.c.get("/programs/" + id + "/participants").StatusCode,
				a.c.post("/programs/"+id+"/participants/"+pid(applicant.ID)+"/approve", nil).StatusCode,
				a.c.post("/programs/"+id+"/pairs", url.Values{"mentor": {pid(mentor.ID)}, "mentee": {pid(mentee.ID)}}).StatusCode,
			}
			if got != a.want {
				t.Fatalf("statuses %v, want %v (view, edit, list, approve, pair)", got, a.want)
			}
			allowed := a.want[1] == 303
			name := app.scalar(`SELECT name FROM programs WHERE id = ?`, p.ID)
			status := app.scalar(`SELECT status FROM participants WHERE program_id = ? AND user_id = ?`, p.ID, applicant.ID)
			pairs := app.scalar(`SELECT COUNT(*) FROM pairs WHERE program_id = ?`, p.ID)
			if allowed != (name == "Changed") || allowed != (status == "approved") || allowed != (pairs == "1") {
				t.Fatalf("state after actions: name %q, status %q, pairs %s (allowed %v)", name, status, pairs, allowed)
			}
		})
	}
}

func TestProgramOverviewViews(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	coord := app.addUser("coord@example.org", "Cora Coordinator", account.RoleCoordinator, "en")
	coordB := app.addUser("b@example.org", "Bert Coordinator", account.RoleCoordinator, "en")
	mentor := app.addUser("mentor@example.org", "Mia Mentor", account.RoleMember, "en")
	mentee := app.addUser("mentee@example.org", "Max Mentee", account.RoleMember, "en")
	other := app.addUser("other@example.org", "Olga Other", account.RoleMember, "en")
	stranger := app.addUser("stranger@example.org", "Sam Stranger", account.RoleMember, "en")
	p := app.newProgramAs(coord, "Autumn cohort")
	id := pid(p.ID)
	app.enrol(p.ID, mentor, "mentor", program.StatusApproved)
	app.enrol(p.ID, mentee, "mentee", program.StatusApproved)
	app.enrol(p.ID, other, "mentee", program.StatusPending)
	if _, err := app.srv.Programs.CreatePair(context.Background(), coord, p.ID, []int64{mentor.ID}, []int64{mentee.ID}); err != nil {
		t.Fatal(err)
	}

	res := app.login(mentee.Email).get("/programs/" + id)
	res.mustStatus(t, http.StatusOK)
	res.mustContain(t, "Autumn cohort", "Approved", "With Mia Mentor")
	for _, secret := range []string{"Olga Other", "other@example.org", "/participants", "/edit", "Cora Coordinator"} {
		if strings.Contains(res.Body, secret) {
			t.Fatalf("participant view shows %q", secret)
		}
	}
	res = app.login(other.Email).get("/programs/" + id)
	res.mustStatus(t, http.StatusOK)
	res.mustContain(t, "waiting for the coordinator")
	if strings.Contains(res.Body, "Max Mentee") || strings.Contains(res.Body, "Mia Mentor") {
		t.Fatal("a pending applicant sees other participants")
	}
	app.login(stranger.Email).get("/programs/"+id).mustStatus(t, http.StatusNotFound)
	app.login(coordB.Email).get("/programs/"+id).mustStatus(t, http.StatusNotFound)
	app.login(coord.Email).get("/programs/9999").mustStatus(t, http.StatusNotFound)
	app.login(coord.Email).get("/programs/abc").mustStatus(t, http.StatusNotFound)
}

func TestAddCoordinatorPage(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	coord := app.addUser("coord@example.org", "Cora Coordinator", account.RoleCoordinator, "en")
	app.addUser("helper@example.org", "Hal Helper", account.RoleMember, "en")
	outsider := app.addUser("out@example.org", "Otto Outsider", account.RoleCoordinator, "en")
	p := app.newProgramAs(coord, "Shared cohort")
	id := pid(p.ID)
	c := app.login(coord.Email)

	res := c.post("/programs/"+id+"/coordinators", url.Values{"email": {"ghost@example.org"}})
	res.mustStatus(t, http.StatusUnprocessableEntity)
	res.mustContain(t, "No account uses this email address.")
	app.login(outsider.Email).post("/programs/"+id+"/coordinators", url.Values{"email": {"out@example.org"}}).
		mustStatus(t, http.StatusNotFound)
	if n := app.scalar(`SELECT COUNT(*) FROM program_coordinators WHERE program_id = ?`, p.ID); n != "1" {
		t.Fatalf("%s coordinators after refusals", n)
	}
	c.post("/programs/"+id+"/coordinators", url.Values{"email": {"Helper@Example.org"}}).mustStatus(t, http.StatusSeeOther)
	h := app.login("helper@example.org")
	h.get("/programs/"+id+"/participants").mustStatus(t, http.StatusOK)
	h.get("/").mustContain(t, "Shared cohort", "Programs you coordinate")
}

func TestParticipantsPage(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	coord := app.addUser("coord@example.org", "Cora Coordinator", account.RoleCoordinator, "en")
	ana := app.addUser("ana@example.org", "Ana Lestari", account.RoleMember, "id")
	bjorn := app.addUser("bjorn@example.org", "Bjørn Dahl", account.RoleMember, "nb")
	cecilia := app.addUser("cecilia@example.org", "Cecilia Berg", account.RoleMember, "sv")
	p := app.newProgramAs(coord, "Cohort")
	id := pid(p.ID)
	app.enrol(p.ID, ana, "mentor", program.StatusPending)
	app.enrol(p.ID, bjorn, "mentee", program.StatusPending)
	app.enrol(p.ID, cecilia, "mentee", program.StatusApproved)
	c := app.login(coord.Email)

	res := c.get("/programs/" + id + "/participants")
	res.mustStatus(t, http.StatusOK)
	res.mustContain(t, "Ana Lestari", "Bjørn Dahl", "Cecilia Berg", "2 applications waiting", "1 approved", "0 declined")

	res = c.get("/programs/" + id + "/participants?role=mentee&status=pending")
	res.mustContain(t, "Bjørn Dahl")
	if strings.Contains(res.Body, "Ana Lestari") || strings.Contains(res.Body, "Cecilia Berg") {
		t.Fatal("filter let others through")
	}
	res = c.get("/programs/" + id + "/participants?q=" + url.QueryEscape("org of cecilia"))
	res.mustContain(t, "Cecilia Berg")
	if strings.Contains(res.Body, "Ana Lestari") {
		t.Fatal("search by organisation matched the wrong person")
	}
	c.get("/programs/"+id+"/participants?q=nobody-like-this").mustContain(t, "Nobody matches this search.")

	res = c.post("/programs/"+id+"/participants/"+pid(ana.ID)+"/approve", nil)
	res.mustStatus(t, http.StatusSeeOther)
	c.get(res.Header.Get("Location")).mustContain(t, "The participant is approved")
	c.post("/programs/"+id+"/participants/"+pid(bjorn.ID)+"/decline", nil).mustStatus(t, http.StatusSeeOther)
	if s := app.scalar(`SELECT status FROM participants WHERE user_id = ?`, ana.ID); s != "approved" {
		t.Fatalf("ana is %s", s)
	}
	if s := app.scalar(`SELECT status FROM participants WHERE user_id = ?`, bjorn.ID); s != "declined" {
		t.Fatalf("bjørn is %s", s)
	}
	// Each hears in their own language.
	if s := app.scalar(`SELECT subject FROM outbox WHERE to_email = ?`, ana.Email); s != "Anda disetujui untuk Cohort" {
		t.Fatalf("ana's subject %q", s)
	}
	if s := app.scalar(`SELECT subject FROM outbox WHERE to_email = ?`, bjorn.Email); s != "Om søknaden din til Cohort" {
		t.Fatalf("bjørn's subject %q", s)
	}
	// A person who is not in this program is not found.
	c.post("/programs/"+id+"/participants/"+pid(coord.ID)+"/approve", nil).mustStatus(t, http.StatusNotFound)
}

func TestPairPages(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	coord := app.addUser("coord@example.org", "Cora Coordinator", account.RoleCoordinator, "en")
	mia := app.addUser("mia@example.org", "Mia Mentor", account.RoleMember, "nb")
	mats := app.addUser("mats@example.org", "Mats Mentor", account.RoleMember, "sv")
	max := app.addUser("max@example.org", "Max Mentee", account.RoleMember, "en")
	mona := app.addUser("mona@example.org", "Mona Mentee", account.RoleMember, "id")
	pia := app.addUser("pia@example.org", "Pia Pending", account.RoleMember, "en")
	p := app.newProgramAs(coord, "Cohort")
	q := app.newProgramAs(coord, "Other cohort")
	id := pid(p.ID)
	app.enrol(p.ID, mia, "mentor", program.StatusApproved)
	app.enrol(p.ID, mats, "mentor", program.StatusApproved)
	app.enrol(p.ID, max, "mentee", program.StatusApproved)
	app.enrol(p.ID, mona, "mentee", program.StatusApproved)
	app.enrol(p.ID, pia, "mentee", program.StatusPending)
	c := app.login(coord.Email)

	res := c.get("/programs/" + id + "/pairs")
	res.mustStatus(t, http.StatusOK)
	res.mustContain(t, "No pairs yet.", "Mia Mentor", "Max Mentee", "0 of 1 places taken")
	if strings.Contains(res.Body, "Pia Pending") {
		t.Fatal("an unapproved person is offered for pairing")
	}

	refused := []struct {
		form    url.Values
		message string
	}{
		{url.Values{"mentor": {pid(mia.ID)}}, "Choose at least one mentee."},
		{url.Values{"mentor": {pid(mia.ID)}, "mentee": {pid(pia.ID)}}, "Pia Pending is not approved for the program yet."},
		{url.Values{"mentor": {pid(mia.ID)}, "mentee": {pid(mia.ID)}}, "The same person cannot be on both sides of a pair."},
		{url.Values{"mentor": {pid(mia.ID)}, "mentee": {"x"}}, "Choose at least one mentee."},
	}
	for _, r := range refused {
		res := c.post("/programs/"+id+"/pairs", r.form)
		res.mustStatus(t, http.StatusUnprocessableEntity)
		res.mustContain(t, r.message)
	}
	// People of program q cannot be paired from p, and p's people not from q.
	c.post("/programs/"+pid(q.ID)+"/pairs", url.Values{"mentor": {pid(mia.ID)}, "mentee": {pid(max.ID)}}).
		mustStatus(t, http.StatusUnprocessableEntity)
	if n := app.scalar(`SELECT COUNT(*) FROM pairs`); n != "0" {
		t.Fatalf("%s pairs after refusals", n)
	}

	res = c.post("/programs/"+id+"/pairs", url.Values{"mentor": {pid(mia.ID)}, "mentee": {pid(max.ID)}})
	res.mustStatus(t, http.StatusSeeOther)
	res = c.post("/programs/"+id+"/pairs", url.Values{"mentor": {pid(mia.ID)}, "mentee": {pid(mona.ID)}})
	res.mustStatus(t, http.StatusUnprocessableEntity)
	res.mustContain(t, "Mia Mentor already has as many mentees as they can take.")
	res = c.post("/programs/"+id+"/pairs", url.Values{"mentor": {pid(mats.ID)}, "mentee": {pid(max.ID)}})
	res.mustStatus(t, http.StatusUnprocessableEntity)
	res.mustContain(t, "Max Mentee is already in an active pair.")
	// Several people on the mentee side is allowed.
	app.db.Exec(context.Background(), `UPDATE participants SET capacity = 3 WHERE user_id = ?`, mats.ID)
	extra := app.addUser("molly@example.org", "Molly Mentee", account.RoleMember, "en")
	app.enrol(p.ID, extra, "mentee", program.StatusApproved)
	c.post("/programs/"+id+"/pairs", url.Values{"mentor": {pid(mats.ID)}, "mentee": {pid(mona.ID), pid(extra.ID)}}).
		mustStatus(t, http.StatusSeeOther)

	res = c.get("/programs/" + id + "/pairs")
	res.mustContain(t, "Molly Mentee, Mona Mentee", "Active")
	if s := app.scalar(`SELECT subject FROM outbox WHERE to_email = ?`, mia.Email); !strings.Contains(s, "adept") {
		t.Fatalf("mentor email subject %q is not in Norwegian", s)
	}
	if s := app.scalar(`SELECT body FROM outbox WHERE to_email = ?`, max.Email); !strings.Contains(s, "Mia Mentor") {
		t.Fatalf("mentee email does not name the mentor: %q", s)
	}

	pairID := app.scalar(`SELECT pair_id FROM pair_members WHERE user_id = ?`, mia.ID)
	app.login(max.Email).post("/programs/"+id+"/pairs/"+pairID+"/end", nil).mustStatus(t, http.StatusForbidden)
	c.post("/programs/"+pid(q.ID)+"/pairs/"+pairID+"/end", nil).mustStatus(t, http.StatusNotFound)
	if s := app.scalar(`SELECT status FROM pairs WHERE id = ?`, pairID); s != "active" {
		t.Fatal("pair ended by a refused request")
	}
	c.post("/programs/"+id+"/pairs/"+pairID+"/end", nil).mustStatus(t, http.StatusSeeOther)
	if s := app.scalar(`SELECT status FROM pairs WHERE id = ?`, pairID); s != "ended" {
		t.Fatalf("pair is %s", s)
	}
	c.get("/programs/"+id+"/pairs").mustContain(t, "Ended")
}

func TestHomePage(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	coord := app.addUser("coord@example.org", "Cora Coordinator", account.RoleCoordinator, "en")
	mentor := app.addUser("mentor@example.org", "Mia Mentor", account.RoleMember, "en")
	mentee := app.addUser("mentee@example.org", "Max Mentee", account.RoleMember, "en")
	app.addUser("new@example.org", "Nina New", account.RoleMember, "en")
	app.addUser("newcoord@example.org", "Nils New", account.RoleCoordinator, "en")

	app.login("new@example.org").get("/").mustContain(t, "You are not part of a program yet.")
	res := app.login("newcoord@example.org").get("/")
	res.mustContain(t, "Start your first mentoring program.", `href="/programs/new"`)

	p := app.newProgramAs(coord, "Cohort")
	app.enrol(p.ID, mentor, "mentor", program.StatusApproved)
	app.enrol(p.ID, mentee, "mentee", program.StatusApproved)
	pending := app.addUser("pending@example.org", "Pat Pending", account.RoleMember, "en")
	app.enrol(p.ID, pending, "mentee", program.StatusPending)
	if _, err := app.srv.Programs.CreatePair(context.Background(), coord, p.ID, []int64{mentor.ID}, []int64{mentee.ID}); err != nil {
		t.Fatal(err)
	}

	res = app.login(coord.Email).get("/")
	res.mustStatus(t, http.StatusOK)
	res.mustContain(t, "Programs you coordinate", "Cohort", "1 application waiting", "2 approved participants", "1 active pair", `href="/programs/new"`)

	res = app.login(mentee.Email).get("/")
	res.mustContain(t, "Programs you take part in", "Cohort", "Mentee", "Approved", "Your mentoring pairs", "With Mia Mentor")
	if strings.Contains(res.Body, `href="/programs/new"`) {
		t.Fatal("a member is offered to create programs")
	}
	app.login(mentor.Email).get("/").mustContain(t, "With Max Mentee")

	res = app.login(mentee.Email).get("/programs")
	res.mustStatus(t, http.StatusOK)
	res.mustContain(t, "Cohort")
	app.client().get("/programs").mustStatus(t, http.StatusSeeOther)
}
