package web

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"mentorskap/internal/account"
	"mentorskap/internal/dashboard"
	"mentorskap/internal/evaluation"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
)

type analyticsScene struct {
	prog                  *program.Program
	coord, alien, admin   *account.User
	mentor, mentee, other *account.User
	pair                  *program.Pair
}

func (a *testApp) analyticsExec(query string, args ...any) {
	a.t.Helper()
	err := a.db.Tx(context.Background(), func(tx *store.Tx) error {
		_, err := tx.Exec(context.Background(), query, args...)
		return err
	})
	if err != nil {
		a.t.Fatal(err)
	}
}

// newAnalyticsScene is a program with one pair whose mentor's name is a
// spreadsheet formula, two held meetings (one with private details) and
// one cancelled.
func newAnalyticsScene(t *testing.T, app *testApp) analyticsScene {
	t.Helper()
	var s analyticsScene
	s.coord = app.addUser("an-coord@example.org", "Cora Coordinator", account.RoleCoordinator, "en")
	s.alien = app.addUser("an-alien@example.org", "Al Alien", account.RoleCoordinator, "en")
	s.admin = app.addUser("an-admin@example.org", "Ada Admin", account.RoleAdmin, "nb")
	s.mentor = app.addUser("an-mentor@example.org", "=cmd|' /C calc'!A0", account.RoleMember, "en")
	s.mentee = app.addUser("an-mentee@example.org", "Lee, \"Quoted\"\nNewline", account.RoleMember, "en")
	s.other = app.addUser("an-other@example.org", "Ola Other", account.RoleMember, "en")
	s.prog, s.pair = app.pairedProgram("Analytics cohort", s.coord, s.mentor, s.mentee, s.other, "Someone else's cohort", s.alien)
	now := app.clock.Now()
	for i, m := range []struct {
		status string
		at     time.Time
	}{
		{"confirmed", now.Add(-2 * time.Hour)},
		{"confirmed", now.Add(-1 * time.Hour)},
		{"cancelled", now.Add(24 * time.Hour)},
		{"confirmed", now.Add(7 * 24 * time.Hour)},
	} {
		app.analyticsExec(`INSERT INTO meetings (pair_id, uid, status, starts_at, timezone, minutes, place, online_url,
			cancel_reason, created_at, updated_at) VALUES (?, ?, ?, ?, 'UTC', 45, 'Private café', 'https://meet.example/secret',
			'Private reason', ?, ?)`, s.pair.ID, fmt.Sprintf("an-%d@test", i), m.status, m.at, now, now)
	}
	app.analyticsExec(`INSERT INTO goals (pair_id, title, status, progress, created_at, updated_at) VALUES (?, 'Private goal', 'reached', 100, ?, ?)`,
		s.pair.ID, now, now)
	return s
}

func TestAnalyticsAccessMatrix(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	s := newAnalyticsScene(t, app)
	base := "/programs/" + pid(s.prog.ID)
	paths := []string{base + "/analytics", base + "/export/pairs.csv", base + "/export/meetings.csv"}
	apiPaths := []string{"/api/v1" + base + "/analytics", "/api/v1" + base + "/export/pairs.csv", "/api/v1" + base + "/export/meetings.csv"}

	anon := app.client()
	for _, p := range paths {
		if res := anon.get(p); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login") {
			t.Errorf("anonymous %s: %d %s", p, res.StatusCode, res.Header.Get("Location"))
		}
	}
	for _, p := range apiPaths {
		mustProblem(t, anon.apiSend("GET", p, nil), http.StatusUnauthorized)
	}
	for _, tc := range []struct {
		who  *account.User
		want int
	}{
		{s.mentor, http.StatusForbidden},
		{s.mentee, http.StatusForbidden},
		{s.other, http.StatusForbidden},
		{s.alien, http.StatusNotFound},
		{s.coord, http.StatusOK},
		{s.admin, http.StatusOK},
	} {
		c := app.login(tc.who.Email)
		for _, p := range paths {
			if res := c.get(p); res.StatusCode != tc.want {
				t.Errorf("%s %s: %d, want %d", tc.who.Email, p, res.StatusCode, tc.want)
			}
		}
		api := app.apiClient(tc.who.Email)
		for _, p := range apiPaths {
			if res := api.apiSend("GET", p, nil); res.StatusCode != tc.want {
				t.Errorf("API %s %s: %d, want %d", tc.who.Email, p, res.StatusCode, tc.want)
			}
		}
	}
	if res := app.login(s.coord.Email).get(base + "/analytics"); !strings.Contains(res.Body, "/export/pairs.csv") {
		t.Error("analytics page lacks the export link")
	}
	app.login(s.coord.Email).get(base).mustContain(t, `href="`+base+`/analytics"`)
}

