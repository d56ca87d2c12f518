package api

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"mentorskap/internal/account"
	"mentorskap/internal/httpx"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
)

// apiSend sends body as JSON (a string is sent as it is, to test malformed
// input).
func (c *client) apiSend(method, path string, body any) *response {
	c.t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			c.t.Fatal(err)
		}
		r = bytes.NewReader(data)
	}
	ct := ""
	if r != nil {
		ct = "application/json"
	}
	return c.send(method, path, ct, r)
}

// apiDecode checks the status and a JSON content type and decodes the body.
func apiDecode[T any](t *testing.T, res *response, status int) T {
	t.Helper()
	res.mustStatus(t, status)
	if ct := res.Header.Get("Content-Type"); ct != "application/json" {
		t.Fatalf("content type %q, want application/json:\n%s", ct, res.Body)
	}
	var v T
	if err := json.Unmarshal([]byte(res.Body), &v); err != nil {
		t.Fatalf("decode %T: %v\n%s", v, err, res.Body)
	}
	return v
}

type problemDoc struct {
	Type   string            `json:"type"`
	Title  string            `json:"title"`
	Status int               `json:"status"`
	Detail string            `json:"detail"`
	Errors map[string]string `json:"errors"`
}

// mustProblem checks that the answer is an RFC 9457 problem document with
// the given status and a detail.
func mustProblem(t *testing.T, res *response, status int) problemDoc {
	t.Helper()
	res.mustStatus(t, status)
	if ct := res.Header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("content type %q, want application/problem+json:\n%s", ct, res.Body)
	}
	var p problemDoc
	if err := json.Unmarshal([]byte(res.Body), &p); err != nil {
		t.Fatalf("decode problem: %v\n%s", err, res.Body)
	}
	if p.Status != status || p.Type == "" || p.Title == "" || p.Detail == "" {
		t.Fatalf("incomplete problem document: %+v", p)
	}
	return p
}

// apiToken creates a token through the API and returns a client that sends
// it, with no cookies.
func (a *testApp) apiClient(email string) *client {
	a.t.Helper()
	c := a.client()
	res := c.apiSend("POST", "/api/v1/tokens", map[string]string{"email": email, "password": "password-" + email, "name": "test"})
	tok := apiDecode[map[string]string](a.t, res, http.StatusCreated)["token"]
	if !strings.HasPrefix(tok, account.TokenPrefix) {
		a.t.Fatalf("token %q lacks prefix", tok)
	}
	c.Header.Set("Authorization", "Bearer "+tok)
	return c
}

func (a *testApp) tr(lang, key string, args ...any) string {
	return a.bundle.Locale(lang).T(key, args...)
}

func apiCountRows(t *testing.T, db *store.DB, table string) int {
	t.Helper()
	var n int
	if err := db.QueryRow(context.Background(), `SELECT COUNT(*) FROM `+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// noSecrets fails if an answer leaks stored hashes.
func apiNoSecrets(t *testing.T, res *response) {
	t.Helper()
	for _, s := range []string{"password_hash", "token_hash", "$argon2", "join_token"} {
		if strings.Contains(res.Body, s) {
			t.Fatalf("answer leaks %q:\n%s", s, res.Body)
		}
	}
}

func TestAPITokenLifecycle(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		app := newTestAppDB(t, db)
		app.addUser("kari@example.org", "Kari Nordmann", account.RoleMember, "en")
		c := app.apiClient("kari@example.org")

		me := apiDecode[apiUser](t, c.get("/api/v1/me"), http.StatusOK)
		if me.Email != "kari@example.org" || me.Name != "Kari Nordmann" || me.Role != "member" {
			t.Fatalf("me = %+v", me)
		}

		res := c.get("/api/v1/tokens")
		apiNoSecrets(t, res)
		tokens := apiDecode[httpx.Page[apiToken]](t, res, http.StatusOK).Items
		if len(tokens) != 1 || tokens[0].Name != "test" || tokens[0].LastUsedAt == nil {
			t.Fatalf("tokens = %+v", tokens)
		}
		if strings.Contains(res.Body, c.Header.Get("Authorization")[len("Bearer "):]) {
			t.Fatal("token list shows the secret")
		}

		// Another person cannot revoke my token.
		app.addUser("ola@example.org", "Ola", account.RoleMember, "en")
		other := app.apiClient("ola@example.org")
		mustProblem(t, other.apiSend("DELETE", "/api/v1/tokens/"+httpx.Itoa(tokens[0].ID), nil), http.StatusNotFound)
		c.get("/api/v1/me").mustStatus(t, http.StatusOK)

		c.apiSend("DELETE", "/api/v1/tokens/"+httpx.Itoa(tokens[0].ID), nil).mustStatus(t, http.StatusNoContent)
		res = c.get("/api/v1/me")
		p := mustProblem(t, res, http.StatusUnauthorized)
		if p.Detail != app.tr("en", "error.login_required") {
			t.Fatalf("detail %q", p.Detail)
		}
		if !strings.HasPrefix(res.Header.Get("WWW-Authenticate"), "Bearer") {
			t.Fatalf("WWW-Authenticate = %q", res.Header.Get("WWW-Authenticate"))
		}
	})
}

