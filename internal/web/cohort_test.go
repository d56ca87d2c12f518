package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"mentorskap/internal/account"
	"mentorskap/internal/httpx"
	"mentorskap/internal/meeting"
	"mentorskap/internal/program"
)

// The cohort pages' API operations, kept here rather than in the shared
// table so that features added beside each other do not collide.
func init() {
	for page, api := range map[string]string{
		"POST /programs/{id}/copy":                  "POST /api/v1/programs/{programID}/copy",
		"POST /programs/new/template/{key}":         "POST /api/v1/program-templates/{templateKey}/programs",
		"POST /programs/{id}/save-template":         "POST /api/v1/programs/{programID}/template",
		"POST /program-templates/{template}/delete": "DELETE /api/v1/program-templates/{templateKey}",
	} {
		pageToAPI[page] = api
	}
	// Who may use them (confidential_test.go). A template's key fills in
	// as the built-in "study", which cannot be removed: "refused".
	for route, class := range map[string]string{
		"GET /programs/{id}/copy": "coord", "POST /programs/{id}/copy": "coord",
		"GET /programs/new/template/{key}": "creator", "POST /programs/new/template/{key}": "creator",
		"GET /programs/{id}/save-template": "admin", "POST /programs/{id}/save-template": "admin",
		"POST /program-templates/{template}/delete": "refused",
	} {
		confidentialRoutes[route] = class
	}
	for route, class := range map[string]string{
		"POST /api/v1/programs/{programID}/copy":                "coord",
		"GET /api/v1/program-templates":                         "creator",
		"POST /api/v1/program-templates/{templateKey}/programs": "creator",
		"POST /api/v1/programs/{programID}/template":            "admin",
		"DELETE /api/v1/program-templates/{templateKey}":        "refused",
	} {
		confidentialAPI[route] = class
	}
}

func (a *testApp) countPrograms() int {
	a.t.Helper()
	var n int
	if err := a.db.QueryRow(context.Background(), `SELECT COUNT(*) FROM programs`).Scan(&n); err != nil {
		a.t.Fatal(err)
	}
	return n
}

// newProgramID reads the program a 303 after creating one points at.
func newProgramID(t *testing.T, res *response) int64 {
	t.Helper()
	res.mustStatus(t, http.StatusSeeOther)
	loc := res.Header.Get("Location")
	id, err := strconv.ParseInt(strings.TrimPrefix(loc, "/programs/"), 10, 64)
	if err != nil {
		t.Fatalf("redirected to %q", loc)
	}
	return id
}

func TestCohortCopyPages(t *testing.T) {
	t.Parallel()
	f := newRoleMatrix(t, "Kristian Lunde", "nb", "nb")
	app := f.app
	path := "/programs/" + httpx.Itoa(f.prog.ID) + "/copy"

	// The create-program page offers the copy, the templates and the blank form.
	res := f.cCoord.get("/programs/new")
	res.mustStatus(t, http.StatusOK)
	res.mustContain(t, `href="`+path+`"`, `href="/programs/new/template/newcomers"`, `href="/programs/new/template/study"`,
		`href="/programs/new/template/organisations"`, `action="/programs"`)
	if strings.Contains(f.cOtherCoord.get("/programs/new").Body, `href="`+path+`"`) {
		t.Fatal("another program's coordinator is offered this program to copy")
	}

	// Strangers and participants may not copy; nothing is made.
	before := app.countPrograms()
	f.cOtherCoord.get(path).mustStatus(t, http.StatusNotFound)
	f.cOtherCoord.post(path, url.Values{"name": {"Stolen"}, "start": {"2026-09-01"}}).mustStatus(t, http.StatusNotFound)
	f.cMentee.post(path, url.Values{"name": {"Mine"}, "start": {"2026-09-01"}}).mustStatus(t, http.StatusForbidden)
	// Bad input: a clear message, nothing made.
	res = f.cCoord.post(path, url.Values{"name": {""}, "start": {"1. september"}})
	res.mustStatus(t, http.StatusUnprocessableEntity)
	res.mustContain(t, `id="e-name"`, `id="e-start"`)
	if app.countPrograms() != before {
		t.Fatal("a refused copy made a program")
	}

	f.cCoord.get(path).mustContain(t, "<h1>", `name="start"`)
	id := newProgramID(t, f.cCoord.post(path, url.Values{"name": {"Ny i arbeidslivet, høsten"}, "start": {"2026-09-01"}}))
	res = f.cCoord.get("/programs/" + httpx.Itoa(id))
	res.mustStatus(t, http.StatusOK)
	res.mustContain(t, "Ny i arbeidslivet, høsten", "h-launch")
	var pairs int
	if err := app.db.QueryRow(context.Background(), `SELECT COUNT(*) FROM pairs WHERE program_id = ?`, id).Scan(&pairs); err != nil || pairs != 0 {
		t.Fatalf("the copy has %d pairs (%v)", pairs, err)
	}
}

