package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"mentorskap/internal/account"
	"mentorskap/internal/httpx"
	"mentorskap/internal/matching"
	"mentorskap/internal/program"
)

// smScene is a program with self-match on: a mentor with two places, an
// approved mentee, another approved mentee, a pending mentee, the
// program's coordinator, a coordinator of another program and an
// administrator.
type smScene struct {
	prog                                    *program.Program
	coord, alien, admin                     *account.User
	mentor, mentee, other, pending, mentor2 *account.User
}

// smEnrol makes u an approved (or pending) participant with a profile the
// scorer can read.
func (a *testApp) smEnrol(programID int64, u *account.User, role, status, skills string, capacity int) {
	a.t.Helper()
	now := a.clock.Now()
	_, err := a.db.Exec(context.Background(), `INSERT INTO participants (program_id, user_id, role, status, languages,
		field, skills, needs, organisation, capacity, created_at, updated_at)
		VALUES (?, ?, ?, ?, 'en,nb', 'Engineering', ?, ?, ?, ?, ?, ?)`,
		programID, u.ID, role, status, skills, "Public speaking\nNetworking", "Org of "+u.Name, capacity, now, now)
	if err != nil {
		a.t.Fatal(err)
	}
}

func newSMScene(t *testing.T, app *testApp) smScene {
	t.Helper()
	var s smScene
	s.coord = app.addUser("coord@example.org", "Cora Coordinator", account.RoleCoordinator, "en")
	s.alien = app.addUser("alien@example.org", "Al Alien", account.RoleCoordinator, "en")
	s.admin = app.addUser("admin@example.org", "Ada Admin", account.RoleAdmin, "en")
	s.mentor = app.addUser("mentor@example.org", "Max Mentor", account.RoleMember, "en")
	s.mentor2 = app.addUser("mentor2@example.org", "Nina Second", account.RoleMember, "nb")
	s.mentee = app.addUser("mentee@example.org", "Mia Mentee", account.RoleMember, "en")
	s.other = app.addUser("other@example.org", "Ola Other", account.RoleMember, "en")
	s.pending = app.addUser("pending@example.org", "Pia Pending", account.RoleMember, "en")
	s.prog = app.newProgramAs(s.coord, "Spring cohort")
	app.newProgramAs(s.alien, "Other cohort")
	app.smEnrol(s.prog.ID, s.mentor, "mentor", "approved", "Public speaking\nNetworking", 2)
	app.smEnrol(s.prog.ID, s.mentor2, "mentor", "approved", "Accounting", 1)
	app.smEnrol(s.prog.ID, s.mentee, "mentee", "approved", "", 1)
	app.smEnrol(s.prog.ID, s.other, "mentee", "approved", "", 1)
	app.smEnrol(s.prog.ID, s.pending, "mentee", "pending", "", 1)
	set := matching.DefaultSettings()
	set.SelfMatch, set.RequestDays = true, 5
	if err := app.srv.Matching.SaveSettings(context.Background(), s.coord, s.prog.ID, set); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSelfMatchPages(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	s := newSMScene(t, app)
	base := programPath(s.prog.ID)
	mentee := app.login(s.mentee.Email)

	// The overview leads the mentee to their suggestions.
	res := mentee.get(base)
	res.mustStatus(t, http.StatusOK)
	res.mustContain(t, base+"/suggestions", "Choose your mentor")

	res = mentee.get(base + "/suggestions")
	res.mustStatus(t, http.StatusOK)
	res.mustContain(t, "Max Mentor", "Nina Second", "Why this suggestion", "Suggestion 1 ·", "they have 5 days to answer",
		"Ask Max Mentor", `name="mentor" value="`+pid(s.mentor.ID)+`"`)
	if i, j := strings.Index(res.Body, "Max Mentor"), strings.Index(res.Body, "Nina Second"); i > j {
		t.Fatal("the better match is not listed first")
	}

	// A note too long is refused, kept, and nothing is sent.
	long := strings.Repeat("n", matching.MaxNoteLen+1)
	res = mentee.post(base+"/suggestions", url.Values{"mentor": {pid(s.mentor.ID)}, "note": {long}})
	res.mustStatus(t, http.StatusUnprocessableEntity)
	res.mustContain(t, "Use at most 500 characters.", long)
	if n := app.scalar(`SELECT COUNT(*) FROM match_requests`); n != "0" {
		t.Fatal("a refused request was saved")
	}
	// Asking a mentee is refused with a message.
	res = mentee.post(base+"/suggestions", url.Values{"mentor": {pid(s.other.ID)}})
	res.mustStatus(t, http.StatusConflict)
	res.mustContain(t, "no longer among your suggestions")

	res = mentee.post(base+"/suggestions", url.Values{"mentor": {pid(s.mentor.ID)}, "note": {"I want to get better at speaking up."}})
	res.mustStatus(t, http.StatusSeeOther)
	res = mentee.get(res.Header.Get("Location"))
	res.mustContain(t, "Your request has been sent.", "You have asked Max Mentor", "Withdraw request", "Waiting")
	if strings.Contains(res.Body, "Ask Nina Second") {
		t.Fatal("a second request is offered while one is open")
	}
	rid := app.scalar(`SELECT id FROM match_requests`)

	// The mentor sees it from the program page and accepts.
	mentor := app.login(s.mentor.Email)
	res = mentor.get(base)
	res.mustContain(t, base+"/requests", "1 waiting for your answer")
	res = mentor.get(base + "/requests")
	res.mustStatus(t, http.StatusOK)
	res.mustContain(t, "Mia Mentee", "I want to get better at speaking up.", "Public speaking", "0 of 2 places taken",
		"Accept Mia Mentee", "Decline Mia Mentee")
	res = mentor.post(base+"/requests/"+rid+"/accept", nil)
	res.mustStatus(t, http.StatusSeeOther)
	mentor.get(res.Header.Get("Location")).mustContain(t, "You are now a pair.", "Accepted", "1 of 2 places taken")
	if n := app.scalar(`SELECT COUNT(*) FROM pairs WHERE status = 'active'`); n != "1" {
		t.Fatalf("%s active pairs", n)
	}
	if n := app.scalar(`SELECT COUNT(*) FROM outbox WHERE to_email = ? AND subject LIKE 'Max Mentor is your mentor%'`, s.mentee.Email); n != "1" {
		t.Fatal("mentee not told")
	}
	res = mentee.get(base + "/suggestions")
	res.mustContain(t, "You already have a mentor in this program.", "Accepted")

	// The other mentee asks, the mentor declines, the next request expires.
	other := app.login(s.other.Email)
	other.post(base+"/suggestions", url.Values{"mentor": {pid(s.mentor.ID)}}).mustStatus(t, http.StatusSeeOther)
	rid = app.scalar(`SELECT id FROM match_requests WHERE mentee_id = ?`, s.other.ID)
	mentor.post(base+"/requests/"+rid+"/decline", nil).mustStatus(t, http.StatusSeeOther)
	res = other.get(base + "/suggestions")
	res.mustContain(t, "Declined", "Ask Nina Second")
	if strings.Contains(res.Body, "Ask Max Mentor") {
		t.Fatal("a mentor who declined is suggested again")
	}
	other.post(base+"/suggestions", url.Values{"mentor": {pid(s.mentor2.ID)}}).mustStatus(t, http.StatusSeeOther)
	app.clock.Advance(5*24*time.Hour + time.Minute)
	other = app.login(s.other.Email) // the session ended while idle
	res = other.get(base + "/suggestions")
	res.mustContain(t, "Expired", "Ask Nina Second")
	mentor2 := app.login(s.mentor2.Email)
	res = mentor2.get(base + "/requests")
	res.mustContain(t, `badge req-expired`, "Utløpt") // in the mentor's own language
	if strings.Contains(res.Body, "Accept Ola Other") {
		t.Fatal("an expired request can still be accepted")
	}
	rid = app.scalar(`SELECT id FROM match_requests WHERE mentor_id = ?`, s.mentor2.ID)
	res = mentor2.post(base+"/requests/"+rid+"/accept", nil)
	res.mustStatus(t, http.StatusConflict)
	res.mustContain(t, "Forespørselen har gått ut uten at noen svarte.")
}

func TestSelfMatchPagesWho(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	s := newSMScene(t, app)
	base := programPath(s.prog.ID)
	if _, err := app.srv.Matching.RequestMentor(context.Background(), s.mentee, s.prog.ID, s.mentor.ID, "hello"); err != nil {
		t.Fatal(err)
	}
	rid := app.scalar(`SELECT id FROM match_requests`)

	anon := app.client()
	anon.get(base+"/suggestions").mustStatus(t, http.StatusSeeOther)
	anon.get(base+"/requests").mustStatus(t, http.StatusSeeOther)
	anon.post(base+"/requests/"+rid+"/accept", nil).mustStatus(t, http.StatusUnauthorized)

	cases := []struct {
		who                         *account.User
		suggestions, requests, post int
	}{
		{s.mentee, 200, 403, 403},  // the asking side: only withdraws
		{s.mentor, 403, 200, 303},  // the asked side accepts
		{s.other, 200, 403, 404},   // another participant
		{s.pending, 200, 403, 404}, // sees why not yet
		{s.coord, 403, 403, 404},
		{s.alien, 404, 404, 404},
		{s.admin, 403, 403, 404},
	}
	for _, c := range cases {
		cl := app.login(c.who.Email)
		if got := cl.get(base + "/suggestions").StatusCode; got != c.suggestions {
			t.Errorf("%s: suggestions %d, want %d", c.who.Name, got, c.suggestions)
		}
		if got := cl.get(base + "/requests").StatusCode; got != c.requests {
			t.Errorf("%s: requests %d, want %d", c.who.Name, got, c.requests)
		}
		if c.post == 303 {
			continue // accepting is tested last
		}
		for _, action := range []string{"accept", "decline"} {
			if got := cl.post(base+"/requests/"+rid+"/"+action, nil).StatusCode; got != c.post {
				t.Errorf("%s: %s %d, want %d", c.who.Name, action, got, c.post)
			}
		}
		want := c.post
		if c.who == s.mentee {
			want = 0 // the mentee may withdraw; not here
		}
		if want != 0 {
			if got := cl.post(base+"/requests/"+rid+"/withdraw", nil).StatusCode; got != want {
				t.Errorf("%s: withdraw %d, want %d", c.who.Name, got, want)
			}
		}
	}
	if n := app.scalar(`SELECT status FROM match_requests`); n != "open" {
		t.Fatalf("refused answers changed the request to %s", n)
	}
	res := app.login(s.mentor.Email).post(base+"/requests/"+rid+"/accept", nil)
	res.mustStatus(t, http.StatusSeeOther)
}

func TestSelfMatchAPI(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	s := newSMScene(t, app)
	api := fmt.Sprintf("/api/v1/programs/%d", s.prog.ID)
	mentee := app.apiClient(s.mentee.Email)

	type suggestions struct {
		SelfMatch   bool `json:"self_match"`
		CanRequest  bool `json:"can_request"`
		Suggestions []struct {
			MentorID int64    `json:"mentor_user_id"`
			Name     string   `json:"name"`
			Reasons  []string `json:"reasons"`
			Percent  int      `json:"percent"`
		} `json:"suggestions"`
		OpenRequest *struct {
			ID int64 `json:"id"`
		} `json:"open_request"`
	}
	sg := apiDecode[suggestions](t, mentee.apiSend("GET", api+"/suggestions", nil), http.StatusOK)
	if !sg.SelfMatch || !sg.CanRequest || len(sg.Suggestions) != 2 || sg.Suggestions[0].Name != "Max Mentor" ||
		len(sg.Suggestions[0].Reasons) == 0 || strings.Contains(sg.Suggestions[0].Reasons[0], "score.") {
		t.Fatalf("suggestions %+v", sg)
	}

	// Refusals: bad JSON, unknown field, too long, not a suggestion.
	mustProblem(t, mentee.apiSend("POST", api+"/match-requests", `{"mentor_user_id":`), http.StatusBadRequest)
	mustProblem(t, mentee.apiSend("POST", api+"/match-requests", map[string]any{"mentor": s.mentor.ID}), http.StatusUnprocessableEntity)
	p := mustProblem(t, mentee.apiSend("POST", api+"/match-requests",
		map[string]any{"mentor_user_id": s.mentor.ID, "note": strings.Repeat("x", 501)}), http.StatusUnprocessableEntity)
	if p.Errors["note"] == "" {
		t.Fatalf("no field error: %+v", p)
	}
	mustProblem(t, mentee.apiSend("POST", api+"/match-requests", map[string]any{"mentor_user_id": s.other.ID}), http.StatusConflict)
	if apiCountRows(t, app.db, "match_requests") != 0 {
		t.Fatal("refusals saved a request")
	}

	type request struct {
		ID     int64  `json:"id"`
		Status string `json:"status"`
		Note   string `json:"note"`
		PairID *int64 `json:"pair_id"`
	}
	req := apiDecode[request](t, mentee.apiSend("POST", api+"/match-requests",
		map[string]any{"mentor_user_id": s.mentor.ID, "note": "Hello"}), http.StatusCreated)
	if req.Status != "open" || req.Note != "Hello" || req.PairID != nil {
		t.Fatalf("created %+v", req)
	}
	mustProblem(t, mentee.apiSend("POST", api+"/match-requests", map[string]any{"mentor_user_id": s.mentor2.ID}), http.StatusConflict)
	rpath := fmt.Sprintf("%s/match-requests/%d", api, req.ID)

	// Role matrix on answering.
	for _, c := range []struct {
		email  string
		status int
	}{
		{s.mentee.Email, 403}, {s.other.Email, 404}, {s.coord.Email, 404}, {s.alien.Email, 404}, {s.admin.Email, 404},
	} {
		mustProblem(t, app.apiClient(c.email).apiSend("POST", rpath+"/accept", nil), c.status)
	}
	mustProblem(t, app.client().apiSend("POST", rpath+"/accept", nil), http.StatusUnauthorized)
	mustProblem(t, app.apiClient(s.mentor.Email).apiSend("POST", rpath+"/withdraw", nil), http.StatusForbidden)
	for _, c := range []struct {
		email  string
		status int
	}{{s.coord.Email, 403}, {s.admin.Email, 403}, {s.mentor.Email, 403}, {s.alien.Email, 404}} {
		mustProblem(t, app.apiClient(c.email).apiSend("GET", api+"/suggestions", nil), c.status)
	}
	mustProblem(t, app.apiClient(s.coord.Email).apiSend("GET", api+"/match-requests", nil), http.StatusForbidden)
	mustProblem(t, app.apiClient(s.alien.Email).apiSend("GET", api+"/match-requests", nil), http.StatusNotFound)

	mentor := app.apiClient(s.mentor.Email)
	list := apiDecode[httpx.Page[request]](t, mentor.apiSend("GET", api+"/match-requests", nil), http.StatusOK)
	if len(list.Items) != 1 || list.Items[0].ID != req.ID {
		t.Fatalf("mentor's list %+v", list)
	}
	got := apiDecode[request](t, mentor.apiSend("POST", rpath+"/accept", nil), http.StatusOK)
	if got.Status != "accepted" || got.PairID == nil {
		t.Fatalf("accepted %+v", got)
	}
	mustProblem(t, mentor.apiSend("POST", rpath+"/decline", nil), http.StatusConflict)

	// The other mentee asks and withdraws.
	other := app.apiClient(s.other.Email)
	req = apiDecode[request](t, other.apiSend("POST", api+"/match-requests", map[string]any{"mentor_user_id": s.mentor.ID}), http.StatusCreated)
	got = apiDecode[request](t, other.apiSend("POST", fmt.Sprintf("%s/match-requests/%d/withdraw", api, req.ID), nil), http.StatusOK)
	if got.Status != "withdrawn" {
		t.Fatalf("withdrawn %+v", got)
	}
	mine := apiDecode[httpx.Page[request]](t, other.apiSend("GET", api+"/match-requests", nil), http.StatusOK)
	if len(mine.Items) != 1 || mine.Items[0].Status != "withdrawn" {
		t.Fatalf("other's list %+v", mine)
	}
}
