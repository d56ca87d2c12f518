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
)

// chemScene is a scene with the paths of its chemistry pages.
type chemScene struct {
	scene
	pairPath, progPath, apiPair string
}

func newChemScene(t *testing.T, app *testApp) chemScene {
	t.Helper()
	s := chemScene{scene: newScene(t, app, "Spring cohort", "en")}
	s.pairPath = fmt.Sprintf("/pairs/%d/chemistry", s.pair.ID)
	s.progPath = fmt.Sprintf("/programs/%d/chemistry", s.prog.ID)
	s.apiPair = fmt.Sprintf("/api/v1/pairs/%d", s.pair.ID)
	return s
}

// chemMeet gives the pair a confirmed meeting that began an hour ago.
func (a *testApp) chemMeet(pairID int64) time.Time {
	a.t.Helper()
	now := a.clock.Now()
	start := now.Add(-time.Hour)
	_, err := a.db.Exec(context.Background(), `INSERT INTO meetings (pair_id, uid, status, starts_at, timezone, minutes,
		created_at, updated_at) VALUES (?, ?, 'confirmed', ?, 'UTC', 60, ?, ?)`,
		pairID, fmt.Sprintf("chem-%d@test", pairID), start, now, now)
	if err != nil {
		a.t.Fatal(err)
	}
	return start
}

