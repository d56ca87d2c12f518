package web

import (
	"net/http"
	"strings"
	"testing"

	"mentorskap/internal/account"
	"mentorskap/internal/program"
)

// TestProgramRoleWords: a coordinator names the mentee "deltaker" in
// Norwegian; a bad word is refused and changes nothing; then the program's
// pages, its emails and the API all use the program's word, while another
// program keeps the usual one.
func TestProgramRoleWords(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	coord := app.addUser("coord@example.org", "Cora Koordinator", account.RoleCoordinator, "nb")
	mia := app.addUser("mia@example.org", "Mia Mentor", account.RoleMember, "nb")
	max := app.addUser("max@example.org", "Max Mentee", account.RoleMember, "nb")
	p := app.newProgramAs(coord, "Ny i jobb")
	other := app.newProgramAs(coord, "Annet program")
	id := pid(p.ID)
	app.enrol(p.ID, mia, "mentor", program.StatusApproved)
	app.enrol(p.ID, max, "mentee", program.StatusApproved)
	c := app.login(coord.Email)

	res := c.get("/programs/" + id + "/edit")
	res.mustStatus(t, http.StatusOK)
	res.mustContain(t, `name="role_mentee_nb"`, "adept, adepten, adepter, adeptene")

	f := programForm("Ny i jobb")
	f.Set("role_mentee_nb", "deltaker1")
	res = c.post("/programs/"+id+"/edit", f)
	res.mustStatus(t, http.StatusUnprocessableEntity)
	res.mustContain(t, app.tr("nb", "program.error.role_forms", "forms", "adept, adepten, adepter, adeptene", "max", 40), `value="deltaker1"`)
	if n := app.scalar(`SELECT COUNT(*) FROM program_role_names`); n != "0" {
		t.Fatalf("%s role words saved from bad input", n)
	}

	f.Set("role_mentee_nb", "Deltaker")
	c.post("/programs/"+id+"/edit", f).mustStatus(t, http.StatusSeeOther)
	if got := app.scalar(`SELECT forms FROM program_role_names WHERE program_id = ? AND language = 'nb' AND role = 'mentee'`, p.ID); got != "deltaker,deltakeren,deltakere,deltakerne" {
		t.Fatalf("saved forms %q", got)
	}

	// Pages of the program say the program's word…
	res = c.get("/programs/" + id + "/pairs")
	res.mustStatus(t, http.StatusOK)
	res.mustContain(t, "Deltakerside")
	if strings.Contains(res.Body, "Adeptside") {
		t.Fatal("the pairs page still says Adeptside")
	}
	// …another program's pages keep the usual word.
	c.get("/programs/"+pid(other.ID)+"/pairs").mustContain(t, "godkjent adept.")

	// Its emails too: the new mentee is told what a deltaker does.
	c.post("/programs/"+id+"/pairs", map[string][]string{"mentor": {pid(mia.ID)}, "mentee": {pid(max.ID)}}).mustStatus(t, http.StatusSeeOther)
	body := app.scalar(`SELECT body FROM outbox WHERE to_email = ? ORDER BY id DESC LIMIT 1`, max.Email)
	if !strings.Contains(body, "Som deltaker leder du") || strings.Contains(body, "adept") {
		t.Fatalf("mentee's email:\n%s", body)
	}
	// And the pair's own pages.
	pairID := app.scalar(`SELECT id FROM pairs WHERE program_id = ?`, p.ID)
	home := app.login(max.Email).get("/pairs/" + pairID)
	home.mustStatus(t, http.StatusOK)
	if strings.Contains(strings.ToLower(home.Body), "adept") {
		t.Fatal("the pair home still says adept")
	}
	// Before the first meeting the pair home guides the start, and names
	// the coordinator as the contact person.
	home.mustContain(t, app.tr("nb", "start.title"), app.tr("nb", "start.success_title"), `href="mailto:coord@example.org"`)

	// The job-mentoring preset fills in the goals of seed 003 and the
	// Norwegian word its program uses.
	res = c.get("/programs/new?preset=jobs")
	res.mustStatus(t, http.StatusOK)
	res.mustContain(t, "Deltakeren lærer mer norsk", `value="deltaker, deltakeren, deltakere, deltakerne"`)

	// The API shows and changes the words; PATCH keeps the roles it leaves out.
	api := app.apiClient(coord.Email)
	type prog struct {
		RoleNames map[string]map[string]string `json:"role_names"`
	}
	got := apiDecode[prog](t, api.apiSend("GET", "/api/v1/programs/"+id, nil), http.StatusOK)
	if got.RoleNames["nb"]["mentee"] != "deltaker, deltakeren, deltakere, deltakerne" {
		t.Fatalf("API role names %+v", got.RoleNames)
	}
	got = apiDecode[prog](t, api.apiSend("PATCH", "/api/v1/programs/"+id, map[string]any{
		"role_names": map[string]any{"sv": map[string]string{"mentee": "deltagare"}}}), http.StatusOK)
	if got.RoleNames["nb"]["mentee"] == "" || got.RoleNames["sv"]["mentee"] != "deltagare, deltagaren, deltagare, deltagarna" {
		t.Fatalf("after PATCH %+v", got.RoleNames)
	}
	api.apiSend("PATCH", "/api/v1/programs/"+id, map[string]any{
		"role_names": map[string]any{"sv": map[string]string{"mentee": "a, b"}}}).mustStatus(t, http.StatusUnprocessableEntity)
}
