package e2e

import (
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestOutcomeJourney: the coordinator turns the outcome follow-up on; three
// months after the pair that ended early, the sweep asks its mentee, who
// answers by keyboard from the start page; the coordinator reads the counts
// and the comment without the mentee's name.
func TestOutcomeJourney(t *testing.T) {
	t.Parallel()
	needAxe(t)
	s := startServer(t)
	logins, password := seedDemo(t, s)
	coord := pickLogin(t, logins, "coordinator")
	mentee := pickLogin(t, logins, "mentee", "paired with", "ended early")
	progID := s.queryString(t, `SELECT p.program_id FROM pairs p JOIN pair_members m ON m.pair_id = p.id
		JOIN users u ON u.id = m.user_id WHERE lower(u.email) = lower(?) AND p.status = 'ended'`, mentee.Email)
	results := "/programs/" + progID + "/outcomes"
	// The story starts before the coordinator has switched the follow-up
	// on: the demo's settings and questionnaires are taken away first.
	s.execSQL(t, `DELETE FROM outcome_surveys`)
	s.execSQL(t, `DELETE FROM outcome_settings`)

	b := newBrowser(t)
	login(t, b, s, coord.Email, password)
	coordLang := htmlLang(t, b)
	open(t, b, s, "/programs/"+progID, "main h1")
	press(t, b, `main a[href="`+results+`"]`)
	run(t, b, chromedp.WaitVisible(chromedp.CSS(`#f-enabled`)))
	press(t, b, `#f-enabled`)
	submit(t, b, `main form[action="`+results+`/settings"] button.primary`)
	mustSee(t, b, tr(t, coordLang, "outcome.settings.saved_flash"), tr(t, coordLang, "outcome.results.none"))
	logout(t, b, s)

	// Three months pass since the pair ended; the hourly sweep is run
	// again now rather than waited for.
	ago := time.Now().UTC().AddDate(0, -3, -1)
	s.execSQL(t, `UPDATE pairs SET ended_at = ? WHERE status = 'ended' AND id IN (SELECT pair_id FROM pair_members m
		JOIN users u ON u.id = m.user_id WHERE lower(u.email) = lower(?))`, ago, mentee.Email)
	s.execSQL(t, `UPDATE jobs SET done_at = NULL, run_at = ?, attempts = 0 WHERE kind = 'outcomes.scan'`, time.Now().UTC().Add(-time.Minute))
	deadline := time.Now().Add(90 * time.Second)
	sent := `SELECT COUNT(*) FROM outbox WHERE kind = 'outcome_survey' AND lower(to_email) = lower(?)`
	for s.queryString(t, sent, mentee.Email) == "0" {
		if time.Now().After(deadline) {
			t.Fatal("the sweep sent no questionnaire within 90 s")
		}
		time.Sleep(500 * time.Millisecond)
	}
	if n := s.queryString(t, sent, mentee.Email); n != "1" {
		t.Fatalf("%s questionnaires sent to the mentee, want 1", n)
	}

	login(t, b, s, mentee.Email, password)
	lang := htmlLang(t, b)
	mustSee(t, b, tr(t, lang, "outcome.home_title"))
	press(t, b, `main a[href^="/outcomes/"]`)
	run(t, b, chromedp.WaitVisible(chromedp.CSS(`main form[action^="/outcomes/"]`)))
	checkPage(t, b, "outcome-form")
	shot(t, b, "outcome-form")
	press(t, b, `input[name="status"][value="work"]`)
	press(t, b, `input[name="helped"][value="4"]`)
	comment := "Praktikplassen ble til fast jobb " + strconv.Itoa(int(time.Now().Unix()%1000))
	fill(t, b, `#f-comment`, comment)
	submit(t, b, `main form[action^="/outcomes/"] button.primary`)
	mustSee(t, b, tr(t, lang, "outcome.saved_flash"), tr(t, lang, "outcome.status.work"))
	checkPage(t, b, "outcome-answered")
	shot(t, b, "outcome-answered")
	logout(t, b, s)

	login(t, b, s, coord.Email, password)
	open(t, b, s, results, "main h1")
	mustSee(t, b, tr(t, coordLang, "outcome.results.round", "months", 3), comment)
	mustNotSee(t, b, mentee.Name)
	checkPage(t, b, "outcome-results")
	shot(t, b, "outcome-results")
}