func TestAPITokenWrongPasswordIsTranslated(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	app.addUser("kari@example.org", "Kari", account.RoleMember, "")
	c := app.client()
	c.Header.Set("Accept-Language", "nb-NO, nb;q=0.9, en;q=0.5")
	res := c.apiSend("POST", "/api/v1/tokens", map[string]string{"email": "kari@example.org", "password": "wrong password!"})
	p := mustProblem(t, res, http.StatusUnauthorized)
	want := app.tr("nb", "login.error.failed")
	if p.Detail != want || want == app.tr("en", "login.error.failed") {
		t.Fatalf("detail %q, want Norwegian %q", p.Detail, want)
	}
	if res.Header.Get("Content-Language") != "nb" {
		t.Fatalf("Content-Language = %q", res.Header.Get("Content-Language"))
	}
	if n := apiCountRows(t, app.db, "api_tokens"); n != 0 {
		t.Fatalf("%d tokens after a failed attempt", n)
	}
	// Malformed and incomplete bodies are refused with a message too.
	mustProblem(t, c.apiSend("POST", "/api/v1/tokens", `{"email": "kari@example.org", "password": `), http.StatusBadRequest)
	mustProblem(t, c.apiSend("POST", "/api/v1/tokens", `{"mail": "kari@example.org"}`), http.StatusUnprocessableEntity)
}

func TestAPITokenThrottled(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	app.addUser("kari@example.org", "Kari", account.RoleMember, "en")
	c := app.client()
	for i := 0; i < account.MaxFailsPerKey; i++ {
		mustProblem(t, c.apiSend("POST", "/api/v1/tokens", map[string]string{"email": "kari@example.org", "password": "not the password"}), http.StatusUnauthorized)
	}
	// Even the right password is refused while the throttle holds.
	res := c.apiSend("POST", "/api/v1/tokens", map[string]string{"email": "kari@example.org", "password": "password-kari@example.org"})
	p := mustProblem(t, res, http.StatusTooManyRequests)
	if p.Detail != app.tr("en", "login.error.throttled", "minutes", 15) {
		t.Fatalf("detail %q", p.Detail)
	}
	if n := apiCountRows(t, app.db, "api_tokens"); n != 0 {
		t.Fatalf("%d tokens issued while throttled", n)
	}
	// The login form shares the throttle.
	c.post("/login", map[string][]string{"email": {"kari@example.org"}, "password": {"password-kari@example.org"}}).mustStatus(t, http.StatusTooManyRequests)
}

