package e2e

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestJourneyEvents: the coordinator holds a kick-off. She plans it for the
// mentees with the keyboard; a mentee gets the invitation by email with a
// calendar file, finds the event on the start page and says yes; the
// coordinator sees the answer, and after the event marks who came.
func TestJourneyEvents(t *testing.T) {
	t.Parallel()
	needAxe(t)
	s := startServer(t)
	logins, password := seedDemo(t, s)
	coord := pickLogin(t, logins, "coordinator")
	mentee := pickLogin(t, logins, "mentee", "paired with", "meetings")

	// In English, or in MENTORSKAP_E2E_LANG to look at the pages in
	// another language.
	lang := os.Getenv("MENTORSKAP_E2E_LANG")
	if lang == "" {
		lang = "en"
	}
	inLang := func(b context.Context) {
		if lang == "en" {
			inEnglish(t, b)
		} else {
			useCrawlLanguage(t, b, s)
		}
	}
	cb := newBrowser(t)
	login(t, cb, s, coord.Email, password)
	inLang(cb)
	eb := newBrowser(t)
	login(t, eb, s, mentee.Email, password)
	inLang(eb)

	// From the program's page to its events, and the form.
	run(t, cb, chromedp.Navigate(s.URL+"/"), chromedp.WaitVisible(chromedp.CSS("main h1")))
	press(t, cb, `main h3 a[href^="/programs/"]`)
	run(t, cb, chromedp.WaitVisible(chromedp.CSS(`main a[href$="/events"]`)))
	programPath := eval[string](t, cb, `location.pathname`)
	press(t, cb, `main a[href="`+programPath+`/events"]`)
	run(t, cb, chromedp.WaitVisible(chromedp.CSS(`main a[href$="/events/new"]`)))
	mustSee(t, cb, tr(t, lang, "event.list_title"))
	shot(t, cb, "events-empty")
	checkPage(t, cb, "events-empty")
	press(t, cb, `main a[href="`+programPath+`/events/new"]`)
	run(t, cb, chromedp.WaitVisible(chromedp.CSS(`#f-title`)))
	checkPage(t, cb, "event-form")

	day := time.Now().AddDate(0, 0, 10).Format("2006-01-02")
	choose(t, cb, "#f-kind", "kickoff")
	fill(t, cb, "#f-title", "Spring kick-off")
	fill(t, cb, "#f-description", "Meet your mentor and the other mentees.")
	fill(t, cb, "#f-date", day)
	fill(t, cb, "#f-start", "17:00")
	fill(t, cb, "#f-end", "19:00")
	fill(t, cb, "#f-timezone", "Europe/Oslo")
	fill(t, cb, "#f-place", "Town hall, room 2")
	fill(t, cb, "#f-capacity", "30")
	press(t, cb, `#f-audience-mentees`)
	shot(t, cb, "event-form-filled")
	submit(t, cb, `form[action="`+programPath+`/events"] button.primary`)
	mustSee(t, cb, tr(t, lang, "event.created"), "Spring kick-off", "Town hall, room 2")
	eventPath := eval[string](t, cb, `location.pathname`)
	if !strings.HasPrefix(eventPath, programPath+"/events/") {
		t.Fatalf("after planning, the coordinator is at %s", eventPath)
	}
	shot(t, cb, "event-coordinator")
	checkPage(t, cb, "event-coordinator")

	// The mentee's invitation: her language, a link to the event.
	mail := s.lastMailTo(t, mentee.Email, "Spring kick-off")
	if !strings.Contains(mail.Body, "Town hall, room 2") {
		t.Errorf("the invitation does not say where:\n%s", mail.Body)
	}
	if n := s.queryString(t, `SELECT COUNT(*) FROM outbox_attachments a JOIN outbox o ON o.id = a.outbox_id
		WHERE lower(o.to_email) = lower(?) AND a.name LIKE 'event-%.ics'`, mentee.Email); n != "1" {
		t.Errorf("%s calendar files sent to the mentee, want 1", n)
	}
	link := mail.link(t, eventPath)

	// On her start page, then on the event's page: yes.
	run(t, eb, chromedp.Navigate(s.URL+"/"), chromedp.WaitVisible(chromedp.CSS("#h-events")))
	mustSee(t, eb, tr(t, lang, "event.home_title"), "Spring kick-off", tr(t, lang, "event.home_answer"))
	press(t, eb, `#h-events ~ ul a[href="`+eventPath+`"]`)
	run(t, eb, chromedp.WaitVisible(chromedp.CSS(`#f-response-yes`)))
	if got := eval[string](t, eb, `location.href`); got != link {
		t.Logf("the email's link %s and the start page's %s differ only by host", link, got)
	}
	checkPage(t, eb, "event-mentee")
	press(t, eb, `#f-response-yes`)
	submit(t, eb, `form[action="`+eventPath+`/rsvp"] button.primary`)
	mustSee(t, eb, tr(t, lang, "event.answered"), tr(t, lang, "event.mine.yes"))
	shot(t, eb, "event-mentee-yes")

	// The coordinator sees her answer.
	run(t, cb, chromedp.Navigate(s.URL+eventPath), chromedp.WaitVisible(chromedp.CSS("#h-people")))
	mustSee(t, cb, catalogN(t, lang, "event.count_yes", 1), mentee.Name)

	// The event takes place (time is moved, not waited for) and the
	// coordinator marks who came.
	id := eventPath[strings.LastIndexByte(eventPath, '/')+1:]
	s.execSQL(t, `UPDATE events SET starts_at = ?, ends_at = ? WHERE id = ?`,
		time.Now().Add(-3*time.Hour).UTC(), time.Now().Add(-time.Hour).UTC(), id)
	run(t, cb, chromedp.Navigate(s.URL+eventPath), chromedp.WaitVisible(chromedp.CSS("#h-attendance")))
	press(t, cb, `main a[href="`+eventPath+`/attendance"]`)
	run(t, cb, chromedp.WaitVisible(chromedp.CSS(`input[name="attended"]`)))
	checkPage(t, cb, "event-attendance")
	shot(t, cb, "event-attendance")
	menteeID := s.queryString(t, `SELECT id FROM users WHERE lower(email) = lower(?)`, mentee.Email)
	press(t, cb, `#f-attended-`+menteeID)
	submit(t, cb, `form[action="`+eventPath+`/attendance"] button.primary`)
	mustSee(t, cb, tr(t, lang, "event.attendance_saved"), catalogN(t, lang, "event.attended_count", 1))
}

// catalogN is the product's plural text for n in lang.
func catalogN(t *testing.T, lang, key string, n int) string {
	t.Helper()
	tr(t, lang, key) // loads the catalog and checks the key
	return catalog.Locale(lang).N(key, n)
}