func TestChemistryPages(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	s := newChemScene(t, app)
	mentee := app.login(s.mentee.Email)
	mentor := app.login(s.mentor.Email)
	coord := app.login(s.coord.Email)

	// Before the first meeting there is nothing to answer.
	res := mentee.get(s.pairPath)
	res.mustStatus(t, http.StatusOK)
	res.mustContain(t, "opens once your first meeting has taken place")
	if strings.Contains(res.Body, `name="answer"`) {
		t.Fatal("form shown before the first meeting")
	}
	res = mentee.post(s.pairPath, url.Values{"answer": {"yes"}})
	res.mustStatus(t, http.StatusConflict)
	res.mustContain(t, "opens once your first meeting has taken place")
	if strings.Contains(mentee.get(programPath(s.prog.ID)).Body, s.pairPath) {
		t.Fatal("overview links a check that is not open")
	}

	app.chemMeet(s.pair.ID)
	res = mentee.get(programPath(s.prog.ID))
	res.mustContain(t, s.pairPath, "Answer the chemistry check")
	res = mentee.get(s.pairPath)
	res.mustStatus(t, http.StatusOK)
	res.mustContain(t, "Does the match feel right?", `name="answer" value="unsure"`, "Please answer by Monday 9 Mar 2026.",
		"The coordinator sees how many in your pair answered what, but not who.")

	// Bad input is refused and keeps what was typed.
	res = mentee.post(s.pairPath, url.Values{"answer": {"perhaps"}, "comment": {"kept text"}})
	res.mustStatus(t, http.StatusUnprocessableEntity)
	res.mustContain(t, "Choose one of the answers.", "kept text")
	res = mentee.post(s.pairPath, url.Values{"answer": {"no"}, "comment": {strings.Repeat("x", 1001)}})
	res.mustStatus(t, http.StatusUnprocessableEntity)
	res.mustContain(t, "Use at most 1,000 characters.")
	if n := app.scalar(`SELECT COUNT(*) FROM chemistry_answers`); n != "0" {
		t.Fatal("refused answers were saved")
	}

	secret := "We do not click, I think."
	res = mentee.post(s.pairPath, url.Values{"answer": {"no"}, "comment": {secret}})
	res.mustStatus(t, http.StatusSeeOther)
	res = mentee.get(res.Header.Get("Location"))
	res.mustContain(t, "Thank you, your answer is saved.", "You answered “No”", secret, `value="no" checked`)
	if strings.Contains(mentee.get(programPath(s.prog.ID)).Body, "Answer the chemistry check") {
		t.Fatal("overview still asks for an answer")
	}

	// The mentor sees an empty form: nothing of the mentee's answer.
	res = mentor.get(s.pairPath)
	res.mustStatus(t, http.StatusOK)
	if strings.Contains(res.Body, secret) || strings.Contains(res.Body, "checked") || strings.Contains(res.Body, "You answered") {
		t.Fatal("the mentor sees the mentee's answer")
	}
	mentor.post(s.pairPath, url.Values{"answer": {"yes"}}).mustStatus(t, http.StatusSeeOther)
	if strings.Contains(mentee.get(s.pairPath).Body, "“Yes”") {
		t.Fatal("the mentee sees the mentor's answer")
	}

	// The coordinators were told, in a word.
	if n := app.scalar(`SELECT COUNT(*) FROM outbox WHERE to_email = ? AND subject = 'A pair in Spring cohort needs your attention'
		AND body NOT LIKE ?`, s.coord.Email, "%"+secret+"%"); n != "1" {
		t.Fatalf("%s alerts to the coordinator", n)
	}

	// The coordinator's list counts answers and shows the comment, unattributed.
	res = coord.get(programPath(s.prog.ID))
	res.mustContain(t, s.progPath, "Chemistry concerns")
	res = coord.get(s.progPath)
	res.mustStatus(t, http.StatusOK)
	res.mustContain(t, "Mentor: Max Mentor · Mentee: Mia Mentee", "1 answered no", "1 answered yes", secret, "End without blame and rematch")
	if strings.Contains(res.Body, "Mia Mentee answered") || strings.Contains(res.Body, "Max Mentor answered") {
		t.Fatal("the list says who answered")
	}

	// Rematch ends the pair neutrally and frees the mentee.
	res = coord.post(fmt.Sprintf("%s/%d/rematch", s.progPath, s.pair.ID), nil)
	res.mustStatus(t, http.StatusSeeOther)
	coord.get(res.Header.Get("Location")).mustContain(t, "The pair has ended.", "No pair has answered the chemistry check yet.")
	if n := app.scalar(`SELECT COUNT(*) FROM matching_exclusions WHERE mentee_id = ? AND mentor_id = ?`, s.mentee.ID, s.mentor.ID); n != "1" {
		t.Fatal("no exclusion recorded")
	}
	if n := app.scalar(`SELECT COUNT(*) FROM outbox WHERE to_email IN (?, ?) AND body LIKE '%nobody''s fault%'`, s.mentor.Email, s.mentee.Email); n != "2" {
		t.Fatalf("%s neutral endings sent", n)
	}
	res = mentee.get(s.pairPath)
	res.mustContain(t, "This pair has ended.")
	mentee.post(s.pairPath, url.Values{"answer": {"yes"}}).mustStatus(t, http.StatusConflict)
	coord.post(fmt.Sprintf("%s/%d/rematch", s.progPath, s.pair.ID), nil).mustStatus(t, http.StatusConflict)
}

