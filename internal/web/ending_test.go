package web

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"mentorskap/internal/account"
	"mentorskap/internal/agreement"
	"mentorskap/internal/errs"
	"mentorskap/internal/testtool"
)

// endingFixture is a role matrix around one pair whose two sides write
// Norwegian and Indonesian.
type endingFixture struct{ roleMatrix }

func newEndingFixture(t *testing.T) *endingFixture {
	t.Helper()
	return &endingFixture{newRoleMatrix(t, "Åse Ødegård Bækken", "nb", "id")}
}

// outboxTo returns the subjects and bodies queued for an address.
func (f *endingFixture) outboxTo(email string) []string {
	f.app.t.Helper()
	rows, err := f.app.db.Query(context.Background(), `SELECT subject, body FROM outbox WHERE to_email = ? ORDER BY id`, email)
	if err != nil {
		f.app.t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s, b string
		if err := rows.Scan(&s, &b); err != nil {
			f.app.t.Fatal(err)
		}
		out = append(out, s+"\n"+b)
	}
	return out
}

func TestEndingPageRoleMatrix(t *testing.T) {
	t.Parallel()
	f := newEndingFixture(t)
	end := f.pairPath + "/end"

	res := f.anon.get(end)
	res.mustStatus(t, http.StatusSeeOther)
	if loc := res.Header.Get("Location"); !strings.HasPrefix(loc, "/login") {
		t.Fatalf("anonymous sent to %q", loc)
	}
	res = f.cMentor.get(end)
	res.mustStatus(t, http.StatusOK)
	res.mustContain(t, f.app.tr("nb", "ending.title"), "Dewi Lestari", `name="reason"`, f.app.tr("nb", "ending.what.next_mentor"))
	res = f.cMentee.get(end)
	res.mustStatus(t, http.StatusOK)
	res.mustContain(t, f.app.tr("id", "ending.confirm"), f.app.tr("id", "ending.what.next_mentee"))
	f.cOther.get(end).mustStatus(t, http.StatusNotFound)
	f.cOtherCoord.get(end).mustStatus(t, http.StatusNotFound)
	f.cCoord.get(end).mustStatus(t, http.StatusForbidden)
	f.cAdmin.get(end).mustStatus(t, http.StatusForbidden)
	f.cMentor.get(f.pairPath+"/closing").mustStatus(t, http.StatusConflict)

	// Nobody but the pair can end it, and a refused attempt changes nothing.
	emails := f.app.count(`SELECT COUNT(*) FROM outbox`)
	f.anon.post(end, url.Values{}).mustStatus(t, http.StatusUnauthorized)
	f.cOther.post(end, url.Values{}).mustStatus(t, http.StatusNotFound)
	f.cOtherCoord.post(end, url.Values{}).mustStatus(t, http.StatusNotFound)
	f.cCoord.post(end, url.Values{}).mustStatus(t, http.StatusForbidden)
	f.cAdmin.post(end, url.Values{}).mustStatus(t, http.StatusForbidden)
	long := strings.Repeat("ø", agreement.MaxReasonLen+1)
	res = f.cMentor.post(end, url.Values{"reason": {long}})
	res.mustStatus(t, http.StatusUnprocessableEntity)
	res.mustContain(t, f.app.tr("nb", "error.too_long", "max", agreement.MaxReasonLen), long)
	if f.app.scalar(`SELECT status FROM pairs WHERE id = ?`, f.pair.ID) != "active" || f.app.count(`SELECT COUNT(*) FROM outbox`) != emails {
		t.Fatal("a refused ending changed something")
	}
}