func TestCohortTemplatePages(t *testing.T) {
	t.Parallel()
	f := newRoleMatrix(t, "Kristian Lunde", "nb", "nb")
	app := f.app

	f.cMentee.get("/programs/new/template/study").mustStatus(t, http.StatusForbidden)
	res := f.cCoord.get("/programs/new/template/study")
	res.mustStatus(t, http.StatusOK)
	res.mustContain(t, "Studenter og næringsliv", `name="default_language"`)
	f.cCoord.get("/programs/new/template/nope").mustStatus(t, http.StatusNotFound)
	res = f.cCoord.post("/programs/new/template/study", url.Values{"name": {""}, "start": {"2026-09-01"}, "default_language": {"nb"}})
	res.mustStatus(t, http.StatusUnprocessableEntity)
	id := newProgramID(t, f.cCoord.post("/programs/new/template/study", url.Values{"name": {"Studenter høst"}, "start": {"2026-09-01"}, "default_language": {"sv"}}))
	p, err := program.Get(context.Background(), app.db, id)
	if err != nil || p.MinMeetings != 4 || p.DefaultLanguage != "sv" {
		t.Fatalf("from template: %+v %v", p, err)
	}
	plan, err := meeting.LoadPlan(context.Background(), app.db, id, "sv")
	if err != nil || !plan.Custom() || len(plan.Themes) != 5 {
		t.Fatalf("plan: %+v %v", plan, err)
	}

	// Saving as a template is the administrators'.
	save := "/programs/" + httpx.Itoa(f.prog.ID) + "/save-template"
	f.cCoord.get(save).mustStatus(t, http.StatusForbidden)
	f.cCoord.post(save, url.Values{"name": {"Vår mal"}}).mustStatus(t, http.StatusForbidden)
	if strings.Contains(f.cCoord.get("/programs/"+httpx.Itoa(f.prog.ID)).Body, save) {
		t.Fatal("a coordinator is offered to save a template")
	}
	f.cAdmin.get("/programs/"+httpx.Itoa(f.prog.ID)).mustContain(t, `href="`+save+`"`)
	f.cAdmin.get(save).mustContain(t, `name="name"`)
	f.cAdmin.post(save, url.Values{"name": {""}}).mustStatus(t, http.StatusUnprocessableEntity)
	res = f.cAdmin.post(save, url.Values{"name": {"Vår mal"}, "description": {"Slik vi gjør det"}})
	res.mustStatus(t, http.StatusSeeOther)
	var tid int64
	if err := app.db.QueryRow(context.Background(), `SELECT id FROM program_templates`).Scan(&tid); err != nil {
		t.Fatal(err)
	}
	tkey := httpx.Itoa(tid)
	// It appears for every coordinator; only administrators may remove it.
	res = f.cOtherCoord.get("/programs/new")
	res.mustContain(t, "Vår mal", `href="/programs/new/template/`+tkey+`"`)
	if strings.Contains(res.Body, "/program-templates/"+tkey+"/delete") {
		t.Fatal("a coordinator is offered to remove a template")
	}
	newProgramID(t, f.cOtherCoord.post("/programs/new/template/"+tkey, url.Values{"name": {"Fra malen"}, "start": {"2026-09-01"}, "default_language": {"sv"}}))
	del := "/program-templates/" + tkey + "/delete"
	f.cCoord.post(del, url.Values{"confirmed": {"yes"}}).mustStatus(t, http.StatusForbidden)
	res = f.cAdmin.post(del, nil)
	res.mustStatus(t, http.StatusOK) // the confirmation page first
	res.mustContain(t, `name="confirmed" value="yes"`)
	f.cAdmin.post("/program-templates/newcomers/delete", nil).mustStatus(t, http.StatusNotFound)
	f.cAdmin.post(del, url.Values{"confirmed": {"yes"}}).mustStatus(t, http.StatusSeeOther)
	if strings.Contains(f.cCoord.get("/programs/new").Body, "Vår mal") {
		t.Fatal("the removed template is still offered")
	}
}

