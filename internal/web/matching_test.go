package web

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"mentorskap/internal/account"
	"mentorskap/internal/httpx"
	"mentorskap/internal/matching"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
)

// matchCohort is a program whose people can only be paired in a few ways,
// mostly decided by the languages they speak (the default settings make a
// shared language a hard rule):
//
//	mentors: Mona nb,en (2 places), Sven sv (1), Ida id,en (1)
//	mentees: Nils nb, Siv sv, Indah id, Emma en, Kari nb,en, Zoé fr
//
// Four places for six mentees: Zoé has nobody to talk to, and Emma, whose
// needs either mentor meets only half of, is left without a place.
type matchCohort struct {
	app                               *testApp
	prog                              *program.Program
	base                              string // /programs/{id}/matching
	coord, other, admin               *account.User
	mona, sven, ida                   *account.User
	nils, siv, indah, emma, kari, zoe *account.User
}

func newMatchCohort(t *testing.T, db *store.DB) *matchCohort {
	t.Helper()
	app := newTestAppDB(t, db)
	m := &matchCohort{app: app}
	m.coord = app.addUser("coord@example.org", "Cora Coordinator", account.RoleCoordinator, "en")
	m.other = app.addUser("other@example.org", "Otto Other", account.RoleCoordinator, "en")
	m.admin = app.addUser("admin@example.org", "Ada Admin", account.RoleAdmin, "en")
	ctx := context.Background()
	st := program.SettingsOf(program.Defaults(app.clock.Now(), "en"))
	st.Name = "Spring cohort"
	var err error
	if m.prog, err = app.srv.Programs.Create(ctx, m.coord, st); err != nil {
		t.Fatal(err)
	}
	st.Name = "Other cohort"
	if _, err := app.srv.Programs.Create(ctx, m.other, st); err != nil {
		t.Fatal(err)
	}
	m.base = "/programs/" + strconv.FormatInt(m.prog.ID, 10) + "/matching"
	join := func(email, name, lang, role, langs, text string, capacity int) *account.User {
		u := app.addUser(email, name, account.RoleMember, lang)
		now := app.clock.Now()
		if _, err := db.Exec(ctx, `INSERT INTO participants (program_id, user_id, role, status, languages, skills, needs,
			capacity, created_at, updated_at) VALUES (?, ?, ?, 'approved', ?, ?, ?, ?, ?, ?)`,
			m.prog.ID, u.ID, role, langs, text, text, capacity, now, now); err != nil {
			t.Fatal(err)
		}
		return u
	}
	m.mona = join("mona@example.org", "Mona Mentor", "nb", "mentor", "nb,en", "networking\nleadership", 2)
	m.sven = join("sven@example.org", "Sven Mentor", "sv", "mentor", "sv", "networking", 1)
	m.ida = join("ida@example.org", "Ida Mentor", "id", "mentor", "id,en", "leadership", 1)
	m.nils = join("nils@example.org", "Nils Mentee", "nb", "mentee", "nb", "networking", 1)
	m.siv = join("siv@example.org", "Siv Mentee", "sv", "mentee", "sv", "networking", 1)
	m.indah = join("indah@example.org", "Indah Mentee", "id", "mentee", "id", "leadership", 1)
	m.emma = join("emma@example.org", "Emma Mentee", "en", "mentee", "en", "leadership\ncooking", 1)
	m.kari = join("kari@example.org", "Kari Mentee", "nb", "mentee", "nb,en", "networking", 1)
	m.zoe = join("zoe@example.org", "Zoé Mentee", "en", "mentee", "fr", "networking", 1)
	return m
}

// t translates for page assertions, escaped as the templates escape.
func (m *matchCohort) t(lang, key string, args ...any) string {
	return html.EscapeString(m.app.tr(lang, key, args...))
}

