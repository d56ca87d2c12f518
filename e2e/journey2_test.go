package e2e

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// inEnglish switches the signed-in person's language with the header's
// language form, by keyboard; it is saved on their account, so their emails
// come in English too.
func inEnglish(t *testing.T, ctx context.Context) {
	t.Helper()
	choose(t, ctx, "#lang-switch", "en")
	press(t, ctx, `form[action="/language"] button`)
	run(t, ctx, chromedp.WaitReady(chromedp.CSS(`html[lang="en"] main`)))
}

var pairPath = regexp.MustCompile(`^/pairs/([0-9]+)`)

// coordinatorNotes are the sentences with which the coordinators' email
// introduces a reason, in each language: an email that carries none of them
// carries no reason.
var coordinatorNotes = []string{
	"They left this note for the coordinators",
	"De la igjen denne meldingen til koordinatorene",
	"De lämnade det här meddelandet till samordnarna",
	"Mereka meninggalkan catatan ini untuk koordinator",
}

// TestJourney2 follows a pair that ends early: the mentee ends it without a
// reason, the mentor is told in a neutral email and sees it, the coordinator
// sees the pair as ended and matches the mentee again, and the mentee finds
// the new pair. Every step is done with the keyboard.
func TestJourney2(t *testing.T) {
	t.Parallel()
	needAxe(t)
	s := startServer(t)
	logins, password := seedDemo(t, s)
	coord := pickLogin(t, logins, "coordinator")
	mentee := pickLogin(t, logins, "mentee", "paired with", "under way")
	// The mentee's mentor is the one the demo names in the mentee's note.
	var mentor demoLogin
	for _, l := range logins {
		if l.Role == "mentor" && strings.Contains(mentee.Note, l.Name) {
			mentor = l
		}
	}
	if mentor.Email == "" {
		t.Fatalf("no demo mentor is named in %q", mentee.Note)
	}

	// The coordinator and the mentor sign in first and prefer English; the
	// journey's emails to them then come in English.
	cb := newBrowser(t)
	login(t, cb, s, coord.Email, password)
	inEnglish(t, cb)
	mb := newBrowser(t)
	login(t, mb, s, mentor.Email, password)
	inEnglish(t, mb)

	// The mentee opens the pair from the home page and ends it, leaving
	// the optional reason empty.
	eb := newBrowser(t)
	login(t, eb, s, mentee.Email, password)
	inEnglish(t, eb)
	run(t, eb, chromedp.Navigate(s.URL+"/"), chromedp.WaitVisible(chromedp.CSS("main h1")))
	mustSee(t, eb, "Your mentoring pairs", mentor.Name)
	press(t, eb, `.pair-now h3 a[href^="/pairs/"]`)
	run(t, eb, chromedp.WaitVisible(chromedp.CSS(`main a[href$="/end"]`)))
	loc := eval[string](t, eb, `location.pathname`)
	m := pairPath.FindStringSubmatch(loc)
	if m == nil {
		t.Fatalf("the home page's pair link led to %s", loc)
	}
	pairID := m[1]
	mustSee(t, eb, mentor.Name, "without giving a reason")
	shot(t, eb, "mentee-pair-home")
	press(t, eb, `main a[href="/pairs/`+pairID+`/end"]`)
	run(t, eb, chromedp.WaitVisible(chromedp.CSS(`#f-reason`)))
	mustSee(t, eb, "End the pair", mentor.Name)
	shot(t, eb, "mentee-end-form")
	checkPage(t, eb, "mentee-end-form")
	press(t, eb, `form[action="/pairs/`+pairID+`/end"] button.danger`)
	run(t, eb, chromedp.WaitVisible(chromedp.CSS(`main .flash`)))
	mustSee(t, eb, "The pair has ended")
	if got := eval[string](t, eb, `location.pathname`); got != "/pairs/"+pairID+"/closing" {
		t.Errorf("after ending, the mentee is at %s, want the closing summary", got)
	}
	shot(t, eb, "mentee-closing")
	checkPage(t, eb, "mentee-closing")

	// The mentor is told by a neutral email that carries no reason and
	// links to the closing summary.
	mail := s.lastMailTo(t, mentor.Email, "has ended")
	if !strings.Contains(mail.Body, mentee.Name) {
		t.Errorf("the mentor's email does not name the mentee %s:\n%s", mentee.Name, mail.Body)
	}
	for _, note := range coordinatorNotes {
		if strings.Contains(mail.Body, note) {
			t.Errorf("the mentor's email carries a reason note (%q):\n%s", note, mail.Body)
		}
	}
	closing := mail.link(t, "/pairs/"+pairID+"/closing")
	run(t, mb, chromedp.Navigate(closing), chromedp.WaitVisible(chromedp.CSS("main h1")))
	mustSee(t, mb, mentee.Name)
	shot(t, mb, "mentor-closing")
	checkPage(t, mb, "mentor-closing")
	// At home the pair has moved to the earlier ones, and its page says
	// it has ended.
	run(t, mb, chromedp.Navigate(s.URL+"/"), chromedp.WaitVisible(chromedp.CSS("main h1")))
	mustSee(t, mb, "Earlier pairs")
	if eval[int](t, mb, `document.querySelectorAll('#h-pairs ~ ul a[href="/pairs/`+pairID+`"]').length`) != 0 {
		t.Errorf("the ended pair is still among the mentor's current pairs")
	}
	press(t, mb, `#h-past-pairs ~ ul a[href="/pairs/`+pairID+`"]`)
	run(t, mb, chromedp.WaitVisible(chromedp.CSS("main h1")))
	mustSee(t, mb, "Ended", mentee.Name)
	shot(t, mb, "mentor-pair-ended")
	checkPage(t, mb, "mentor-pair-ended")

	// The coordinator's email says no reason was given, and the program's
	// pages show the pair as ended.
	cmail := s.lastMailTo(t, coord.Email, "has ended")
	for _, note := range coordinatorNotes {
		if strings.Contains(cmail.Body, note) {
			t.Errorf("the coordinator's email carries a reason note though none was given:\n%s", cmail.Body)
		}
	}
	run(t, cb, chromedp.Navigate(s.URL+"/"), chromedp.WaitVisible(chromedp.CSS("main h1")))
	press(t, cb, `main h3 a[href^="/programs/"]`)
	run(t, cb, chromedp.WaitVisible(chromedp.CSS(`main a[href$="/pairs"]`)))
	programPath := eval[string](t, cb, `location.pathname`)
	press(t, cb, `main a[href="`+programPath+`/pairs"]`)
	run(t, cb, chromedp.WaitVisible(chromedp.CSS(`main table`)))
	row := eval[string](t, cb, `(() => {
		const a = document.querySelector('main a[href="/pairs/`+pairID+`/closing"]');
		return a ? a.closest('tr').innerText : '';
	})()`)
	if !strings.Contains(row, "Ended") || !strings.Contains(row, mentee.Name) || !strings.Contains(row, mentor.Name) {
		t.Errorf("the pairs page's row for the ended pair reads %q; want it Ended, with %s and %s", row, mentor.Name, mentee.Name)
	}
	shot(t, cb, "coordinator-pairs")

	// On the dashboard the running pairs come first; the ended pair is in
	// its own tab.
	run(t, cb, chromedp.Navigate(s.URL+programPath+"/dashboard"), chromedp.WaitVisible(chromedp.CSS("#f-state")))
	if eval[int](t, cb, `document.querySelectorAll('main a[href="/pairs/`+pairID+`"]').length`) != 0 {
		t.Error("the dashboard's running tab lists the ended pair")
	}
	press(t, cb, `nav.tabs a[href$="tab=ended"]`)
	run(t, cb, chromedp.WaitVisible(chromedp.CSS(`main h1`)))
	mustSee(t, cb, mentee.Name, mentor.Name)
	shot(t, cb, "coordinator-dashboard-ended")
	checkPage(t, cb, "coordinator-dashboard-ended")

	// The mentee is back among those who can be paired: the coordinator
	// pairs them by hand with another mentor who has room.
	run(t, cb, chromedp.Navigate(s.URL+programPath+"/pairs"), chromedp.WaitVisible(chromedp.CSS(`input[name=mentee]`)))
	menteeBox := eval[string](t, cb, `(() => {
		for (const i of document.querySelectorAll('input[name=mentee]')) {
			if (i.labels[0] && i.labels[0].innerText.includes(`+jsString(mentee.Name)+`)) return i.disabled ? 'disabled' : '#' + i.id;
		}
		return '';
	})()`)
	if menteeBox == "" || menteeBox == "disabled" {
		t.Fatalf("the mentee %s cannot be chosen for a new pair (%q)%s", mentee.Name, menteeBox, saveFailure(t, cb))
	}
	newMentor := eval[[]string](t, cb, `(() => {
		for (const i of document.querySelectorAll('input[name=mentor]')) {
			const name = i.labels[0] ? i.labels[0].innerText : '';
			if (!i.disabled && !name.includes(`+jsString(mentor.Name)+`)) return ['#' + i.id, name];
		}
		return ['', ''];
	})()`)
	if newMentor[0] == "" {
		t.Fatalf("no other mentor has room for a new pair%s", saveFailure(t, cb))
	}
	newMentorName := ""
	for _, l := range logins {
		if l.Role == "mentor" && strings.HasPrefix(newMentor[1], l.Name) {
			newMentorName = l.Name
		}
	}
	if newMentorName == "" {
		t.Fatalf("cannot tell which mentor %q is", newMentor[1])
	}
	press(t, cb, newMentor[0])
	press(t, cb, menteeBox)
	if !eval[bool](t, cb, `document.querySelector(`+jsString(newMentor[0])+`).checked && document.querySelector(`+jsString(menteeBox)+`).checked`) {
		t.Fatalf("the keyboard did not tick both boxes%s", saveFailure(t, cb))
	}
	shot(t, cb, "coordinator-new-pair")
	press(t, cb, `form[action="`+programPath+`/pairs"] button.primary`)
	run(t, cb, chromedp.WaitVisible(chromedp.CSS(`main h1`)))
	newRow := eval[string](t, cb, `(() => {
		for (const tr of document.querySelectorAll('main tbody tr')) {
			if (tr.innerText.includes(`+jsString(mentee.Name)+`) && tr.querySelector('.badge.active, a[href$="/end"]')) return tr.innerText;
		}
		return '';
	})()`)
	if !strings.Contains(newRow, newMentorName) {
		t.Fatalf("after pairing, no active row with %s and %s; the page shows:\n%s%s", newMentorName, mentee.Name, pageText(t, cb), saveFailure(t, cb))
	}
	shot(t, cb, "coordinator-pairs-after")

	// The mentee finds the new pair on the home page and opens it.
	run(t, eb, chromedp.Navigate(s.URL+"/"), chromedp.WaitVisible(chromedp.CSS("main h1")))
	mustSee(t, eb, newMentorName, "Earlier pairs", mentor.Name)
	newLink := eval[string](t, eb, `(() => {
		for (const a of document.querySelectorAll('.pair-now h3 a[href^="/pairs/"]')) {
			if (a.innerText.includes(`+jsString(newMentorName)+`)) return a.getAttribute('href');
		}
		return '';
	})()`)
	if newLink == "" || newLink == "/pairs/"+pairID {
		t.Fatalf("the mentee's home has no link to the new pair with %s (found %q)", newMentorName, newLink)
	}
	press(t, eb, `main a[href="`+newLink+`"]`)
	run(t, eb, chromedp.WaitVisible(chromedp.CSS("main h1")))
	mustSee(t, eb, newMentorName)
	if strings.Contains(pageText(t, eb), "Ended") {
		t.Errorf("the new pair's page says Ended:\n%s", pageText(t, eb))
	}
	shot(t, eb, "mentee-new-pair")
	checkPage(t, eb, "mentee-new-pair")

	// The coordinator ends the new pair: the list's button leads to a page
	// that says what will happen and who is told, and nothing ends until
	// it is confirmed there.
	newPairID := strings.TrimPrefix(newLink, "/pairs/")
	endPath := programPath + "/pairs/" + newPairID + "/end"
	run(t, cb, chromedp.Navigate(s.URL+programPath+"/pairs"), chromedp.WaitVisible(chromedp.CSS(`main table`)))
	press(t, cb, `main a[href="`+endPath+`"]`)
	run(t, cb, chromedp.WaitVisible(chromedp.CSS(`main form[action="`+endPath+`"] button.danger`)))
	mustSee(t, cb, tr(t, "en", "confirm.end.title"), tr(t, "en", "confirm.what_happens"), tr(t, "en", "confirm.who_is_told"),
		tr(t, "en", "confirm.end.happens_meetings"), newMentorName, mentee.Name)
	if st := s.queryString(t, `SELECT status FROM pairs WHERE id = ?`, newPairID); st != "active" {
		t.Fatalf("opening the confirmation ended the pair (%s)", st)
	}
	shot(t, cb, "coordinator-confirm-end")
	checkPage(t, cb, "coordinator-confirm-end")
	// Keeping it goes back and changes nothing.
	press(t, cb, `main form[action="`+endPath+`"] a.button`)
	run(t, cb, chromedp.WaitVisible(chromedp.CSS(`main table`)))
	if st := s.queryString(t, `SELECT status FROM pairs WHERE id = ?`, newPairID); st != "active" {
		t.Fatalf("keeping the pair ended it (%s)", st)
	}
	// Confirming ends it, and both sides are emailed.
	open(t, cb, s, endPath, "main h1")
	press(t, cb, `main form[action="`+endPath+`"] button.danger`)
	run(t, cb, chromedp.WaitVisible(chromedp.CSS(`main .flash`)))
	if st := s.queryString(t, `SELECT status FROM pairs WHERE id = ?`, newPairID); st != "ended" {
		t.Fatalf("the confirmed ending left the pair %s", st)
	}
	if n := s.queryString(t, `SELECT COUNT(*) FROM outbox WHERE kind = 'pair_ended' AND lower(to_email) = lower(?)`, mentee.Email); n != "1" {
		t.Errorf("the mentee got %s emails that the coordinator ended the pair, want 1", n)
	}
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
