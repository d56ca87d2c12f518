package web

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"mentorskap/internal/account"
	"mentorskap/internal/matching"
	"mentorskap/internal/program"
)

// scoreFixture is a program with a coordinator, two mentees and two
// mentors, and people around it for the role matrix.
type scoreFixture struct {
	prog                     *program.Program
	admin, coord, otherCoord *account.User
	mentees, mentors         []*account.User
	outsider                 *account.User // a participant of another program
}

func newScoreFixture(t *testing.T, app *testApp, tag string) *scoreFixture {
	t.Helper()
	f := &scoreFixture{}
	mail := func(who string) string { return who + "-" + tag + "@example.org" }
	f.admin = app.addUser(mail("admin"), "Ada Admin", account.RoleAdmin, "en")
	f.coord = app.addUser(mail("coord"), "Kari Koordinator", account.RoleCoordinator, "nb")
	f.otherCoord = app.addUser(mail("other"), "Otto Other", account.RoleCoordinator, "en")
	f.prog = app.newProgramAs(f.coord, "Program "+tag)
	other := app.newProgramAs(f.otherCoord, "Other "+tag)
	for k, lang := range []string{"sv", "id"} {
		u := app.addUser(mail(fmt.Sprintf("mentee%d", k)), fmt.Sprintf("Mentee %d", k), account.RoleMember, lang)
		app.enrol(f.prog.ID, u, "mentee", program.StatusApproved)
		f.mentees = append(f.mentees, u)
		m := app.addUser(mail(fmt.Sprintf("mentor%d", k)), fmt.Sprintf("Mentor %d", k), account.RoleMember, "en")
		app.enrol(f.prog.ID, m, "mentor", program.StatusApproved)
		f.mentors = append(f.mentors, m)
	}
	f.outsider = app.addUser(mail("outsider"), "Olle Outsider", account.RoleMember, "en")
	app.enrol(other.ID, f.outsider, "mentee", program.StatusApproved)
	return f
}

func (f *scoreFixture) path() string { return "/programs/" + pid(f.prog.ID) + "/matching/settings" }

// scoreForm is the settings form as the page fills it, with changes.
func scoreForm(set matching.Settings) url.Values {
	return matchSettingsValues(set)
}

func loadScoreSettings(t *testing.T, app *testApp, programID int64) matching.Settings {
	t.Helper()
	set, err := matching.LoadSettings(context.Background(), app.db, programID)
	if err != nil {
		t.Fatal(err)
	}
	return set
}

func TestMatchingSettingsPage(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	f := newScoreFixture(t, app, "page")
	c := app.login(f.coord.Email)

	res := c.get(f.path())
	res.mustStatus(t, http.StatusOK)
	res.mustContain(t, html.EscapeString(app.tr("nb", "score.settings.title")), html.EscapeString(app.tr("nb", "score.criterion.skills.hint")),
		`name="weight.skills" type="number"`, `value="9"`, "Mentee 1", "Mentor 0")

	// The overview links here for coordinators only.
	app.login(f.coord.Email).get("/programs/"+pid(f.prog.ID)).mustContain(t, f.path())
	if strings.Contains(app.login(f.mentees[0].Email).get("/programs/"+pid(f.prog.ID)).Body, f.path()) {
		t.Fatal("a mentee's overview links to the matching settings")
	}

	// A good save, adding an exclusion with the two selects.
	set := matching.DefaultSettings()
	set.Weights[matching.Skills], set.Weights[matching.Career] = 10, 0
	set.RequireLanguage, set.SelfMatch, set.Suggestions = false, true, 3
	form := scoreForm(set)
	form.Set("add_mentee", pid(f.mentees[1].ID))
	form.Set("add_mentor", pid(f.mentors[0].ID))
	res = c.post(f.path(), form)
	res.mustStatus(t, http.StatusSeeOther)
	got := loadScoreSettings(t, app, f.prog.ID)
	if got.Weight(matching.Skills) != 10 || got.Weight(matching.Career) != 0 || got.RequireLanguage || !got.SelfMatch ||
		got.Suggestions != 3 || !got.SeparateOrganisations || !got.Excludes(f.mentees[1].ID, f.mentors[0].ID) || len(got.Excluded) != 1 {
		t.Fatalf("saved %+v", got)
	}
	res = c.get(f.path())
	res.mustContain(t, app.tr("nb", "score.settings.saved"), "Mentee 1 – Mentor 0",
		`name="excluded" value="`+pid(f.mentees[1].ID)+":"+pid(f.mentors[0].ID)+`"`)

	// Bad input: translated field messages, the form as sent, nothing saved.
	bad := scoreForm(got)
	bad.Set("weight.field", "11")
	bad.Set("unmatched_penalty", "lots")
	bad["excluded"] = []string{pid(f.mentees[1].ID) + ":" + pid(f.mentors[0].ID)}
	bad["remove"] = bad["excluded"]
	bad.Set("add_mentee", pid(f.mentees[0].ID)) // half a pair
	res = c.post(f.path(), bad)
	res.mustStatus(t, http.StatusUnprocessableEntity)
	res.mustContain(t, app.tr("nb", "score.error.weight_range", "min", 0, "max", 10),
		app.tr("nb", "score.error.range", "min", 0, "max", 100),
		html.EscapeString(app.tr("nb", "score.error.exclusion_people")), `value="11"`, `value="lots"`, `checked`)
	if after := loadScoreSettings(t, app, f.prog.ID); after.Weight(matching.Field) != got.Weight(matching.Field) || len(after.Excluded) != 1 {
		t.Fatalf("a refused save changed the settings: %+v", after)
	}

	// Removing the exclusion.
	form = scoreForm(got)
	form["excluded"] = bad["excluded"]
	form["remove"] = bad["excluded"]
	c.post(f.path(), form).mustStatus(t, http.StatusSeeOther)
	if after := loadScoreSettings(t, app, f.prog.ID); len(after.Excluded) != 0 || after.Weight(matching.Skills) != 10 {
		t.Fatalf("after removing: %+v", after)
	}
}