func TestEndingByMentorWithReason(t *testing.T) {
	t.Parallel()
	f := newEndingFixture(t)
	const reason = "Vi har for ulike forventninger om hvor ofte vi skal møtes."
	res := f.cMentor.post(f.pairPath+"/end", url.Values{"reason": {reason}})
	res.mustStatus(t, http.StatusSeeOther)
	if loc := res.Header.Get("Location"); loc != f.pairPath+"/closing" {
		t.Fatalf("redirected to %q", loc)
	}
	res = f.cMentor.get(f.pairPath + "/closing")
	res.mustStatus(t, http.StatusOK)
	res.mustContain(t, f.app.tr("nb", "ending.ended_flash"), f.app.tr("nb", "ending.how.by_you"), f.app.tr("nb", "ending.your_reason"), reason)

	// The mentee is told in Indonesian, without the reason.
	mm := f.outboxTo(f.mentee.Email)
	last := mm[len(mm)-1]
	if !strings.Contains(last, f.app.tr("id", "email.ending_notice_mentee.subject", "program", f.prog.Name)) ||
		strings.Contains(last, reason) || strings.Contains(last, "ulike forventninger") {
		t.Fatalf("mentee's email:\n%s", last)
	}
	// The coordinator is told in Norwegian, with the reason.
	cm := f.outboxTo(f.coord.Email)
	if len(cm) != 1 || !strings.Contains(cm[0], reason) || !strings.Contains(cm[0], "mentoren") {
		t.Fatalf("coordinator's email: %q", cm)
	}
	// Nobody outside the program hears of it.
	if n := len(f.outboxTo(f.otherCoord.Email)) + len(f.outboxTo(f.other.Email)) + len(f.outboxTo(f.admin.Email)); n != 0 {
		t.Fatalf("%d emails to people outside the pair", n)
	}

	// The mentee's summary never shows the reason; the coordinator's does.
	res = f.cMentee.get(f.pairPath + "/closing")
	res.mustStatus(t, http.StatusOK)
	res.mustContain(t, f.app.tr("id", "ending.how.member_mentor"), f.app.tr("id", "ending.next.mentee"))
	if strings.Contains(res.Body, reason) {
		t.Fatal("the mentee's closing summary shows the mentor's reason")
	}
	res = f.cCoord.get(f.pairPath + "/closing")
	res.mustStatus(t, http.StatusOK)
	res.mustContain(t, reason, f.app.tr("nb", "ending.reason_from_mentor"))
	if strings.Contains(res.Body, `name="reflection"`) {
		t.Fatal("the coordinator is offered a reflection form")
	}
	f.cAdmin.get(f.pairPath+"/closing").mustStatus(t, http.StatusOK)
	f.cOther.get(f.pairPath+"/closing").mustStatus(t, http.StatusNotFound)
	f.cOtherCoord.get(f.pairPath+"/closing").mustStatus(t, http.StatusNotFound)
	f.anon.get(f.pairPath+"/closing").mustStatus(t, http.StatusSeeOther)

	// Ending twice: the form leads to the summary, a second POST is refused.
	res = f.cMentee.get(f.pairPath + "/end")
	res.mustStatus(t, http.StatusSeeOther)
	if loc := res.Header.Get("Location"); loc != f.pairPath+"/closing" {
		t.Fatalf("ended pair's form redirects to %q", loc)
	}
	emails := f.app.count(`SELECT COUNT(*) FROM outbox`)
	res = f.cMentee.post(f.pairPath+"/end", url.Values{})
	res.mustStatus(t, http.StatusConflict)
	res.mustContain(t, f.app.tr("id", "ending.error.already_ended"))
	if f.app.count(`SELECT COUNT(*) FROM outbox`) != emails || f.app.count(`SELECT COUNT(*) FROM pair_endings`) != 1 {
		t.Fatal("ending twice changed something")
	}

	// The ended pair's agreement can no longer be changed.
	_, err := f.app.srv.Agreements.SaveDraft(context.Background(), f.mentee, f.pair.ID, 0, agreement.Content{}, f.app.bundle.Locale("id"))
	if errs.KindOf(err) != errs.Conflict {
		t.Fatalf("saving a draft after the end: %v", err)
	}

	// The mentee can be matched again.
	mentor2 := f.app.addUser("mentor2@example.org", "Jonas Berg", account.RoleMember, "nb")
	f.app.enrol(f.prog.ID, mentor2, "mentor", "approved")
	res = f.cCoord.post("/programs/"+pid(f.prog.ID)+"/pairs", url.Values{"mentor": {pid(mentor2.ID)}, "mentee": {pid(f.mentee.ID)}})
	res.mustStatus(t, http.StatusSeeOther)
	if n := f.app.count(`SELECT COUNT(*) FROM pairs WHERE status = 'active'`); n != 1 {
		t.Fatalf("%d active pairs after the rematch", n)
	}
}