func TestCohortAPI(t *testing.T) {
	t.Parallel()
	f := newRoleMatrix(t, "Kristian Lunde", "nb", "nb")
	app := f.app
	token := func(u *account.User) *client {
		c := app.client()
		res := c.send("POST", "/api/v1/tokens", "application/json", strings.NewReader(`{"email":"`+u.Email+`","password":"password-`+u.Email+`","name":"t"}`))
		res.mustStatus(t, http.StatusCreated)
		var out struct {
			Token string `json:"token"`
		}
		json.Unmarshal([]byte(res.Body), &out)
		c.Header.Set("Authorization", "Bearer "+out.Token)
		return c
	}
	coord, other, admin, mentee := token(f.coord), token(f.otherCoord), token(f.admin), token(f.mentee)
	js := func(c *client, method, path, body string) *response {
		return c.send(method, path, "application/json", strings.NewReader(body))
	}
	copyPath := "/api/v1/programs/" + httpx.Itoa(f.prog.ID) + "/copy"
	js(other, "POST", copyPath, `{"name":"x","starts_on":"2026-09-01"}`).mustStatus(t, http.StatusNotFound)
	js(mentee, "POST", copyPath, `{"name":"x","starts_on":"2026-09-01"}`).mustStatus(t, http.StatusForbidden)
	res := js(coord, "POST", copyPath, `{"name":"","starts_on":"01.09.2026"}`)
	res.mustStatus(t, http.StatusUnprocessableEntity)
	res.mustContain(t, `"starts_on"`, `"name"`)
	res = js(coord, "POST", copyPath, `{"name":"Høsten","starts_on":"2026-09-01"}`)
	res.mustStatus(t, http.StatusCreated)
	res.mustContain(t, `"name": "Høsten"`, `"starts_on": "2026-09-01"`)

	res = coord.get("/api/v1/program-templates")
	res.mustStatus(t, http.StatusOK)
	res.mustContain(t, `"key": "newcomers"`, `"key": "study"`, `"key": "organisations"`)
	mentee.get("/api/v1/program-templates").mustStatus(t, http.StatusForbidden)
	res = js(coord, "POST", "/api/v1/program-templates/newcomers/programs", `{"name":"Jobbmentor","starts_on":"2026-09-01","default_language":"nb"}`)
	res.mustStatus(t, http.StatusCreated)
	res.mustContain(t, `"min_meetings": 6`)
	js(coord, "POST", "/api/v1/program-templates/nope/programs", `{"name":"x","starts_on":"2026-09-01"}`).mustStatus(t, http.StatusNotFound)

	savePath := "/api/v1/programs/" + httpx.Itoa(f.prog.ID) + "/template"
	js(coord, "POST", savePath, `{"name":"Mal"}`).mustStatus(t, http.StatusForbidden)
	js(other, "POST", savePath, `{"name":"Mal"}`).mustStatus(t, http.StatusNotFound)
	res = js(admin, "POST", savePath, `{"name":"Mal","description":"Vår måte"}`)
	res.mustStatus(t, http.StatusCreated)
	var tpl struct {
		Key string `json:"key"`
	}
	json.Unmarshal([]byte(res.Body), &tpl)
	js(coord, "POST", "/api/v1/program-templates/"+tpl.Key+"/programs", `{"name":"Fra mal","starts_on":"2026-09-01"}`).mustStatus(t, http.StatusCreated)
	js(coord, "DELETE", "/api/v1/program-templates/"+tpl.Key, ``).mustStatus(t, http.StatusForbidden)
	js(admin, "DELETE", "/api/v1/program-templates/study", ``).mustStatus(t, http.StatusNotFound)
	js(admin, "DELETE", "/api/v1/program-templates/"+tpl.Key, ``).mustStatus(t, http.StatusNoContent)
	js(admin, "DELETE", "/api/v1/program-templates/"+tpl.Key, ``).mustStatus(t, http.StatusNotFound)
}
