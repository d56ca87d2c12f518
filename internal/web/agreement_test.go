package web

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"mentorskap/internal/account"
	"mentorskap/internal/agreement"
	"mentorskap/internal/httpx"
)

// agreementFixture is a role matrix around one pair, with the path of the
// pair's agreement.
type agreementFixture struct {
	roleMatrix
	path string // /pairs/{id}/agreement
}

func newAgreementFixture(t *testing.T) *agreementFixture {
	t.Helper()
	f := &agreementFixture{roleMatrix: newRoleMatrix(t, "Åse Ødegård", "en", "en")}
	f.path = f.pairPath + "/agreement"
	return f
}

// emails counts the emails of a kind queued for an address (in English,
// the language of both sides here).
func (f *agreementFixture) emails(to, kind string, args ...any) int {
	f.app.t.Helper()
	subject := f.app.bundle.Locale("en").T("email."+kind+".subject", args...)
	return f.app.count(`SELECT COUNT(*) FROM outbox WHERE to_email = ? AND subject = ?`, to, subject)
}

func (f *agreementFixture) versions() int {
	return f.app.count(`SELECT COUNT(*) FROM agreement_versions WHERE pair_id = ?`, f.pair.ID)
}

// agreementForm is a complete, valid drafting form for base.
func agreementForm(base int, edit func(*agreement.Content)) url.Values {
	c := agreement.Content{
		StartDate: "2026-03-02", EndDate: "2026-08-02", MeetingCount: 5, Frequency: "Every other Tuesday after work",
		TypicalMinutes: 60, MaxMinutes: 90, Places: "Online\nCafé Ørsta", InAppMessages: true,
		CancelRule: "Only when it cannot be avoided", CancelNoticeHours: 24, UrgentRule: "Send a message marked urgent",
		Goals: []agreement.Goal{{Title: "Apply for five relevant jobs", Measure: "Five applications sent", TargetDate: "2026-06-01",
			SubGoals: []agreement.Goal{{Title: "Rewrite the CV", TargetDate: "2026-04-01"}}}},
		MentorRole: "Listens and shares contacts", MenteeRole: "Leads and prepares",
		Mentor:   agreement.Commitments{Will: "Give honest feedback", Cannot: "Find a job for the mentee"},
		Mentee:   agreement.Commitments{Will: "Prepare every meeting"},
		TopicsIn: "Job search\nNetworking", TopicsOut: "Family matters",
		Relationship: agreement.RelationProfessional, Confidentiality: "What we say stays between us.",
		CoordinatorSees: agreement.ShareNothing, Costs: "Each pays their own coffee.", Unmet: "The mentor cannot get the mentee a job.",
	}
	if edit != nil {
		edit(&c)
	}
	v := agreementValues(c)
	v.Set("base_version", strconv.Itoa(base))
	return v
}