func TestEndingByMenteeWithoutReasonAndReflection(t *testing.T) {
	t.Parallel()
	f := newEndingFixture(t)
	f.cMentee.post(f.pairPath+"/end", url.Values{"reason": {"   "}}).mustStatus(t, http.StatusSeeOther)
	mm := f.outboxTo(f.mentor.Email)
	last := mm[len(mm)-1]
	if !strings.Contains(last, f.app.tr("nb", "email.ending_notice_mentor.subject", "program", f.prog.Name)) ||
		!strings.Contains(last, "/pairs/"+pid(f.pair.ID)+"/closing") {
		t.Fatalf("mentor's email:\n%s", last)
	}
	cm := f.outboxTo(f.coord.Email)
	if len(cm) != 1 || !strings.Contains(cm[0], f.app.tr("nb", "email.ending_coordinator.subject", "program", f.prog.Name)) ||
		!strings.Contains(cm[0], "adepten") {
		t.Fatalf("coordinator's email: %q", cm)
	}

	// The ended pair leaves the mentor's current pairs but stays reachable
	// from the home page, under the earlier ones.
	home := f.cMentor.get("/")
	home.mustContain(t, f.app.tr("nb", "home.past_pairs"), `href="`+f.pairPath+`"`)
	if strings.Contains(home.Body, f.app.tr("nb", "home.my_pairs")) {
		t.Errorf("the ended pair is still listed among the mentor's current pairs")
	}

	// A reflection is the writer's alone.
	refl := f.pairPath + "/closing/reflection"
	const text = "Jeg lærte å stille bedre spørsmål."
	long := strings.Repeat("é", agreement.MaxReflectionLen+1)
	res := f.cMentor.post(refl, url.Values{"reflection": {long}})
	res.mustStatus(t, http.StatusUnprocessableEntity)
	res.mustContain(t, long)
	f.cCoord.post(refl, url.Values{"reflection": {text}}).mustStatus(t, http.StatusForbidden)
	f.cOther.post(refl, url.Values{"reflection": {text}}).mustStatus(t, http.StatusNotFound)
	res = f.cMentor.post(refl, url.Values{"reflection": {text}})
	res.mustStatus(t, http.StatusSeeOther)
	f.cMentor.get(f.pairPath+"/closing").mustContain(t, text, f.app.tr("nb", "ending.reflection_saved"))
	for _, c := range []*client{f.cMentee, f.cCoord} {
		if res := c.get(f.pairPath + "/closing"); res.StatusCode != http.StatusOK || strings.Contains(res.Body, text) {
			t.Fatalf("someone else reads the mentor's reflection (status %d)", res.StatusCode)
		}
	}
}

func TestEndingAtPlannedEnd(t *testing.T) {
	t.Parallel()
	f := newEndingFixture(t)
	ctx := context.Background()
	// The program runs five months from the test clock's day.
	f.app.clock.Set(agreement.PlannedClose(f.prog.End).Add(-time.Minute))
	if n, err := f.app.srv.Agreements.CloseDue(ctx); err != nil || n != 0 {
		t.Fatalf("closed %d before the end (%v)", n, err)
	}
	f.app.clock.Set(agreement.PlannedClose(f.prog.End).Add(time.Hour))
	if n, err := f.app.srv.Agreements.CloseDue(ctx); err != nil || n != 1 {
		t.Fatalf("closed %d at the end (%v)", n, err)
	}
	// Months have passed: the sessions have expired.
	mentee, mentor := f.app.login(f.mentee.Email), f.app.login(f.mentor.Email)
	res := mentee.get(f.pairPath + "/closing")
	res.mustStatus(t, http.StatusOK)
	res.mustContain(t, f.app.tr("id", "ending.how.planned"), f.app.tr("id", "ending.thanks"))
	mm := f.outboxTo(f.mentee.Email)
	if last := mm[len(mm)-1]; !strings.Contains(last, f.app.tr("id", "email.ending_planned.subject", "program", f.prog.Name)) {
		t.Fatalf("mentee's email:\n%s", last)
	}
	mentor.post(f.pairPath+"/end", url.Values{}).mustStatus(t, http.StatusConflict)
}

