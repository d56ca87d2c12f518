package api

import (
	"fmt"
	"net/http"
	"testing"

	"mentorskap/internal/httpx"
	"mentorskap/internal/meeting"
)

func (f *notesFixture) api(meetingID int64, doc string) string {
	return fmt.Sprintf("/api/v1/pairs/%d/meetings/%d/%s", f.pair.ID, meetingID, doc)
}

func TestNotesAPIAgendaAndNotes(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	f := notesSetup(t, app)
	mentee, mentor := app.apiClient(f.mentee.Email), app.apiClient(f.mentor.Email)

	a := apiDecode[apiAgenda](t, mentee.apiSend("GET", f.api(f.m2, "agenda"), nil), http.StatusOK)
	if a.Version != 0 || len(a.Items) != 0 || !a.CanEdit || a.MeetingNumber != 2 || a.SuggestedTheme == nil ||
		a.SuggestedTheme.Title != meeting.DefaultPlan("en").Themes[1].Title {
		t.Fatalf("empty agenda: %+v", a)
	}
	in := apiAgendaInput{Version: 0, Items: []apiAgendaItem{{Source: "theme", Title: a.SuggestedTheme.Title}, {Title: "Salary", Note: "What to ask"}}}
	a = apiDecode[apiAgenda](t, mentee.apiSend("PUT", f.api(f.m2, "agenda"), in), http.StatusOK)
	if a.Version != 1 || len(a.Items) != 2 || a.Items[1].Source != "own" || a.UpdatedAt == nil {
		t.Fatalf("saved agenda: %+v", a)
	}
	if n := len(notesMails(t, app)); n != 1 {
		t.Fatalf("%d emails, want one to the mentor", n)
	}
	// The mentor reads it in their language but may not change it.
	a = apiDecode[apiAgenda](t, mentor.apiSend("GET", f.api(f.m2, "agenda"), nil), http.StatusOK)
	if a.CanEdit || a.SuggestedTheme.Title != meeting.DefaultPlan("nb").Themes[1].Title {
		t.Fatalf("mentor's agenda: %+v", a)
	}
	mustProblem(t, mentor.apiSend("PUT", f.api(f.m2, "agenda"), in), http.StatusForbidden)
	mustProblem(t, mentee.apiSend("PUT", f.api(f.m2, "agenda"), in), http.StatusConflict) // version 0 is stale now
	p := mustProblem(t, mentee.apiSend("PUT", f.api(f.m2, "agenda"), apiAgendaInput{Version: 1, Items: []apiAgendaItem{{Title: ""}}}), http.StatusUnprocessableEntity)
	if p.Errors["items.0.title"] == "" {
		t.Fatalf("field errors: %+v", p)
	}
	mustProblem(t, mentee.apiSend("PUT", f.api(f.m2, "agenda"), `{"version": 1, "items": [], "extra": 1}`), http.StatusUnprocessableEntity)

	// Shared notes: both sides write, a stale version is a conflict.
	n := apiDecode[apiNotes](t, mentor.apiSend("PUT", f.api(f.m2, "notes"), apiNotesInput{Version: 0, SinceLast: "Applied twice", TimeMinutes: 45}), http.StatusOK)
	if n.Version != 1 || n.SinceLast != "Applied twice" || n.TimeMinutes != 45 {
		t.Fatalf("notes: %+v", n)
	}
	mustProblem(t, mentee.apiSend("PUT", f.api(f.m2, "notes"), apiNotesInput{Version: 0, SinceLast: "Mine"}), http.StatusConflict)
	n = apiDecode[apiNotes](t, mentee.apiSend("PUT", f.api(f.m2, "notes"), apiNotesInput{Version: 1, SinceLast: "Applied twice, one reply", Remember: "CV"}), http.StatusOK)
	if n.Version != 2 || n.Remember != "CV" {
		t.Fatalf("mentee's edit: %+v", n)
	}
	p = mustProblem(t, mentee.apiSend("PUT", f.api(f.m2, "notes"), apiNotesInput{Version: 2, TimeMinutes: 5000}), http.StatusUnprocessableEntity)
	if p.Errors["time_minutes"] == "" {
		t.Fatalf("field errors: %+v", p)
	}

	// Private notes are each person's own.
	pn := apiDecode[apiPrivateNote](t, mentor.apiSend("PUT", f.api(f.m2, "private-note"), apiPrivateNoteInput{Body: "Keep an eye on stress"}), http.StatusOK)
	if pn.Version != 1 || pn.Body != "Keep an eye on stress" {
		t.Fatalf("private note: %+v", pn)
	}
	if pn = apiDecode[apiPrivateNote](t, mentee.apiSend("GET", f.api(f.m2, "private-note"), nil), http.StatusOK); pn.Body != "" || pn.Version != 0 {
		t.Fatalf("the mentee reads the mentor's private note: %+v", pn)
	}
}

