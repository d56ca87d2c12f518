package web

import (
	"context"
	"fmt"
	"html"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

	"mentorskap/internal/account"
	"mentorskap/internal/agreement"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
)

// goalMsgFixture is a running pair: a mentor writing Norwegian, a mentee
// writing English, another participant of the same program, the program's
// coordinator, a coordinator of another program and an administrator.
type goalMsgFixture struct {
	app                         *testApp
	prog                        *program.Program
	pair                        *program.Pair
	mentor, mentee              *account.User
	outsider, coord, otherCoord *account.User
	admin                       *account.User
}

func newGoalMsgFixture(t *testing.T, db *store.DB) *goalMsgFixture {
	t.Helper()
	app := newTestAppDB(t, db)
	app.srv.Log = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	f := &goalMsgFixture{app: app}
	f.admin = app.addUser("admin@example.org", "Ada Admin", account.RoleAdmin, "en")
	f.coord = app.addUser("coord@example.org", "Cora Coordinator", account.RoleCoordinator, "en")
	f.otherCoord = app.addUser("other@example.org", "Otto Other", account.RoleCoordinator, "en")
	f.mentor = app.addUser("mentor@example.org", "Mona Mentor", account.RoleMember, "nb")
	f.mentee = app.addUser("mentee@example.org", "Mats Mentee", account.RoleMember, "en")
	f.outsider = app.addUser("outsider@example.org", "Siv Outsider", account.RoleMember, "sv")
	f.prog, f.pair = app.pairedProgram("Spring cohort", f.coord, f.mentor, f.mentee, f.outsider, "Other cohort", f.otherCoord)
	if _, err := db.Exec(context.Background(), `DELETE FROM outbox`); err != nil {
		t.Fatal(err)
	}
	return f
}

// roles lists everyone who is not on the pair with the status a page or
// endpoint must answer them with; anonymous visitors are tested apart.
func (f *goalMsgFixture) strangers() []struct {
	name   string
	email  string
	status int
} {
	return []struct {
		name   string
		email  string
		status int
	}{
		{"other participant", f.outsider.Email, http.StatusNotFound},
		{"coordinator", f.coord.Email, http.StatusForbidden},
		{"other coordinator", f.otherCoord.Email, http.StatusNotFound},
		{"administrator", f.admin.Email, http.StatusForbidden},
	}
}

func (f *goalMsgFixture) path(format string, args ...any) string {
	return fmt.Sprintf("/pairs/%d", f.pair.ID) + fmt.Sprintf(format, args...)
}

func (f *goalMsgFixture) count(query string, args ...any) int {
	f.app.t.Helper()
	var n int
	if err := f.app.db.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		f.app.t.Fatal(err)
	}
	return n
}

// signAgreement has both sides sign an agreement whose content edit sets.
func (f *goalMsgFixture) signAgreement(t *testing.T, edit func(c *agreement.Content)) {
	t.Helper()
	ctx := context.Background()
	svc := f.app.srv.Agreements
	l := f.app.bundle.Locale("en")
	d, err := svc.DraftFor(ctx, f.mentee, f.pair.ID, l)
	if err != nil {
		t.Fatal(err)
	}
	c := d.Content
	edit(&c)
	v, err := svc.SaveDraft(ctx, f.mentee, f.pair.ID, d.Base, c, l)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []*account.User{f.mentor, f.mentee} {
		if _, err := svc.Sign(ctx, u, f.pair.ID, v.Number, "password-"+u.Email, u.Name); err != nil {
			t.Fatal(err)
		}
	}
}