func TestAgreementDraftSignAndResign(t *testing.T) {
	t.Parallel()
	f := newAgreementFixture(t)
	ctx := context.Background()
	en := f.app.bundle.Locale("en")

	// The mentor's first visit prompts them, once, to contact the mentee.
	res := f.cMentor.get(f.path)
	res.mustStatus(t, http.StatusOK)
	res.mustContain(t, en.T("agreement.prompt.title"), en.T("agreement.state.not_started"), f.pairPath+"/meetings")
	f.cMentee.get(f.path).mustStatus(t, http.StatusOK)
	if n := f.emails(f.mentor.Email, "agreement_contact", "mentees", f.mentee.Name); n != 1 {
		t.Fatalf("%d first-step emails to the mentor, want 1", n)
	}
	if res := f.cMentee.get(f.path); strings.Contains(res.Body, en.T("agreement.prompt.title")) {
		t.Fatal("the mentee sees the mentor's prompt")
	}

	// The form starts from the program, the template and the reader's own
	// preparation answers.
	f.cMentee.post(f.pairPath+"/preparation", url.Values{"q.often": {"Every second week"}}).mustStatus(t, http.StatusSeeOther)
	res = f.cMentee.get(f.path + "/edit")
	res.mustStatus(t, http.StatusOK)
	res.mustContain(t, `name="start_date" type="date" value="2026-03-02"`, `name="max_minutes" type="number" value="120"`,
		"Every second week", html.EscapeString(en.T("agreement.default.mentor_role")), html.EscapeString(en.T("agreement.prefilled")),
		html.EscapeString(en.T("agreement.default.voluntary")))
	if f.versions() != 0 {
		t.Fatal("opening the form saved something")
	}

	// Invalid input: translated messages, the input kept, nothing saved.
	bad := agreementForm(0, func(c *agreement.Content) {
		c.TypicalMinutes = 10
		c.Goals[0].TargetDate = "next spring"
		c.Frequency = "Tuesdays, kept after the error"
	})
	res = f.cMentee.post(f.path+"/edit", bad)
	res.mustStatus(t, http.StatusUnprocessableEntity)
	res.mustContain(t, en.T("agreement.error.minutes", "min", 45, "max", 120), en.T("agreement.error.date"),
		"Tuesdays, kept after the error", `aria-invalid="true"`)
	if f.versions() != 0 {
		t.Fatal("an invalid draft was saved")
	}

	// A valid save is version 1.
	res = f.cMentee.post(f.path+"/edit", agreementForm(0, nil))
	res.mustStatus(t, http.StatusSeeOther)
	res = f.cMentee.get(f.path)
	res.mustContain(t, en.T("agreement.saved"), en.T("agreement.state.drafting"), "Apply for five relevant jobs", "Café Ørsta")

	// Concurrent edits: both open version 1, the mentee saves first, the
	// mentor's save is refused with who changed it, keeping the mentor's text.
	f.cMentor.get(f.path+"/edit").mustContain(t, `name="base_version" value="1"`)
	f.cMentee.post(f.path+"/edit", agreementForm(1, func(c *agreement.Content) { c.Places = "Online\nThe library" })).mustStatus(t, http.StatusSeeOther)
	mine := agreementForm(1, func(c *agreement.Content) { c.TopicsOut = "Politics, the mentor's addition" })
	res = f.cMentor.post(f.path+"/edit", mine)
	res.mustStatus(t, http.StatusConflict)
	res.mustContain(t, html.EscapeString(en.T("agreement.error.stale", "name", f.mentee.Name, "version", 2)),
		"Politics, the mentor&#39;s addition", `name="base_version" value="2"`, "The library")
	if f.versions() != 2 {
		t.Fatalf("%d versions after the conflict, want 2", f.versions())
	}
	// Saving again, now based on version 2, is a deliberate overwrite.
	mine.Set("base_version", "2")
	f.cMentor.post(f.path+"/edit", mine).mustStatus(t, http.StatusSeeOther)
	if f.versions() != 3 {
		t.Fatalf("%d versions, want 3", f.versions())
	}

	// Signing: wrong password and name are refused with field messages.
	res = f.cMentee.post(f.path+"/sign", url.Values{"version": {"3"}, "password": {"wrong-password"}, "typed_name": {"Dewi"}})
	res.mustStatus(t, http.StatusUnprocessableEntity)
	res.mustContain(t, en.T("error.password_wrong"), html.EscapeString(en.T("agreement.error.name_mismatch", "name", f.mentee.Name)))
	if n := f.app.count(`SELECT COUNT(*) FROM agreement_signatures`); n != 0 {
		t.Fatal("a refused signature was stored")
	}
	res = f.cMentee.post(f.path+"/sign", url.Values{"version": {"3"}, "password": {"password-" + f.mentee.Email}, "typed_name": {" dewi  lestari "}})
	res.mustStatus(t, http.StatusSeeOther)
	if f.emails(f.mentor.Email, "agreement_signed", "author", f.mentee.Name) != 1 {
		t.Fatal("the mentor was not told that the mentee signed")
	}
	f.cMentor.get(f.path).mustContain(t, en.T("agreement.state.waiting"), en.T("agreement.sign.button", "n", 3))

	// Signing a version that is no longer the newest fails and signs nothing.
	res = f.cMentor.post(f.path+"/sign", url.Values{"version": {"2"}, "password": {"password-" + f.mentor.Email}, "typed_name": {f.mentor.Name}})
	res.mustStatus(t, http.StatusConflict)
	res.mustContain(t, html.EscapeString(en.T("agreement.error.sign_stale", "name", f.mentor.Name, "version", 3)))
	if n := f.app.count(`SELECT COUNT(*) FROM agreement_signatures`); n != 1 {
		t.Fatalf("%d signatures, want 1", n)
	}

	f.app.clock.Set(f.app.clock.Now().Add(2 * time.Hour))
	f.cMentor.post(f.path+"/sign", url.Values{"version": {"3"}, "password": {"password-" + f.mentor.Email}, "typed_name": {f.mentor.Name}}).mustStatus(t, http.StatusSeeOther)
	res = f.cMentor.get(f.path)
	res.mustContain(t, en.T("agreement.now_active"), en.T("agreement.state.active"), en.T("agreement.both_signed"))
	v3, err := agreement.GetVersion(ctx, f.app.db, f.pair.ID, 3)
	if err != nil {
		t.Fatal(err)
	}
	res.mustContain(t, v3.Hash)
	for _, s := range v3.Signatures {
		if s.Hash != v3.Hash {
			t.Fatal("a signature does not carry the version's hash")
		}
	}
	if f.emails(f.mentor.Email, "agreement_active") != 1 || f.emails(f.mentee.Email, "agreement_active") != 1 {
		t.Fatal("both sides are told when the agreement is in force")
	}
	due := f.app.scalar(`SELECT due_at FROM checkpoints WHERE pair_id = ? AND kind = 'followup'`, f.pair.ID)
	if due == "" {
		t.Fatal("no 30-day follow-up")
	}
	if n := f.app.count(`SELECT COUNT(*) FROM goals WHERE pair_id = ? AND agreement_key <> ''`, f.pair.ID); n != 2 {
		t.Fatalf("%d goals from the agreement, want 2", n)
	}

	// The signed version cannot be changed, even by a direct update.
	if _, err := f.app.db.Exec(ctx, `UPDATE agreement_versions SET content = '{}' WHERE pair_id = ? AND number = 3`, f.pair.ID); err == nil {
		t.Fatal("the store let a signed version change")
	}

	// A change after signing is a new version both must sign; version 3
	// stays in force and readable.
	res = f.cMentee.post(f.path+"/edit", agreementForm(3, func(c *agreement.Content) {
		c.TopicsOut = "Politics, the mentor's addition"
		c.MeetingCount = 6
	}))
	res.mustStatus(t, http.StatusSeeOther)
	if f.emails(f.mentor.Email, "agreement_changed", "author", f.mentee.Name) != 1 {
		t.Fatal("the mentor was not told the signed agreement changed")
	}
	res = f.cMentor.get(f.path)
	res.mustContain(t, en.T("agreement.state.active"), en.T("agreement.amending", "in_force", 3, "latest", 4), en.T("agreement.sign.button", "n", 4))
	res = f.cMentor.get(f.path + "/versions/3")
	res.mustStatus(t, http.StatusOK)
	res.mustContain(t, v3.Hash, en.T("agreement.in_force"), f.mentee.Name, f.pairPath+"/agreement/versions/3/pdf")
	terms, _ := agreement.TermsFor(ctx, f.app.db, f.pair.ID)
	if terms.InForce != 3 || terms.MinMeetings != 5 {
		t.Fatalf("terms follow the unsigned change: %+v", terms)
	}
	for _, c := range []*client{f.cMentee, f.cMentor} {
		u := f.mentee
		if c == f.cMentor {
			u = f.mentor
		}
		c.post(f.path+"/sign", url.Values{"version": {"4"}, "password": {"password-" + u.Email}, "typed_name": {u.Name}}).mustStatus(t, http.StatusSeeOther)
	}
	if terms, _ = agreement.TermsFor(ctx, f.app.db, f.pair.ID); terms.InForce != 4 || terms.MinMeetings != 6 || terms.Draft != "" {
		t.Fatalf("terms after re-signing: %+v", terms)
	}
	if n := f.app.count(`SELECT COUNT(*) FROM checkpoints WHERE pair_id = ? AND kind = 'followup'`, f.pair.ID); n != 1 ||
		f.app.scalar(`SELECT due_at FROM checkpoints WHERE pair_id = ? AND kind = 'followup'`, f.pair.ID) != due {
		t.Fatal("re-signing moved the 30-day follow-up")
	}

	// History and comparison.
	res = f.cMentee.get(f.path + "/versions")
	res.mustStatus(t, http.StatusOK)
	for n := 1; n <= 4; n++ {
		res.mustContain(t, en.T("agreement.read_version", "n", n))
	}
	res = f.cMentee.get(f.path + "/compare?from=3&to=4")
	res.mustStatus(t, http.StatusOK)
	res.mustContain(t, en.T("agreement.field.meeting_count"), `<del><span class="sr-only">Removed: </span>5</del>`,
		`<ins><span class="sr-only">Added: </span>6</ins>`)
	if strings.Contains(res.Body, en.T("agreement.field.topics_out")) {
		t.Fatal("an unchanged clause is listed as changed")
	}
	res = f.cMentee.get(f.path + "/compare?from=1&to=9")
	res.mustStatus(t, http.StatusNotFound)
}