func TestChemistryPagesWho(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	s := newChemScene(t, app)
	app.chemMeet(s.pair.ID)
	if err := app.srv.Evals.AnswerChemistry(context.Background(), s.mentee, s.pair.ID, "unsure", "not sure yet"); err != nil {
		t.Fatal(err)
	}
	rematch := fmt.Sprintf("%s/%d/rematch", s.progPath, s.pair.ID)

	anon := app.client()
	anon.get(s.pairPath).mustStatus(t, http.StatusSeeOther)
	anon.get(s.progPath).mustStatus(t, http.StatusSeeOther)
	anon.post(s.pairPath, url.Values{"answer": {"no"}}).mustStatus(t, http.StatusUnauthorized)
	anon.post(rematch, nil).mustStatus(t, http.StatusUnauthorized)

	cases := []struct {
		who                       *account.User
		pairGet, progGet, rematch int
	}{
		{s.mentor, 200, 403, 403},
		{s.mentee, 200, 403, 403},
		{s.other, 404, 403, 403},
		{s.coord, 403, 200, 0},
		{s.alien, 404, 404, 404},
		{s.admin, 403, 200, 0},
	}
	for _, c := range cases {
		cl := app.login(c.who.Email)
		if got := cl.get(s.pairPath).StatusCode; got != c.pairGet {
			t.Errorf("%s: chemistry page %d, want %d", c.who.Name, got, c.pairGet)
		}
		if c.pairGet != 200 {
			if got := cl.post(s.pairPath, url.Values{"answer": {"no"}}).StatusCode; got != c.pairGet {
				t.Errorf("%s: answer %d, want %d", c.who.Name, got, c.pairGet)
			}
		}
		res := cl.get(s.progPath)
		if res.StatusCode != c.progGet {
			t.Errorf("%s: alert list %d, want %d", c.who.Name, res.StatusCode, c.progGet)
		}
		if c.progGet == 200 && !strings.Contains(res.Body, "1 not sure") {
			t.Errorf("%s: list lacks the answer", c.who.Name)
		}
		if c.rematch != 0 {
			if got := cl.post(rematch, nil).StatusCode; got != c.rematch {
				t.Errorf("%s: rematch %d, want %d", c.who.Name, got, c.rematch)
			}
		}
	}
	if n := app.scalar(`SELECT COUNT(*) FROM chemistry_answers`); n != "1" {
		t.Fatalf("refused answers saved: %s rows", n)
	}
	if n := app.scalar(`SELECT status FROM pairs WHERE id = ?`, s.pair.ID); n != "active" {
		t.Fatal("a refused rematch ended the pair")
	}
	app.login(s.admin.Email).post(rematch, nil).mustStatus(t, http.StatusSeeOther)
}

