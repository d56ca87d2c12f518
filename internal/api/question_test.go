package api

import (
	"mentorskap/internal/httpx"
	"net/http"
	"strings"
	"testing"

	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
)

// TestAPIProgramQuestions: a coordinator adds a choice question and makes
// it count in matching, a participant answers it (wrong first), the
// coordinator reads the answer and exports it; nobody else gets in.
func TestAPIProgramQuestions(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newProgramFixture(t, db)
		base := "/api/v1/programs/" + httpx.Itoa(f.programID)

		q := apiDecode[apiProgramQuestion](t, f.coord.apiSend("POST", base+"/questions", map[string]any{
			"language": "en", "kind": "one", "label": "Sector", "options": []string{"Health", "Building"},
			"required": true, "visibility": "partner", "reporting": true}), http.StatusCreated)
		if len(q.Options) != 2 || q.Label["en"] != "Sector" || q.Audience != "all" {
			t.Fatalf("question = %+v", q)
		}
		pr := mustProblem(t, f.coord.apiSend("POST", base+"/questions", map[string]any{"language": "en", "kind": "one", "label": "Bad"}),
			http.StatusUnprocessableEntity)
		if pr.Errors["options"] == "" {
			t.Fatalf("errors = %v", pr.Errors)
		}
		q = apiDecode[apiProgramQuestion](t, f.coord.apiSend("PUT", base+"/questions/"+httpx.Itoa(q.ID)+"/matching", map[string]any{
			"mode": "table", "weight": 4, "points": []map[string]any{{"mentee_option": q.Options[0].ID, "mentor_option": q.Options[1].ID, "points": 70}}}),
			http.StatusOK)
		if q.MatchMode != "table" || len(q.Points) != 1 || q.Points[0].Points != 70 {
			t.Fatalf("matching = %+v", q)
		}

		// The participant answers: an unknown option is refused.
		pr = mustProblem(t, f.mentee.apiSend("PUT", base+"/answers", map[string]any{"answers": []map[string]any{
			{"question_id": q.ID, "options": []int64{999999}}}}), http.StatusUnprocessableEntity)
		if pr.Errors["q."+httpx.Itoa(q.ID)] == "" {
			t.Fatalf("errors = %v", pr.Errors)
		}
		f.mentee.apiSend("PUT", base+"/answers", map[string]any{"answers": []map[string]any{
			{"question_id": q.ID, "options": []int64{q.Options[1].ID}}}}).mustStatus(t, http.StatusOK)
		f.mentee.get(base+"/answers").mustContain(t, `"text": "Building"`)

		f.coord.get(base+"/participants/"+httpx.Itoa(f.menteeID)+"/answers").mustContain(t, `"text": "Building"`)
		csv := f.coord.get(base + "/export/participants.csv")
		csv.mustStatus(t, http.StatusOK)
		if !strings.Contains(csv.Body, "Sector") || !strings.Contains(csv.Body, "Building") {
			t.Fatalf("export:\n%s", csv.Body)
		}

		// Another program's coordinator and a participant get nowhere.
		mustProblem(t, f.other.get(base+"/questions"), http.StatusNotFound)
		mustProblem(t, f.other.get(base+"/participants/"+httpx.Itoa(f.menteeID)+"/answers"), http.StatusNotFound)
		mustProblem(t, f.other.get(base+"/export/participants.csv"), http.StatusNotFound)
		mustProblem(t, f.mentee.apiSend("POST", base+"/questions", map[string]any{"language": "en", "kind": "short", "label": "X"}), http.StatusForbidden)
		mustProblem(t, f.other.get(base+"/answers"), http.StatusNotFound)

		// Removing keeps the answer and says so.
		rm := apiDecode[map[string]any](t, f.coord.apiSend("DELETE", base+"/questions/"+httpx.Itoa(q.ID), nil), http.StatusOK)
		if rm["answers_kept"] != float64(1) {
			t.Fatalf("remove = %v", rm)
		}
		apiDecode[apiProgramQuestion](t, f.coord.apiSend("POST", base+"/questions/"+httpx.Itoa(q.ID)+"/restore", nil), http.StatusOK)
		f.mentee.get(base+"/answers").mustContain(t, `"text": "Building"`)
	})
}