// TestAgreementAccess is the role matrix for every page and action.
func TestAgreementAccess(t *testing.T) {
	t.Parallel()
	f := newAgreementFixture(t)
	ctx := context.Background()
	// One version signed by both, shared with nobody; then an unsigned draft.
	save := func(base int, share string) {
		t.Helper()
		form := agreementForm(base, func(c *agreement.Content) { c.CoordinatorSees = share; c.Costs = "Costs clause " + share })
		f.cMentor.post(f.path+"/edit", form).mustStatus(t, http.StatusSeeOther)
	}
	sign := func(n string) {
		t.Helper()
		for _, u := range []*account.User{f.mentor, f.mentee} {
			c := f.cMentor
			if u == f.mentee {
				c = f.cMentee
			}
			c.post(f.path+"/sign", url.Values{"version": {n}, "password": {"password-" + u.Email}, "typed_name": {u.Name}}).mustStatus(t, http.StatusSeeOther)
		}
	}
	save(0, agreement.ShareNothing)
	sign("1")

	type want struct{ anon, member, other, coord, otherCoord, admin int }
	pages := []struct {
		method, path string
		form         url.Values
		want         want
	}{
		{"GET", f.path, nil, want{303, 200, 404, 200, 404, 200}},
		{"GET", f.path + "/edit", nil, want{303, 200, 404, 403, 404, 403}},
		{"GET", f.path + "/versions", nil, want{303, 200, 404, 200, 404, 200}},
		{"GET", f.path + "/versions/1", nil, want{303, 200, 404, 403, 404, 403}},
		{"GET", f.path + "/compare?from=1&to=1", nil, want{303, 200, 404, 403, 404, 403}},
		{"GET", f.pairPath + "/preparation", nil, want{303, 200, 404, 403, 404, 403}},
		{"POST", f.pairPath + "/preparation", url.Values{"q.often": {"x"}}, want{401, 303, 404, 403, 404, 403}},
		{"POST", f.path + "/edit", agreementForm(99, nil), want{401, 409, 404, 403, 404, 403}},
		{"POST", f.path + "/sign", url.Values{"version": {"1"}, "password": {"x"}, "typed_name": {"x"}}, want{401, 422, 404, 403, 404, 403}},
		{"GET", "/programs/" + pid(f.prog.ID) + "/agreement-template", nil, want{303, 403, 403, 200, 404, 200}},
	}
	for _, p := range pages {
		for _, c := range []struct {
			name   string
			client *client
			status int
		}{
			{"anonymous", f.anon, p.want.anon}, {"mentor", f.cMentor, p.want.member}, {"mentee", f.cMentee, p.want.member},
			{"other participant", f.cOther, p.want.other}, {"coordinator", f.cCoord, p.want.coord},
			{"other coordinator", f.cOtherCoord, p.want.otherCoord}, {"administrator", f.cAdmin, p.want.admin},
		} {
			var res *response
			if p.method == "GET" {
				res = c.client.get(p.path)
			} else {
				res = c.client.post(p.path, p.form)
			}
			if res.StatusCode != c.status {
				t.Errorf("%s %s as %s: status %d, want %d", p.method, p.path, c.name, res.StatusCode, c.status)
			}
		}
	}

	// The coordinator sees state and dates, never content that is not shared.
	nb := f.app.bundle.Locale("nb")
	res := f.cCoord.get(f.path)
	res.mustContain(t, nb.T("agreement.state.active"), nb.T("agreement.coordinator_private"), f.mentee.Name)
	if strings.Contains(res.Body, "Costs clause") || strings.Contains(res.Body, "Apply for five relevant jobs") {
		t.Fatal("the coordinator sees content the pair did not share")
	}
	// Preparation answers stay with their author, even from the other side.
	f.cMentee.post(f.pairPath+"/preparation", url.Values{"q.gain": {"A secret wish"}}).mustStatus(t, http.StatusSeeOther)
	for _, c := range []*client{f.cMentor, f.cCoord, f.cAdmin} {
		if res := c.get(f.pairPath + "/preparation"); strings.Contains(res.Body, "A secret wish") {
			t.Fatal("preparation answers leaked")
		}
		if res := c.get(f.path + "/edit"); strings.Contains(res.Body, "A secret wish") {
			t.Fatal("preparation answers leaked into another person's form")
		}
	}

	// Once the pair signs a version that shares the agreement, the
	// coordinator reads that version, but still not unsigned drafts.
	save(1, agreement.ShareAgreed)
	sign("2")
	save(2, agreement.ShareMeetings)
	res = f.cCoord.get(f.path)
	res.mustContain(t, nb.T("agreement.coordinator_shared"), "Costs clause agreement")
	if strings.Contains(res.Body, "Costs clause meetings") {
		t.Fatal("the coordinator sees an unsigned draft")
	}
	f.cCoord.get(f.path+"/versions/2").mustStatus(t, http.StatusOK)
	f.cCoord.get(f.path+"/versions/3").mustStatus(t, http.StatusForbidden)
	f.cCoord.get(f.path+"/versions/1").mustStatus(t, http.StatusOK) // signed, and the version in force shares
	f.cAdmin.get(f.path+"/versions/2").mustStatus(t, http.StatusOK)
	f.cOtherCoord.get(f.path+"/versions/2").mustStatus(t, http.StatusNotFound)
	f.cOther.get(f.path+"/versions/2").mustStatus(t, http.StatusNotFound)
	f.cCoord.get(f.path+"/compare?from=1&to=2").mustStatus(t, http.StatusForbidden)

	// After the pair ends, the agreement is read-only.
	if err := f.app.srv.Programs.EndPair(ctx, f.coord, f.prog.ID, f.pair.ID); err != nil {
		t.Fatal(err)
	}
	f.cMentor.get(f.path).mustContain(t, f.app.bundle.Locale("en").T("agreement.state.ended"))
	f.cMentor.post(f.path+"/edit", agreementForm(3, nil)).mustStatus(t, http.StatusConflict)
	f.cMentee.post(f.path+"/sign", url.Values{"version": {"3"}, "password": {"password-" + f.mentee.Email}, "typed_name": {f.mentee.Name}}).mustStatus(t, http.StatusConflict)
	if f.versions() != 3 {
		t.Fatal("an ended pair's agreement changed")
	}
}

