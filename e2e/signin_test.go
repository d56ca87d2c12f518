package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/oauth2-proxy/mockoidc"
)

// TestSignInJourney signs a person in with each way the login page offers
// besides the password: their organisation's login (a real OpenID Provider
// running in the test) and an emailed login link. Each shows in their
// sign-in log.
func TestSignInJourney(t *testing.T) {
	t.Parallel()
	op, s := startServerWithProvider(t)
	s.addUser(t, "admin@example.org", "Ada Admin", "admin", "admin-password-1")
	s.addUser(t, "kari@example.org", "Kari Nordmann", "coordinator", "kari-password-1")
	ctx := newBrowser(t)

	// Organisation login: the provider vouches for Kari's verified address.
	op.QueueUser(&mockoidc.MockUser{Subject: "kari-1", Email: "kari@example.org", EmailVerified: true})
	run(t, ctx, chromedp.Navigate(s.URL+"/login"), chromedp.WaitVisible(chromedp.CSS(`form[action="/login/oidc/mock"] button`)))
	press(t, ctx, `form[action="/login/oidc/mock"] button`)
	run(t, ctx, chromedp.WaitReady(chromedp.CSS(`form[action="/logout"]`)))
	run(t, ctx, chromedp.Navigate(s.URL+"/profile/security"), chromedp.WaitVisible(chromedp.CSS(`#log-head`)))
	body := eval[string](t, ctx, `document.querySelector("main").innerText`)
	if !strings.Contains(body, "Organisation login (Mock ID)") || !strings.Contains(body, "kari@example.org") {
		t.Fatalf("security page after SSO login:\n%s%s", body, saveFailure(t, ctx))
	}
	// The pages this adds, in Norwegian and Indonesian, at both widths.
	for _, lang := range []string{"nb", "id"} {
		inLanguage(t, ctx, lang)
		run(t, ctx, chromedp.Navigate(s.URL+"/profile/security"), chromedp.WaitVisible(chromedp.CSS(`#log-head`)))
		shot(t, ctx, "security-"+lang)
	}
	inLanguage(t, ctx, "en") // saved on the account: the checks below read English
	logout(t, ctx, s)
	for _, lang := range []string{"id", "nb"} {
		inLanguage(t, ctx, lang)
		run(t, ctx, chromedp.Navigate(s.URL+"/login"), chromedp.WaitVisible(chromedp.CSS(`#f-email`)))
		shot(t, ctx, "login-"+lang)
		run(t, ctx, chromedp.Navigate(s.URL+"/login/link"), chromedp.WaitVisible(chromedp.CSS(`#f-email`)))
		shot(t, ctx, "login-link-"+lang)
	}
	inLanguage(t, ctx, "en")

	// Email link: asked for on the login page, followed from the email.
	run(t, ctx, chromedp.Navigate(s.URL+"/login"), chromedp.WaitVisible(chromedp.CSS(`a[href="/login/link"]`)))
	press(t, ctx, `a[href="/login/link"]`)
	run(t, ctx, chromedp.WaitVisible(chromedp.CSS(`#f-email`)))
	fill(t, ctx, "#f-email", "kari@example.org")
	press(t, ctx, `main form[action="/login/link"] button`)
	run(t, ctx, chromedp.WaitVisible(chromedp.CSS(`#f-password`)))
	link := s.lastMailTo(t, "kari@example.org", "Mentorskap").link(t, "/login/link/")
	run(t, ctx, chromedp.Navigate(link), chromedp.WaitVisible(chromedp.CSS(`main form button.primary`)))
	press(t, ctx, `main form button.primary`)
	run(t, ctx, chromedp.WaitReady(chromedp.CSS(`form[action="/logout"]`)))
	run(t, ctx, chromedp.Navigate(s.URL+"/profile/security"), chromedp.WaitVisible(chromedp.CSS(`#log-head`)))
	body = eval[string](t, ctx, `document.querySelector("main").innerText`)
	if !strings.Contains(body, "Login link by email") {
		t.Fatalf("security page after link login:\n%s%s", body, saveFailure(t, ctx))
	}
}

