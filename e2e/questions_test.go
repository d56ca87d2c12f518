package e2e

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// TestQuestionsJourney: a coordinator adds two questions of the program's
// own to the profile form in the browser, by keyboard: one choice question
// that counts in matching and one free-text question; a mentee of the
// program then finds both on their profile and answers them.
func TestQuestionsJourney(t *testing.T) {
	t.Parallel()
	needAxe(t)
	s := startServer(t)
	logins, password := seedDemo(t, s)
	coord := pickLogin(t, logins, "coordinator")
	progID := s.queryString(t, `SELECT CAST(id AS TEXT) FROM programs ORDER BY id LIMIT 1`)
	// The story starts before the program has questions of its own: the
	// demo's are taken away first.
	for _, table := range []string{"program_question_answers", "program_question_pairs", "program_question_options", "program_questions"} {
		s.execSQL(t, `DELETE FROM `+table)
	}
	base := "/programs/" + progID + "/questions"

	cb := newBrowser(t)
	login(t, cb, s, coord.Email, password)
	inEnglish(t, cb)
	open(t, cb, s, "/programs/"+progID, "main h1")
	press(t, cb, `main a[href="`+base+`"]`)
	run(t, cb, chromedp.WaitVisible(chromedp.CSS("#f-label")))
	mustSee(t, cb, tr(t, "en", "question.title"), tr(t, "en", "question.none"))
	checkPage(t, cb, "questions, empty")
	shot(t, cb, "questions, empty")

	// The first question: one choice, used in matching.
	choose(t, cb, "#f-kind", "one")
	fill(t, cb, "#f-label", "Which sector do you work in, or want to?")
	fill(t, cb, "#f-options", "Health\nBuilding\nIT")
	press(t, cb, "#f-required")
	submit(t, cb, `form[action="`+base+`"] button.primary`)
	mustSee(t, cb, tr(t, "en", "question.added"), tr(t, "en", "question.matching_heading"))
	checkPage(t, cb, "question edit")
	shot(t, cb, "question edit")
	press(t, cb, "#f-mode-same")
	fill(t, cb, "#f-match_weight", "6")
	submit(t, cb, `form[action$="/matching"] button.primary`)
	mustSee(t, cb, tr(t, "en", "question.matching_saved"))

	// The second: a short text, shown to the matched partner too.
	open(t, cb, s, base, "#f-label")
	choose(t, cb, "#f-kind", "short")
	fill(t, cb, "#f-label", "What would you like to learn first?")
	choose(t, cb, "#f-visibility", "partner")
	submit(t, cb, `form[action="`+base+`"] button.primary`)
	open(t, cb, s, base, "#f-label")
	mustSee(t, cb, "Which sector do you work in, or want to?", "What would you like to learn first?",
		tr(t, "en", "question.matching_badge", "weight", 6), tr(t, "en", "question.visibility_badge.partner"))
	checkPage(t, cb, "questions, two")
	shot(t, cb, "questions, two")
	if n := s.queryString(t, `SELECT CAST(COUNT(*) AS TEXT) FROM program_questions WHERE program_id = ? AND match_mode = 'same' AND match_weight = 6`, progID); n != "1" {
		t.Errorf("%s questions count in matching, want 1", n)
	}

	// A mentee answers both on their profile; a wrong answer keeps what
	// was typed.
	mentee := pickLogin(t, logins, "mentee", "paired with", "meetings")
	mb := newBrowser(t)
	login(t, mb, s, mentee.Email, password)
	inEnglish(t, mb)
	pid := s.queryString(t, `SELECT CAST(p.program_id AS TEXT) FROM participants p JOIN users u ON u.id = p.user_id WHERE u.email = ?`, mentee.Email)
	if pid != progID {
		t.Skipf("the demo mentee is in program %s, not %s", pid, progID)
	}
	open(t, mb, s, "/programs/"+progID+"/profile", "main h1")
	mustSee(t, mb, tr(t, "en", "question.profile.heading"), "Which sector do you work in, or want to?")
	checkPage(t, mb, "profile with questions")
	shot(t, mb, "profile with questions")
	fill(t, mb, `input[name^="q."][type="text"]`, "Reading Norwegian job ads")
	press(t, mb, `main form button.primary`)
	run(t, mb, chromedp.WaitVisible(chromedp.CSS("main h1")))
	// The required choice was left empty: the text stays, the error says so.
	mustSee(t, mb, tr(t, "en", "error.required"))
	if v := eval[string](t, mb, `document.querySelector('input[name^="q."][type="text"]').value`); v != "Reading Norwegian job ads" {
		t.Errorf("the typed answer was lost: %q", v)
	}
	press(t, mb, `input[name^="q."][type="radio"]`)
	submit(t, mb, `main form button.primary`)
	if n := s.queryString(t, `SELECT CAST(COUNT(*) AS TEXT) FROM program_question_answers a JOIN participants p ON p.id = a.participant_id
		JOIN users u ON u.id = p.user_id WHERE u.email = ?`, mentee.Email); n != "2" {
		t.Errorf("%s answers saved, want 2", n)
	}
}
