package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"mentorskap/internal/outcome"
)

// The outcome follow-up through the router: the coordinator turns it on,
// the sweep asks the mentee 3 months after the pair ends, the mentee
// answers once from the start page's link, and the coordinator reads the
// counts without names. Nobody else reaches the questionnaire.
func TestOutcomeJourney(t *testing.T) {
	t.Parallel()
	f := newRoleMatrix(t, "Kristian Lunde", "nb", "id")
	app := f.app
	ctx := context.Background()
	prog := "/programs/" + pid(f.prog.ID)

	// Only the program's coordinators change the settings.
	f.cMentee.post(prog+"/outcomes/settings", url.Values{"enabled": {"1"}}).mustStatus(t, http.StatusForbidden)
	f.cOtherCoord.post(prog+"/outcomes/settings", url.Values{"enabled": {"1"}}).mustStatus(t, http.StatusNotFound)
	f.cCoord.get(prog+"/outcomes").mustContain(t, app.enrolT("nb", "outcome.results.off"))
	res := f.cCoord.post(prog+"/outcomes/settings", url.Values{"enabled": {"1"}})
	res.mustStatus(t, http.StatusSeeOther)
	f.cCoord.get(prog).mustContain(t, prog+"/outcomes")

	if err := app.srv.Programs.EndPair(ctx, f.coord, f.prog.ID, f.pair.ID); err != nil {
		t.Fatal(err)
	}
	ended := app.clock.Now()
	app.clock.Set(outcome.DueAt(ended, outcome.Round3))
	if n, err := outcome.Scan(ctx, app.db, app.srv.Outbox, app.clock.Now()); err != nil || n != 1 {
		t.Fatalf("sweep sent %d, %v; want 1", n, err)
	}
	// Three months on, everyone logs in again; the mentee can, though the
	// pair has ended.
	f.cMentor, f.cMentee, f.cOther = app.login(f.mentor.Email), app.login(f.mentee.Email), app.login(f.other.Email)
	f.cCoord, f.cOtherCoord, f.cAdmin = app.login(f.coord.Email), app.login(f.otherCoord.Email), app.login(f.admin.Email)
	id := app.scalar(`SELECT id FROM outcome_surveys WHERE user_id = ?`, f.mentee.ID)
	page := "/outcomes/" + id

	// The mentee (writing Indonesian) sees it on the start page and opens it.
	home := f.cMentee.get("/")
	home.mustContain(t, app.enrolT("id", "outcome.home_title"), `href="`+page+`"`)
	form := f.cMentee.get(page)
	form.mustStatus(t, http.StatusOK)
	form.mustContain(t, app.enrolT("id", "outcome.q.status"), `name="status"`, `name="helped"`, `name="comment"`)

	// Nobody else reaches it, not even the coordinator.
	for name, c := range map[string]*client{"mentor": f.cMentor, "other": f.cOther, "coordinator": f.cCoord, "admin": f.cAdmin} {
		if r := c.get(page); r.StatusCode != http.StatusNotFound {
			t.Errorf("%s GET %s: %d", name, page, r.StatusCode)
		}
		if r := c.post(page, url.Values{"status": {"work"}, "helped": {"5"}}); r.StatusCode != http.StatusNotFound {
			t.Errorf("%s POST %s: %d", name, page, r.StatusCode)
		}
	}
	if r := f.anon.get(page); r.StatusCode != http.StatusSeeOther {
		t.Errorf("anonymous: %d", r.StatusCode)
	}

	// A wrong answer is explained and nothing is saved.
	bad := f.cMentee.post(page, url.Values{"status": {"retired"}, "helped": {"9"}, "comment": {"Masih mencari"}})
	bad.mustStatus(t, http.StatusUnprocessableEntity)
	bad.mustContain(t, app.enrolT("id", "outcome.error.status"), app.enrolT("id", "outcome.error.helped"), "Masih mencari")
	if n := app.scalar(`SELECT COUNT(*) FROM outcome_surveys WHERE answered_at IS NOT NULL`); n != "0" {
		t.Fatal("a refused answer was saved")
	}

	ok := f.cMentee.post(page, url.Values{"status": {"both"}, "helped": {"4"}, "comment": {"Mentor saya membuka banyak pintu."}})
	ok.mustStatus(t, http.StatusSeeOther)
	f.cMentee.get(page).mustContain(t, app.enrolT("id", "outcome.your_answer"), app.enrolT("id", "outcome.status.both"))
	again := f.cMentee.post(page, url.Values{"status": {"work"}, "helped": {"1"}})
	again.mustStatus(t, http.StatusConflict)
	again.mustContain(t, app.enrolT("id", "outcome.error.answered"))
	if strings.Contains(f.cMentee.get("/").Body, `href="`+page+`"`) {
		t.Error("the start page still offers an answered questionnaire")
	}

	// The coordinator sees counts and the comment, never the name.
	results := f.cCoord.get(prog + "/outcomes")
	results.mustStatus(t, http.StatusOK)
	results.mustContain(t, app.enrolT("nb", "outcome.results.round", "months", 3), "Mentor saya membuka banyak pintu.",
		app.enrolT("nb", "outcome.results.percent", "percent", 100))
	if strings.Contains(results.Body, f.mentee.Name) {
		t.Error("the results page names the mentee")
	}
	f.cMentee.get(prog+"/outcomes").mustStatus(t, http.StatusForbidden)
	f.cOtherCoord.get(prog+"/outcomes").mustStatus(t, http.StatusNotFound)
}