// rows reads the draft: mentee → mentor, and which rows are locked or
// manual.
func (m *matchCohort) rows(t *testing.T) (mentorOf map[int64]int64, locked, manual map[int64]bool) {
	t.Helper()
	mentorOf, locked, manual = map[int64]int64{}, map[int64]bool{}, map[int64]bool{}
	rs, err := m.app.db.Query(context.Background(), `SELECT r.mentee_id, r.mentor_id, r.locked, r.manual
		FROM match_proposal_rows r JOIN match_proposals p ON p.id = r.proposal_id
		WHERE p.program_id = ? AND p.status = 'draft'`, m.prog.ID)
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	for rs.Next() {
		var e, o int64
		var l, ma bool
		if err := rs.Scan(&e, &o, &l, &ma); err != nil {
			t.Fatal(err)
		}
		mentorOf[e], locked[e], manual[e] = o, l, ma
	}
	return mentorOf, locked, manual
}

func (m *matchCohort) version(t *testing.T) int {
	t.Helper()
	var v int
	if err := m.app.db.QueryRow(context.Background(), `SELECT version FROM match_proposals WHERE program_id = ? AND status = 'draft'`,
		m.prog.ID).Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

func (m *matchCohort) count(t *testing.T, query string, args ...any) int {
	t.Helper()
	var n int
	if err := m.app.db.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func matchID(u *account.User) string { return strconv.FormatInt(u.ID, 10) }

func TestMatchingFlowThroughPages(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		m := newMatchCohort(t, db)
		c := m.app.login("coord@example.org")

		res := c.get(m.base)
		res.mustStatus(t, http.StatusOK)
		res.mustContain(t, m.t("en", "matching.none_yet"))
		c.get("/programs/"+strconv.FormatInt(m.prog.ID, 10)).mustContain(t, `href="`+m.base+`"`)

		res = c.post(m.base+"/run", nil)
		res.mustStatus(t, http.StatusSeeOther)
		rows, _, _ := m.rows(t)
		if len(rows) != 4 || rows[m.nils.ID] != m.mona.ID || rows[m.siv.ID] != m.sven.ID || rows[m.indah.ID] != m.ida.ID {
			t.Fatalf("first proposal %v", rows)
		}
		placed, waiting := m.emma, m.kari
		if rows[m.emma.ID] == 0 {
			placed, waiting = m.kari, m.emma
		}
		if rows[placed.ID] != m.mona.ID || rows[waiting.ID] != 0 || rows[m.zoe.ID] != 0 {
			t.Fatalf("first proposal %v", rows)
		}

		res = c.get(m.base)
		res.mustStatus(t, http.StatusOK)
		res.mustContain(t, "Nils Mentee", "Mona Mentor", "Zoé Mentee",
			m.t("en", "score.why.language", "languages", matching.LangList{"sv"}),
			m.t("en", "score.unmatchable.all_language", "languages", matching.LangList{"fr"}),
			m.t("en", "matching.publish", "count", 4))
		// Each proposed pair shows both people's cards side by side, with
		// the reasons and the score explained where it is shown.
		res.mustContain(t, m.t("en", "matchcard.pair_title", "mentee", "Nils Mentee", "mentor", "Mona Mentor"),
			`class="match-person mentee"`, `class="match-person mentor"`, m.t("en", "matchcard.why"),
			m.t("en", "matchcard.score_explain"), `aria-describedby="score-explain"`, m.t("en", "matchcard.languages"))

		// Lock Nils; a re-run keeps him and the row stays locked.
		c.post(m.base+"/rows/"+matchID(m.nils)+"/lock", nil).mustStatus(t, http.StatusSeeOther)
		c.post(m.base+"/run", nil).mustStatus(t, http.StatusSeeOther)
		rows, locked, _ := m.rows(t)
		if !locked[m.nils.ID] || rows[m.nils.ID] != m.mona.ID || len(rows) != 4 {
			t.Fatalf("after re-run %v locked %v", rows, locked)
		}

		// A swap the rules forbid says which rule and changes nothing.
		v := m.version(t)
		res = c.post(m.base+"/swap", url.Values{"swap_mentee": {matchID(m.indah)}, "swap_other": {matchID(m.nils)}})
		res.mustStatus(t, http.StatusUnprocessableEntity)
		res.mustContain(t, m.t("en", "matching.error.forbidden_because", "mentee", "Indah Mentee", "mentor", "Mona Mentor",
			"reason", m.app.tr("en", "score.rule.language")))
		if m.version(t) != v {
			t.Fatal("a refused swap changed the proposal")
		}
		res = c.post(m.base+"/swap", url.Values{"swap_mentee": {matchID(m.indah)}})
		res.mustStatus(t, http.StatusUnprocessableEntity)
		res.mustContain(t, m.t("en", "matching.error.pick_other"))

		// Swapping with the mentee who is waiting hands them the place.
		c.post(m.base+"/swap", url.Values{"swap_mentee": {matchID(placed)}, "swap_other": {matchID(waiting)}}).mustStatus(t, http.StatusSeeOther)
		rows, locked, _ = m.rows(t)
		if rows[waiting.ID] != m.mona.ID || rows[placed.ID] != 0 || !locked[waiting.ID] {
			t.Fatalf("after swap %v locked %v", rows, locked)
		}

		// Remove Siv: she shows among the unmatched, with Sven's free place.
		c.post(m.base+"/rows/"+matchID(m.siv)+"/remove", nil).mustStatus(t, http.StatusSeeOther)
		res = c.get(m.base)
		res.mustContain(t, m.t("en", "matching.unmatched.free_place"))
		if rows, _, _ := m.rows(t); rows[m.siv.ID] != 0 {
			t.Fatal("removed row still there")
		}

		// Manual pairs: forbidden, full and fine.
		res = c.post(m.base+"/manual", url.Values{"mentee": {matchID(m.zoe)}, "mentor": {matchID(m.sven)}})
		res.mustStatus(t, http.StatusUnprocessableEntity)
		res.mustContain(t, m.t("en", "matching.error.forbidden_because", "mentee", "Zoé Mentee", "mentor", "Sven Mentor",
			"reason", m.app.tr("en", "score.rule.language")))
		res = c.post(m.base+"/manual", url.Values{"mentee": {matchID(placed)}, "mentor": {matchID(m.mona)}})
		res.mustStatus(t, http.StatusUnprocessableEntity)
		res.mustContain(t, m.t("en", "matching.error.mentor_taken", "name", "Mona Mentor"))
		res = c.post(m.base+"/manual", url.Values{"mentee": {"x"}, "mentor": {matchID(m.sven)}})
		res.mustStatus(t, http.StatusUnprocessableEntity)
		res.mustContain(t, m.t("en", "matching.error.pick_mentee"))
		c.post(m.base+"/manual", url.Values{"mentee": {matchID(m.siv)}, "mentor": {matchID(m.sven)}}).mustStatus(t, http.StatusSeeOther)
		rows, locked, manual := m.rows(t)
		if rows[m.siv.ID] != m.sven.ID || !manual[m.siv.ID] || !locked[m.siv.ID] {
			t.Fatalf("manual row %v %v %v", rows, locked, manual)
		}

		// Someone pairs Indah by hand meanwhile: publishing refuses, names
		// her and creates nothing.
		if _, err := m.app.srv.Programs.CreatePair(context.Background(), m.coord, m.prog.ID,
			[]int64{m.ida.ID}, []int64{m.indah.ID}); err != nil {
			t.Fatal(err)
		}
		emails := m.count(t, `SELECT COUNT(*) FROM outbox`)
		res = c.post(m.base+"/publish", url.Values{"version": {strconv.Itoa(m.version(t))}})
		res.mustStatus(t, http.StatusConflict)
		res.mustContain(t, m.t("en", "matching.problem.mentee_paired", "name", "Indah Mentee"))
		if m.count(t, `SELECT COUNT(*) FROM pairs`) != 1 || m.count(t, `SELECT COUNT(*) FROM outbox`) != emails {
			t.Fatal("a refused publish created pairs or emails")
		}
		c.post(m.base+"/rows/"+matchID(m.indah)+"/remove", nil).mustStatus(t, http.StatusSeeOther)

		// A version the coordinator did not see is refused too.
		res = c.post(m.base+"/publish", url.Values{"version": {strconv.Itoa(m.version(t) - 1)}})
		res.mustStatus(t, http.StatusConflict)
		res.mustContain(t, m.t("en", "matching.error.changed"))

		res = c.post(m.base+"/publish", url.Values{"version": {strconv.Itoa(m.version(t))}})
		res.mustStatus(t, http.StatusSeeOther)
		if loc := res.Header.Get("Location"); loc != "/programs/"+strconv.FormatInt(m.prog.ID, 10)+"/pairs" {
			t.Fatalf("publish redirects to %s", loc)
		}
		// Nils–Mona, Kari or Emma–Mona, Siv–Sven, plus the pair made by hand.
		if n := m.count(t, `SELECT COUNT(*) FROM pairs WHERE program_id = ? AND status = 'active'`, m.prog.ID); n != 4 {
			t.Fatalf("%d active pairs", n)
		}
		if m.count(t, `SELECT COUNT(*) FROM match_proposal_rows WHERE pair_id IS NULL`) != 0 ||
			m.count(t, `SELECT COUNT(*) FROM match_proposals WHERE status = 'published'`) != 1 {
			t.Fatal("the proposal was not marked published")
		}
		// Both sides are told, each in their own language.
		for _, w := range []struct {
			to, lang, kind string
		}{
			{"siv@example.org", "sv", "paired_mentee"}, {"sven@example.org", "sv", "paired_mentor"},
			{"nils@example.org", "nb", "paired_mentee"}, {"mona@example.org", "nb", "paired_mentor"},
			{waiting.Email, waiting.Language, "paired_mentee"},
		} {
			want := m.app.tr(w.lang, "email."+w.kind+".subject", "program", "Spring cohort")
			if n := m.count(t, `SELECT COUNT(*) FROM outbox WHERE to_email = ? AND language = ? AND subject = ?`, w.to, w.lang, want); n < 1 {
				t.Errorf("no %s email in %s to %s", w.kind, w.lang, w.to)
			}
		}
		if m.count(t, `SELECT COUNT(*) FROM outbox WHERE to_email = ?`, "mona@example.org") != 2 {
			t.Error("Mona should hear about each of her two mentees")
		}

		// After publishing there is no draft; publishing again is refused.
		res = c.get(m.base)
		res.mustStatus(t, http.StatusOK)
		res.mustContain(t, m.t("en", "matching.last_published"))
		res = c.post(m.base+"/publish", url.Values{"version": {"1"}})
		res.mustStatus(t, http.StatusConflict)
		res.mustContain(t, m.t("en", "matching.error.no_proposal"))
	})
}