// addMeeting writes a confirmed meeting of the pair directly.
func (f *goalMsgFixture) addMeeting(t *testing.T, uid string, days int) int64 {
	t.Helper()
	now := f.app.clock.Now()
	var id int64
	err := f.app.db.Tx(context.Background(), func(tx *store.Tx) error {
		return tx.QueryRow(context.Background(), `INSERT INTO meetings (pair_id, uid, status, starts_at, timezone, minutes,
			created_at, updated_at) VALUES (?, ?, 'confirmed', ?, 'Europe/Oslo', 60, ?, ?) RETURNING id`,
			f.pair.ID, uid, now.AddDate(0, 0, days), now, now).Scan(&id)
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func goalForm(title string) url.Values {
	return url.Values{"title": {title}, "measure": {"Two interviews booked"}, "target_date": {"2026-06-30"}}
}

// goalIDFromLocation reads the goal id from a redirect to its page.
func goalIDFromLocation(t *testing.T, res *response) int64 {
	t.Helper()
	res.mustStatus(t, http.StatusSeeOther)
	var pairID, goalID int64
	if _, err := fmt.Sscanf(res.Header.Get("Location"), "/pairs/%d/goals/%d", &pairID, &goalID); err != nil {
		t.Fatalf("redirect to %q", res.Header.Get("Location"))
	}
	return goalID
}

func TestGoalPagesRoleMatrix(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newGoalMsgFixture(t, db)
		mentee := f.app.login(f.mentee.Email)
		gid := goalIDFromLocation(t, mentee.post(f.path("/goals"), goalForm("Secret goal of the pair")))

		pages := []string{f.path("/goals"), f.path("/goals/%d", gid)}
		anon := f.app.client()
		for _, p := range pages {
			res := anon.get(p)
			res.mustStatus(t, http.StatusSeeOther)
			if !strings.HasPrefix(res.Header.Get("Location"), "/login") {
				t.Fatalf("anonymous %s: redirect to %q", p, res.Header.Get("Location"))
			}
		}
		anon.post(f.path("/goals"), goalForm("x")).mustStatus(t, http.StatusUnauthorized)

		for _, who := range []*account.User{f.mentor, f.mentee} {
			c := f.app.login(who.Email)
			for _, p := range pages {
				c.get(p).mustContain(t, "Secret goal of the pair")
			}
		}
		for _, s := range f.strangers() {
			c := f.app.login(s.email)
			for _, p := range pages {
				res := c.get(p)
				res.mustStatus(t, s.status)
				if strings.Contains(res.Body, "Secret goal") {
					t.Fatalf("%s sees the goal on %s", s.name, p)
				}
			}
			c.post(f.path("/goals"), goalForm("Intruder goal")).mustStatus(t, s.status)
			c.post(f.path("/goals/%d", gid), url.Values{"version": {"1"}, "status": {"dropped"}}).mustStatus(t, s.status)
			c.post(f.path("/goals/%d/delete", gid), url.Values{"version": {"1"}, "confirmed": {"yes"}}).mustStatus(t, s.status)
		}
		if n := f.count(`SELECT COUNT(*) FROM goals`); n != 1 {
			t.Fatalf("%d goals after strangers tried", n)
		}
		if st := f.app.scalar(`SELECT status FROM goals`); st != "open" {
			t.Fatalf("a stranger changed the status to %s", st)
		}
	})
}

func TestGoalPagesWorkflow(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newGoalMsgFixture(t, db)
		mentee := f.app.login(f.mentee.Email)
		mentor := f.app.login(f.mentor.Email)

		// Bad input: 422, a translated message by the field, values kept, nothing saved.
		res := mentee.post(f.path("/goals"), url.Values{"title": {""}, "measure": {"Keep this text"}, "target_date": {"30.06.2026"}})
		res.mustStatus(t, http.StatusUnprocessableEntity)
		res.mustContain(t, html.EscapeString(f.app.tr("en", "goal.error.title_required")),
			html.EscapeString(f.app.tr("en", "goal.error.bad_date")), "Keep this text")
		if n := f.count(`SELECT COUNT(*) FROM goals`); n != 0 {
			t.Fatalf("%d goals after bad input", n)
		}

		hostile := `<script>alert("x")</script> Land a job`
		gid := goalIDFromLocation(t, mentee.post(f.path("/goals"), goalForm(hostile)))
		page := mentee.get(f.path("/goals/%d", gid))
		page.mustStatus(t, http.StatusOK)
		if strings.Contains(page.Body, hostile) {
			t.Fatal("goal title rendered unescaped")
		}
		page.mustContain(t, "&lt;script&gt;", f.app.tr("en", "goal.status.open"))

		// The mentor works on it in Norwegian; the history names who did what.
		res = mentor.post(f.path("/goals/%d", gid), url.Values{"version": {"1"}, "title": {"Get a job"},
			"measure": {"Two interviews booked"}, "target_date": {"2026-06-30"}, "status": {"in_progress"}, "progress": {"40"}})
		res.mustStatus(t, http.StatusSeeOther)
		page = mentor.get(f.path("/goals/%d", gid))
		page.mustContain(t, "Get a job", "Mona Mentor", html.EscapeString(f.app.tr("nb", "goal.status.in_progress")))
		if !strings.Contains(page.Body, html.EscapeString(f.app.tr("nb", "goal.history.progress", "who", "Mona Mentor", "old", "0", "new", "40"))) {
			t.Fatalf("history lacks the progress change:\n%s", page.Body)
		}

		// The mentee saves from the stale page: refused, the typed text kept,
		// the mentor's change intact.
		res = mentee.post(f.path("/goals/%d", gid), url.Values{"version": {"1"}, "title": {"My own wording"},
			"measure": {""}, "target_date": {""}, "status": {"reached"}, "progress": {"100"}})
		res.mustStatus(t, http.StatusConflict)
		res.mustContain(t, "My own wording", html.EscapeString(f.app.tr("en", "goal.error.stale")), `name="version" value="2"`)
		if got := f.app.scalar(`SELECT title FROM goals WHERE id = ?`, gid); got != "Get a job" {
			t.Fatalf("stale save overwrote the title with %q", got)
		}

		// Progress out of range.
		res = mentee.post(f.path("/goals/%d", gid), url.Values{"version": {"2"}, "progress": {"150"}})
		res.mustStatus(t, http.StatusUnprocessableEntity)
		res.mustContain(t, html.EscapeString(f.app.tr("en", "goal.error.bad_progress")))

		// Sub-goals: progress of the goal follows them.
		for _, title := range []string{"Write the CV", "Apply to five places"} {
			mentee.post(f.path("/goals/%d/subgoals", gid), url.Values{"sub_title": {title}}).mustStatus(t, http.StatusSeeOther)
		}
		res = mentee.post(f.path("/goals/%d/subgoals", gid), url.Values{"sub_title": {""}, "sub_measure": {"kept"}})
		res.mustStatus(t, http.StatusUnprocessableEntity)
		res.mustContain(t, "kept", `id="e-sub_title"`)
		var subID int64
		if err := db.QueryRow(context.Background(), `SELECT id FROM goals WHERE title = 'Write the CV'`).Scan(&subID); err != nil {
			t.Fatal(err)
		}
		mentee.post(f.path("/goals/%d", subID), url.Values{"version": {"1"}, "status": {"reached"}}).mustStatus(t, http.StatusSeeOther)
		list := mentee.get(f.path("/goals"))
		list.mustContain(t, `value="50"`, "Write the CV", "Apply to five places")

		// Delete a sub-goal; the parent's history records it.
		mentee.post(f.path("/goals/%d/delete", subID), url.Values{"version": {"2"}, "confirmed": {"yes"}}).mustStatus(t, http.StatusSeeOther)
		mentee.get(f.path("/goals/%d", gid)).mustContain(t,
			html.EscapeString(f.app.tr("en", "goal.history.sub_goal_removed", "who", "Mats Mentee", "old", "Write the CV")))

		// Unknown or malformed goal ids are 404.
		mentee.get(f.path("/goals/%d", gid+999)).mustStatus(t, http.StatusNotFound)
		mentee.get(f.path("/goals/abc")).mustStatus(t, http.StatusNotFound)
	})
}