func TestAPIAnonymousAndUnknown(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	c := app.client()
	c.Header.Set("Accept-Language", "sv")

	p := mustProblem(t, c.get("/api/v1/me"), http.StatusUnauthorized)
	if p.Detail != app.tr("sv", "error.login_required") {
		t.Fatalf("detail %q", p.Detail)
	}
	mustProblem(t, c.get("/api/v1/programs"), http.StatusUnauthorized)

	bad := app.client()
	bad.Header.Set("Authorization", "Bearer msk_not-a-real-token")
	mustProblem(t, bad.get("/api/v1/me"), http.StatusUnauthorized)

	p = mustProblem(t, c.get("/api/v1/nothing-here"), http.StatusNotFound)
	if p.Detail != app.tr("sv", "api.error.no_endpoint") {
		t.Fatalf("detail %q", p.Detail)
	}
	mustProblem(t, c.get("/api/v2/me"), http.StatusNotFound)

	res := c.apiSend("PUT", "/api/v1/me", nil) // DELETE /api/v1/me deletes the account
	p = mustProblem(t, res, http.StatusMethodNotAllowed)
	if p.Detail != app.tr("sv", "api.error.method_not_allowed", "method", "PUT") {
		t.Fatalf("detail %q", p.Detail)
	}
	if got := res.Header.Values("Allow"); !slices.Equal(got, []string{"GET", "PATCH", "DELETE"}) {
		t.Fatalf("Allow = %v", got)
	}
	res = c.apiSend("PUT", "/api/v1/programs/7/pairs", nil)
	mustProblem(t, res, http.StatusMethodNotAllowed)
	if got := res.Header.Values("Allow"); !slices.Equal(got, []string{"GET", "POST"}) {
		t.Fatalf("Allow = %v", got)
	}

	// The document itself is public.
	res = c.get("/api/v1/openapi.json")
	res.mustStatus(t, http.StatusOK)
	res.mustContain(t, `"openapi": "3.1.0"`)
}

func TestAPIMe(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		app := newTestAppDB(t, db)
		u := app.addUser("kari@example.org", "Kari", account.RoleMember, "nb")
		c := app.apiClient("kari@example.org")

		res := c.apiSend("PATCH", "/api/v1/me", map[string]string{"name": "", "timezone": "Mars/Olympus"})
		p := mustProblem(t, res, http.StatusUnprocessableEntity)
		if p.Errors["name"] != app.tr("nb", "error.required") || p.Errors["timezone"] != app.tr("nb", "error.timezone_invalid") {
			t.Fatalf("errors = %v", p.Errors)
		}
		if p.Detail != app.tr("nb", "error.invalid") {
			t.Fatalf("detail %q", p.Detail)
		}
		after, _ := app.srv.Accounts.ByID(context.Background(), u.ID)
		if after.Name != "Kari" || after.Timezone != "UTC" || after.Language != "nb" {
			t.Fatalf("changed by a refused update: %+v", after)
		}
		mustProblem(t, c.apiSend("PATCH", "/api/v1/me", map[string]string{"nickname": "K"}), http.StatusUnprocessableEntity)

		res = c.apiSend("PATCH", "/api/v1/me", map[string]string{"timezone": "Europe/Oslo", "language": "sv"})
		apiNoSecrets(t, res)
		me := apiDecode[apiUser](t, res, http.StatusOK)
		if me.Name != "Kari" || me.Timezone != "Europe/Oslo" || me.Language != "sv" {
			t.Fatalf("me = %+v", me)
		}
		// The next error speaks the newly chosen language.
		p = mustProblem(t, c.apiSend("PATCH", "/api/v1/me", map[string]string{"language": "xx"}), http.StatusUnprocessableEntity)
		if p.Errors["language"] != app.tr("sv", "error.choice_invalid") {
			t.Fatalf("errors = %v", p.Errors)
		}
	})
}

// programFixture is a program run by one coordinator, with a stranger who
// runs another program, an approved mentor and a pending mentee.
type programFixture struct {
	app                       *testApp
	coord, other, mentee      *client
	mentorID, menteeID        int64
	programID, otherProgramID int64
}

