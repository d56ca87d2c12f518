package web

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"mentorskap/internal/account"
)

var signInLinkRE = regexp.MustCompile(`http://mentorskap\.test(/login/link/[A-Za-z0-9_-]+)`)

// lastSignInLink reads the newest sign-in link emailed to addr.
func lastSignInLink(t *testing.T, app *testApp, addr string) (string, string) {
	t.Helper()
	var body, lang string
	err := app.db.QueryRow(context.Background(), `SELECT body, language FROM outbox WHERE to_email = ? AND kind = 'sign_in_link' ORDER BY id DESC LIMIT 1`, addr).Scan(&body, &lang)
	if err != nil {
		t.Fatalf("no sign-in link to %s: %v", addr, err)
	}
	m := signInLinkRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no link in %q", body)
	}
	return m[1], lang
}

func countOutbox(t *testing.T, app *testApp) int {
	t.Helper()
	var n int
	if err := app.db.QueryRow(context.Background(), `SELECT COUNT(*) FROM outbox`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestSignInLink: the login page offers the link; an unknown address gets
// the same answer and no email; the link asks for a press before it is
// spent, works once, not after 15 minutes, and is written to the
// person's sign-in log; requests are throttled per address.
func TestSignInLink(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	app.addUser("siti@example.org", "Siti", account.RoleMember, "id")
	anon := app.client()
	anon.get("/login").mustContain(t, `href="/login/link"`)
	anon.get("/login/link").mustStatus(t, http.StatusOK)

	known := anon.post("/login/link", url.Values{"email": {"Siti@Example.org"}})
	unknown := anon.post("/login/link", url.Values{"email": {"nobody@example.org"}})
	known.mustStatus(t, http.StatusSeeOther)
	unknown.mustStatus(t, http.StatusSeeOther)
	if known.Header.Get("Location") != unknown.Header.Get("Location") {
		t.Fatalf("answers differ: %q %q", known.Header.Get("Location"), unknown.Header.Get("Location"))
	}
	if n := countOutbox(t, app); n != 1 {
		t.Fatalf("outbox has %d emails, want 1", n)
	}
	anon.post("/login/link", url.Values{"email": {"not an address"}}).mustStatus(t, http.StatusUnprocessableEntity)

	link, lang := lastSignInLink(t, app, "siti@example.org")
	if lang != "id" {
		t.Fatalf("email in %q, want the person's language", lang)
	}
	// Opening the link (as a mail filter would) spends nothing.
	c := app.client()
	c.get(link).mustStatus(t, http.StatusOK)
	c.get(link).mustContain(t, "Log in to Mentorskap")
	res := c.post(link, nil)
	res.mustStatus(t, http.StatusSeeOther)
	c.get("/profile").mustStatus(t, http.StatusOK)
	// Single use.
	app.client().post(link, nil).mustStatus(t, http.StatusNotFound)
	app.client().get(link).mustStatus(t, http.StatusNotFound)
	c.get("/profile/security").mustContain(t, "Tautan masuk lewat email")

	// Expired after 15 minutes.
	anon.post("/login/link", url.Values{"email": {"siti@example.org"}}).mustStatus(t, http.StatusSeeOther)
	link2, _ := lastSignInLink(t, app, "siti@example.org")
	app.clock.Advance(account.SignInLinkTTL + time.Second)
	app.client().post(link2, nil).mustStatus(t, http.StatusNotFound)

	// Throttled per address typed: the fourth request within the window is
	// refused, for a known and an unknown address alike.
	app.clock.Advance(account.ThrottleWindow)
	for _, addr := range []string{"siti@example.org", "ghost@example.org"} {
		for i := 0; i < account.MaxLinksPerKey; i++ {
			anon.post("/login/link", url.Values{"email": {addr}}).mustStatus(t, http.StatusSeeOther)
		}
		anon.post("/login/link", url.Values{"email": {addr}}).mustStatus(t, http.StatusTooManyRequests)
	}
}

// TestSignInLinkTwoFactorAndSSOOnly: with two-factor login the link stands
// in for the password only and the code follows; an account that must use
// its organisation's login gets no link and cannot spend one sent before.
func TestSignInLinkTwoFactorAndSSOOnly(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	u := app.addUser("tor@example.org", "Tor", account.RoleMember, "nb")
	secret, _ := securityEnrol(t, app, app.login(u.Email), u)

	anon := app.client()
	anon.post("/login/link", url.Values{"email": {u.Email}}).mustStatus(t, http.StatusSeeOther)
	link, _ := lastSignInLink(t, app, u.Email)
	c := app.client()
	res := c.post(link, nil)
	res.mustStatus(t, http.StatusSeeOther)
	if loc := res.Header.Get("Location"); !strings.HasPrefix(loc, "/login/code") {
		t.Fatalf("link with two-factor login went to %q, want the code form", loc)
	}
	c.get("/profile").mustStatus(t, http.StatusSeeOther) // not logged in yet
	app.clock.Advance(31 * time.Second)
	c.post("/login/code", url.Values{"code": {securityCode(t, app, secret)}}).mustStatus(t, http.StatusSeeOther)
	c.get("/profile/security").mustContain(t, "Innloggingslenke og kode")

	// SSO only: no email, and a link sent before stops working.
	anon.post("/login/link", url.Values{"email": {u.Email}}).mustStatus(t, http.StatusSeeOther)
	link, _ = lastSignInLink(t, app, u.Email)
	if _, err := app.db.Exec(context.Background(), `UPDATE users SET sso_only = ? WHERE id = ?`, true, u.ID); err != nil {
		t.Fatal(err)
	}
	before := countOutbox(t, app)
	anon.post("/login/link", url.Values{"email": {u.Email}}).mustStatus(t, http.StatusSeeOther)
	if n := countOutbox(t, app); n != before {
		t.Fatalf("an SSO-only account was sent a link")
	}
	app.client().get(link).mustStatus(t, http.StatusNotFound)
	app.client().post(link, nil).mustStatus(t, http.StatusNotFound)
}
