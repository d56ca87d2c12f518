package web

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
)

// TestNudge sends a nudge from the dashboard: each member of a running pair
// reads it in their own language in the thread and by email, an ended pair
// is left out, the dashboard's filter survives, and bad input changes
// nothing.
func TestNudge(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		app := newTestAppDB(t, db)
		s := newScene(t, app, "Nudge cohort", "nb") // the mentor reads Norwegian, the mentee English
		ctx := context.Background()
		coord := app.login(s.coord.Email)
		base := programPath(s.prog.ID)
		// A second, ended pair.
		mentor2 := app.addUser("mentor2@example.org", "Mona Mentor", "member", "sv")
		app.enrol(s.prog.ID, mentor2, "mentor", "approved")
		ended, err := app.srv.Programs.CreatePair(ctx, s.coord, s.prog.ID, []int64{mentor2.ID}, []int64{s.other.ID})
		if err != nil {
			t.Fatal(err)
		}
		if err := app.srv.Programs.EndPair(ctx, s.coord, s.prog.ID, ended.ID); err != nil {
			t.Fatal(err)
		}
		count := func(q string, args ...any) string { return app.scalar(q, args...) }
		outbox0 := count(`SELECT COUNT(*) FROM outbox WHERE kind = 'pair_nudge'`)

		// The running tab offers a tick for the running pair and the form.
		page := coord.get(base + "/dashboard?q=mia&sort=name")
		page.mustContain(t, `name="pair" value="`+pid(s.pair.ID)+`"`, `action="`+base+`/dashboard/nudge"`,
			html.EscapeString(app.tr("en", "nudge.kind.book")))

		// Nothing ticked: the page again with the problem, nothing written.
		back := base + "/dashboard?q=mia&sort=name"
		res := coord.post(base+"/dashboard/nudge", url.Values{"kind": {"book"}, "return": {back}})
		res.mustStatus(t, http.StatusUnprocessableEntity)
		res.mustContain(t, html.EscapeString(app.tr("en", "nudge.error.none_chosen")))
		// An unknown kind, and only ended pairs.
		coord.post(base+"/dashboard/nudge", url.Values{"kind": {"shout"}, "pair": {pid(s.pair.ID)}}).mustStatus(t, http.StatusUnprocessableEntity)
		coord.post(base+"/dashboard/nudge", url.Values{"kind": {"book"}, "pair": {pid(ended.ID)}}).mustStatus(t, http.StatusConflict)
		// Not the coordinator's program, not a coordinator.
		app.login(s.alien.Email).post(base+"/dashboard/nudge", url.Values{"kind": {"book"}, "pair": {pid(s.pair.ID)}}).mustStatus(t, http.StatusNotFound)
		app.login(s.mentee.Email).post(base+"/dashboard/nudge", url.Values{"kind": {"book"}, "pair": {pid(s.pair.ID)}}).mustStatus(t, http.StatusForbidden)
		if n := count(`SELECT COUNT(*) FROM messages WHERE nudge <> ''`); n != "0" {
			t.Fatalf("refused nudges wrote %s messages", n)
		}

		// Both pairs ticked: the running one is nudged, the ended one left
		// out, and the coordinator is back on the same filtered page.
		res = coord.post(base+"/dashboard/nudge", url.Values{"kind": {"book"}, "pair": {pid(s.pair.ID), pid(ended.ID)}, "return": {back}})
		res.mustStatus(t, http.StatusSeeOther)
		if loc := res.Header.Get("Location"); !strings.Contains(loc, "q=mia") || !strings.Contains(loc, "sort=name") {
			t.Errorf("nudge went back to %s, losing the filter", loc)
		}
		if n := count(`SELECT COUNT(*) FROM messages WHERE pair_id = ? AND nudge = 'book' AND sender_id = ?`, s.pair.ID, s.coord.ID); n != "1" {
			t.Fatalf("%s nudges in the running pair", n)
		}
		if n := count(`SELECT COUNT(*) FROM messages WHERE pair_id = ?`, ended.ID); n != "0" {
			t.Fatal("the ended pair was nudged")
		}
		// Each side reads it in their own language, marked as from the coordinator.
		mentor := app.login(s.mentor.Email).get("/pairs/" + pid(s.pair.ID) + "/messages")
		mentor.mustContain(t, html.EscapeString(app.tr("nb", "nudge.text.book")), html.EscapeString(app.tr("nb", "nudge.from_coordinator")), "Cora Coordinator")
		app.login(s.mentee.Email).get("/pairs/"+pid(s.pair.ID)+"/messages").mustContain(t, html.EscapeString(app.tr("en", "nudge.text.book")))
		// And by email, one each, in their language.
		if n := count(`SELECT COUNT(*) FROM outbox WHERE kind = 'pair_nudge'`); n == outbox0 {
			t.Fatal("no nudge emails")
		}
		if got := count(`SELECT language FROM outbox WHERE kind = 'pair_nudge' AND to_email = ?`, s.mentor.Email); got != "nb" {
			t.Errorf("mentor's nudge email in %q", got)
		}
		body := count(`SELECT body FROM outbox WHERE kind = 'pair_nudge' AND to_email = ?`, s.mentor.Email)
		if !strings.Contains(body, app.tr("nb", "nudge.text.book")) {
			t.Errorf("mentor's email lacks the Norwegian text: %s", body)
		}

		// The same through the API.
		api := app.apiClient(s.coord.Email)
		out := apiDecode[apiNudgeResult](t, api.apiSend("POST", "/api/v1"+base+"/nudges",
			map[string]any{"pair_ids": []int64{s.pair.ID, ended.ID}, "kind": "checkin"}), http.StatusOK)
		if len(out.Sent) != 1 || out.Sent[0] != s.pair.ID || len(out.Skipped) != 1 || out.Skipped[0] != ended.ID {
			t.Errorf("API nudge: %+v", out)
		}
		mustProblem(t, api.apiSend("POST", "/api/v1"+base+"/nudges", map[string]any{"pair_ids": []int64{}, "kind": "checkin"}), http.StatusUnprocessableEntity)
		thread := apiDecode[apiThread](t, app.apiClient(s.mentor.Email).apiSend("GET", "/api/v1/pairs/"+pid(s.pair.ID)+"/messages", nil), http.StatusOK)
		if last := thread.Items[len(thread.Items)-1]; last.Nudge != "checkin" || last.Body != app.tr("nb", "nudge.text.checkin") {
			t.Errorf("API thread shows the nudge as %+v", last)
		}
	})
}