func TestMatchingRoleMatrix(t *testing.T) {
	t.Parallel()
	m := newMatchCohort(t, storetest.Default(t))
	anon := m.app.client()
	res := anon.get(m.base)
	res.mustStatus(t, http.StatusSeeOther)
	if !strings.HasPrefix(res.Header.Get("Location"), "/login") {
		t.Fatalf("anonymous sent to %s", res.Header.Get("Location"))
	}
	anon.post(m.base+"/run", nil).mustStatus(t, http.StatusUnauthorized)

	actions := []struct {
		path string
		form url.Values
	}{
		{"/run", nil},
		{"/rows/" + matchID(m.nils) + "/lock", nil},
		{"/rows/" + matchID(m.nils) + "/unlock", nil},
		{"/rows/" + matchID(m.nils) + "/remove", nil},
		{"/swap", url.Values{"swap_mentee": {matchID(m.nils)}, "swap_other": {matchID(m.kari)}}},
		{"/manual", url.Values{"mentee": {matchID(m.zoe)}, "mentor": {matchID(m.sven)}}},
		{"/publish", url.Values{"version": {"1"}}},
	}
	m.app.login("coord@example.org").post(m.base+"/run", nil).mustStatus(t, http.StatusSeeOther)
	before := m.version(t)
	for _, who := range []struct {
		email  string
		status int
	}{
		{"nils@example.org", http.StatusForbidden}, // a mentee of the program
		{"mona@example.org", http.StatusForbidden}, // a mentor of the program
		{"other@example.org", http.StatusNotFound}, // a coordinator of another program
	} {
		c := m.app.login(who.email)
		c.get(m.base).mustStatus(t, who.status)
		for _, a := range actions {
			if res := c.post(m.base+a.path, a.form); res.StatusCode != who.status {
				t.Fatalf("%s POST %s: status %d, want %d", who.email, a.path, res.StatusCode, who.status)
			}
		}
		api := m.app.apiClient(who.email)
		mustProblem(t, api.get("/api/v1/programs/"+strconv.FormatInt(m.prog.ID, 10)+"/matching/proposal"), who.status)
		mustProblem(t, api.apiSend("POST", "/api/v1/programs/"+strconv.FormatInt(m.prog.ID, 10)+"/matching/proposal/publish", nil), who.status)
	}
	if m.version(t) != before || m.count(t, `SELECT COUNT(*) FROM pairs`) != 0 {
		t.Fatal("a refused request changed something")
	}
	// An administrator may do what the coordinator does.
	admin := m.app.login("admin@example.org")
	admin.get(m.base).mustStatus(t, http.StatusOK)
	admin.post(m.base+"/run", nil).mustStatus(t, http.StatusSeeOther)
	if m.version(t) != before+1 {
		t.Fatal("the administrator's run did not happen")
	}
}

