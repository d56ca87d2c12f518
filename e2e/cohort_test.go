package e2e

import (
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

var programPathRe = regexp.MustCompile(`^/programs/([0-9]+)$`)

// TestCohortJourney copies last spring's cohort in the browser: the
// coordinator opens the create-program page, chooses to copy the demo
// program, names the new cohort and gives its start, and lands on the new
// program's checklist, with the rules and plan carried over and nobody
// enrolled. Then a program from a built-in template, and an administrator
// saving a program as a template and removing it again, confirming first.
// Every step is done with the keyboard, and every page is checked by axe at
// desktop and phone width.
func TestCohortJourney(t *testing.T) {
	t.Parallel()
	needAxe(t)
	s := startServer(t)
	logins, password := seedDemo(t, s)
	coord := pickLogin(t, logins, "coordinator")
	admin := pickLogin(t, logins, "admin")
	source := s.queryString(t, `SELECT id FROM programs ORDER BY id LIMIT 1`)
	sourceName := s.queryString(t, `SELECT name FROM programs WHERE id = ?`, source)

	cb := newBrowser(t)
	login(t, cb, s, coord.Email, password)
	lang := htmlLang(t, cb)

	// The create-program page offers the copy first.
	open(t, cb, s, "/programs/new", "main h1")
	checkPage(t, cb, "create program with choices")
	shot(t, cb, "create program with choices")
	mustSee(t, cb, tr(t, lang, "cohort.chooser.title"), tr(t, lang, "cohort.chooser.copy_one", "name", sourceName))
	press(t, cb, `main a[href="/programs/`+source+`/copy"]`)
	run(t, cb, chromedp.WaitVisible(chromedp.CSS(`#f-start`)))
	checkPage(t, cb, "copy a program")
	shot(t, cb, "copy a program")
	mustSee(t, cb, tr(t, lang, "cohort.copy.what_title"))

	// Empty name: a clear message, nothing made.
	fill(t, cb, "#f-name", "")
	press(t, cb, `main form[action$="/copy"] button.primary`)
	run(t, cb, chromedp.WaitVisible(chromedp.CSS(`#e-name`)))
	if n := s.queryString(t, `SELECT COUNT(*) FROM programs`); n != "1" {
		t.Fatalf("%s programs after a refused copy", n)
	}
	fill(t, cb, "#f-name", "Ny i arbeidslivet, våren 2027")
	fill(t, cb, "#f-start", "2027-01-11")
	submit(t, cb, `main form[action$="/copy"] button.primary`)
	loc := eval[string](t, cb, `location.pathname`)
	m := programPathRe.FindStringSubmatch(loc)
	if m == nil || m[1] == source {
		t.Fatalf("the copy led to %s", loc)
	}
	copyID := m[1]
	mustSee(t, cb, "Ny i arbeidslivet, våren 2027", tr(t, lang, "cohort.copied"))
	run(t, cb, chromedp.WaitVisible(chromedp.CSS(`#h-launch`)))
	checkPage(t, cb, "the copy's checklist")
	shot(t, cb, "the copy's checklist")
	if got := s.queryString(t, `SELECT start_date FROM programs WHERE id = ?`, copyID); got != "2027-01-11" {
		t.Errorf("the copy starts %s", got)
	}
	for what, q := range map[string]string{
		"participants": `SELECT COUNT(*) FROM participants WHERE program_id = ?`,
		"pairs":        `SELECT COUNT(*) FROM pairs WHERE program_id = ?`,
		"invitations":  `SELECT COUNT(*) FROM invitations WHERE program_id = ?`,
	} {
		if n := s.queryString(t, q, copyID); n != "0" {
			t.Errorf("the copy has %s %s", n, what)
		}
	}
	for what, q := range map[string]string{
		"rules": `SELECT min_meetings || '/' || max_gap_days || '/' || meeting_min_minutes || '/' || meeting_max_minutes FROM programs WHERE id = ?`,
		"plan":  `SELECT COUNT(*) FROM meeting_plan_items WHERE program_id = ?`,
		"roles": `SELECT COUNT(*) FROM program_role_names WHERE program_id = ?`,
	} {
		if a, b := s.queryString(t, q, source), s.queryString(t, q, copyID); a != b {
			t.Errorf("%s: source %s, copy %s", what, a, b)
		}
	}

	// A program from the student–industry template.
	open(t, cb, s, "/programs/new", "main h1")
	press(t, cb, `main a[href="/programs/new/template/study"]`)
	run(t, cb, chromedp.WaitVisible(chromedp.CSS(`#f-name`)))
	checkPage(t, cb, "program from a template")
	shot(t, cb, "program from a template")
	fill(t, cb, "#f-name", "Studenter og næringsliv 2027")
	fill(t, cb, "#f-start", "2027-02-01")
	submit(t, cb, `main form[action="/programs/new/template/study"] button.primary`)
	mustSee(t, cb, "Studenter og næringsliv 2027", tr(t, lang, "cohort.created"))
	if strings.Contains(pageText(t, cb), tr(t, lang, "cohort.save.link")) {
		t.Error("a coordinator is offered to save a template")
	}

	// The administrator saves the demo program as a template, and removes
	// it again after the confirmation page.
	ab := newBrowser(t)
	login(t, ab, s, admin.Email, password)
	alang := htmlLang(t, ab)
	open(t, ab, s, "/programs/"+source, "main h1")
	press(t, ab, `main a[href="/programs/`+source+`/save-template"]`)
	run(t, ab, chromedp.WaitVisible(chromedp.CSS(`#f-description`)))
	checkPage(t, ab, "save as template")
	shot(t, ab, "save as template")
	fill(t, ab, "#f-name", "Vår jobbmentormal")
	submit(t, ab, `main form[action$="/save-template"] button.primary`)
	mustSee(t, ab, tr(t, alang, "cohort.template_saved"), "Vår jobbmentormal")
	tid := s.queryString(t, `SELECT id FROM program_templates`)
	checkPage(t, ab, "create program with a saved template")

	open(t, cb, s, "/programs/new", "main h1")
	mustSee(t, cb, "Vår jobbmentormal")
	mustNotSee(t, cb, "/program-templates/"+tid+"/delete")

	press(t, ab, `main form[action="/program-templates/`+tid+`/delete"] button`)
	run(t, ab, chromedp.WaitReady(chromedp.CSS(`main input[name="confirmed"]`)))
	mustSee(t, ab, tr(t, alang, "confirmfirst.template_delete.title"))
	checkPage(t, ab, "remove a template: confirm")
	shot(t, ab, "remove a template: confirm")
	submit(t, ab, `main form[action="/program-templates/`+tid+`/delete"] button`)
	mustSee(t, ab, tr(t, alang, "cohort.template_deleted"))
	if n := s.queryString(t, `SELECT COUNT(*) FROM program_templates`); n != "0" {
		t.Errorf("%s templates left", n)
	}
}