func newProgramFixture(t *testing.T, db *store.DB) *programFixture {
	app := newTestAppDB(t, db)
	f := &programFixture{app: app}
	app.addUser("coord@example.org", "Cora Coordinator", account.RoleCoordinator, "en")
	app.addUser("other@example.org", "Otto Other", account.RoleCoordinator, "en")
	mentor := app.addUser("mentor@example.org", "Mona Mentor", account.RoleMember, "en")
	mentee := app.addUser("mentee@example.org", "Mats Mentee", account.RoleMember, "en")
	f.mentorID, f.menteeID = mentor.ID, mentee.ID
	f.coord = app.apiClient("coord@example.org")
	f.other = app.apiClient("other@example.org")
	f.mentee = app.apiClient("mentee@example.org")

	p := apiDecode[apiProgram](t, f.coord.apiSend("POST", "/api/v1/programs", map[string]any{"name": "Spring cohort", "join_enabled": true}), http.StatusCreated)
	f.programID = p.ID
	op := apiDecode[apiProgram](t, f.other.apiSend("POST", "/api/v1/programs", map[string]any{"name": "Other cohort"}), http.StatusCreated)
	f.otherProgramID = op.ID

	// Enrol through the join link, as people do.
	ctx := context.Background()
	prog, err := program.Get(ctx, db, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, who := range []struct {
		u    *account.User
		role string
	}{{mentor, "mentor"}, {mentee, "mentee"}} {
		if _, err := app.srv.Programs.Join(ctx, who.u, prog.JoinToken, program.Acceptance{Role: who.role}); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

func TestAPIPrograms(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newProgramFixture(t, db)
		app, coord, other := f.app, f.coord, f.other
		base := "/api/v1/programs/" + httpx.Itoa(f.programID)

		// Created with only a name and the join switch: the seed defaults fill the rest.
		res := coord.get(base)
		apiNoSecrets(t, res)
		p := apiDecode[apiProgram](t, res, http.StatusOK)
		if p.Name != "Spring cohort" || p.StartsOn != "2026-03-02" || p.EndsOn != "2026-08-02" ||
			p.MinMeetings != 4 || p.MaxGapDays != 31 || p.MeetingMinMinutes != 45 || p.MeetingMaxMinutes != 120 ||
			!p.MessagesAllowed || !p.EvalFollowup || !p.EvalMidpoint || !p.EvalFinal ||
			p.DefaultLanguage != "en" || !p.JoinEnabled || p.JoinRole != "choose" || p.MyRole != "coordinator" {
			t.Fatalf("program = %+v", p)
		}

		p = apiDecode[apiProgram](t, coord.apiSend("PATCH", base, map[string]any{"min_meetings": 6, "purpose": "Grow new leaders"}), http.StatusOK)
		if p.MinMeetings != 6 || p.Purpose != "Grow new leaders" || p.Name != "Spring cohort" || p.MaxGapDays != 31 {
			t.Fatalf("after patch: %+v", p)
		}

		// Refused changes name every broken field and save nothing.
		before := coord.get(base).Body
		res = coord.apiSend("PATCH", base, map[string]any{"ends_on": "2026-01-01", "min_meetings": 0, "name": "Renamed"})
		pr := mustProblem(t, res, http.StatusUnprocessableEntity)
		if pr.Errors["ends_on"] != app.tr("en", "program.error.end_before_start") ||
			pr.Errors["min_meetings"] != app.tr("en", "program.error.range", "min", 1, "max", program.MaxMinMeetings) {
			t.Fatalf("errors = %v", pr.Errors)
		}
		if after := coord.get(base).Body; after != before {
			t.Fatalf("refused update changed the program:\n%s\n%s", before, after)
		}
		if pr := mustProblem(t, coord.apiSend("PATCH", base, map[string]any{"starts_on": "2. mars"}), http.StatusUnprocessableEntity); pr.Errors["starts_on"] == "" {
			t.Fatalf("a bad start names starts_on: %v", pr.Errors)
		}

		n := apiCountRows(t, db, "programs")
		pr = mustProblem(t, coord.apiSend("POST", "/api/v1/programs", map[string]any{"purpose": "No name"}), http.StatusUnprocessableEntity)
		if pr.Errors["name"] != app.tr("en", "error.required") {
			t.Fatalf("errors = %v", pr.Errors)
		}
		if apiCountRows(t, db, "programs") != n {
			t.Fatal("a refused program was saved")
		}

		// Members may not start programs.
		mustProblem(t, f.mentee.apiSend("POST", "/api/v1/programs", map[string]any{"name": "Mine"}), http.StatusForbidden)
		if apiCountRows(t, db, "programs") != n {
			t.Fatal("a member's program was saved")
		}

		// A coordinator of another program learns nothing and changes nothing.
		mustProblem(t, other.get(base), http.StatusNotFound)
		mustProblem(t, other.apiSend("PATCH", base, map[string]any{"name": "Taken over"}), http.StatusNotFound)
		mustProblem(t, other.apiSend("PATCH", base, map[string]any{"min_meetings": -1}), http.StatusNotFound)
		mustProblem(t, coord.get("/api/v1/programs/999999"), http.StatusNotFound)
		mustProblem(t, coord.get("/api/v1/programs/abc"), http.StatusNotFound)

		// A mentee sees the program but may not change it.
		mp := apiDecode[apiProgram](t, f.mentee.get(base), http.StatusOK)
		if mp.MyRole != "mentee" || mp.MyStatus != "pending" || mp.Counts != nil {
			t.Fatalf("mentee's view: %+v", mp)
		}
		pr = mustProblem(t, f.mentee.apiSend("PATCH", base, map[string]any{"name": "Mine now"}), http.StatusForbidden)
		if pr.Detail != app.tr("en", "program.error.coordinators_only") {
			t.Fatalf("detail %q", pr.Detail)
		}

		// Lists: each sees their own.
		ids := func(c *client) []int64 {
			var out []int64
			for _, p := range apiDecode[httpx.Page[apiProgram]](t, c.get("/api/v1/programs"), http.StatusOK).Items {
				out = append(out, p.ID)
			}
			return out
		}
		if got := ids(coord); !slices.Equal(got, []int64{f.programID}) {
			t.Fatalf("coordinator's programs %v", got)
		}
		if got := ids(other); !slices.Equal(got, []int64{f.otherProgramID}) {
			t.Fatalf("other's programs %v", got)
		}
		if got := ids(f.mentee); !slices.Equal(got, []int64{f.programID}) {
			t.Fatalf("mentee's programs %v", got)
		}
		mine := apiDecode[httpx.Page[apiProgram]](t, coord.get("/api/v1/programs"), http.StatusOK).Items
		if mine[0].Counts == nil || mine[0].Counts.Pending != 2 {
			t.Fatalf("coordinator's counts: %+v", mine[0].Counts)
		}
		app.addUser("admin@example.org", "Ada Admin", account.RoleAdmin, "en")
		if got := ids(app.apiClient("admin@example.org")); len(got) != 2 {
			t.Fatalf("admin sees %v", got)
		}
	})
}

func TestAPIParticipants(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newProgramFixture(t, db)
		base := "/api/v1/programs/" + httpx.Itoa(f.programID)

		all := apiDecode[httpx.Page[apiParticipant]](t, f.coord.get(base+"/participants"), http.StatusOK).Items
		if len(all) != 2 || all[0].Name != "Mats Mentee" || all[0].Status != "pending" || all[1].Role != "mentor" {
			t.Fatalf("participants = %+v", all)
		}
		// Matching reads the meeting times and a mentee's wishes; coordinators see them too.
		f.coord.get(base+"/participants").mustContain(t, `"meeting_times": []`, `"timezone": "UTC"`, `"same_field": false`)
		got := apiDecode[httpx.Page[apiParticipant]](t, f.coord.get(base+"/participants?role=mentor"), http.StatusOK).Items
		if len(got) != 1 || got[0].UserID != f.mentorID {
			t.Fatalf("mentors = %+v", got)
		}
		got = apiDecode[httpx.Page[apiParticipant]](t, f.coord.get(base+"/participants?q=MONA"), http.StatusOK).Items
		if len(got) != 1 || got[0].UserID != f.mentorID {
			t.Fatalf("search = %+v", got)
		}
		pr := mustProblem(t, f.coord.get(base+"/participants?status=maybe"), http.StatusUnprocessableEntity)
		if pr.Errors["status"] == "" {
			t.Fatalf("errors = %v", pr.Errors)
		}

		approved := apiDecode[apiParticipant](t, f.coord.apiSend("POST", base+"/participants/"+httpx.Itoa(f.mentorID)+"/approve", nil), http.StatusOK)
		if approved.Status != "approved" || approved.DecidedAt == nil {
			t.Fatalf("approved = %+v", approved)
		}
		got = apiDecode[httpx.Page[apiParticipant]](t, f.coord.get(base+"/participants?status=approved"), http.StatusOK).Items
		if len(got) != 1 || got[0].UserID != f.mentorID {
			t.Fatalf("approved list = %+v", got)
		}

		// Nobody but the program's coordinators decides or lists.
		mustProblem(t, f.other.get(base+"/participants"), http.StatusNotFound)
		mustProblem(t, f.other.get(base+"/participants?status=maybe"), http.StatusNotFound)
		mustProblem(t, f.other.apiSend("POST", base+"/participants/"+httpx.Itoa(f.menteeID)+"/approve", nil), http.StatusNotFound)
		mustProblem(t, f.mentee.get(base+"/participants"), http.StatusForbidden)
		mustProblem(t, f.mentee.apiSend("POST", base+"/participants/"+httpx.Itoa(f.menteeID)+"/approve", nil), http.StatusForbidden)
		p, err := program.GetParticipant(context.Background(), db, f.programID, f.menteeID)
		if err != nil || p.Status != program.StatusPending {
			t.Fatalf("mentee after refused approvals: %+v %v", p, err)
		}
		mustProblem(t, f.coord.apiSend("POST", base+"/participants/999999/approve", nil), http.StatusNotFound)

		declined := apiDecode[apiParticipant](t, f.coord.apiSend("POST", base+"/participants/"+httpx.Itoa(f.menteeID)+"/decline", nil), http.StatusOK)
		if declined.Status != "declined" {
			t.Fatalf("declined = %+v", declined)
		}
	})
}