func TestNotesAPIActionItems(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	f := notesSetup(t, app)
	mentee, mentor := app.apiClient(f.mentee.Email), app.apiClient(f.mentor.Email)

	p := mustProblem(t, mentee.apiSend("POST", f.api(f.m1, "action-items"), apiActionInput{Text: "x", OwnerID: f.other.ID, DueOn: "tomorrow"}), http.StatusUnprocessableEntity)
	if p.Errors["owner_user_id"] == "" || p.Errors["due_on"] == "" {
		t.Fatalf("field errors: %+v", p)
	}
	cv := apiDecode[apiActionItem](t, mentee.apiSend("POST", f.api(f.m1, "action-items"), apiActionInput{Text: "Rewrite the CV", OwnerID: f.mentee.ID, DueOn: "2026-03-09"}), http.StatusCreated)
	if cv.Status != "open" || cv.DueOn == nil || *cv.DueOn != "2026-03-09" || cv.OwnerName != f.mentee.Name || cv.GoalID != nil {
		t.Fatalf("created: %+v", cv)
	}
	cv = apiDecode[apiActionItem](t, mentor.apiSend("PUT", fmt.Sprintf("/api/v1/pairs/%d/action-items/%d", f.pair.ID, cv.ID),
		apiActionInput{Text: "Rewrite the CV in English", OwnerID: f.mentee.ID}), http.StatusOK)
	if cv.Text != "Rewrite the CV in English" || cv.DueOn != nil {
		t.Fatalf("updated: %+v", cv)
	}

	lists := apiDecode[apiMeetingActions](t, mentor.apiSend("GET", f.api(f.m2, "action-items"), nil), http.StatusOK)
	if len(lists.Agreed) != 0 || len(lists.Review) != 1 || *lists.Review[0].Outcome != "" {
		t.Fatalf("meeting 2 lists: %+v", lists)
	}
	review := fmt.Sprintf("%s/%d/review", f.api(f.m2, "action-items"), cv.ID)
	got := apiDecode[apiActionItem](t, mentee.apiSend("POST", review, apiReviewInput{Outcome: "carried"}), http.StatusOK)
	if got.Status != "open" || got.CarriedOver != 1 || *got.Outcome != "carried" {
		t.Fatalf("carried: %+v", got)
	}
	mustProblem(t, mentee.apiSend("POST", review, apiReviewInput{Outcome: "later"}), http.StatusUnprocessableEntity)
	done := apiDecode[apiActionItem](t, mentee.apiSend("POST", fmt.Sprintf("%s/%d/review", f.api(f.m3, "action-items"), cv.ID), apiReviewInput{Outcome: "done"}), http.StatusOK)
	if done.Status != "done" || done.ClosedMeetingID == nil || *done.ClosedMeetingID != f.m3 {
		t.Fatalf("done: %+v", done)
	}
	mustProblem(t, mentee.apiSend("POST", review, apiReviewInput{Outcome: "done"}), http.StatusConflict)

	open := apiDecode[httpx.Page[apiActionItem]](t, mentor.apiSend("GET", fmt.Sprintf("/api/v1/pairs/%d/action-items?status=open", f.pair.ID), nil), http.StatusOK)
	all := apiDecode[httpx.Page[apiActionItem]](t, mentor.apiSend("GET", fmt.Sprintf("/api/v1/pairs/%d/action-items", f.pair.ID), nil), http.StatusOK)
	if len(open.Items) != 0 || len(all.Items) != 1 {
		t.Fatalf("open %d, all %d", len(open.Items), len(all.Items))
	}
}