func TestMatchingAPI(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		m := newMatchCohort(t, db)
		// A second coordinator who reads Norwegian: every explanation comes
		// in the caller's language.
		m.app.addUser("koord@example.org", "Kari Koordinator", account.RoleCoordinator, "nb")
		if err := m.app.srv.Programs.AddCoordinator(context.Background(), m.coord, m.prog.ID, "koord@example.org"); err != nil {
			t.Fatal(err)
		}
		c := m.app.apiClient("koord@example.org")
		base := "/api/v1/programs/" + strconv.FormatInt(m.prog.ID, 10) + "/matching/proposal"

		rv := apiDecode[apiMatchReview](t, c.get(base), http.StatusOK)
		if rv.Proposal != nil || rv.Mentees != 6 || rv.Places != 4 || len(rv.Pairs) != 0 {
			t.Fatalf("before the first run: %+v", rv)
		}
		mustProblem(t, c.apiSend("POST", base+"/rows/"+matchID(m.nils)+"/lock", nil), http.StatusConflict)

		rv = apiDecode[apiMatchReview](t, c.apiSend("POST", base+"/run", nil), http.StatusOK)
		if rv.Proposal == nil || len(rv.Pairs) != 4 || len(rv.Unmatched) != 2 || rv.Total <= 0 || rv.Problems != 0 {
			t.Fatalf("after run: %+v", rv)
		}
		pair := func(rv apiMatchReview, mentee *account.User) *apiMatchPair {
			for i := range rv.Pairs {
				if rv.Pairs[i].Mentee.UserID == mentee.ID {
					return &rv.Pairs[i]
				}
			}
			return nil
		}
		siv := pair(rv, m.siv)
		if siv == nil || siv.Mentor.UserID != m.sven.ID || siv.Percent <= 0 || siv.Percent > 100 {
			t.Fatalf("Siv's pair %+v", siv)
		}
		if want := m.app.tr("nb", "score.why.language", "languages", matching.LangList{"sv"}); !slices.Contains(siv.Explanation, want) {
			t.Fatalf("explanation %q lacks %q", siv.Explanation, want)
		}
		for _, u := range rv.Unmatched {
			if u.Mentee.UserID == m.zoe.ID {
				want := m.app.tr("nb", "score.unmatchable.all_language", "languages", matching.LangList{"fr"})
				if len(u.Reasons) != 1 || u.Reasons[0] != want || len(u.Alternatives) != 0 {
					t.Fatalf("Zoé: %+v, want %q", u, want)
				}
			}
			if u.Mentee.UserID == m.emma.ID && (len(u.Alternatives) != 2 || u.Alternatives[0].HasRoom || u.Alternatives[0].Difference != nil) {
				t.Fatalf("Emma's alternatives %+v", u.Alternatives)
			}
		}

		rv = apiDecode[apiMatchReview](t, c.apiSend("POST", base+"/rows/"+matchID(m.nils)+"/lock", nil), http.StatusOK)
		if p := pair(rv, m.nils); p == nil || !p.Locked {
			t.Fatalf("lock: %+v", p)
		}
		rv = apiDecode[apiMatchReview](t, c.apiSend("POST", base+"/rows/"+matchID(m.nils)+"/unlock", nil), http.StatusOK)
		if p := pair(rv, m.nils); p == nil || p.Locked {
			t.Fatalf("unlock: %+v", p)
		}
		mustProblem(t, c.apiSend("POST", base+"/rows/"+matchID(m.zoe)+"/lock", nil), http.StatusNotFound)

		p := mustProblem(t, c.apiSend("POST", base+"/swap", map[string]int64{"mentee_user_id": m.nils.ID}), http.StatusUnprocessableEntity)
		if p.Errors["other_mentee_user_id"] != m.app.tr("nb", "matching.error.pick_other") {
			t.Fatalf("swap errors %v", p.Errors)
		}
		mustProblem(t, c.apiSend("POST", base+"/swap", `{"mentee": 1}`), http.StatusUnprocessableEntity)
		p = mustProblem(t, c.apiSend("POST", base+"/rows", map[string]int64{"mentee_user_id": m.zoe.ID, "mentor_user_id": m.mona.ID}), http.StatusUnprocessableEntity)
		if !strings.Contains(p.Detail, "Zoé Mentee") {
			t.Fatalf("manual refusal %q", p.Detail)
		}
		rv = apiDecode[apiMatchReview](t, c.apiSend("POST", base+"/swap", map[string]int64{"mentee_user_id": m.kari.ID, "other_mentee_user_id": m.emma.ID}), http.StatusOK)
		if e := pair(rv, m.emma); e == nil || e.Mentor.UserID != m.mona.ID || !e.Locked || pair(rv, m.kari) != nil {
			t.Fatalf("after swap %+v", rv.Pairs)
		}
		rv = apiDecode[apiMatchReview](t, c.apiSend("DELETE", base+"/rows/"+matchID(m.emma), nil), http.StatusOK)
		if pair(rv, m.emma) != nil {
			t.Fatal("row not removed")
		}
		mustProblem(t, c.apiSend("DELETE", base+"/rows/"+matchID(m.emma), nil), http.StatusNotFound)
		rv = apiDecode[apiMatchReview](t, c.apiSend("POST", base+"/rows", map[string]int64{"mentee_user_id": m.kari.ID, "mentor_user_id": m.mona.ID}), http.StatusOK)
		if k := pair(rv, m.kari); k == nil || !k.Manual || !k.Locked {
			t.Fatalf("manual row %+v", k)
		}

		mustProblem(t, c.apiSend("POST", base+"/publish", map[string]int{"version": rv.Proposal.Version - 1}), http.StatusConflict)
		if apiCountRows(t, db, "pairs") != 0 {
			t.Fatal("a refused publish created pairs")
		}
		pairs := apiDecode[httpx.Page[apiPair]](t, c.apiSend("POST", base+"/publish", map[string]int{"version": rv.Proposal.Version}), http.StatusOK).Items
		if len(pairs) != 4 || apiCountRows(t, db, "pairs") != 4 {
			t.Fatalf("published %+v", pairs)
		}
		for _, pr := range pairs {
			if pr.Status != "active" || len(pr.Mentors) != 1 || len(pr.Mentees) != 1 {
				t.Fatalf("pair %+v", pr)
			}
		}
		rv = apiDecode[apiMatchReview](t, c.get(base), http.StatusOK)
		if rv.Proposal != nil || rv.LastPublishedAt == nil || rv.Mentees != 2 || rv.Places != 0 {
			t.Fatalf("after publishing: %+v", rv)
		}
		mustProblem(t, c.apiSend("POST", base+"/publish", nil), http.StatusConflict)
		mustProblem(t, m.app.client().get(base), http.StatusUnauthorized)
	})
}
