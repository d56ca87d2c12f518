package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestJourneyAnnounce: the coordinator announces to the mentors, checking
// the count on the preview before sending; a mentor gets the email, sees
// the announcement on their start page and hides it; the coordinator
// shares a link that the mentor then finds among the program's material.
// Every step is done with the keyboard.
func TestJourneyAnnounce(t *testing.T) {
	t.Parallel()
	needAxe(t)
	s := startServer(t)
	logins, password := seedDemo(t, s)
	coord := pickLogin(t, logins, "coordinator")
	var mentor demoLogin
	for _, l := range logins {
		if l.Role == "mentor" && strings.Contains(l.Note, "paired with") {
			mentor = l
			break
		}
	}
	if mentor.Email == "" {
		t.Fatal("the demo has no paired mentor")
	}

	cb := newBrowser(t)
	login(t, cb, s, coord.Email, password)
	inEnglish(t, cb)
	run(t, cb, chromedp.Navigate(s.URL+"/"), chromedp.WaitVisible(chromedp.CSS("main h1")))
	press(t, cb, `main h3 a[href^="/programs/"]`)
	run(t, cb, chromedp.WaitVisible(chromedp.CSS(`main a[href$="/announcements"]`)))
	programPath := eval[string](t, cb, `location.pathname`)

	// Write to the mentors, in English, and preview.
	press(t, cb, `main a[href="`+programPath+`/announcements"]`)
	run(t, cb, chromedp.WaitVisible(chromedp.CSS(`#f-subject`)))
	checkPage(t, cb, "coordinator-announcements")
	press(t, cb, `#f-segment-mentors`)
	choose(t, cb, `#f-language`, "en")
	const subject = "Mentor training on Thursday"
	fill(t, cb, `#f-subject`, subject)
	fill(t, cb, `#f-body`, "We meet at the library at six. Bring your questions.")
	press(t, cb, `form[action$="/announcements/preview"] button`)
	run(t, cb, chromedp.WaitVisible(chromedp.CSS(`.announce-preview button.primary`)))
	button := eval[string](t, cb, `document.querySelector('.announce-preview button.primary').innerText`)
	if !strings.HasPrefix(button, "Send to ") || strings.HasPrefix(button, "Send to 0") {
		t.Fatalf("the preview's button reads %q", button)
	}
	shot(t, cb, "coordinator-announce-preview")
	checkPage(t, cb, "coordinator-announce-preview")
	press(t, cb, `.announce-preview button.primary`)
	run(t, cb, chromedp.WaitVisible(chromedp.CSS(`main .flash`)))
	mustSee(t, cb, tr(t, "en", "announce.sent"), subject)

	// The mentor has it by email and on the start page, and hides it.
	mail := s.lastMailTo(t, mentor.Email, subject)
	if !strings.Contains(mail.Body, "Bring your questions.") {
		t.Errorf("the mentor's email lacks the message:\n%s", mail.Body)
	}
	mb := newBrowser(t)
	login(t, mb, s, mentor.Email, password)
	inEnglish(t, mb)
	run(t, mb, chromedp.Navigate(s.URL+"/"), chromedp.WaitVisible(chromedp.CSS("#h-announcements")))
	mustSee(t, mb, tr(t, "en", "announce.home_title"), subject, "Bring your questions.")
	shot(t, mb, "mentor-home-announcement")
	checkPage(t, mb, "mentor-home-announcement")
	// The newest comes first (the demo has sent the mentors one before).
	press(t, mb, `form[action^="/announcements/"] button`)
	run(t, mb, chromedp.WaitVisible(chromedp.CSS(`main .flash`)))
	mustNotSee(t, mb, subject)

	// The coordinator shares a link for the mentors; the mentor finds it.
	open(t, cb, s, programPath+"/resources/manage", "#f-url")
	checkPage(t, cb, "coordinator-resources")
	fill(t, cb, `#f-url`, "https://video.example.org/mentor-training")
	fill(t, cb, `#f-link_title`, "Training video")
	choose(t, cb, `#f-link_audience`, "mentors")
	press(t, cb, `form[action$="/resources/links"] button`)
	run(t, cb, chromedp.WaitVisible(chromedp.CSS(`main .flash`)))
	mustSee(t, cb, "Training video")
	shot(t, cb, "coordinator-resources-list")
	run(t, mb, chromedp.Navigate(s.URL+"/"), chromedp.WaitVisible(chromedp.CSS("main h1")))
	press(t, mb, `main a[href$="/resources"]`)
	run(t, mb, chromedp.WaitVisible(chromedp.CSS(`main h1`)))
	mustSee(t, mb, tr(t, "en", "resource.title"), "Training video")
	shot(t, mb, "mentor-resources")
	checkPage(t, mb, "mentor-resources")
}
