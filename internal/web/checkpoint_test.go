package web

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"mentorskap/internal/evaluation"
	"mentorskap/internal/store"
)

// checkpointSigned is the agreement fixture with version 1 signed by both
// sides, so the pair's check points are scheduled.
func checkpointSigned(t *testing.T) *agreementFixture {
	t.Helper()
	f := newAgreementFixture(t)
	f.cMentee.post(f.path+"/edit", agreementForm(0, nil)).mustStatus(t, http.StatusSeeOther)
	for _, c := range []struct {
		cl    *client
		email string
		name  string
	}{{f.cMentee, f.mentee.Email, f.mentee.Name}, {f.cMentor, f.mentor.Email, f.mentor.Name}} {
		c.cl.post(f.path+"/sign", url.Values{"version": {"1"}, "password": {"password-" + c.email}, "typed_name": {c.name}}).
			mustStatus(t, http.StatusSeeOther)
	}
	return f
}

func (f *agreementFixture) checkpointDue(kind string) time.Time {
	f.app.t.Helper()
	var due time.Time
	if err := f.app.db.QueryRow(context.Background(), `SELECT due_at FROM checkpoints WHERE pair_id = ? AND kind = ?`,
		f.pair.ID, kind).Scan(&due); err != nil {
		f.app.t.Fatalf("%s: %v", kind, err)
	}
	return due.UTC()
}