func TestAgreementTemplateAndPreparationPages(t *testing.T) {
	t.Parallel()
	f := newAgreementFixture(t)
	if _, err := f.app.db.Exec(context.Background(), `UPDATE users SET language = 'nb' WHERE id = ?`, f.mentee.ID); err != nil {
		t.Fatal(err)
	}
	nb := f.app.bundle.Locale("nb")
	tpl := "/programs/" + pid(f.prog.ID) + "/agreement-template"
	res := f.cCoord.get(tpl + "?lang=nb")
	res.mustStatus(t, http.StatusOK)
	res.mustContain(t, html.EscapeString(nb.T("agreement.default.cancel_rule")), nb.T("prep.question.gain"))

	// Too long a clause: a translated message, nothing saved.
	form := url.Values{"lang": {"nb"}, "clauses.mentor_role": {strings.Repeat("å", 5001)}}
	res = f.cCoord.post(tpl, form)
	res.mustStatus(t, http.StatusUnprocessableEntity)
	res.mustContain(t, nb.T("error.too_long", "max", 5000))
	if f.app.count(`SELECT COUNT(*) FROM agreement_templates`) != 0 {
		t.Fatal("an invalid template was saved")
	}

	// Reword the Norwegian role, drop a question, add one for mentees.
	tmpl := agreement.DefaultTemplate()
	form = url.Values{"lang": {"nb"}, "clauses.mentor_role": {"Mentor er en støttespiller."}}
	for i, q := range tmpl.Questions {
		p := "questions." + strconv.Itoa(i) + "."
		form.Set(p+"text", agreement.QuestionText(q, nb))
		form.Set(p+"audience", q.Audience)
		if q.Key == "length" {
			form.Set(p+"remove", "1")
		}
	}
	form.Set("new.0.text", "Hva drømmer du om å jobbe med?")
	form.Set("new.0.audience", "mentee")
	f.cCoord.post(tpl, form).mustStatus(t, http.StatusSeeOther)
	f.cCoord.get(tpl+"?lang=nb").mustContain(t, nb.T("agreement.template_saved"), "Mentor er en støttespiller.")

	res = f.cMentee.get(f.pairPath + "/preparation")
	res.mustStatus(t, http.StatusOK)
	res.mustContain(t, "Hva drømmer du om å jobbe med?", nb.T("prep.private"))
	if strings.Contains(res.Body, nb.T("prep.question.length")) {
		t.Fatal("a removed question is still asked")
	}
	if res := f.cMentor.get(f.pairPath + "/preparation"); strings.Contains(res.Body, "Hva drømmer du om") {
		t.Fatal("a mentee question is asked of the mentor")
	}
	// The mentee drafts in Norwegian from the coordinator's wording.
	f.cMentee.get(f.path+"/edit").mustContain(t, "Mentor er en støttespiller.")

	// An over-long answer is refused and kept in the form.
	long := strings.Repeat("ø", agreement.MaxAnswer+1)
	res = f.cMentee.post(f.pairPath+"/preparation", url.Values{"q.gain": {long}})
	res.mustStatus(t, http.StatusUnprocessableEntity)
	res.mustContain(t, nb.T("error.too_long", "max", agreement.MaxAnswer), long)
}