func TestAnalyticsPageCharts(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	s := newAnalyticsScene(t, app)
	res := app.login(s.coord.Email).get("/programs/" + pid(s.prog.ID) + "/analytics")
	res.mustStatus(t, http.StatusOK)
	res.mustContain(t, `role="img"`, "<title id=\"chart-months-title\">Meetings per month</title>",
		"Pairs by state", "Time to the first meeting", "<summary>Show the figures as a table</summary>",
		`<th scope="row">Mar 26</th><td>2</td><td>1</td>`, // two held and one cancelled in March 2026
		`<th scope="row">Reached</th><td>1</td>`, `id="chart-eval-final-scale-h"`)
	for _, secret := range []string{"Private", "secret"} {
		if strings.Contains(res.Body, secret) {
			t.Errorf("analytics page shows %q", secret)
		}
	}

	// The administrator reads Norwegian, with its month names.
	nb := app.login(s.admin.Email).get("/programs/" + pid(s.prog.ID) + "/analytics")
	nb.mustContain(t, "Møter per måned", `<th scope="row">mar. 26</th>`)
}

func TestAnalyticsAPINumbers(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	s := newAnalyticsScene(t, app)
	type result struct {
		Pairs           int `json:"pairs"`
		MeetingsByMonth []struct {
			Month     string `json:"month"`
			Held      int    `json:"held"`
			Cancelled int    `json:"cancelled"`
		} `json:"meetings_by_month"`
		PairsByState map[string]int `json:"pairs_by_state"`
		Goals        map[string]int `json:"goals"`
		Evaluations  []struct {
			Kind      string `json:"kind"`
			Questions []struct {
				Type    string   `json:"type"`
				Prompt  string   `json:"prompt"`
				Average *float64 `json:"average"`
			} `json:"questions"`
		} `json:"evaluations"`
		FirstMeeting struct {
			Met     int `json:"met"`
			Buckets []struct {
				ToDays *int `json:"to_days"`
				Pairs  int  `json:"pairs"`
			} `json:"buckets"`
		} `json:"first_meeting"`
	}
	r := apiDecode[result](t, app.apiClient(s.coord.Email).apiSend("GET", "/api/v1/programs/"+pid(s.prog.ID)+"/analytics", nil), http.StatusOK)
	if r.Pairs != 1 || r.PairsByState["not_started"] != 1 || r.Goals["reached"] != 1 || r.FirstMeeting.Met != 1 {
		t.Errorf("analytics %+v", r)
	}
	// The pair was created at the clock's time and met two hours before:
	// that counts as day 0.
	if len(r.FirstMeeting.Buckets) != 5 || r.FirstMeeting.Buckets[0].Pairs != 1 || r.FirstMeeting.Buckets[4].ToDays != nil {
		t.Errorf("buckets %+v", r.FirstMeeting.Buckets)
	}
	if len(r.Evaluations) != 3 || r.Evaluations[0].Kind != "followup" || len(r.Evaluations[0].Questions) == 0 || r.Evaluations[0].Questions[0].Prompt == "" {
		t.Errorf("evaluations %+v", r.Evaluations)
	}
	for _, e := range r.Evaluations {
		for _, q := range e.Questions {
			if (q.Type == "scale") != (q.Average != nil) {
				t.Errorf("average on a %s question: %+v", q.Type, q)
			}
		}
	}
	if len(r.MeetingsByMonth) != 1 || r.MeetingsByMonth[0].Month != "2026-03" || r.MeetingsByMonth[0].Held != 2 || r.MeetingsByMonth[0].Cancelled != 1 {
		t.Errorf("months %+v", r.MeetingsByMonth)
	}
}