func TestCheckpointScheduledFromAgreement(t *testing.T) {
	t.Parallel()
	f := checkpointSigned(t)
	signed := f.app.clock.Now()
	if got := f.checkpointDue(evaluation.KindFollowup); !got.Equal(signed.Add(30 * 24 * time.Hour)) {
		t.Fatalf("follow-up due %v", got)
	}
	// Agreed period 2026-03-02 to 2026-08-02: 153 days, half-way on 17 May.
	if got := f.checkpointDue(evaluation.KindMidpoint); !got.Equal(time.Date(2026, 5, 17, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("mid-point due %v", got)
	}
	if got := f.checkpointDue(evaluation.KindFinal); !got.Equal(time.Date(2026, 8, 2, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("final due %v", got)
	}
}

func TestCheckpointPagesRoleMatrix(t *testing.T) {
	t.Parallel()
	f := checkpointSigned(t)
	en, nb := f.app.bundle.Locale("en"), f.app.bundle.Locale("nb")
	form := f.pairPath + "/evaluations/followup"
	prog := fmt.Sprintf("/programs/%d/evaluations", f.prog.ID)

	// Not yet open: the page says when it opens and offers no form.
	res := f.cMentee.get(form)
	res.mustStatus(t, http.StatusOK)
	if strings.Contains(res.Body, `name="q`) {
		t.Fatal("form offered before it opens")
	}
	// Sessions would lapse if the clock jumped a month, so the check
	// point is brought forward instead.
	err := f.app.db.Tx(context.Background(), func(tx *store.Tx) error {
		return evaluation.Schedule(context.Background(), tx, f.pair.ID, evaluation.KindFollowup, f.app.clock.Now().Add(24*time.Hour))
	})
	if err != nil {
		t.Fatal(err)
	}

	for _, c := range []struct {
		name string
		cl   *client
		form int
		prog int
	}{
		{"anonymous", f.anon, http.StatusSeeOther, http.StatusSeeOther},
		{"mentor", f.cMentor, http.StatusOK, http.StatusForbidden},
		{"mentee", f.cMentee, http.StatusOK, http.StatusForbidden},
		{"other participant", f.cOther, http.StatusNotFound, http.StatusForbidden},
		{"coordinator", f.cCoord, http.StatusForbidden, http.StatusOK},
		{"other coordinator", f.cOtherCoord, http.StatusNotFound, http.StatusNotFound},
		{"admin", f.cAdmin, http.StatusForbidden, http.StatusOK},
	} {
		if res := c.cl.get(form); res.StatusCode != c.form {
			t.Errorf("%s: form %d, want %d", c.name, res.StatusCode, c.form)
		}
		if res := c.cl.get(prog); res.StatusCode != c.prog {
			t.Errorf("%s: overview %d, want %d", c.name, res.StatusCode, c.prog)
		}
		if res := c.cl.get(prog + "/questions"); res.StatusCode != c.prog {
			t.Errorf("%s: questions %d, want %d", c.name, res.StatusCode, c.prog)
		}
		if c.prog != http.StatusOK {
			if res := c.cl.post(prog+"/questions", url.Values{"kind": {"final"}, "type": {"text"}, "prompt": {"Sneaky"}}); res.StatusCode == http.StatusSeeOther {
				t.Errorf("%s could add a question", c.name)
			}
		}
		if c.form != http.StatusOK {
			if res := c.cl.post(form, url.Values{}); res.StatusCode == http.StatusSeeOther || res.StatusCode == http.StatusUnprocessableEntity {
				t.Errorf("%s could answer: %d", c.name, res.StatusCode)
			}
		}
	}
	if n := f.app.count(`SELECT COUNT(*) FROM evaluation_question_texts WHERE prompt = 'Sneaky'`); n != 0 {
		t.Fatalf("refused adds wrote %d questions", n)
	}
	if n := f.app.count(`SELECT COUNT(*) FROM checkpoint_responses`); n != 0 {
		t.Fatalf("refused answers wrote %d responses", n)
	}

	// The mentee answers in English; invalid input is refused with a
	// translated message and the input kept.
	ctx := context.Background()
	var qs []evaluation.Question
	qs, err = evaluation.ListQuestions(ctx, f.app.db, f.prog.ID, evaluation.KindFollowup)
	if err != nil || len(qs) < 4 || qs[0].ID == 0 {
		t.Fatalf("questions %v %v", qs, err)
	}
	field := func(i int) string { return evaluation.QuestionField(qs[i].ID) }
	res = f.cMentee.get(form)
	res.mustContain(t, html.EscapeString(qs[0].In("en").Prompt), en.T("checkpoint.privacy"))
	res = f.cMentee.post(form, url.Values{field(0): {"9"}, field(2): {"Kept text"}})
	res.mustStatus(t, http.StatusUnprocessableEntity)
	res.mustContain(t, en.T("checkpoint.error.answer_scale"), en.T("checkpoint.error.answer_required"), "Kept text")
	f.cMentee.post(form, url.Values{field(0): {"5"}, field(1): {"yes"}, field(2): {"Mentee private words"}}).mustStatus(t, http.StatusSeeOther)
	f.cMentor.post(form, url.Values{field(0): {"3"}, field(1): {"no"}, field(3): {"Mentor private words"}}).mustStatus(t, http.StatusSeeOther)

	res = f.cMentee.get(form)
	res.mustContain(t, "Mentee private words", `value="5" checked`)
	if strings.Contains(res.Body, "Mentor private words") {
		t.Fatal("the mentee sees the mentor's answer")
	}
	if res := f.cMentor.get(form); strings.Contains(res.Body, "Mentee private words") {
		t.Fatal("the mentor sees the mentee's answer")
	}

	// The coordinator sees completion and pooled results, not text.
	res = f.cCoord.get(prog)
	res.mustContain(t, nb.N("checkpoint.responses", 2), nb.T("checkpoint.average", "value", nb.Decimal(4, 1)), f.mentee.Name)
	// Closed questions are charts that say how many answered, not lists
	// of counts: the scale's spread over 1 to 5 and yes against no.
	res.mustContain(t, `id="res-followup-1-title"`, `id="res-followup-2-title"`, nb.N("results.n", 2),
		html.EscapeString(nb.T("results.desc.scale", "n", "2")), html.EscapeString(nb.T("results.desc.yesno", "n", "2")))
	if strings.Contains(res.Body, "1: 0 · 2: 0") {
		t.Error("scale results still written as a string of counts")
	}
	if strings.Contains(res.Body, "private words") {
		t.Fatal("free text shown although the program does not share it")
	}
	f.cMentor.post(prog+"/settings", url.Values{"share_text": {"on"}}).mustStatus(t, http.StatusForbidden)
	f.cCoord.post(prog+"/settings", url.Values{"share_text": {"on"}}).mustStatus(t, http.StatusSeeOther)
	f.cCoord.get(prog).mustContain(t, "Mentee private words", "Mentor private words")

	// The coordinator rewords a question in Swedish and adds one.
	qpath := fmt.Sprintf("%s/questions/%d", prog, qs[0].ID)
	f.cCoord.post(qpath, url.Values{"kind": {"followup"}, "lang": {"sv"}, "prompt": {"Hur känns det?"}}).mustStatus(t, http.StatusSeeOther)
	f.cCoord.get(prog+"/questions?kind=followup&lang=sv").mustContain(t, "Hur känns det?")
	f.cCoord.get(prog+"/questions?kind=followup&lang=en").mustContain(t, html.EscapeString(qs[0].In("en").Prompt))
	res = f.cCoord.post(prog+"/questions", url.Values{"kind": {"final"}, "lang": {"nb"}, "type": {"choice"}, "prompt": {"Velg"}, "options": {"Bare ett"}})
	res.mustStatus(t, http.StatusUnprocessableEntity)
	res.mustContain(t, nb.T("checkpoint.error.options", "max", evaluation.MaxOptions))
	f.cCoord.post(prog+"/questions", url.Values{"kind": {"final"}, "lang": {"nb"}, "type": {"text"}, "prompt": {"Noe mer?"}}).mustStatus(t, http.StatusSeeOther)
	f.cCoord.get(prog+"/questions?kind=final&lang=nb").mustContain(t, "Noe mer?")
}

func TestCheckpointAPI(t *testing.T) {
	t.Parallel()
	f := checkpointSigned(t)
	f.app.clock.Set(time.Date(2026, 8, 1, 9, 0, 0, 0, time.UTC))
	mentee, mentor := f.app.apiClient(f.mentee.Email), f.app.apiClient(f.mentor.Email)
	coord, other := f.app.apiClient(f.coord.Email), f.app.apiClient(f.other.Email)
	path := fmt.Sprintf("/api/v1/pairs/%d/evaluations/final", f.pair.ID)

	type evalDoc struct {
		Open      bool `json:"open"`
		Questions []struct {
			ID      int64    `json:"id"`
			Type    string   `json:"type"`
			Options []string `json:"options"`
		} `json:"questions"`
		Answers []struct {
			QuestionID int64 `json:"question_id"`
			Value      *int  `json:"value"`
		} `json:"answers"`
		Goals []struct {
			GoalID int64  `json:"goal_id"`
			Status string `json:"status"`
		} `json:"goals"`
	}
	d := apiDecode[evalDoc](t, mentee.apiSend("GET", path, nil), http.StatusOK)
	if !d.Open || len(d.Questions) == 0 || len(d.Goals) != 1 || len(d.Answers) != 0 {
		t.Fatalf("final before answering %+v", d)
	}
	mustProblem(t, other.apiSend("GET", path, nil), http.StatusNotFound)
	mustProblem(t, coord.apiSend("GET", path, nil), http.StatusForbidden)
	mustProblem(t, f.app.client().apiSend("GET", path, nil), http.StatusUnauthorized)

	answers := []map[string]any{}
	for _, q := range d.Questions {
		switch q.Type {
		case "scale":
			answers = append(answers, map[string]any{"question_id": q.ID, "value": 4})
		case "yesno":
			answers = append(answers, map[string]any{"question_id": q.ID, "value": 1})
		case "choice":
			answers = append(answers, map[string]any{"question_id": q.ID, "value": len(q.Options) - 1})
		}
	}
	// Without the goal re-assessment the final evaluation is refused.
	mustProblem(t, mentee.apiSend("PUT", path, map[string]any{"answers": answers}), http.StatusUnprocessableEntity)
	goals := []map[string]any{{"goal_id": d.Goals[0].GoalID, "status": "reached", "comment": "Done"}}
	d = apiDecode[evalDoc](t, mentee.apiSend("PUT", path, map[string]any{"answers": answers, "goals": goals}), http.StatusOK)
	if len(d.Answers) != len(answers) || d.Goals[0].Status != "reached" {
		t.Fatalf("after answering %+v", d)
	}
	if m := apiDecode[evalDoc](t, mentor.apiSend("GET", path, nil), http.StatusOK); len(m.Answers) != 0 || m.Goals[0].Status != "" {
		t.Fatalf("the mentor sees the mentee's answers: %+v", m)
	}

	type overview struct {
		Results []struct {
			Kind      string         `json:"kind"`
			Responses int            `json:"responses"`
			Goals     map[string]int `json:"goals"`
		} `json:"results"`
		Completion []struct {
			Checks []struct {
				Kind       string `json:"kind"`
				Responders []struct {
					UserID int64      `json:"user_id"`
					At     *time.Time `json:"answered_at"`
				} `json:"responders"`
			} `json:"checks"`
		} `json:"completion"`
	}
	prog := fmt.Sprintf("/api/v1/programs/%d/evaluations", f.prog.ID)
	mustProblem(t, mentee.apiSend("GET", prog, nil), http.StatusForbidden)
	o := apiDecode[overview](t, coord.apiSend("GET", prog, nil), http.StatusOK)
	if fin := o.Results[2]; fin.Kind != "final" || fin.Responses != 1 || fin.Goals["reached"] != 1 {
		t.Fatalf("results %+v", o.Results)
	}
	answered := 0
	for _, r := range o.Completion[0].Checks[2].Responders {
		if r.At != nil {
			answered++
			if r.UserID != f.mentee.ID {
				t.Fatalf("wrong responder %d", r.UserID)
			}
		}
	}
	if answered != 1 {
		t.Fatalf("%d answered the final", answered)
	}

	// Question editing over the API.
	qs := prog + "/questions"
	mustProblem(t, mentee.apiSend("POST", qs, map[string]any{"kind": "final", "type": "text", "language": "en", "prompt": "x"}), http.StatusForbidden)
	mustProblem(t, coord.apiSend("POST", qs, map[string]any{"kind": "final", "type": "scale", "language": "en", "prompt": ""}), http.StatusUnprocessableEntity)
	type question struct {
		ID     int64  `json:"id"`
		Prompt string `json:"prompt"`
	}
	q := apiDecode[question](t, coord.apiSend("POST", qs, map[string]any{"kind": "final", "type": "scale", "language": "en", "prompt": "Rate the program"}), http.StatusCreated)
	q = apiDecode[question](t, coord.apiSend("PUT", fmt.Sprintf("%s/%d", qs, q.ID), map[string]any{"language": "id", "prompt": "Nilai programnya"}), http.StatusOK)
	if q.Prompt != "Nilai programnya" {
		t.Fatalf("reworded %+v", q)
	}
	coord.apiSend("POST", fmt.Sprintf("%s/%d/move", qs, q.ID), map[string]any{"direction": "up"}).mustStatus(t, http.StatusNoContent)
	mustProblem(t, coord.apiSend("POST", fmt.Sprintf("%s/%d/move", qs, q.ID), map[string]any{"direction": "sideways"}), http.StatusUnprocessableEntity)
	coord.apiSend("DELETE", fmt.Sprintf("%s/%d", qs, q.ID), nil).mustStatus(t, http.StatusNoContent)
	mustProblem(t, coord.apiSend("DELETE", fmt.Sprintf("%s/%d", qs, q.ID), nil), http.StatusNotFound)
	type list struct {
		Items []question `json:"items"`
	}
	l := apiDecode[list](t, coord.apiSend("GET", qs+"?kind=final&language=sv", nil), http.StatusOK)
	if len(l.Items) == 0 || l.Items[0].Prompt != "Når du ser tilbake, hvor nyttig var mentorskapet for deg?" && !strings.HasPrefix(l.Items[0].Prompt, "När du ser tillbaka") {
		t.Fatalf("Swedish questions %+v", l.Items)
	}
	apiDecode[map[string]bool](t, coord.apiSend("PUT", prog+"/settings", map[string]any{"share_text": true}), http.StatusOK)
	mustProblem(t, mentor.apiSend("PUT", prog+"/settings", map[string]any{"share_text": true}), http.StatusForbidden)
}