func TestMatchingSettingsRoleMatrix(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	f := newScoreFixture(t, app, "roles")
	set := matching.DefaultSettings()
	set.Weights[matching.Interests] = 1
	body := toAPIMatchingSettings(set)
	actors := []struct {
		name string
		c    *client
		api  *client
		// page view, page save, API get, API put
		want [4]int
	}{
		{"anonymous", app.client(), app.client(), [4]int{303, 401, 401, 401}},
		{"mentee of the program", app.login(f.mentees[0].Email), app.apiClient(f.mentees[0].Email), [4]int{403, 403, 403, 403}},
		{"mentor of the program", app.login(f.mentors[0].Email), app.apiClient(f.mentors[0].Email), [4]int{403, 403, 403, 403}},
		{"participant of another program", app.login(f.outsider.Email), app.apiClient(f.outsider.Email), [4]int{404, 404, 404, 404}},
		{"coordinator of another program", app.login(f.otherCoord.Email), app.apiClient(f.otherCoord.Email), [4]int{404, 404, 404, 404}},
		{"coordinator", app.login(f.coord.Email), app.apiClient(f.coord.Email), [4]int{200, 303, 200, 200}},
		{"administrator", app.login(f.admin.Email), app.apiClient(f.admin.Email), [4]int{200, 303, 200, 200}},
	}
	for _, a := range actors {
		t.Run(a.name, func(t *testing.T) {
			// Reset, so that each actor's change can be seen.
			if _, err := app.db.Exec(context.Background(), `DELETE FROM matching_weights WHERE program_id = ?`, f.prog.ID); err != nil {
				t.Fatal(err)
			}
			got := [4]int{
				a.c.get(f.path()).StatusCode,
				a.c.post(f.path(), scoreForm(set)).StatusCode,
				a.api.get("/api/v1" + f.path()).StatusCode,
				a.api.apiSend("PUT", "/api/v1"+f.path(), body).StatusCode,
			}
			if got != a.want {
				t.Fatalf("statuses %v, want %v (page view, page save, API get, API put)", got, a.want)
			}
			changed := loadScoreSettings(t, app, f.prog.ID).Weight(matching.Interests) == 1
			if changed != (a.want[1] == 303) {
				t.Fatalf("settings changed: %v", changed)
			}
		})
	}
}