func TestEndingAPI(t *testing.T) {
	t.Parallel()
	f := newEndingFixture(t)
	mentor, mentee, coord := f.app.apiClient(f.mentor.Email), f.app.apiClient(f.mentee.Email), f.app.apiClient(f.coord.Email)
	other, otherCoord := f.app.apiClient(f.other.Email), f.app.apiClient(f.otherCoord.Email)
	end := "/api/v1/pairs/" + pid(f.pair.ID) + "/end"
	closing := "/api/v1/pairs/" + pid(f.pair.ID) + "/closing"

	mustProblem(t, f.app.client().apiSend("POST", end, nil), http.StatusUnauthorized)
	mustProblem(t, other.apiSend("POST", end, nil), http.StatusNotFound)
	mustProblem(t, otherCoord.apiSend("POST", end, map[string]string{"reason": "x"}), http.StatusNotFound)
	mustProblem(t, coord.apiSend("POST", end, nil), http.StatusForbidden)
	mustProblem(t, mentee.apiSend("POST", end, `{"reason": 7}`), http.StatusUnprocessableEntity)
	// A NUL PostgreSQL cannot store is refused as every API body refuses it.
	mustProblem(t, mentee.apiSend("POST", end, `{"reason": "a\u0000b"}`), http.StatusUnprocessableEntity)
	mustProblem(t, mentee.apiSend("POST", end, map[string]string{"why": "x"}), http.StatusUnprocessableEntity)
	p := mustProblem(t, mentee.apiSend("POST", end, map[string]string{"reason": strings.Repeat("a", agreement.MaxReasonLen+1)}), http.StatusUnprocessableEntity)
	if p.Errors["reason"] == "" {
		t.Fatalf("no field error: %+v", p)
	}
	mustProblem(t, mentee.apiSend("GET", closing, nil), http.StatusConflict)

	got := apiDecode[apiClosing](t, mentee.apiSend("POST", end, map[string]string{"reason": "Flytter til Bergen."}), http.StatusOK)
	if got.How != "member" || got.EndedBySide != "mentee" || !got.EndedByMe || got.Reason != "Flytter til Bergen." ||
		got.Mentors[0] != f.mentor.Name || got.Goals == nil || got.Reflection != nil {
		t.Fatalf("closing after ending: %+v", got)
	}
	mustProblem(t, mentor.apiSend("POST", end, nil), http.StatusConflict)

	res := mentor.apiSend("GET", closing, nil)
	got = apiDecode[apiClosing](t, res, http.StatusOK)
	if got.EndedByMe || got.Reason != "" || strings.Contains(res.Body, "Bergen") {
		t.Fatalf("mentor sees: %s", res.Body)
	}
	got = apiDecode[apiClosing](t, coord.apiSend("GET", closing, nil), http.StatusOK)
	if got.Reason != "Flytter til Bergen." || len(got.Goals) != 0 || got.Reflection != nil {
		t.Fatalf("coordinator sees: %+v", got)
	}
	mustProblem(t, other.apiSend("GET", closing, nil), http.StatusNotFound)
	mustProblem(t, otherCoord.apiSend("GET", closing, nil), http.StatusNotFound)

	refl := closing + "/reflection"
	mustProblem(t, coord.apiSend("PUT", refl, map[string]string{"body": "x"}), http.StatusForbidden)
	mustProblem(t, other.apiSend("PUT", refl, map[string]string{"body": "x"}), http.StatusNotFound)
	p = mustProblem(t, mentor.apiSend("PUT", refl, map[string]string{"body": strings.Repeat("a", agreement.MaxReflectionLen+1)}), http.StatusUnprocessableEntity)
	if p.Errors["body"] == "" {
		t.Fatalf("no field error: %+v", p)
	}
	got = apiDecode[apiClosing](t, mentor.apiSend("PUT", refl, map[string]string{"body": "Takk for tiden."}), http.StatusOK)
	if got.Reflection == nil || got.Reflection.Body != "Takk for tiden." {
		t.Fatalf("reflection: %+v", got.Reflection)
	}
	if got := apiDecode[apiClosing](t, mentee.apiSend("GET", closing, nil), http.StatusOK); got.Reflection != nil {
		t.Fatal("the mentee reads the mentor's reflection")
	}
}