func TestAPIInvitations(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newProgramFixture(t, db)
		base := "/api/v1/programs/" + httpx.Itoa(f.programID) + "/invitations"
		outbox := apiCountRows(t, db, "outbox")

		res := f.coord.apiSend("POST", base, map[string]string{"email": "Siri@Example.org", "name": "Siri", "role": "mentee", "language": "sv"})
		apiNoSecrets(t, res)
		inv := apiDecode[apiInvitation](t, res, http.StatusCreated)
		if inv.Email != "siri@example.org" || inv.Role != "mentee" || inv.Language != "sv" || inv.Status != "open" {
			t.Fatalf("invitation = %+v", inv)
		}
		if apiCountRows(t, db, "outbox") != outbox+1 {
			t.Fatal("no invitation email queued")
		}

		// Invalid and duplicate invitations are refused and send nothing.
		n := apiCountRows(t, db, "invitations")
		pr := mustProblem(t, f.coord.apiSend("POST", base, map[string]string{"email": "not-an-address", "role": "boss"}), http.StatusUnprocessableEntity)
		if pr.Errors["email"] != f.app.tr("en", "error.email_invalid") || pr.Errors["role"] == "" {
			t.Fatalf("errors = %v", pr.Errors)
		}
		mustProblem(t, f.coord.apiSend("POST", base, map[string]string{"email": "siri@example.org"}), http.StatusConflict)
		mustProblem(t, f.other.apiSend("POST", base, map[string]string{"email": "x@example.org"}), http.StatusNotFound)
		mustProblem(t, f.mentee.apiSend("POST", base, map[string]string{"email": "x@example.org"}), http.StatusForbidden)
		if apiCountRows(t, db, "invitations") != n || apiCountRows(t, db, "outbox") != outbox+1 {
			t.Fatal("a refused invitation was saved or sent")
		}

		invs := apiDecode[httpx.Page[apiInvitation]](t, f.coord.get(base), http.StatusOK).Items
		if len(invs) != 1 || invs[0].ID != inv.ID {
			t.Fatalf("invitations = %+v", invs)
		}
		mustProblem(t, f.other.get(base), http.StatusNotFound)
		mustProblem(t, f.mentee.get(base), http.StatusForbidden)

		f.coord.apiSend("DELETE", base+"/"+httpx.Itoa(inv.ID), nil).mustStatus(t, http.StatusNoContent)
		invs = apiDecode[httpx.Page[apiInvitation]](t, f.coord.get(base), http.StatusOK).Items
		if invs[0].Status != "revoked" || invs[0].RevokedAt == nil {
			t.Fatalf("after revoke: %+v", invs[0])
		}
		mustProblem(t, f.coord.apiSend("DELETE", base+"/"+httpx.Itoa(inv.ID), nil), http.StatusNotFound)
	})
}

