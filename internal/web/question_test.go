package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"mentorskap/internal/httpx"
	"mentorskap/internal/program"
	"mentorskap/internal/question"
)

// TestQuestionPages: the coordinator adds questions on the page, the mentee
// answers them with the profile (a wrong answer keeps what was typed), the
// mentor sees only what is shared with partners, and the list filters and
// exports by answer.
func TestQuestionPages(t *testing.T) {
	t.Parallel()
	f := newRoleMatrix(t, "Kristian Lunde", "nb", "en")
	ctx := context.Background()
	base := programPath(f.prog.ID) + "/questions"
	add := func(form url.Values) question.Question {
		t.Helper()
		form.Set("lang", "nb")
		res := f.cCoord.post(base, form)
		res.mustStatus(t, http.StatusSeeOther)
		qs, err := question.List(ctx, f.app.srv.DB, f.prog.ID)
		if err != nil {
			t.Fatal(err)
		}
		return qs[len(qs)-1]
	}
	sector := add(url.Values{"kind": {"one"}, "label": {"Bransje"}, "options": {"Helse\nBygg"}, "required": {"1"},
		"audience": {"all"}, "visibility": {"partner"}})
	health := add(url.Values{"kind": {"short"}, "label": {"Tilrettelegging"}, "audience": {"mentee"}, "visibility": {"coordinator"}})
	// Another program's coordinator sees none of it.
	f.cOtherCoord.get(base).mustStatus(t, http.StatusNotFound)

	part, err := program.GetParticipant(ctx, f.app.srv.DB, f.prog.ID, f.mentee.ID)
	if err != nil {
		t.Fatal(err)
	}
	form := profileValues(part)
	form.Set("capacity", "1")
	form.Set("languages", "en")
	form.Set(question.Field(health.ID), "A quiet room")
	form.Set(question.Field(sector.ID), "999999")
	res := f.cMentee.post(programPath(f.prog.ID)+"/profile", form)
	res.mustStatus(t, http.StatusUnprocessableEntity)
	res.mustContain(t, "A quiet room", f.app.tr("en", "question.error.choice"))
	form.Set(question.Field(sector.ID), opt0(sector))
	f.cMentee.post(programPath(f.prog.ID)+"/profile", form).mustStatus(t, http.StatusSeeOther)

	// The mentor sees the shared answer on the pair's page, not the other.
	page := f.cMentor.get(f.pairPath)
	page.mustContain(t, "Bransje", "Helse")
	if strings.Contains(page.Body, "A quiet room") {
		t.Error("the partner sees an answer meant for coordinators")
	}
	// The coordinator filters by answer and exports.
	list := f.cCoord.get(programPath(f.prog.ID) + "/participants?aq=" + httpx.Itoa(sector.ID) + "&av=helse")
	list.mustContain(t, f.mentee.Name, "A quiet room")
	if strings.Contains(list.Body, f.other.Name) {
		t.Error("the filter kept someone who did not answer")
	}
	csv := f.cCoord.get(programPath(f.prog.ID) + "/export/participants.csv")
	csv.mustStatus(t, http.StatusOK)
	if !strings.Contains(csv.Body, "Tilrettelegging") || !strings.Contains(csv.Body, "A quiet room") {
		t.Errorf("export:\n%s", csv.Body)
	}
	f.cOtherCoord.get(programPath(f.prog.ID)+"/export/participants.csv").mustStatus(t, http.StatusNotFound)
	// Removing says how many answers are kept.
	f.cCoord.get(base+"/"+httpx.Itoa(sector.ID)+"/remove").mustContain(t, f.app.bundle.Locale("nb").N("question.remove.happens_answers", 1))
}

func opt0(q question.Question) string { return httpx.Itoa(q.Options[0].ID) }