// copyContent is a complete agreement in the pair's own words, with the
// letters the fonts must carry.
func copyContent(share string) agreement.Content {
	return agreement.Content{
		StartDate: "2026-03-02", EndDate: "2026-08-02", MeetingCount: 5,
		Frequency: "Annenhver tirsdag etter jobb", TypicalMinutes: 60, MaxMinutes: 90,
		Places:        "Kafé på Grünerløkka, eller på nett når vi er på reise",
		Communication: "E-post og telefon; vi ses på café i Göteborg när Dewi är där",
		ResponseTime:  "Innen to virkedager", CancelRule: "Vi avlyser bare når det ikke kan unngås.", CancelNoticeHours: 24,
		UrgentRule: "Ring hvis det haster.",
		Goals: []agreement.Goal{{Title: "Søke fem relevante stillinger", Measure: "Fem søknader sendt", TargetDate: "2026-06-01",
			SubGoals: []agreement.Goal{{Title: "Skrive om CV-en"}}}},
		MentorRole: "Lytte, stille spørsmål og dele nettverket sitt.", MenteeRole: "Menyiapkan setiap pertemuan dengan baik.",
		Mentor:   agreement.Commitments{Will: "Gi ærlige tilbakemeldinger", Cannot: "Skaffe jobb"},
		TopicsIn: "Arbeidsliv, CV og intervju", TopicsOut: "Privatøkonomi",
		Relationship: agreement.RelationProfessional, Confidentiality: "Det vi snakker om, blir mellom oss.",
		CoordinatorSees: share, Costs: "Hver betaler sin egen kaffe.", Unmet: "Mentoren kan ikke love jobb.",
	}
}

// signVersion saves content as the next version and has the given people
// sign it.
func (f *endingFixture) signVersion(t *testing.T, base int, c agreement.Content, signers ...*account.User) int {
	t.Helper()
	ctx := context.Background()
	v, err := f.app.srv.Agreements.SaveDraft(ctx, f.mentor, f.pair.ID, base, c, f.app.bundle.Locale("nb"))
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range signers {
		if _, err := f.app.srv.Agreements.Sign(ctx, u, f.pair.ID, v.Number, "password-"+u.Email, u.Name); err != nil {
			t.Fatal(err)
		}
	}
	return v.Number
}

// pdfText extracts a PDF's text with poppler's pdftotext, whitespace
// collapsed so that wrapped lines read as one. Without pdftotext the test
// skips, or fails under MENTORSKAP_CI (see testtool).
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	tool := testtool.Command(t, "pdftotext", testtool.Poppler)
	cmd := exec.Command(tool, "-enc", "UTF-8", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("pdftotext: %v: %s", err, stderr.String())
	}
	return strings.Join(strings.Fields(out.String()), " ")
}