func TestGoalsFromAgreementAndLinks(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newGoalMsgFixture(t, db)
		f.signAgreement(t, func(c *agreement.Content) {
			c.Goals = []agreement.Goal{{Key: "work", Title: "Find a first job in the field", Measure: "A signed contract",
				TargetDate: "2026-08-01", SubGoals: []agreement.Goal{{Key: "cv", Title: "Finish the CV"}}}}
		})
		mentee := f.app.login(f.mentee.Email)
		list := mentee.get(f.path("/goals"))
		list.mustContain(t, "Find a first job in the field", "Finish the CV", f.app.tr("en", "goal.in_agreement"))
		var gid int64
		if err := db.QueryRow(context.Background(), `SELECT id FROM goals WHERE agreement_key = 'work'`).Scan(&gid); err != nil {
			t.Fatal(err)
		}
		// The agreement's wording is not edited here.
		res := mentee.post(f.path("/goals/%d", gid), url.Values{"version": {"1"}, "title": {"Something else"}})
		res.mustStatus(t, http.StatusUnprocessableEntity)
		res.mustContain(t, html.EscapeString(f.app.tr("en", "goal.error.set_in_agreement")))
		mentee.post(f.path("/goals/%d/delete", gid), url.Values{"version": {"1"}, "confirmed": {"yes"}}).mustStatus(t, http.StatusConflict)

		// A meeting and an action item point at the goal; the goal page shows both.
		mid := f.addMeeting(t, "goal-test-1@mentorskap", 7)
		other := f.addMeeting(t, "goal-test-2@mentorskap", 14)
		mentee.post(f.path("/goals/%d/meetings", gid), url.Values{"meeting_id": {pid(mid)}}).mustStatus(t, http.StatusSeeOther)
		now := f.app.clock.Now()
		if _, err := db.Exec(context.Background(), `INSERT INTO action_items (pair_id, meeting_id, body, owner_id, due_date,
			goal_id, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, '2026-03-20', ?, ?, ?, ?)`,
			f.pair.ID, mid, "Send the CV to <Mona>", f.mentee.ID, gid, f.mentee.ID, now, now); err != nil {
			t.Fatal(err)
		}
		page := mentee.get(f.path("/goals/%d", gid))
		page.mustContain(t, f.path("/meetings/%d", mid), "Send the CV to &lt;Mona&gt;", "Mats Mentee")
		if got := f.app.scalar(`SELECT COALESCE(goal_id, 0) FROM meetings WHERE id = ?`, other); got != "0" {
			t.Fatalf("the other meeting points at goal %s", got)
		}
		// A meeting of another pair cannot be linked.
		res = mentee.post(f.path("/goals/%d/meetings", gid), url.Values{"meeting_id": {pid(mid + 1000)}})
		res.mustStatus(t, http.StatusUnprocessableEntity)
		mentee.post(f.path("/goals/%d/meetings/%d/unlink", gid, mid), nil).mustStatus(t, http.StatusSeeOther)
		if got := f.app.scalar(`SELECT COALESCE(goal_id, 0) FROM meetings WHERE id = ?`, mid); got != "0" {
			t.Fatalf("unlinked meeting still points at goal %s", got)
		}
		f.app.login(f.coord.Email).post(f.path("/goals/%d/meetings", gid), url.Values{"meeting_id": {pid(mid)}}).mustStatus(t, http.StatusForbidden)
	})
}