// The same through /api/v1: settings for coordinators only, the mentee's
// own questionnaire answered once, counts for the coordinator.
func TestAPIOutcome(t *testing.T) {
	t.Parallel()
	f := newRoleMatrix(t, "Kristian Lunde", "nb", "en")
	app := f.app
	ctx := context.Background()
	settings := "/api/v1/programs/" + pid(f.prog.ID) + "/outcomes/settings"
	on := map[string]bool{"enabled": true, "include_mentors": false}
	mustProblem(t, app.apiClient(f.mentee.Email).apiSend("PUT", settings, on), http.StatusForbidden)
	mustProblem(t, app.apiClient(f.otherCoord.Email).apiSend("PUT", settings, on), http.StatusNotFound)
	mustProblem(t, app.apiClient(f.coord.Email).apiSend("PUT", settings, map[string]any{"enabled": "yes"}), http.StatusUnprocessableEntity)
	got := apiDecode[map[string]bool](t, app.apiClient(f.coord.Email).apiSend("PUT", settings, on), http.StatusOK)
	if !got["enabled"] || got["include_mentors"] {
		t.Fatalf("settings %v", got)
	}

	if err := app.srv.Programs.EndPair(ctx, f.coord, f.prog.ID, f.pair.ID); err != nil {
		t.Fatal(err)
	}
	app.clock.Set(outcome.DueAt(app.clock.Now(), outcome.Round6))
	if n, err := outcome.Scan(ctx, app.db, app.srv.Outbox, app.clock.Now()); err != nil || n != 1 {
		t.Fatalf("sweep sent %d, %v; want 1 (the 6-month round)", n, err)
	}
	mentee, mentor, coord := app.apiClient(f.mentee.Email), app.apiClient(f.mentor.Email), app.apiClient(f.coord.Email)
	mine := apiDecode[[]map[string]any](t, mentee.apiSend("GET", "/api/v1/me/outcomes", nil), http.StatusOK)
	if len(mine) != 1 || mine[0]["months"] != float64(6) || mine[0]["open"] != true || mine[0]["status"] != nil {
		t.Fatalf("mine %v", mine)
	}
	if none := apiDecode[[]map[string]any](t, mentor.apiSend("GET", "/api/v1/me/outcomes", nil), http.StatusOK); len(none) != 0 {
		t.Errorf("the mentor has %v", none)
	}
	one := "/api/v1/outcomes/" + pid(int64(mine[0]["id"].(float64)))
	mustProblem(t, mentor.apiSend("GET", one, nil), http.StatusNotFound)
	mustProblem(t, coord.apiSend("POST", one+"/answer", map[string]any{"status": "work", "helped": 3}), http.StatusNotFound)
	bad := mustProblem(t, mentee.apiSend("POST", one+"/answer", map[string]any{"status": "retired", "helped": 3}), http.StatusUnprocessableEntity)
	if bad.Errors["status"] != app.tr("en", "outcome.error.status") {
		t.Errorf("errors %v", bad.Errors)
	}
	answered := apiDecode[map[string]any](t, mentee.apiSend("POST", one+"/answer", map[string]any{"status": "looking", "helped": 2}), http.StatusOK)
	if answered["status"] != "looking" || answered["helped"] != float64(2) || answered["open"] != false || answered["answered_at"] == nil {
		t.Fatalf("answered %v", answered)
	}
	mustProblem(t, mentee.apiSend("POST", one+"/answer", map[string]any{"status": "work", "helped": 5}), http.StatusConflict)

	results := "/api/v1/programs/" + pid(f.prog.ID) + "/outcomes"
	mustProblem(t, mentee.apiSend("GET", results, nil), http.StatusForbidden)
	type resultsDoc struct {
		Settings map[string]bool `json:"settings"`
		Rounds   []struct {
			Months, Sent, Answered int
			Rate                   int            `json:"response_rate"`
			Status                 map[string]int `json:"status"`
			Helped                 map[string]int `json:"helped"`
		} `json:"rounds"`
	}
	res := apiDecode[resultsDoc](t, coord.apiSend("GET", results, nil), http.StatusOK)
	if !res.Settings["enabled"] || len(res.Rounds) != 2 || res.Rounds[1].Sent != 1 || res.Rounds[1].Rate != 100 ||
		res.Rounds[1].Status["looking"] != 1 || res.Rounds[1].Helped["2"] != 1 || res.Rounds[0].Sent != 0 {
		t.Errorf("results %+v", res)
	}
}