func TestNotesAPIMeetingPlan(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	f := notesSetup(t, app)
	coord := app.apiClient(f.coord.Email)
	path := fmt.Sprintf("/api/v1/programs/%d/meeting-plan/", f.prog.ID)

	for _, lang := range []string{"en", "nb", "sv", "id"} {
		p := apiDecode[apiPlan](t, coord.apiSend("GET", path+lang, nil), http.StatusOK)
		def := meeting.DefaultPlan(lang)
		if p.Custom || p.Version != 0 || len(p.Themes) != 6 || p.Themes[0].Title != def.Themes[0].Title || len(p.Topics) != 14 {
			t.Fatalf("%s defaults: %+v", lang, p)
		}
	}
	themes := []apiPlanItem{{Title: "Bli kjent", Description: "Kaffe"}, {Title: "Mål"}}
	p := apiDecode[apiPlan](t, coord.apiSend("PUT", path+"nb", apiPlanInput{Version: 0, Themes: &themes}), http.StatusOK)
	if !p.Custom || p.Version != 1 || len(p.Themes) != 2 || len(p.Topics) != 14 {
		t.Fatalf("saved: %+v", p)
	}
	mustProblem(t, coord.apiSend("PUT", path+"nb", apiPlanInput{Version: 0, Themes: &themes}), http.StatusConflict)
	bad := []apiPlanItem{{Title: "ok"}, {Title: ""}}
	pr := mustProblem(t, coord.apiSend("PUT", path+"nb", apiPlanInput{Version: 1, Topics: &bad}), http.StatusUnprocessableEntity)
	if pr.Errors["topics.1.title"] == "" {
		t.Fatalf("field errors: %+v", pr)
	}
	mustProblem(t, coord.apiSend("GET", path+"fr", nil), http.StatusNotFound)
	p = apiDecode[apiPlan](t, coord.apiSend("DELETE", path+"nb", nil), http.StatusOK)
	if p.Custom || len(p.Themes) != 6 {
		t.Fatalf("after reset: %+v", p)
	}

	for _, c := range []struct {
		email string
		want  int
	}{
		{f.mentee.Email, http.StatusForbidden}, {f.other.Email, http.StatusForbidden},
		{f.foreign.Email, http.StatusNotFound}, {f.admin.Email, http.StatusOK},
	} {
		cl := app.apiClient(c.email)
		if res := cl.apiSend("GET", path+"en", nil); res.StatusCode != c.want {
			t.Errorf("%s GET plan: %d, want %d", c.email, res.StatusCode, c.want)
		}
		if c.want != http.StatusOK {
			mustProblem(t, cl.apiSend("PUT", path+"en", apiPlanInput{Themes: &themes}), c.want)
			mustProblem(t, cl.apiSend("DELETE", path+"en", nil), c.want)
		}
	}
	mustProblem(t, app.client().apiSend("GET", path+"en", nil), http.StatusUnauthorized)
}