func TestChemistryAPI(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	s := newChemScene(t, app)
	mentee := app.apiClient(s.mentee.Email)
	mentor := app.apiClient(s.mentor.Email)

	type chem struct {
		Open   bool `json:"open"`
		Answer *struct {
			Answer  string `json:"answer"`
			Comment string `json:"comment"`
		} `json:"answer"`
		DueAt *time.Time `json:"due_at"`
	}
	c := apiDecode[chem](t, mentee.apiSend("GET", s.apiPair+"/chemistry", nil), http.StatusOK)
	if c.Open || c.Answer != nil || c.DueAt != nil {
		t.Fatalf("before meeting %+v", c)
	}
	mustProblem(t, mentee.apiSend("PUT", s.apiPair+"/chemistry", map[string]string{"answer": "yes"}), http.StatusConflict)
	type dueList struct {
		Items []struct {
			Kind    string `json:"kind"`
			Overdue bool   `json:"overdue"`
			Path    string `json:"path"`
		} `json:"items"`
	}
	if d := apiDecode[dueList](t, mentee.apiSend("GET", s.apiPair+"/due", nil), http.StatusOK); len(d.Items) != 0 {
		t.Fatalf("due before meeting %+v", d)
	}

	app.chemMeet(s.pair.ID)
	d := apiDecode[dueList](t, mentee.apiSend("GET", s.apiPair+"/due", nil), http.StatusOK)
	if len(d.Items) != 1 || d.Items[0].Kind != "chemistry" || d.Items[0].Overdue || d.Items[0].Path != s.pairPath {
		t.Fatalf("due %+v", d)
	}
	p := mustProblem(t, mentee.apiSend("PUT", s.apiPair+"/chemistry", map[string]string{"answer": "meh"}), http.StatusUnprocessableEntity)
	if p.Errors["answer"] == "" {
		t.Fatalf("no field error %+v", p)
	}
	mustProblem(t, mentee.apiSend("PUT", s.apiPair+"/chemistry", `{"answer":"yes","extra":1}`), http.StatusUnprocessableEntity)
	c = apiDecode[chem](t, mentee.apiSend("PUT", s.apiPair+"/chemistry", map[string]string{"answer": "no", "comment": "for the coordinator"}), http.StatusOK)
	if !c.Open || c.Answer == nil || c.Answer.Answer != "no" || c.Answer.Comment != "for the coordinator" {
		t.Fatalf("after answering %+v", c)
	}
	if d := apiDecode[dueList](t, mentee.apiSend("GET", s.apiPair+"/due", nil), http.StatusOK); len(d.Items) != 0 {
		t.Fatalf("still due after answering %+v", d)
	}
	// The mentor's view holds only the mentor's (absent) answer.
	c = apiDecode[chem](t, mentor.apiSend("GET", s.apiPair+"/chemistry", nil), http.StatusOK)
	if c.Answer != nil || strings.Contains(fmt.Sprint(c), "coordinator") {
		t.Fatalf("mentor sees %+v", c)
	}

	// Everyone else, on every endpoint.
	for _, x := range []struct {
		email             string
		pair, list, remat int
	}{
		{s.other.Email, 404, 403, 403},
		{s.coord.Email, 403, 200, 0},
		{s.alien.Email, 404, 404, 404},
		{s.admin.Email, 403, 200, 0},
		{s.mentor.Email, 200, 403, 403},
	} {
		cl := app.apiClient(x.email)
		for _, r := range []*response{
			cl.apiSend("GET", s.apiPair+"/chemistry", nil),
			cl.apiSend("GET", s.apiPair+"/due", nil),
		} {
			if r.StatusCode != x.pair {
				t.Errorf("%s: pair endpoint %d, want %d", x.email, r.StatusCode, x.pair)
			}
		}
		if x.pair != 200 {
			mustProblem(t, cl.apiSend("PUT", s.apiPair+"/chemistry", map[string]string{"answer": "no"}), x.pair)
		}
		if r := cl.apiSend("GET", fmt.Sprintf("/api/v1/programs/%d/chemistry", s.prog.ID), nil); r.StatusCode != x.list {
			t.Errorf("%s: list %d, want %d", x.email, r.StatusCode, x.list)
		}
		if x.remat != 0 {
			mustProblem(t, cl.apiSend("POST", fmt.Sprintf("/api/v1/programs/%d/chemistry/%d/rematch", s.prog.ID, s.pair.ID), nil), x.remat)
		}
	}
	anon := app.client()
	mustProblem(t, anon.apiSend("GET", s.apiPair+"/chemistry", nil), http.StatusUnauthorized)
	mustProblem(t, anon.apiSend("GET", fmt.Sprintf("/api/v1/programs/%d/chemistry", s.prog.ID), nil), http.StatusUnauthorized)

	coord := app.apiClient(s.coord.Email)
	type item struct {
		No       int      `json:"no"`
		Yes      int      `json:"yes"`
		Alert    bool     `json:"alert"`
		Comments []string `json:"comments"`
		Pair     struct {
			ID int64 `json:"id"`
		} `json:"pair"`
	}
	list := apiDecode[httpx.Page[item]](t, coord.apiSend("GET", fmt.Sprintf("/api/v1/programs/%d/chemistry", s.prog.ID), nil), http.StatusOK)
	if len(list.Items) != 1 || list.Items[0].No != 1 || !list.Items[0].Alert || list.Items[0].Comments[0] != "for the coordinator" {
		t.Fatalf("list %+v", list)
	}
	if strings.Contains(coord.apiSend("GET", fmt.Sprintf("/api/v1/programs/%d/chemistry", s.prog.ID), nil).Body, `"side"`) {
		t.Fatal("the list names a side")
	}
	type pair struct {
		Status string `json:"status"`
	}
	ended := apiDecode[pair](t, coord.apiSend("POST", fmt.Sprintf("/api/v1/programs/%d/chemistry/%d/rematch", s.prog.ID, s.pair.ID), nil), http.StatusOK)
	if ended.Status != "ended" {
		t.Fatalf("after rematch %+v", ended)
	}
}
