package web

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"mentorskap/internal/program"
	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
)

// inPool reads whether a mentee whose pair closed waits for a new mentor.
func inPool(t *testing.T, db *store.DB, programID, menteeID int64) bool {
	t.Helper()
	h, err := program.LoadHistory(context.Background(), db, programID)
	if err != nil {
		t.Fatal(err)
	}
	l, ok := h.Left[menteeID]
	return !ok || l.InPool()
}

// TestPoolThroughPages: a mentee who ends without asking for a new mentor
// leaves the pool; the review says why and offers the way back, which
// only the program's coordinators may take; the former pair is never
// proposed and may be paired by hand only when the coordinator says so.
func TestPoolThroughPages(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		app := newTestAppDB(t, db)
		s := newScene(t, app, "Spring cohort", "en")
		tr := func(key string, args ...any) string { return html.EscapeString(app.tr("en", key, args...)) }
		cMentee, cMentor, cOther := app.login(s.mentee.Email), app.login(s.mentor.Email), app.login(s.other.Email)
		cCoord, cAlien := app.login(s.coord.Email), app.login(s.alien.Email)
		prog := "/programs/" + pid(s.prog.ID)
		pair := "/pairs/" + pid(s.pair.ID)

		// Only the mentee side is offered, and may use, "a new mentor".
		cMentee.get(pair+"/end").mustContain(t, tr("ending.field.new_mentor"))
		if res := cMentor.get(pair + "/end"); res.StatusCode != http.StatusOK || strings.Contains(res.Body, tr("ending.field.new_mentor")) {
			t.Fatalf("mentor's ending form (status %d) offers a new mentor", res.StatusCode)
		}
		res := cMentor.post(pair+"/end", url.Values{"new_mentor": {"1"}})
		res.mustStatus(t, http.StatusUnprocessableEntity)
		res.mustContain(t, tr("ending.error.new_mentor_mentees"))
		if p, _ := program.GetPair(context.Background(), db, s.pair.ID); !p.Active() {
			t.Fatal("a refused ending ended the pair")
		}

		// The mentee ends quietly: out of the pool, and the review says
		// how it ended and offers the return.
		cMentee.post(pair+"/end", url.Values{"reason": {"Moving on"}}).mustStatus(t, http.StatusSeeOther)
		if inPool(t, db, s.prog.ID, s.mentee.ID) {
			t.Fatal("a mentee who did not ask is in the pool")
		}
		res = cCoord.get(prog + "/matching")
		res.mustStatus(t, http.StatusOK)
		res.mustContain(t, tr("matching.left_title"),
			tr("matching.left.member_mentee", "mentors", "Max Mentor", "date", app.clock.Now()),
			`action="`+prog+`/participants/`+pid(s.mentee.ID)+`/return"`, tr("matching.return_to_pool", "name", "Mia Mentee"))

		// Nobody but the program's coordinators may return them.
		for name, c := range map[string]*client{"mentee": cMentee, "mentor": cMentor, "other participant": cOther, "other coordinator": cAlien} {
			res := c.post(prog+"/participants/"+pid(s.mentee.ID)+"/return", nil)
			if res.StatusCode != http.StatusForbidden && res.StatusCode != http.StatusNotFound {
				t.Fatalf("%s returning the mentee: status %d", name, res.StatusCode)
			}
		}
		if inPool(t, db, s.prog.ID, s.mentee.ID) {
			t.Fatal("a refused return changed the pool")
		}
		res = cCoord.post(prog+"/participants/"+pid(s.mentee.ID)+"/return", nil)
		res.mustStatus(t, http.StatusSeeOther)
		if res.Header.Get("Location") != prog+"/matching" || !inPool(t, db, s.prog.ID, s.mentee.ID) {
			t.Fatalf("return went to %q, in pool %v", res.Header.Get("Location"), inPool(t, db, s.prog.ID, s.mentee.ID))
		}
		res = cCoord.post(prog+"/participants/"+pid(s.mentee.ID)+"/return", nil)
		res.mustStatus(t, http.StatusConflict)
		res.mustContain(t, tr("matching.error.return_already", "name", "Mia Mentee"))

		// Back in the pool, but never with Max again: the only mentor.
		cCoord.post(prog+"/matching/run", nil).mustStatus(t, http.StatusSeeOther)
		res = cCoord.get(prog + "/matching")
		res.mustContain(t, tr("matching.returned.coordinator", "mentors", "Max Mentor", "date", app.clock.Now(), "returned", app.clock.Now()),
			tr("matching.unmatchable.all_former"))
		res = cCoord.post(prog+"/matching/manual", url.Values{"mentee": {pid(s.mentee.ID)}, "mentor": {pid(s.mentor.ID)}})
		res.mustStatus(t, http.StatusUnprocessableEntity)
		res.mustContain(t, tr("matching.error.forbidden_because", "mentee", "Mia Mentee", "mentor", "Max Mentor",
			"reason", app.tr("en", "matching.rule.former_pair")))

		// By hand on the pair list: a warning first, then as asked.
		form := url.Values{"mentor": {pid(s.mentor.ID)}, "mentee": {pid(s.mentee.ID)}}
		res = cCoord.post(prog+"/pairs", form)
		res.mustStatus(t, http.StatusUnprocessableEntity)
		res.mustContain(t, tr("matching.error.former_pair", "mentee", "Mia Mentee", "mentor", "Max Mentor", "date", app.clock.Now()),
			`name="again"`, tr("matching.pair_again"))
		if n := app.enrolCount(`SELECT COUNT(*) FROM pairs WHERE program_id = ?`, s.prog.ID); n != 1 {
			t.Fatalf("%d pairs after the warning", n)
		}
		form.Set("again", "1")
		cCoord.post(prog+"/pairs", form).mustStatus(t, http.StatusSeeOther)
		var again int64
		if err := db.QueryRow(context.Background(), `SELECT id FROM pairs WHERE program_id = ? AND status = 'active'`, s.prog.ID).Scan(&again); err != nil {
			t.Fatal(err)
		}

		// The coordinator ends it and returns the mentee in one go.
		// The offer to return the mentee is on the confirmation page (confirm.go).
		cCoord.get(prog+"/pairs/"+pid(again)+"/end").mustContain(t, `name="return"`, html.EscapeString(app.bundle.Locale("en").N("matching.end_return", 1)))
		cCoord.post(prog+"/pairs/"+pid(again)+"/end", url.Values{"return": {"1"}}).mustStatus(t, http.StatusSeeOther)
		if !inPool(t, db, s.prog.ID, s.mentee.ID) {
			t.Fatal("the coordinator's end did not return the mentee")
		}
		cCoord.get(prog+"/pairs").mustContain(t, tr("matching.in_pool", "name", "Mia Mentee"))
	})
}

