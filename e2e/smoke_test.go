package e2e

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// TestSmoke proves the harness end to end: a server, a browser, a login by
// keyboard and the page checks on the home page.
func TestSmoke(t *testing.T) {
	s := startServer(t)
	s.addUser(t, "kari@example.org", "Kari Koordinator", "coordinator", "a long enough secret")
	b := newBrowser(t)
	login(t, b, s, "kari@example.org", "a long enough secret")
	run(t, b, chromedp.WaitVisible(chromedp.CSS("main h1")))
	mustSee(t, b, "Kari")
	shot(t, b, "home")
	checkPage(t, b, "home")
	logout(t, b, s)
}