type apiGoalDoc struct {
	ID          int64        `json:"id"`
	ParentID    *int64       `json:"parent_id"`
	Title       string       `json:"title"`
	Status      string       `json:"status"`
	Progress    int          `json:"progress"`
	Version     int          `json:"version"`
	InAgreement bool         `json:"in_agreement"`
	SubGoals    []apiGoalDoc `json:"sub_goals"`
	History     []struct {
		Field    string `json:"field"`
		UserName string `json:"user_name"`
		New      string `json:"new"`
	} `json:"history"`
	Meetings []struct {
		ID int64 `json:"id"`
	} `json:"meetings"`
}

func TestGoalAPI(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newGoalMsgFixture(t, db)
		mentee := f.app.apiClient(f.mentee.Email)
		mentor := f.app.apiClient(f.mentor.Email)
		base := fmt.Sprintf("/api/v1/pairs/%d/goals", f.pair.ID)

		p := mustProblem(t, mentee.apiSend("POST", base, map[string]any{"title": "", "target_on": "tomorrow"}), http.StatusUnprocessableEntity)
		if p.Errors["title"] == "" || p.Errors["target_on"] == "" {
			t.Fatalf("errors %v", p.Errors)
		}
		mustProblem(t, mentee.apiSend("POST", base, `{"title": "x", "colour": "red"}`), http.StatusUnprocessableEntity)

		g := apiDecode[apiGoalDoc](t, mentee.apiSend("POST", base, map[string]any{"title": "Speak up in meetings", "target_on": "2026-05-01"}), http.StatusCreated)
		sub := apiDecode[apiGoalDoc](t, mentor.apiSend("POST", base, map[string]any{"title": "Prepare one question", "parent_id": g.ID}), http.StatusCreated)
		if sub.ParentID == nil || *sub.ParentID != g.ID {
			t.Fatalf("sub-goal %+v", sub)
		}
		mustProblem(t, mentee.apiSend("POST", base, map[string]any{"title": "orphan", "parent_id": 0}), http.StatusUnprocessableEntity)

		list := apiDecode[struct{ Items []apiGoalDoc }](t, mentee.apiSend("GET", base, nil), http.StatusOK)
		if len(list.Items) != 1 || len(list.Items[0].SubGoals) != 1 {
			t.Fatalf("list %+v", list)
		}

		one := fmt.Sprintf("%s/%d", base, sub.ID)
		up := apiDecode[apiGoalDoc](t, mentee.apiSend("PATCH", one, map[string]any{"version": sub.Version, "progress": 80}), http.StatusOK)
		if up.Progress != 80 || up.Version != sub.Version+1 {
			t.Fatalf("updated %+v", up)
		}
		mustProblem(t, mentor.apiSend("PATCH", one, map[string]any{"version": sub.Version, "progress": 10}), http.StatusConflict)
		mustProblem(t, mentor.apiSend("PATCH", one, map[string]any{"progress": 10}), http.StatusUnprocessableEntity)
		mustProblem(t, mentor.apiSend("PATCH", one, map[string]any{"version": up.Version, "status": "finished"}), http.StatusUnprocessableEntity)

		parent := apiDecode[apiGoalDoc](t, mentee.apiSend("GET", fmt.Sprintf("%s/%d", base, g.ID), nil), http.StatusOK)
		if parent.Progress != 80 {
			t.Fatalf("parent progress %d, want 80 from its only sub-goal", parent.Progress)
		}
		if len(parent.History) != 2 || parent.History[0].Field != "sub_goal" || parent.History[0].UserName != "Mona Mentor" {
			t.Fatalf("history %+v", parent.History)
		}

		mid := f.addMeeting(t, "goal-api@mentorskap", 3)
		mentee.apiSend("POST", fmt.Sprintf("%s/%d/meetings", base, g.ID), map[string]any{"meeting_id": mid}).mustStatus(t, http.StatusNoContent)
		parent = apiDecode[apiGoalDoc](t, mentee.apiSend("GET", fmt.Sprintf("%s/%d", base, g.ID), nil), http.StatusOK)
		if len(parent.Meetings) != 1 || parent.Meetings[0].ID != mid {
			t.Fatalf("meetings %+v", parent.Meetings)
		}
		mentee.apiSend("DELETE", fmt.Sprintf("%s/%d/meetings/%d", base, g.ID, mid), nil).mustStatus(t, http.StatusNoContent)
		mustProblem(t, mentee.apiSend("DELETE", fmt.Sprintf("%s/%d/meetings/%d", base, g.ID, mid), nil), http.StatusNotFound)

		// Role matrix on every endpoint.
		anon := f.app.client()
		mustProblem(t, anon.apiSend("GET", base, nil), http.StatusUnauthorized)
		mustProblem(t, anon.apiSend("POST", base, map[string]any{"title": "x"}), http.StatusUnauthorized)
		for _, s := range f.strangers() {
			c := f.app.apiClient(s.email)
			for _, req := range []struct {
				method, path string
				body         any
			}{
				{"GET", base, nil},
				{"POST", base, map[string]any{"title": "Intruder"}},
				{"POST", base, `not json`},
				{"GET", one, nil},
				{"PATCH", one, map[string]any{"version": up.Version, "title": "Intruder"}},
				{"DELETE", one + fmt.Sprintf("?version=%d", up.Version), nil},
				{"POST", fmt.Sprintf("%s/%d/meetings", base, g.ID), map[string]any{"meeting_id": mid}},
				{"DELETE", fmt.Sprintf("%s/%d/meetings/%d", base, g.ID, mid), nil},
			} {
				res := c.apiSend(req.method, req.path, req.body)
				mustProblem(t, res, s.status)
				if strings.Contains(res.Body, "Speak up") || strings.Contains(res.Body, "Prepare one") {
					t.Fatalf("%s %s %s leaks goal text: %s", s.name, req.method, req.path, res.Body)
				}
			}
		}
		if n := f.count(`SELECT COUNT(*) FROM goals`); n != 2 {
			t.Fatalf("%d goals after strangers tried", n)
		}

		mustProblem(t, mentee.apiSend("DELETE", one, nil), http.StatusUnprocessableEntity)
		mentee.apiSend("DELETE", one+fmt.Sprintf("?version=%d", up.Version), nil).mustStatus(t, http.StatusNoContent)
		mustProblem(t, mentee.apiSend("GET", one, nil), http.StatusNotFound)
	})
}