func TestAgreementCopies(t *testing.T) {
	t.Parallel()
	f := newEndingFixture(t)
	ctx := context.Background()
	for email, tz := range map[string]string{f.mentor.Email: "Europe/Oslo", f.mentee.Email: "Asia/Jakarta"} {
		if _, err := f.app.db.Exec(ctx, `UPDATE users SET timezone = ? WHERE email = ?`, tz, email); err != nil {
			t.Fatal(err)
		}
	}
	v1 := f.signVersion(t, 0, copyContent(agreement.ShareNothing), f.mentor, f.mentee)
	version, err := agreement.GetVersion(ctx, f.app.db, f.pair.ID, v1)
	if err != nil {
		t.Fatal(err)
	}
	pdfPath := func(n int) string { return f.pairPath + "/agreement/versions/" + strconv.Itoa(n) + "/pdf" }
	printPath := func(n int) string { return f.pairPath + "/agreement/versions/" + strconv.Itoa(n) + "/print" }

	// The agreement page keeps the fingerprint out of the way, in a
	// "verify" detail, and the PDF prints it on every page instead.
	page := f.cMentee.get(f.pairPath + "/agreement")
	page.mustStatus(t, http.StatusOK)
	_, after, ok := strings.Cut(page.Body, `<details class="verify">`)
	inDetail, _, _ := strings.Cut(after, "</details>")
	if !ok || !strings.Contains(inDetail, version.Hash) || strings.Count(page.Body, version.Hash) != 1 ||
		!strings.Contains(inDetail, f.app.bundle.Locale("id").T("agreement.verify")) {
		t.Fatalf("fingerprint not (only) in the verify detail:\n%s", page.Body)
	}

	// The mentee's copy: Indonesian, Jakarta time.
	res := f.cMentee.get(pdfPath(v1))
	res.mustStatus(t, http.StatusOK)
	if ct, cd := res.Header.Get("Content-Type"), res.Header.Get("Content-Disposition"); ct != "application/pdf" ||
		cd != `attachment; filename="mentoring-agreement-`+pid(f.pair.ID)+`-v1.pdf"` {
		t.Fatalf("headers %q, %q", ct, cd)
	}
	id := f.app.bundle.Locale("id")
	text := pdfText(t, []byte(res.Body))
	for _, want := range []string{
		id.T("copy.title"), "Åse Ødegård Bækken", "Dewi Lestari", version.Hash,
		id.T("agreement.section.meetings"), id.T("agreement.section.voluntary"),
		"Hver betaler sin egen kaffe.", "Kafé på Grünerløkka", "café i Göteborg när Dewi är där",
		"Menyiapkan setiap pertemuan dengan baik.", "Søke fem relevante stillinger",
		"Mentor Åse Ødegård Bækken", // a row of the signature table: name, role, time (09:00 UTC in Jakarta), method
		"Senin, 2 Mar 2026 16.00 " + id.T("copy.method_typed", "name", "Åse Ødegård Bækken"),
		id.T("copy.version_line", "version", 1, "when", "Senin, 2 Mar 2026 16.00"),
		id.T("copy.contact", "names", "Kari Koordinator (coord@example.org)"),
	} {
		if !strings.Contains(text, want) {
			t.Errorf("PDF text lacks %q", want)
		}
	}
	// Every page carries its number and the total.
	pages := strings.Count(text, id.T("copy.footer", "program", f.prog.Name, "version", 1))
	if pages < 2 || !strings.Contains(text, id.T("copy.page", "page", 1, "pages", pages)) ||
		!strings.Contains(text, id.T("copy.page", "page", pages, "pages", pages)) {
		t.Errorf("page numbers missing on %d pages", pages)
	}
	if n := strings.Count(text, id.T("copy.fingerprint_line", "hash", version.Hash)); n != pages {
		t.Errorf("fingerprint in the footer of %d of %d pages", n, pages)
	}
	if t.Failed() {
		t.Fatalf("PDF text:\n%s", text)
	}
	{
		cmd := exec.Command(testtool.Command(t, "pdfinfo", testtool.Poppler), "-enc", "UTF-8", "-")
		cmd.Stdin = strings.NewReader(res.Body)
		out, err := cmd.Output()
		if err != nil || !strings.Contains(string(out), id.T("copy.title")+" · "+f.prog.Name) {
			t.Errorf("PDF metadata lacks the title (%v):\n%s", err, out)
		}
	}

	// The mentor's printable copy: Norwegian, Oslo time.
	res = f.cMentor.get(printPath(v1))
	res.mustStatus(t, http.StatusOK)
	nb := f.app.bundle.Locale("nb")
	res.mustContain(t, nb.T("copy.title"), "Dewi Lestari", version.Hash, nb.T("agreement.section.meetings"),
		"<td>mandag 2. mar. 2026 10.00</td>", nb.T("copy.col_method"), "Hver betaler sin egen kaffe.", pdfPath(v1))

	// Who may take a copy while the agreement shares nothing.
	f.anon.get(pdfPath(v1)).mustStatus(t, http.StatusSeeOther)
	mustProblem(t, f.app.client().apiSend("GET", "/api/v1/pairs/"+pid(f.pair.ID)+"/agreement/versions/1/pdf", nil), http.StatusUnauthorized)
	for _, c := range []*client{f.cOther, f.cOtherCoord} {
		c.get(pdfPath(v1)).mustStatus(t, http.StatusNotFound)
		c.get(printPath(v1)).mustStatus(t, http.StatusNotFound)
	}
	for _, c := range []*client{f.cCoord, f.cAdmin} {
		c.get(pdfPath(v1)).mustStatus(t, http.StatusForbidden)
		c.get(printPath(v1)).mustStatus(t, http.StatusForbidden)
	}
	f.cMentor.get(pdfPath(99)).mustStatus(t, http.StatusNotFound)
	f.cMentor.get(f.pairPath+"/agreement/versions/x/pdf").mustStatus(t, http.StatusNotFound)

	// A changed version has no copy until both have signed it.
	v2 := f.signVersion(t, v1, copyContent(agreement.ShareAgreed), f.mentor)
	res = f.cMentee.get(pdfPath(v2))
	res.mustStatus(t, http.StatusConflict)
	res.mustContain(t, id.T("copy.error.not_signed", "version", v2))
	if _, err := f.app.srv.Agreements.Sign(ctx, f.mentee, f.pair.ID, v2, "password-"+f.mentee.Email, f.mentee.Name); err != nil {
		t.Fatal(err)
	}
	// Now the agreement shares its text with the coordinators.
	for _, c := range []*client{f.cCoord, f.cAdmin} {
		c.get(pdfPath(v2)).mustStatus(t, http.StatusOK)
		c.get(pdfPath(v1)).mustStatus(t, http.StatusOK)
		c.get(printPath(v2)).mustStatus(t, http.StatusOK)
	}
	f.cOtherCoord.get(pdfPath(v2)).mustStatus(t, http.StatusNotFound)
	f.cOther.get(pdfPath(v2)).mustStatus(t, http.StatusNotFound)

	// The API gives the same file; an ended pair's copies stay available.
	f.cMentee.post(f.pairPath+"/end", url.Values{}).mustStatus(t, http.StatusSeeOther)
	res = f.app.apiClient(f.mentee.Email).send("GET", "/api/v1/pairs/"+pid(f.pair.ID)+"/agreement/versions/1/pdf", "", nil)
	res.mustStatus(t, http.StatusOK)
	if !strings.HasPrefix(res.Body, "%PDF-") || res.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("API answer is not a PDF: %q", res.Header.Get("Content-Type"))
	}
	f.cMentor.get(printPath(v1)).mustStatus(t, http.StatusOK)
}

