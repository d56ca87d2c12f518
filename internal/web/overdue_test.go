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

	"mentorskap/internal/goal"
	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
)

// overdueFixture is a pair with action items around one day: it is
// 23:30 on 10 March in UTC, where the mentor lives, and already 11 March
// in Jakarta, where the mentee does.
type overdueFixture struct {
	*goalMsgFixture
	meetingID, goalID int64
}

// Items by text: who owns them, when they are due, their state, and
// whether they are overdue for the mentee (Jakarta) and the mentor (UTC).
var overdueItems = []struct {
	text, owner, due, status string
	goal                     bool
	menteeLate, mentorLate   bool
}{
	{"Send the CV to Kari", "mentee", "2026-03-10", "open", true, true, false}, // due yesterday in Jakarta, today in UTC
	{"Call the union", "mentee", "2026-03-09", "open", false, true, true},
	{"Read the handbook", "mentee", "2026-03-11", "open", false, false, false}, // due today in Jakarta
	{"Update the profile", "mentee", "", "open", false, false, false},          // no date: never late
	{"Visit the job fair", "mentee", "2026-03-01", "done", true, false, false}, // done: never late
	{"Book the meeting room", "mentor", "2026-03-09", "open", false, true, true},
}

func newOverdueFixture(t *testing.T, db *store.DB) *overdueFixture {
	t.Helper()
	f := &overdueFixture{goalMsgFixture: newGoalMsgFixture(t, db)}
	ctx := context.Background()
	g, err := f.app.srv.Goals.Create(ctx, f.mentee, f.pair.ID, goal.Input{Title: "Find work as an engineer"})
	if err != nil {
		t.Fatal(err)
	}
	f.goalID = g.ID
	f.meetingID = f.addMeeting(t, "overdue@mentorskap", -1)
	now := f.app.clock.Now()
	for _, it := range overdueItems {
		owner := f.mentee.ID
		if it.owner == "mentor" {
			owner = f.mentor.ID
		}
		var goalID any
		if it.goal {
			goalID = f.goalID
		}
		if _, err := db.Exec(ctx, `INSERT INTO action_items (pair_id, meeting_id, body, owner_id, due_date, goal_id, status,
			created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			f.pair.ID, f.meetingID, it.text, owner, it.due, goalID, it.status, owner, now, now); err != nil {
			t.Fatal(err)
		}
	}
	for id, tz := range map[int64]string{f.mentee.ID: "Asia/Jakarta", f.mentor.ID: "UTC"} {
		if _, err := db.Exec(ctx, `UPDATE users SET timezone = ? WHERE id = ?`, tz, id); err != nil {
			t.Fatal(err)
		}
	}
	f.app.clock.Set(time.Date(2026, 3, 10, 23, 30, 0, 0, time.UTC))
	return f
}

// itemBlock is the list entry of the page that shows text: from the text to
// the end of its <li>.
func itemBlock(t *testing.T, body, text string) string {
	t.Helper()
	i := strings.Index(body, text)
	if i < 0 {
		t.Fatalf("page lacks %q", text)
	}
	rest := body[i:]
	if j := strings.Index(rest, "</li>"); j >= 0 {
		rest = rest[:j]
	}
	return rest
}

// wantMarks checks that each listed item carries the overdue marker, in
// words in the reader's language and styled, exactly when it is overdue.
func (f *overdueFixture) wantMarks(t *testing.T, page, lang string, body string, mentee bool, only func(text, owner string) bool) {
	t.Helper()
	mark := `<span class="badge action-overdue">` + html.EscapeString(f.app.tr(lang, "actions.overdue")) + `</span>`
	for _, it := range overdueItems {
		if !only(it.text, it.owner) {
			continue
		}
		want := it.mentorLate
		if mentee {
			want = it.menteeLate
		}
		if got := strings.Contains(itemBlock(t, body, it.text), mark); got != want {
			t.Errorf("%s: %q marked overdue %v, want %v", page, it.text, got, want)
		}
	}
}

func TestOverdueActionItemsOnPages(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newOverdueFixture(t, db)
		mentee := f.app.login(f.mentee.Email)
		mentor := f.app.login(f.mentor.Email)
		open := func(text, owner string) bool { return text != "Visit the job fair" }

		// The pair's home page lists the open items of both.
		res := mentee.get(f.path(""))
		res.mustStatus(t, http.StatusOK)
		f.wantMarks(t, "pair home (mentee)", "en", res.Body, true, open)
		res = mentor.get(f.path(""))
		res.mustStatus(t, http.StatusOK)
		f.wantMarks(t, "pair home (mentor)", "nb", res.Body, false, open)

		// The start page's pair card lists the pair's open items, as the
		// pair's page does: the two work on them together.
		res = mentee.get("/")
		res.mustStatus(t, http.StatusOK)
		f.wantMarks(t, "home (mentee)", "en", res.Body, true, open)
		res = mentor.get("/")
		res.mustStatus(t, http.StatusOK)
		f.wantMarks(t, "home (mentor)", "nb", res.Body, false, open)

		// The meeting's notes and the goal's page mark them by the same rule.
		res = mentee.get(f.path("/meetings/%d/notes", f.meetingID))
		res.mustStatus(t, http.StatusOK)
		f.wantMarks(t, "notes (mentee)", "en", res.Body, true, func(string, string) bool { return true })
		res = mentee.get(f.path("/goals/%d", f.goalID))
		res.mustStatus(t, http.StatusOK)
		f.wantMarks(t, "goal page (mentee)", "en", res.Body, true, func(text, _ string) bool {
			return text == "Send the CV to Kari" || text == "Visit the job fair"
		})
	})
}

func TestOverdueActionItemsInAPI(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newOverdueFixture(t, db)
		type item struct {
			Text    string `json:"text"`
			Overdue *bool  `json:"overdue"`
		}
		check := func(where string, items []item, mentee bool) {
			t.Helper()
			if len(items) == 0 {
				t.Fatalf("%s: no items", where)
			}
			for _, got := range items {
				found := false
				for _, it := range overdueItems {
					if it.text != got.Text {
						continue
					}
					found = true
					want := it.mentorLate
					if mentee {
						want = it.menteeLate
					}
					if got.Overdue == nil || *got.Overdue != want {
						t.Errorf("%s: %q overdue %v, want %v", where, got.Text, got.Overdue, want)
					}
				}
				if !found {
					t.Errorf("%s: unknown item %q", where, got.Text)
				}
			}
		}
		base := fmt.Sprintf("/api/v1/pairs/%d", f.pair.ID)
		for _, who := range []struct {
			email  string
			mentee bool
		}{{f.mentee.Email, true}, {f.mentor.Email, false}} {
			c := f.app.apiClient(who.email)
			home := apiDecode[struct {
				Items []item `json:"open_action_items"`
			}](t, c.apiSend("GET", base+"/home", nil), http.StatusOK)
			check(who.email+" pair home", home.Items, who.mentee)
			list := apiDecode[struct {
				Items []item `json:"items"`
			}](t, c.apiSend("GET", base+"/action-items", nil), http.StatusOK)
			if len(list.Items) != len(overdueItems) {
				t.Fatalf("%d items listed", len(list.Items))
			}
			check(who.email+" action items", list.Items, who.mentee)
			at := apiDecode[struct {
				Agreed []item `json:"agreed"`
			}](t, c.apiSend("GET", fmt.Sprintf("%s/meetings/%d/action-items", base, f.meetingID), nil), http.StatusOK)
			check(who.email+" meeting's items", at.Agreed, who.mentee)
			g := apiDecode[struct {
				Items []item `json:"action_items"`
			}](t, c.apiSend("GET", fmt.Sprintf("%s/goals/%d", base, f.goalID), nil), http.StatusOK)
			if len(g.Items) != 2 {
				t.Fatalf("goal lists %d items", len(g.Items))
			}
			check(who.email+" goal", g.Items, who.mentee)
		}
	})
}

// TestGoalStatusAgreesThroughPagesAndAPI: a contradiction is refused with a
// translated message and changes nothing; one value sent brings the other.
func TestGoalStatusAgreesThroughPagesAndAPI(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newGoalMsgFixture(t, db)
		mentee := f.app.apiClient(f.mentee.Email)
		base := fmt.Sprintf("/api/v1/pairs/%d/goals", f.pair.ID)
		g := apiDecode[apiGoalDoc](t, mentee.apiSend("POST", base, map[string]any{"title": "Finish the course"}), http.StatusCreated)
		one := fmt.Sprintf("%s/%d", base, g.ID)

		p := mustProblem(t, mentee.apiSend("PATCH", one, map[string]any{"version": g.Version, "status": "reached", "progress": 40}),
			http.StatusUnprocessableEntity)
		if p.Errors["progress"] != f.app.tr("en", "goal.error.reached_is_100") {
			t.Fatalf("contradiction refused with %v", p.Errors)
		}
		if st := f.app.scalar(`SELECT status FROM goals WHERE id = ?`, g.ID); st != "open" {
			t.Fatalf("refused change stored status %s", st)
		}
		g = apiDecode[apiGoalDoc](t, mentee.apiSend("PATCH", one, map[string]any{"version": g.Version, "progress": 50}), http.StatusOK)
		if g.Status != "in_progress" || g.Progress != 50 {
			t.Fatalf("progress 50: %s at %d", g.Status, g.Progress)
		}
		g = apiDecode[apiGoalDoc](t, mentee.apiSend("PATCH", one, map[string]any{"version": g.Version, "status": "reached"}), http.StatusOK)
		if g.Status != "reached" || g.Progress != 100 {
			t.Fatalf("reached: %s at %d", g.Status, g.Progress)
		}

		// A goal with sub-goals shows the status its sub-goals give it,
		// on its page, in the list and on the pair's home page.
		sub := apiDecode[apiGoalDoc](t, mentee.apiSend("POST", base, map[string]any{"title": "Pass the exam", "parent_id": g.ID}), http.StatusCreated)
		apiDecode[apiGoalDoc](t, mentee.apiSend("PATCH", fmt.Sprintf("%s/%d", base, sub.ID),
			map[string]any{"version": sub.Version, "progress": 60}), http.StatusOK)
		g = apiDecode[apiGoalDoc](t, mentee.apiSend("GET", one, nil), http.StatusOK)
		if g.Status != "in_progress" || g.Progress != 60 {
			t.Fatalf("goal with a sub-goal at 60%%: %s at %d", g.Status, g.Progress)
		}
		p = mustProblem(t, mentee.apiSend("PATCH", one, map[string]any{"version": g.Version, "status": "reached"}),
			http.StatusUnprocessableEntity)
		if p.Errors["status"] != f.app.tr("en", "goal.error.status_from_sub_goals") {
			t.Fatalf("status of a derived goal: %v", p.Errors)
		}

		mentor := f.app.login(f.mentor.Email)
		home := mentor.get(f.path(""))
		home.mustStatus(t, http.StatusOK)
		if b := itemBlock(t, home.Body, "Finish the course"); !strings.Contains(b, html.EscapeString(f.app.tr("nb", "goal.status.in_progress"))) {
			t.Fatalf("pair home shows the goal as %s", b)
		}
		page := mentor.get(f.path("/goals/%d", g.ID))
		page.mustContain(t, html.EscapeString(f.app.tr("nb", "goal.field.status_hint_derived")))
		if strings.Contains(page.Body, `<option value="reached"`) {
			t.Fatal("a goal whose status follows its sub-goals offers reached")
		}

		// The form: both changed and at odds is refused in the reader's
		// language, with what they typed kept.
		page = mentor.get(f.path("/goals/%d", sub.ID))
		page.mustContain(t, html.EscapeString(f.app.tr("nb", "goal.field.status_hint")))
		res := mentor.post(f.path("/goals/%d", sub.ID), url.Values{"version": {fmt.Sprint(sub.Version + 1)},
			"status": {"open"}, "progress": {"30"}})
		res.mustStatus(t, http.StatusUnprocessableEntity)
		res.mustContain(t, html.EscapeString(f.app.tr("nb", "goal.error.not_started_is_0")), `value="30"`)
		// Choosing reached alone brings the progress to 100.
		mentor.post(f.path("/goals/%d", sub.ID), url.Values{"version": {fmt.Sprint(sub.Version + 1)},
			"status": {"reached"}, "progress": {"60"}}).mustStatus(t, http.StatusSeeOther)
		if got := f.app.scalar(`SELECT status || ' ' || progress FROM goals WHERE id = ?`, sub.ID); got != "reached 100" {
			t.Fatalf("sub-goal stored as %s", got)
		}
	})
}
