package api

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
)

// TestAPIDateNamesInErrors: a refused date is named in the 422 as the
// request names it (…_on), not as the domain's form does, and a goal's
// history names the field as the goal does.
func TestAPIDateNamesInErrors(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	f := notesSetup(t, app)
	mentee := app.apiClient(f.mentee.Email)
	pair := fmt.Sprintf("/api/v1/pairs/%d", f.pair.ID)

	// Goals: target_on in, out, in errors and in the history.
	p := mustProblem(t, mentee.apiSend("POST", pair+"/goals", map[string]any{"title": "Speak up", "target_on": "someday"}), http.StatusUnprocessableEntity)
	if p.Errors["target_on"] == "" || len(p.Errors) != 1 {
		t.Errorf("goal errors: %v", p.Errors)
	}
	g := apiDecode[apiGoal](t, mentee.apiSend("POST", pair+"/goals", map[string]any{"title": "Speak up", "target_on": "2026-05-01"}), http.StatusCreated)
	if g.TargetOn == nil || *g.TargetOn != "2026-05-01" {
		t.Fatalf("goal: %+v", g)
	}
	one := fmt.Sprintf("%s/goals/%d", pair, g.ID)
	p = mustProblem(t, mentee.apiSend("PATCH", one, map[string]any{"version": g.Version, "target_on": "1. juni"}), http.StatusUnprocessableEntity)
	if p.Errors["target_on"] == "" {
		t.Errorf("goal update errors: %v", p.Errors)
	}
	apiDecode[apiGoal](t, mentee.apiSend("PATCH", one, map[string]any{"version": g.Version, "target_on": "2026-06-01"}), http.StatusOK)
	d := apiDecode[apiGoalDetail](t, mentee.apiSend("GET", one, nil), http.StatusOK)
	var named bool
	for _, e := range d.History {
		named = named || (e.Field == "target_on" && e.New == "2026-06-01")
	}
	if !named {
		t.Errorf("history does not name target_on: %+v", d.History)
	}

	// A meeting's further times: named by their place in more_times.
	p = mustProblem(t, mentee.apiSend("POST", pair+"/meetings", map[string]any{"starts_on": "2026-03-09", "time": "17:00", "minutes": 60,
		"place": "Kafé", "more_times": []map[string]string{{"starts_on": "2026-03-10", "time": "17:00"}, {"starts_on": "2026-02-30", "time": "25:00"}}}),
		http.StatusUnprocessableEntity)
	if p.Errors["more_times.1.starts_on"] == "" || p.Errors["more_times.1.time"] == "" || len(p.Errors) != 2 {
		t.Errorf("more_times errors: %v", p.Errors)
	}

	// The agreement: content.starts_on, content.goals.0.target_on.
	content := map[string]any{"starts_on": "2. mars", "ends_on": "2026-08-02", "meeting_count": 4, "typical_minutes": 60, "max_minutes": 90,
		"goals": []map[string]any{{"title": "Apply for jobs", "target_on": "soon"}}}
	p = mustProblem(t, mentee.apiSend("PUT", pair+"/agreement", map[string]any{"base_version": 0, "content": content}), http.StatusUnprocessableEntity)
	if p.Errors["content.starts_on"] == "" || p.Errors["content.goals.0.target_on"] == "" || len(p.Errors) != 2 {
		t.Errorf("agreement errors: %v", p.Errors)
	}
	content["starts_on"], content["ends_on"] = "2026-03-02", "2026-01-01"
	content["goals"] = []map[string]any{{"title": "Apply for jobs", "target_on": "2026-06-01"}}
	p = mustProblem(t, mentee.apiSend("PUT", pair+"/agreement", map[string]any{"base_version": 0, "content": content}), http.StatusUnprocessableEntity)
	if p.Errors["content.ends_on"] == "" || len(p.Errors) != 1 {
		t.Errorf("agreement errors: %v", p.Errors)
	}

	// Saved, the version's hash is recomputed from its content as the
	// document says: compact JSON, the dates under their canonical names.
	content["ends_on"] = "2026-08-02"
	res := mentee.apiSend("PUT", pair+"/agreement", map[string]any{"base_version": 0, "content": content})
	res.mustStatus(t, http.StatusCreated)
	var v struct {
		Hash    string          `json:"hash"`
		Content json.RawMessage `json:"content"`
	}
	if err := json.Unmarshal([]byte(res.Body), &v); err != nil {
		t.Fatal(err)
	}
	var canon bytes.Buffer
	if err := json.Compact(&canon, v.Content); err != nil {
		t.Fatal(err)
	}
	b := canon.Bytes()
	for _, names := range [][2]string{{"starts_on", "start_date"}, {"ends_on", "end_date"}, {"target_on", "target_date"}} {
		b = bytes.ReplaceAll(b, []byte(`"`+names[0]+`":`), []byte(`"`+names[1]+`":`))
	}
	if sum := sha256.Sum256(b); hex.EncodeToString(sum[:]) != v.Hash || !bytes.Contains(canon.Bytes(), []byte(`"target_on":"2026-06-01"`)) {
		t.Errorf("hash %s is not the SHA-256 of\n%s", v.Hash, b)
	}
}