// TestPoolThroughAPI is the same story through the JSON API.
func TestPoolThroughAPI(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		app := newTestAppDB(t, db)
		s := newScene(t, app, "Spring cohort", "en")
		aMentee, aMentor, aAlien, aCoord := app.apiClient(s.mentee.Email), app.apiClient(s.mentor.Email),
			app.apiClient(s.alien.Email), app.apiClient(s.coord.Email)
		prog := "/api/v1/programs/" + pid(s.prog.ID)

		p := mustProblem(t, aMentor.apiSend("POST", "/api/v1/pairs/"+pid(s.pair.ID)+"/end", map[string]any{"new_mentor": true}),
			http.StatusUnprocessableEntity)
		if p.Errors["new_mentor"] == "" {
			t.Fatalf("problem %+v", p)
		}
		aMentee.apiSend("POST", "/api/v1/pairs/"+pid(s.pair.ID)+"/end", map[string]any{"new_mentor": true}).mustStatus(t, http.StatusOK)
		if !inPool(t, db, s.prog.ID, s.mentee.ID) {
			t.Fatal("asking for a new mentor did not return the mentee")
		}
		apiDecode[map[string]any](t, aCoord.apiSend("POST", prog+"/matching/proposal/run", nil), http.StatusOK)
		rv := apiDecode[apiMatchReview](t, aCoord.apiSend("GET", prog+"/matching/proposal", nil), http.StatusOK)
		if len(rv.Unmatched) != 2 || len(rv.LeftOut) != 0 {
			t.Fatalf("review %+v", rv)
		}
		for _, u := range rv.Unmatched {
			if u.Mentee.UserID == s.mentee.ID && (u.Returned == nil || len(u.Reasons) != 1 ||
				u.Reasons[0] != app.tr("en", "matching.unmatchable.all_former")) {
				t.Fatalf("returned mentee %+v", u)
			}
		}

		// The former pair by hand: refused on "again" until asked for.
		pairs := prog + "/pairs"
		p = mustProblem(t, aCoord.apiSend("POST", pairs, map[string]any{"mentor_user_ids": []int64{s.mentor.ID}, "mentee_user_ids": []int64{s.mentee.ID}}),
			http.StatusUnprocessableEntity)
		if p.Errors["again"] == "" {
			t.Fatalf("problem %+v", p)
		}
		// Another mentee with Max, ended by the coordinator without a
		// return: left out, until returned through the API.
		np := apiDecode[apiPair](t, aCoord.apiSend("POST", pairs, map[string]any{"mentor_user_ids": []int64{s.mentor.ID}, "mentee_user_ids": []int64{s.other.ID}}),
			http.StatusCreated)
		apiDecode[apiPair](t, aCoord.apiSend("POST", pairs+"/"+pid(np.ID)+"/end", nil), http.StatusOK)
		rv = apiDecode[apiMatchReview](t, aCoord.apiSend("GET", prog+"/matching/proposal", nil), http.StatusOK)
		if len(rv.LeftOut) != 1 || rv.LeftOut[0].Mentee.UserID != s.other.ID || rv.LeftOut[0].PairID != np.ID ||
			rv.LeftOut[0].Reason != app.tr("en", "matching.left.coordinator", "mentors", "Max Mentor", "date", app.clock.Now()) {
			t.Fatalf("left out %+v", rv.LeftOut)
		}
		back := prog + "/participants/" + pid(s.other.ID) + "/return"
		for name, c := range map[string]*client{"mentee": aMentee, "mentor": aMentor, "other coordinator": aAlien} {
			if res := c.apiSend("POST", back, nil); res.StatusCode != http.StatusForbidden && res.StatusCode != http.StatusNotFound {
				t.Fatalf("%s returning through the API: status %d", name, res.StatusCode)
			}
		}
		rv = apiDecode[apiMatchReview](t, aCoord.apiSend("POST", back, nil), http.StatusOK)
		if len(rv.LeftOut) != 0 || rv.Mentees != 2 {
			t.Fatalf("after the return %+v", rv)
		}
		mustProblem(t, aCoord.apiSend("POST", back, nil), http.StatusConflict)

		// A coordinator's end may return the mentees at once.
		np = apiDecode[apiPair](t, aCoord.apiSend("POST", pairs, map[string]any{"mentor_user_ids": []int64{s.mentor.ID},
			"mentee_user_ids": []int64{s.mentee.ID}, "again": true}), http.StatusCreated)
		apiDecode[apiPair](t, aCoord.apiSend("POST", pairs+"/"+pid(np.ID)+"/end", map[string]any{"return_mentees": true}), http.StatusOK)
		if !inPool(t, db, s.prog.ID, s.mentee.ID) {
			t.Fatal("return_mentees did not return the mentee")
		}
	})
}
