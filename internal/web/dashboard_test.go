package web

import (
	"context"
	"fmt"
	"mentorskap/internal/dashboard"
	"net/http"
	"strings"
	"testing"

	"mentorskap/internal/account"
	"mentorskap/internal/program"
)

// dashScene is a program with two pairs, one whose chemistry check got a
// "no" and one ended early, both carrying words only their writers and
// the coordinators' private views may show.
type dashScene struct {
	prog                           *program.Program
	coord, alien, admin            *account.User
	mentor, mentee, other, mentor2 *account.User
	hot, ended                     int64
	page, api                      string
}

const (
	dashSecretComment = "Secret chemistry comment"
	dashSecretReason  = "Secret ending reason"
)

func newDashScene(t *testing.T, app *testApp) dashScene {
	t.Helper()
	ctx := context.Background()
	var s dashScene
	s.coord = app.addUser("coord@example.org", "Cora Coordinator", account.RoleCoordinator, "en")
	s.alien = app.addUser("alien@example.org", "Al Alien", account.RoleCoordinator, "en")
	s.admin = app.addUser("admin@example.org", "Ada Admin", account.RoleAdmin, "en")
	s.mentor = app.addUser("mentor@example.org", "Max Mentor", account.RoleMember, "en")
	s.mentee = app.addUser("mentee@example.org", "Mia Mentee", account.RoleMember, "en")
	s.mentor2 = app.addUser("mentor2@example.org", "Nina Nordmann", account.RoleMember, "en")
	s.other = app.addUser("other@example.org", "Ola Other", account.RoleMember, "en")
	s.prog = app.newProgramAs(s.coord, "Spring cohort")
	app.newProgramAs(s.alien, "Other cohort")
	app.enrol(s.prog.ID, s.mentor, "mentor", "approved")
	app.enrol(s.prog.ID, s.mentor2, "mentor", "approved")
	app.enrol(s.prog.ID, s.mentee, "mentee", "approved")
	app.enrol(s.prog.ID, s.other, "mentee", "approved")
	pair := func(mentor, mentee *account.User) int64 {
		p, err := app.srv.Programs.CreatePair(ctx, s.coord, s.prog.ID, []int64{mentor.ID}, []int64{mentee.ID})
		if err != nil {
			t.Fatal(err)
		}
		return p.ID
	}
	s.hot, s.ended = pair(s.mentor, s.mentee), pair(s.mentor2, s.other)
	now := app.clock.Now()
	exec := func(q string, args ...any) {
		if _, err := app.db.Exec(ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	exec(`INSERT INTO checkpoints (pair_id, kind, due_at, created_at, updated_at) VALUES (?, 'chemistry', ?, ?, ?)`, s.hot, now, now, now)
	var cp int64
	if err := app.db.QueryRow(ctx, `SELECT id FROM checkpoints WHERE pair_id = ?`, s.hot).Scan(&cp); err != nil {
		t.Fatal(err)
	}
	exec(`INSERT INTO checkpoint_responses (checkpoint_id, user_id, submitted_at) VALUES (?, ?, ?)`, cp, s.mentee.ID, now)
	exec(`INSERT INTO chemistry_answers (checkpoint_id, user_id, answer, comment, updated_at) VALUES (?, ?, 'no', ?, ?)`,
		cp, s.mentee.ID, dashSecretComment, now)
	exec(`UPDATE pairs SET status = 'ended', ended_at = ? WHERE id = ?`, now, s.ended)
	exec(`INSERT INTO pair_endings (pair_id, how, side, reason, ended_at) VALUES (?, 'member', 'mentee', ?, ?)`,
		s.ended, dashSecretReason, now)
	s.page = fmt.Sprintf("/programs/%d/dashboard", s.prog.ID)
	s.api = fmt.Sprintf("/api/v1/programs/%d/dashboard", s.prog.ID)
	return s
}

func TestDashboardPage(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	s := newDashScene(t, app)
	coord := app.login(s.coord.Email)
	en := app.bundle.Locale("en")

	res := coord.get(s.page)
	res.mustStatus(t, http.StatusOK)
	// Running pairs first; the ended one is under its own tab.
	res.mustContain(t, "Max Mentor", fmt.Sprintf(`href="/pairs/%d"`, s.hot),
		en.T("health.signal.chemistry_no"), en.T("health.severity.critical"), en.T("dashtab.active"), `href="`+s.page+`?tab=ended"`)
	if strings.Contains(res.Body, fmt.Sprintf(`href="/pairs/%d"`, s.ended)) {
		t.Error("the running tab lists an ended pair")
	}
	ended := coord.get(s.page + "?tab=ended")
	ended.mustContain(t, "Nina Nordmann", fmt.Sprintf(`href="/pairs/%d"`, s.ended), en.T("dashboard.state.ended"))
	if strings.Contains(ended.Body, fmt.Sprintf(`href="/pairs/%d"`, s.hot)) {
		t.Error("the ended tab lists a running pair")
	}
	for _, page := range []*response{res, ended} {
		for _, secret := range []string{dashSecretComment, dashSecretReason, "Org of", "mentor@example.org"} {
			if strings.Contains(page.Body, secret) {
				t.Errorf("dashboard shows %q", secret)
			}
		}
	}

	for q, want := range map[string][2]string{
		"?severity=critical":               {"Max Mentor", "Nina Nordmann"},
		"?tab=ended&severity=info":         {"Nina Nordmann", "Max Mentor"},
		"?state=ended":                     {"Nina Nordmann", "Max Mentor"},
		"?signal=chemistry_no":             {"Max Mentor", "Nina Nordmann"},
		"?tab=ended&q=nordm":               {"Nina Nordmann", "Max Mentor"},
		"?q=mia&sort=name&page=1":          {"Max Mentor", "Nina Nordmann"},
		"?state=active&signal=ended_early": {en.T("dashboard.no_match"), "Max Mentor"},
	} {
		res := coord.get(s.page + q)
		res.mustStatus(t, http.StatusOK)
		res.mustContain(t, want[0])
		if strings.Contains(res.Body, want[1]) {
			t.Errorf("%s shows %q", q, want[1])
		}
	}

	// A filter that cannot be read is named at its control, and the list
	// is still there.
	res = coord.get(s.page + "?state=bogus&page=x")
	res.mustStatus(t, http.StatusUnprocessableEntity)
	res.mustContain(t, en.T("dashboard.error.filter"), en.T("dashboard.error.state"), en.T("dashboard.error.page"), "Max Mentor")

	// Every filter, the tab included, survives paging.
	d := dashboardData{Result: &dashboard.Result{Program: s.prog}, Filter: dashboard.Filter{Tab: "ended", Severity: "info", Signal: "ended_early", Search: "nina", Sort: "name"}}
	for _, want := range []string{"tab=ended", "severity=info", "signal=ended_early", "q=nina", "sort=name", "page=2"} {
		if !strings.Contains(d.PageURL(2), want) {
			t.Errorf("page link %s lacks %s", d.PageURL(2), want)
		}
	}

	// The program overview links here.
	coord.get(fmt.Sprintf("/programs/%d", s.prog.ID)).mustContain(t, `href="`+s.page+`"`)

	// Norwegian coordinators read it in Norwegian.
	nb := app.addUser("koord@example.org", "Kari Koordinator", account.RoleAdmin, "nb")
	app.login(nb.Email).get(s.page).mustContain(t, app.bundle.Locale("nb").T("dashboard.title"), app.bundle.Locale("nb").T("health.signal.chemistry_no"))
}

func TestDashboardAccess(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	s := newDashScene(t, app)
	res := app.client().get(s.page)
	res.mustStatus(t, http.StatusSeeOther)
	if !strings.HasPrefix(res.Header.Get("Location"), "/login") {
		t.Errorf("anonymous sent to %q", res.Header.Get("Location"))
	}
	app.client().get(s.api).mustStatus(t, http.StatusUnauthorized)
	for _, c := range []struct {
		u    *account.User
		want int
	}{
		{s.coord, http.StatusOK}, {s.admin, http.StatusOK},
		{s.mentor, http.StatusForbidden}, {s.mentee, http.StatusForbidden}, {s.other, http.StatusForbidden},
		{s.alien, http.StatusNotFound},
	} {
		app.login(c.u.Email).get(s.page).mustStatus(t, c.want)
		app.apiClient(c.u.Email).get(s.api).mustStatus(t, c.want)
	}
	app.login(s.coord.Email).get("/programs/9999/dashboard").mustStatus(t, http.StatusNotFound)
}

func TestDashboardAPI(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	s := newDashScene(t, app)
	api := app.apiClient(s.coord.Email)
	got := apiDecode[apiDashboard](t, api.get(s.api), http.StatusOK)
	if got.Total != 2 || got.AllPairs != 2 || got.Page != 1 || got.Pages != 1 || len(got.Items) != 2 {
		t.Fatalf("%+v", got)
	}
	hot := got.Items[0]
	if hot.PairID != s.hot || hot.Health != "critical" || hot.Agreement != "not_started" ||
		len(hot.Mentors) != 1 || hot.Mentors[0] != "Max Mentor" || hot.Mentees[0] != "Mia Mentee" {
		t.Errorf("first row %+v", hot)
	}
	var codes []string
	for _, sig := range hot.Signals {
		codes = append(codes, sig.Code)
		if sig.Reason == "" || strings.HasPrefix(sig.Reason, "health.") {
			t.Errorf("untranslated reason %+v", sig)
		}
	}
	if len(codes) == 0 || codes[0] != "chemistry_no" {
		t.Errorf("signals %v", codes)
	}
	if got.Counts["critical"] != 1 || got.Counts["info"] != 1 {
		t.Errorf("counts %v", got.Counts)
	}
	body := api.get(s.api).Body
	for _, secret := range []string{dashSecretComment, dashSecretReason} {
		if strings.Contains(body, secret) {
			t.Errorf("API shows %q", secret)
		}
	}

	only := apiDecode[apiDashboard](t, api.get(s.api+"?severity=info&q=NINA"), http.StatusOK)
	if len(only.Items) != 1 || only.Items[0].PairID != s.ended || only.Items[0].Status != "ended" || only.Total != 1 {
		t.Errorf("filtered %+v", only)
	}
	for _, q := range []string{"?sort=bogus", "?page=0x", "?page=-2", "?signal=nope", "?severity=bad", "?state=x"} {
		api.get(s.api+q).mustStatus(t, http.StatusUnprocessableEntity)
	}
}