func TestAPIPairs(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newProgramFixture(t, db)
		base := "/api/v1/programs/" + httpx.Itoa(f.programID)
		body := map[string][]int64{"mentor_user_ids": {f.mentorID}, "mentee_user_ids": {f.menteeID}}

		// Pending people cannot be paired; nothing is saved.
		mustProblem(t, f.coord.apiSend("POST", base+"/pairs", body), http.StatusUnprocessableEntity)
		if apiCountRows(t, db, "pairs") != 0 {
			t.Fatal("a refused pair was saved")
		}
		for _, id := range []int64{f.mentorID, f.menteeID} {
			f.coord.apiSend("POST", base+"/participants/"+httpx.Itoa(id)+"/approve", nil).mustStatus(t, http.StatusOK)
		}
		mustProblem(t, f.other.apiSend("POST", base+"/pairs", body), http.StatusNotFound)
		mustProblem(t, f.mentee.apiSend("POST", base+"/pairs", body), http.StatusForbidden)
		mustProblem(t, f.coord.apiSend("POST", base+"/pairs", map[string][]int64{"mentor_user_ids": {f.menteeID}, "mentee_user_ids": {f.mentorID}}), http.StatusUnprocessableEntity)
		if apiCountRows(t, db, "pairs") != 0 {
			t.Fatal("a refused pair was saved")
		}

		pair := apiDecode[apiPair](t, f.coord.apiSend("POST", base+"/pairs", body), http.StatusCreated)
		if pair.Status != "active" || len(pair.Mentors) != 1 || pair.Mentors[0].UserID != f.mentorID ||
			len(pair.Mentees) != 1 || pair.Mentees[0].UserID != f.menteeID {
			t.Fatalf("pair = %+v", pair)
		}
		pairs := apiDecode[httpx.Page[apiPair]](t, f.coord.get(base+"/pairs"), http.StatusOK).Items
		if len(pairs) != 1 || pairs[0].ID != pair.ID {
			t.Fatalf("pairs = %+v", pairs)
		}
		mustProblem(t, f.other.get(base+"/pairs"), http.StatusNotFound)
		mustProblem(t, f.mentee.get(base+"/pairs"), http.StatusForbidden)

		// A mentee in an active pair cannot be declined.
		mustProblem(t, f.coord.apiSend("POST", base+"/participants/"+httpx.Itoa(f.menteeID)+"/decline", nil), http.StatusConflict)

		mustProblem(t, f.other.apiSend("POST", base+"/pairs/"+httpx.Itoa(pair.ID)+"/end", nil), http.StatusNotFound)
		ended := apiDecode[apiPair](t, f.coord.apiSend("POST", base+"/pairs/"+httpx.Itoa(pair.ID)+"/end", nil), http.StatusOK)
		if ended.Status != "ended" || ended.EndedAt == nil {
			t.Fatalf("ended = %+v", ended)
		}
		otherBase := "/api/v1/programs/" + httpx.Itoa(f.otherProgramID)
		mustProblem(t, f.other.apiSend("POST", otherBase+"/pairs/"+httpx.Itoa(pair.ID)+"/end", nil), http.StatusNotFound)
	})
}

func TestAPISessionCookie(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	app.addUser("kari@example.org", "Kari", account.RoleCoordinator, "id")
	c := app.login("kari@example.org")
	me := apiDecode[apiUser](t, c.get("/api/v1/me"), http.StatusOK)
	if me.Email != "kari@example.org" {
		t.Fatalf("me = %+v", me)
	}
	// A browser page on another site cannot use the cookie to write.
	req, _ := http.NewRequest("POST", app.ts.URL+"/api/v1/programs", strings.NewReader(`{"name":"Forged"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	req.Header.Set("Origin", "https://evil.example")
	req.Header.Set("Accept-Language", "id")
	p := mustProblem(t, c.do(req), http.StatusForbidden)
	if p.Detail != app.tr("id", "error.cross_origin") {
		t.Fatalf("detail %q", p.Detail)
	}
	if apiCountRows(t, app.db, "programs") != 0 {
		t.Fatal("a cross-site request created a program")
	}
	apiDecode[apiProgram](t, c.apiSend("POST", "/api/v1/programs", map[string]any{"name": "Real"}), http.StatusCreated)
}