// TestNotesAPIRoleMatrix runs every pair endpoint as everyone who is not
// on the pair, before and after the agreement shares meetings with the
// coordinator.
func TestNotesAPIRoleMatrix(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	f := notesSetup(t, app)
	mentee := app.apiClient(f.mentee.Email)
	item := apiDecode[apiActionItem](t, mentee.apiSend("POST", f.api(f.m1, "action-items"), apiActionInput{Text: "Call", OwnerID: f.mentee.ID}), http.StatusCreated)
	apiDecode[apiAgenda](t, mentee.apiSend("PUT", f.api(f.m1, "agenda"), apiAgendaInput{Items: []apiAgendaItem{{Title: "Secret topic"}}}), http.StatusOK)
	apiDecode[apiPrivateNote](t, mentee.apiSend("PUT", f.api(f.m1, "private-note"), apiPrivateNoteInput{Body: "Only mine"}), http.StatusOK)

	type call struct {
		method, path string
		body         any
		read         bool // a read of shared content
	}
	calls := []call{
		{"GET", f.api(f.m1, "agenda"), nil, true},
		{"PUT", f.api(f.m1, "agenda"), apiAgendaInput{Version: 1}, false},
		{"GET", f.api(f.m1, "notes"), nil, true},
		{"PUT", f.api(f.m1, "notes"), apiNotesInput{}, false},
		{"GET", f.api(f.m1, "private-note"), nil, false},
		{"PUT", f.api(f.m1, "private-note"), apiPrivateNoteInput{Version: 1}, false},
		{"GET", f.api(f.m1, "action-items"), nil, true},
		{"POST", f.api(f.m1, "action-items"), apiActionInput{Text: "x", OwnerID: f.mentee.ID}, false},
		{"POST", fmt.Sprintf("%s/%d/review", f.api(f.m2, "action-items"), item.ID), apiReviewInput{Outcome: "done"}, false},
		{"GET", fmt.Sprintf("/api/v1/pairs/%d/action-items", f.pair.ID), nil, true},
		{"PUT", fmt.Sprintf("/api/v1/pairs/%d/action-items/%d", f.pair.ID, item.ID), apiActionInput{Text: "x", OwnerID: f.mentee.ID}, false},
	}
	run := func(who string, c *client, readStatus, writeStatus int) {
		t.Helper()
		for _, k := range calls {
			want := writeStatus
			if k.read {
				want = readStatus
			}
			res := c.apiSend(k.method, k.path, k.body)
			if want == http.StatusOK {
				res.mustStatus(t, http.StatusOK)
				notesLacks(t, res, "Only mine")
				continue
			}
			if res.StatusCode != want {
				t.Errorf("%s %s %s: %d, want %d: %s", who, k.method, k.path, res.StatusCode, want, res.Body)
				continue
			}
			mustProblem(t, res, want)
			notesLacks(t, res, "Secret topic", "Only mine")
		}
	}
	run("anonymous", app.client(), http.StatusUnauthorized, http.StatusUnauthorized)
	run("other participant", app.apiClient(f.other.Email), http.StatusNotFound, http.StatusNotFound)
	run("other program's coordinator", app.apiClient(f.foreign.Email), http.StatusNotFound, http.StatusNotFound)
	run("coordinator", app.apiClient(f.coord.Email), http.StatusForbidden, http.StatusForbidden)
	run("administrator", app.apiClient(f.admin.Email), http.StatusForbidden, http.StatusForbidden)

	notesShareMeetings(t, app, f)
	run("coordinator, shared", app.apiClient(f.coord.Email), http.StatusOK, http.StatusForbidden)
	run("administrator, shared", app.apiClient(f.admin.Email), http.StatusOK, http.StatusForbidden)
	run("other participant, shared", app.apiClient(f.other.Email), http.StatusNotFound, http.StatusNotFound)
	a := apiDecode[apiAgenda](t, app.apiClient(f.coord.Email).apiSend("GET", f.api(f.m1, "agenda"), nil), http.StatusOK)
	if len(a.Items) != 1 || a.CanEdit {
		t.Fatalf("coordinator's shared agenda: %+v", a)
	}
	// Nothing the refused calls sent was stored.
	if n := app.count(`SELECT COUNT(*) FROM action_items`); n != 1 {
		t.Fatalf("%d action items, want 1", n)
	}
	if n := app.count(`SELECT COUNT(*) FROM meeting_notes`); n != 0 {
		t.Fatalf("refused notes stored (%d)", n)
	}
}