func TestAnalyticsCSVExports(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	s := newAnalyticsScene(t, app)
	base := "/programs/" + pid(s.prog.ID) + "/export/"
	coord := app.login(s.coord.Email)

	res := coord.get(base + "pairs.csv")
	res.mustStatus(t, http.StatusOK)
	if ct := res.Header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
		t.Errorf("content type %q", ct)
	}
	if cd := res.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") || !strings.Contains(cd, ".csv") {
		t.Errorf("content disposition %q", cd)
	}
	recs, err := csv.NewReader(strings.NewReader(res.Body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 || recs[0][0] != "Pair" || recs[0][1] != "Mentors" {
		t.Fatalf("pairs export: %q", recs)
	}
	row := recs[1]
	if row[1] != "'=cmd|' /C calc'!A0" || row[2] != "Lee, \"Quoted\"\nNewline" || row[5] != "No agreement yet" || row[7] != "2" {
		t.Errorf("pairs row %q", row)
	}

	meetings := coord.get(base + "meetings.csv")
	meetings.mustStatus(t, http.StatusOK)
	mrecs, err := csv.NewReader(strings.NewReader(meetings.Body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(mrecs) != 5 || mrecs[3][3] != "cancelled" || mrecs[1][2] != "45" {
		t.Errorf("meetings export: %q", mrecs)
	}
	for _, body := range []string{res.Body, meetings.Body} {
		for _, secret := range []string{"Private", "secret", "café"} {
			if strings.Contains(body, secret) {
				t.Errorf("export leaks %q:\n%s", secret, body)
			}
		}
	}

	// The API speaks in codes, whatever the reader's language.
	api := app.apiClient(s.admin.Email)
	ares := api.apiSend("GET", "/api/v1"+base+"pairs.csv", nil)
	ares.mustStatus(t, http.StatusOK)
	if first, _, _ := strings.Cut(ares.Body, "\n"); first != strings.Join(dashboard.PairColumns, ",") {
		t.Errorf("API header %q", first)
	}
	if !strings.Contains(ares.Body, ",not_started,") {
		t.Errorf("API export lacks the state code:\n%s", ares.Body)
	}
}

// TestAnalyticsKeysExist checks the keys the analytics build at run time,
// which the static key test cannot see.
func TestAnalyticsKeysExist(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	var keys []string
	for _, s := range dashboard.PairStates {
		keys = append(keys, "analytics.state."+s, "export.value."+s)
	}
	for _, k := range dashboard.CheckpointKinds {
		keys = append(keys, "analytics.checkpoint."+k)
	}
	for m := 1; m <= 12; m++ {
		keys = append(keys, fmt.Sprintf("analytics.month.%d", m))
	}
	for _, c := range append(dashboard.PairColumns, dashboard.MeetingColumns...) {
		keys = append(keys, "export.column."+c)
	}
	for _, v := range []string{dashboard.MeetingHeld, dashboard.MeetingPlanned, dashboard.MeetingProposed, dashboard.MeetingCancelled, "yes", "no"} {
		keys = append(keys, "export.value."+v)
	}
	for _, k := range keys {
		if !app.bundle.Has(k) {
			t.Errorf("catalog lacks %s", k)
		}
	}
}

// TestAnalyticsChoiceAndGoalCharts: a final evaluation answered by both
// sides shows each choice question's answers and the goals' re-assessment
// as charts with their tables, never the goal titles themselves.
func TestAnalyticsChoiceAndGoalCharts(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	s := newAnalyticsScene(t, app)
	ctx := context.Background()
	now := app.clock.Now()
	if err := app.db.Tx(ctx, func(tx *store.Tx) error { return evaluation.EnsureQuestions(ctx, tx, s.prog.ID, now) }); err != nil {
		t.Fatal(err)
	}
	qs, err := evaluation.ListQuestions(ctx, app.db, s.prog.ID, evaluation.KindFinal)
	if err != nil {
		t.Fatal(err)
	}
	var choice int64
	for _, q := range qs {
		if q.Type == evaluation.TypeChoice {
			choice = q.ID
		}
	}
	if choice == 0 {
		t.Fatal("the default final evaluation has no choice question")
	}
	var cp int64
	err = app.db.Tx(ctx, func(tx *store.Tx) error {
		return tx.QueryRow(ctx, `INSERT INTO checkpoints (pair_id, kind, due_at, created_at, updated_at)
			VALUES (?, 'final', ?, ?, ?) RETURNING id`, s.pair.ID, now, now, now).Scan(&cp)
	})
	if err != nil {
		t.Fatal(err)
	}
	for i, u := range []*account.User{s.mentor, s.mentee} {
		app.analyticsExec(`INSERT INTO checkpoint_responses (checkpoint_id, user_id, submitted_at) VALUES (?, ?, ?)`, cp, u.ID, now)
		// The mentor chose "Now and then", the mentee "Yes, regularly".
		app.analyticsExec(`INSERT INTO evaluation_answers (checkpoint_id, user_id, question_id, value) VALUES (?, ?, ?, ?)`,
			cp, u.ID, choice, 1-i)
		app.analyticsExec(`INSERT INTO evaluation_goal_reviews (checkpoint_id, user_id, goal_id, goal_title, status)
			VALUES (?, ?, 1, 'Private goal title', ?)`, cp, u.ID, []string{"reached", "partly"}[i])
	}
	res := app.login(s.coord.Email).get("/programs/" + pid(s.prog.ID) + "/analytics")
	res.mustStatus(t, http.StatusOK)
	res.mustContain(t, "Final: Will you stay in touch after the program?",
		`<th scope="row">Yes, regularly</th><td>1</td>`, `<th scope="row">Now and then</th><td>1</td>`,
		`<th scope="row">Probably not</th><td>0</td>`,
		"Final evaluation: goals re-assessed", `<th scope="row">Partly reached</th><td>1</td>`,
		`<th scope="row">Not reached</th><td>0</td>`)
	if strings.Contains(res.Body, "Private goal title") {
		t.Error("analytics page shows a goal's title")
	}
}