// TestAgreementCopyWithTextTheFontsLack: an agreement saved and signed in
// emoji (joined ones and flags too), Arabic, Hebrew, Chinese, combining
// accents, Zalgo and control characters, by people whose names hold some of
// them, in a program named with them, still gives its PDF and both
// members' data downloads, with everything the fonts can draw as written.
func TestAgreementCopyWithTextTheFontsLack(t *testing.T) {
	t.Parallel()
	const hostile = "😀 👩\u200d👩\u200d👧 🇳🇴 مرحبا שלום 你好 日本語 Cafe\u0301 Z\u0337\u0322a\u0338l\u0335g\u0337o \x07\x1b \u202eevil\u202c"
	f := &endingFixture{newRoleMatrix(t, "Åse 😀 Ødegård", "nb", "id")}
	ctx := context.Background()
	f.mentee.Name = "Dewi 👩\u200d👩\u200d👧 مرحبا Lestari"
	if _, err := f.app.db.Exec(ctx, `UPDATE users SET name = ? WHERE id = ?`, f.mentee.Name, f.mentee.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.app.db.Exec(ctx, `UPDATE programs SET name = ? WHERE id = ?`, "Ny i arbeidslivet 🇳🇴 你好", f.prog.ID); err != nil {
		t.Fatal(err)
	}
	c := copyContent(agreement.ShareNothing)
	var markers []string
	for i, s := range []*string{&c.Frequency, &c.Places, &c.Communication, &c.ResponseTime, &c.CancelRule,
		&c.UrgentRule, &c.MentorRole, &c.MenteeRole, &c.Mentor.Will, &c.Mentor.WillNot, &c.Mentor.Can,
		&c.Mentor.Cannot, &c.Mentee.Will, &c.Mentee.WillNot, &c.Mentee.Can, &c.Mentee.Cannot, &c.TopicsIn,
		&c.TopicsOut, &c.Confidentiality, &c.Costs, &c.Unmet, &c.Goals[0].Measure, &c.Goals[0].SubGoals[0].Measure} {
		a, b := fmt.Sprintf("f%02dæøå", i), fmt.Sprintf("f%02dÆØÅ", i)
		markers = append(markers, a, b)
		*s = a + " " + hostile + " " + b
	}
	c.Goals[0].Title = "Søke 😀 stillinger"
	n := f.signVersion(t, 0, c, f.mentor, f.mentee)
	pdfPath := f.pairPath + "/agreement/versions/" + strconv.Itoa(n) + "/pdf"

	nb := f.app.bundle.Locale("nb")
	check := func(who string, pdf []byte) {
		t.Helper()
		text := pdfText(t, pdf)
		for _, want := range append(markers, "Åse \ufffd Ødegård", "Dewi \ufffd \ufffd\ufffd\ufffd\ufffd\ufffd Lestari",
			"Søke \ufffd stillinger", "Café Zalgo", "Ny i arbeidslivet \ufffd \ufffd\ufffd") {
			if !strings.Contains(text, want) {
				t.Errorf("%s's PDF lacks %q", who, want)
			}
		}
		if t.Failed() {
			t.Fatalf("PDF text:\n%s", text)
		}
	}
	res := f.cMentor.get(pdfPath)
	res.mustStatus(t, http.StatusOK)
	check("the mentor", []byte(res.Body))
	if text := pdfText(t, []byte(res.Body)); !strings.Contains(text, strings.Join(strings.Fields(nb.T("copy.unprintable")), " ")) {
		t.Error("the PDF does not say that characters were replaced")
	}
	f.cMentor.get(f.pairPath+"/agreement/versions/"+strconv.Itoa(n)+"/print").mustContain(t, "Åse 😀 Ødegård", "👩\u200d👩\u200d👧 مرحبا")

	for who, cl := range map[string]*client{"the mentor": f.cMentor, "the mentee": f.cMentee} {
		files := zipFiles(t, cl.get("/profile/data/download"))
		check(who, []byte(files["agreements/"+agreement.CopyFileName(f.pair.ID, n)]))
		if note, ok := files["README.txt"]; ok {
			t.Errorf("%s's download says something is missing:\n%s", who, note)
		}
		if !strings.Contains(files["data.json"], "👩\u200d👩\u200d👧 مرحبا") {
			t.Errorf("%s's data.json lacks the exact text", who)
		}
	}
}