func TestMatchingSettingsAPI(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	f := newScoreFixture(t, app, "api")
	c := app.apiClient(f.coord.Email) // who writes Norwegian
	path := "/api/v1" + f.path()

	got := apiDecode[apiMatchingSettings](t, c.get(path), http.StatusOK)
	if got.Weights["skills"] != 9 || !got.RequireLanguage || got.Suggestions != 5 || got.Excluded == nil || len(got.Excluded) != 0 {
		t.Fatalf("defaults %+v", got)
	}

	got.Weights["skills"] = 2
	got.SelfMatch = true
	got.Excluded = []apiExclusion{{MenteeID: f.mentees[0].ID, MentorID: f.mentors[1].ID}}
	saved := apiDecode[apiMatchingSettings](t, c.apiSend("PUT", path, got), http.StatusOK)
	if saved.Weights["skills"] != 2 || !saved.SelfMatch || len(saved.Excluded) != 1 ||
		saved.Excluded[0].MenteeName != "Mentee 0" || saved.Excluded[0].MentorName != "Mentor 1" {
		t.Fatalf("saved %+v", saved)
	}
	// What GET gives can be sent back unchanged, names and all.
	again := apiDecode[apiMatchingSettings](t, c.apiSend("PUT", path, saved), http.StatusOK)
	if len(again.Excluded) != 1 || again.Weights["skills"] != 2 {
		t.Fatalf("round trip %+v", again)
	}

	// Refusals: per-field messages in the caller's language, nothing saved.
	bad := saved
	bad.Weights = map[string]int{}
	for k, v := range saved.Weights {
		bad.Weights[k] = v
	}
	bad.Weights["skills"] = 12
	bad.Excluded = []apiExclusion{{MenteeID: f.outsider.ID, MentorID: f.mentors[0].ID}}
	p := mustProblem(t, c.apiSend("PUT", path, bad), http.StatusUnprocessableEntity)
	if p.Errors["weights.skills"] != app.tr("nb", "score.error.weight_range", "min", 0, "max", 10) ||
		p.Errors["excluded"] != app.tr("nb", "score.error.exclusion_people") {
		t.Fatalf("errors %v", p.Errors)
	}
	p = mustProblem(t, c.apiSend("PUT", path, `{"weights": {"skills": 3}}`), http.StatusUnprocessableEntity)
	if p.Errors["require_language"] != app.tr("nb", "error.required") || p.Errors["excluded"] == "" {
		t.Fatalf("a partial body: errors %v", p.Errors)
	}
	mustProblem(t, c.apiSend("PUT", path, `{"weights": {}, "colour": "blue"}`), http.StatusUnprocessableEntity)
	withUnknown := saved
	withUnknown.Weights = map[string]int{"height": 3}
	for k, v := range saved.Weights {
		withUnknown.Weights[k] = v
	}
	p = mustProblem(t, c.apiSend("PUT", path, withUnknown), http.StatusUnprocessableEntity)
	if !strings.Contains(p.Errors["weights"], "height") {
		t.Fatalf("unknown criterion: %v", p.Errors)
	}
	if now := loadScoreSettings(t, app, f.prog.ID); now.Weight(matching.Skills) != 2 || len(now.Excluded) != 1 {
		t.Fatalf("a refused PUT changed the settings: %+v", now)
	}
}

func TestProfileMatchingFields(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	f := newScoreFixture(t, app, "profile")
	base := "/programs/" + pid(f.prog.ID) + "/profile"
	mentee := app.login(f.mentees[0].Email) // writes Swedish
	res := mentee.get(base)
	res.mustStatus(t, http.StatusOK)
	res.mustContain(t, app.tr("sv", "score.profile.wishes"), app.tr("sv", "score.time.weekday_evening"), `name="wish_stage"`)

	form := url.Values{"languages": {"sv", "en"}, "meeting_times": {"weekend_morning", "weekday_evening"},
		"wish_same_field": {"1"}, "wish_language": {"sv"}, "wish_stage": {"senior"}}
	mentee.post(base, form).mustStatus(t, http.StatusSeeOther)
	p, err := program.GetParticipant(context.Background(), app.db, f.prog.ID, f.mentees[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(p.MeetingTimes, ",") != "weekday_evening,weekend_morning" || !p.WishSameField || p.WishInPerson ||
		p.WishLanguage != "sv" || p.WishStage != "senior" || p.Timezone == "" {
		t.Fatalf("saved %+v", p)
	}
	res = mentee.get(base)
	res.mustContain(t, `value="weekend_morning" checked`, `value="sv" selected`, `value="senior" selected`)

	// A wish for a language the mentee does not speak, a made-up slot.
	bad := url.Values{"languages": {"sv"}, "meeting_times": {"midnight"}, "wish_language": {"id"}}
	res = mentee.post(base, bad)
	res.mustStatus(t, http.StatusUnprocessableEntity)
	res.mustContain(t, app.tr("sv", "error.choice_invalid"))
	if again, _ := program.GetParticipant(context.Background(), app.db, f.prog.ID, f.mentees[0].ID); again.WishLanguage != "sv" {
		t.Fatal("a refused profile was saved")
	}

	// Mentors say when they can meet but state no wishes.
	mentor := app.login(f.mentors[0].Email)
	res = mentor.get(base)
	res.mustContain(t, `name="meeting_times"`)
	if strings.Contains(res.Body, `name="wish_stage"`) {
		t.Fatal("a mentor is asked for wishes")
	}
	mentor.post(base, url.Values{"languages": {"en"}, "capacity": {"2"}, "wish_stage": {"senior"},
		"meeting_times": {"weekday_morning"}}).mustStatus(t, http.StatusSeeOther)
	m, _ := program.GetParticipant(context.Background(), app.db, f.prog.ID, f.mentors[0].ID)
	if m.WishStage != "" || strconv.Itoa(len(m.MeetingTimes)) != "1" {
		t.Fatalf("mentor saved %+v", m)
	}
}