// inLanguage switches the page language with the header's form.
func inLanguage(t *testing.T, ctx context.Context, lang string) {
	t.Helper()
	choose(t, ctx, "#lang-switch", lang)
	press(t, ctx, `form[action="/language"] button`)
	run(t, ctx, chromedp.WaitReady(chromedp.CSS(`html[lang="`+lang+`"] main`)))
}

// TestInvitedWithProvider has a coordinator invite someone who then takes
// the invitation with their organisation's login instead of a password:
// the provider's verified address must be the invited one, the account is
// made, and the person lands on the program's profile form.
func TestInvitedWithProvider(t *testing.T) {
	t.Parallel()
	op, s := startServerWithProvider(t)
	logins, password := seedDemo(t, s)
	coord := newBrowser(t)
	login(t, coord, s, pickLogin(t, logins, "coordinator").Email, password)
	inLanguage(t, coord, "en")
	invitations := discover(t, coord, s, []string{"/programs/N/invitations"})["/programs/N/invitations"]
	open(t, coord, s, invitations, "#f-email")
	fill(t, coord, "#f-email", "nora.nilsen@example.org")
	fill(t, coord, "#f-name", "Nora Nilsen")
	choose(t, coord, "#f-role", "mentee")
	choose(t, coord, "#f-language", "en")
	submit(t, coord, `main form[action="`+invitations+`"] button.primary`)
	run(t, coord, chromedp.WaitVisible(chromedp.CSS("#f-email")))
	link := s.lastMailTo(t, "nora.nilsen@example.org", "").link(t, "/invite/")

	nora := newBrowser(t)
	op.QueueUser(&mockoidc.MockUser{Subject: "nora-1", Email: "nora.nilsen@example.org", EmailVerified: true})
	run(t, nora, chromedp.Navigate(link), chromedp.WaitVisible(chromedp.CSS(`main button.sso`)))
	mustSee(t, nora, tr(t, "en", "sso.enrol.with", "provider", "Mock ID"))
	press(t, nora, `main button.sso`)
	run(t, nora, chromedp.WaitVisible(chromedp.CSS(`#f-location`)))
	mustSee(t, nora, tr(t, "en", "enrol.profile.title"), tr(t, "en", "enrol.accepted"), tr(t, "en", "enrol.role.mentee"))
	checkPage(t, nora, "invited-with-provider")
	run(t, nora, chromedp.Navigate(s.URL+"/profile/security"), chromedp.WaitVisible(chromedp.CSS(`#log-head`)))
	body := eval[string](t, nora, `document.querySelector("main").innerText`)
	if !strings.Contains(body, "Mock ID") || !strings.Contains(body, "nora.nilsen@example.org") {
		t.Fatalf("security page after taking the invitation with a provider:\n%s%s", body, saveFailure(t, nora))
	}
}

// startServerWithProvider runs a real OpenID Provider (mockoidc) and a
// server that offers it on the login page as "Mock ID".
func startServerWithProvider(t *testing.T) (*mockoidc.MockOIDC, *server) {
	t.Helper()
	op, err := mockoidc.Run()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { op.Shutdown() })
	cfg := op.Config()
	s := startServerWith(t, "", []string{
		"MENTORSKAP_OIDC_PROVIDERS=mock",
		"MENTORSKAP_OIDC_MOCK_ISSUER=" + cfg.Issuer,
		"MENTORSKAP_OIDC_MOCK_CLIENT_ID=" + cfg.ClientID,
		"MENTORSKAP_OIDC_MOCK_SECRET=" + cfg.ClientSecret,
		"MENTORSKAP_OIDC_MOCK_LABEL=Mock ID",
	})
	return op, s
}