func TestAgreementAPI(t *testing.T) {
	t.Parallel()
	f := newAgreementFixture(t)
	mentor, mentee, coord := f.app.apiClient(f.mentor.Email), f.app.apiClient(f.mentee.Email), f.app.apiClient(f.coord.Email)
	other, otherCoord := f.app.apiClient(f.other.Email), f.app.apiClient(f.otherCoord.Email)
	anon := f.app.client()
	base := "/api/v1/pairs/" + pid(f.pair.ID)
	en := f.app.bundle.Locale("en")

	// Preparation: private to its author.
	prep := apiDecode[apiPreparation](t, mentee.apiSend("PUT", base+"/preparation",
		map[string]any{"answers": map[string]string{"gain": "Confidence", "often": "Weekly"}}), http.StatusOK)
	if prep.Answers["gain"] != "Confidence" || prep.Side != "mentee" || len(prep.Questions) != 9 {
		t.Fatalf("preparation: %+v", prep)
	}
	p := mustProblem(t, mentee.apiSend("PUT", base+"/preparation", map[string]any{"answers": map[string]string{"offer": "x"}}), http.StatusUnprocessableEntity)
	if p.Errors["answers.offer"] == "" {
		t.Fatalf("a mentor question answered by the mentee: %+v", p)
	}
	if got := apiDecode[apiPreparation](t, mentor.apiSend("GET", base+"/preparation", nil), http.StatusOK); len(got.Answers) != 0 {
		t.Fatal("the mentor reads the mentee's answers")
	}
	mustProblem(t, coord.apiSend("GET", base+"/preparation", nil), http.StatusForbidden)
	mustProblem(t, other.apiSend("PUT", base+"/preparation", map[string]any{"answers": map[string]string{}}), http.StatusNotFound)
	mustProblem(t, anon.apiSend("GET", base+"/preparation", nil), http.StatusUnauthorized)

	// Drafting with optimistic concurrency.
	c := agreementContentFrom(agreementForm(0, nil))
	mustProblem(t, mentor.apiSend("PUT", base+"/agreement", map[string]any{"content": apiAgreementContent(c)}), http.StatusUnprocessableEntity)
	res := mentor.apiSend("PUT", base+"/agreement", map[string]any{"base_version": 0, "content": apiAgreementContent(c)})
	v1 := apiDecode[apiAgreementVersion](t, res, http.StatusCreated)
	if v1.Number != 1 || v1.Content == nil || len(v1.Content.Goals) != 1 || v1.Content.Goals[0].Key == "" || v1.Hash != agreement.Hash(agreement.Content(*v1.Content)) {
		t.Fatalf("first version: %+v", v1)
	}
	if res.Header.Get("Location") != base+"/agreement/versions/1" {
		t.Fatalf("Location %q", res.Header.Get("Location"))
	}
	same := apiDecode[apiAgreementVersion](t, mentee.apiSend("PUT", base+"/agreement", map[string]any{"base_version": 1, "content": v1.Content}), http.StatusOK)
	if same.Number != 1 {
		t.Fatal("unchanged content made a version")
	}
	c2 := *v1.Content
	c2.Frequency = "Weekly on Mondays"
	apiDecode[apiAgreementVersion](t, mentee.apiSend("PUT", base+"/agreement", map[string]any{"base_version": 1, "content": c2}), http.StatusCreated)
	c3 := *v1.Content
	c3.Frequency = "Monthly"
	p = mustProblem(t, mentor.apiSend("PUT", base+"/agreement", map[string]any{"base_version": 1, "content": c3}), http.StatusConflict)
	if p.Detail != en.T("agreement.error.stale", "name", f.mentee.Name, "version", 2) {
		t.Fatalf("conflict detail %q", p.Detail)
	}
	c3.MaxMinutes = 500
	p = mustProblem(t, mentor.apiSend("PUT", base+"/agreement", map[string]any{"base_version": 2, "content": c3}), http.StatusUnprocessableEntity)
	if p.Errors["content.max_minutes"] != en.T("agreement.error.minutes", "min", 45, "max", 120) {
		t.Fatalf("validation problem: %+v", p)
	}
	mustProblem(t, coord.apiSend("PUT", base+"/agreement", map[string]any{"base_version": 2, "content": c3}), http.StatusForbidden)
	mustProblem(t, other.apiSend("PUT", base+"/agreement", map[string]any{"base_version": 2, "content": c3}), http.StatusNotFound)

	// Signing.
	p = mustProblem(t, mentor.apiSend("POST", base+"/agreement/sign", map[string]any{"version": 1, "password": "password-" + f.mentor.Email, "typed_name": f.mentor.Name}), http.StatusConflict)
	p = mustProblem(t, mentor.apiSend("POST", base+"/agreement/sign", map[string]any{"version": 2, "password": "nope", "typed_name": f.mentor.Name}), http.StatusUnprocessableEntity)
	if p.Errors["password"] == "" {
		t.Fatalf("wrong password: %+v", p)
	}
	signed := apiDecode[apiAgreementVersion](t, mentor.apiSend("POST", base+"/agreement/sign", map[string]any{"version": 2, "password": "password-" + f.mentor.Email, "typed_name": f.mentor.Name}), http.StatusOK)
	if len(signed.Signatures) != 1 || signed.Signatures[0].Hash != signed.Hash || signed.Complete {
		t.Fatalf("signed: %+v", signed)
	}
	mustProblem(t, coord.apiSend("POST", base+"/agreement/sign", map[string]any{"version": 2, "password": "password-" + f.coord.Email, "typed_name": f.coord.Name}), http.StatusForbidden)
	apiDecode[apiAgreementVersion](t, mentee.apiSend("POST", base+"/agreement/sign", map[string]any{"version": 2, "password": "password-" + f.mentee.Email, "typed_name": f.mentee.Name}), http.StatusOK)

	ag := apiDecode[apiAgreement](t, mentee.apiSend("GET", base+"/agreement", nil), http.StatusOK)
	if ag.State != agreement.StateActive || ag.InForceVersion != 2 || ag.Current == nil || ag.Current.Content == nil || ag.ActiveSince == nil {
		t.Fatalf("agreement for a member: %+v", ag)
	}
	// The coordinator sees state and dates only: the pair shares nothing.
	ag = apiDecode[apiAgreement](t, coord.apiSend("GET", base+"/agreement", nil), http.StatusOK)
	if ag.State != agreement.StateActive || ag.ContentVisible || ag.Current == nil || ag.Current.Content != nil || ag.Current.CreatedBy != nil ||
		ag.Current.Signatures[0].TypedName != "" || len(ag.Current.Signatures) != 2 {
		t.Fatalf("agreement for the coordinator: %+v", ag)
	}
	mustProblem(t, coord.apiSend("GET", base+"/agreement/versions/2", nil), http.StatusForbidden)
	mustProblem(t, otherCoord.apiSend("GET", base+"/agreement", nil), http.StatusNotFound)
	mustProblem(t, other.apiSend("GET", base+"/agreement/versions", nil), http.StatusNotFound)
	list := apiDecode[httpx.Page[apiAgreementVersion]](t, coord.apiSend("GET", base+"/agreement/versions", nil), http.StatusOK)
	if len(list.Items) != 2 || list.Items[0].Number != 2 || list.Items[0].Content != nil {
		t.Fatalf("versions for the coordinator: %+v", list)
	}

	// History and comparison for the pair.
	v := apiDecode[apiAgreementVersion](t, mentor.apiSend("GET", base+"/agreement/versions/1", nil), http.StatusOK)
	if v.Content == nil || v.Content.Frequency != c.Frequency || !v.Intact {
		t.Fatalf("version 1: %+v", v)
	}
	mustProblem(t, mentor.apiSend("GET", base+"/agreement/versions/7", nil), http.StatusNotFound)
	diff := apiDecode[apiDiff](t, mentor.apiSend("GET", base+"/agreement/diff?from=1&to=2", nil), http.StatusOK)
	if len(diff.Changes) != 1 || diff.Changes[0].Key != "frequency" || diff.Changes[0].Lines[1].Text != "Weekly on Mondays" {
		t.Fatalf("diff: %+v", diff)
	}
	mustProblem(t, coord.apiSend("GET", base+"/agreement/diff?from=1&to=2", nil), http.StatusForbidden)
	mustProblem(t, mentor.apiSend("GET", base+"/agreement/diff?from=x&to=2", nil), http.StatusNotFound)

	// The template, for coordinators only.
	tplPath := "/api/v1/programs/" + pid(f.prog.ID) + "/agreement-template"
	tpl := apiDecode[apiTemplate](t, coord.apiSend("GET", tplPath, nil), http.StatusOK)
	if tpl.Custom || len(tpl.Questions) != 13 || tpl.Effective["sv"].Voluntary != f.app.bundle.Locale("sv").T("agreement.default.voluntary") {
		t.Fatalf("default template: %+v", tpl)
	}
	in := map[string]any{
		"clauses":   map[string]any{"id": map[string]string{"costs": "Biaya ditanggung masing-masing."}},
		"questions": []map[string]any{{"key": "often", "audience": "both", "text": map[string]string{}}, {"audience": "mentor", "text": map[string]string{"en": "What do you hope to learn yourself?"}}},
	}
	tpl = apiDecode[apiTemplate](t, coord.apiSend("PUT", tplPath, in), http.StatusOK)
	if !tpl.Custom || len(tpl.Questions) != 2 || tpl.Questions[1].Key == "" || tpl.Effective["id"].Costs != "Biaya ditanggung masing-masing." ||
		tpl.Questions[1].Shown["nb"] != "What do you hope to learn yourself?" {
		t.Fatalf("saved template: %+v", tpl)
	}
	p = mustProblem(t, coord.apiSend("PUT", tplPath, map[string]any{"questions": []map[string]any{{"audience": "everyone", "text": map[string]string{"en": "x"}}}}), http.StatusUnprocessableEntity)
	if p.Errors["questions.0.audience"] == "" {
		t.Fatalf("template validation: %+v", p)
	}
	mustProblem(t, mentor.apiSend("GET", tplPath, nil), http.StatusForbidden)
	mustProblem(t, otherCoord.apiSend("PUT", tplPath, in), http.StatusNotFound)
	mustProblem(t, anon.apiSend("GET", tplPath, nil), http.StatusUnauthorized)
	prep = apiDecode[apiPreparation](t, mentor.apiSend("GET", base+"/preparation", nil), http.StatusOK)
	if len(prep.Questions) != 2 || prep.Questions[1].Text != "What do you hope to learn yourself?" {
		t.Fatalf("the mentor's questions after the template change: %+v", prep.Questions)
	}
}
