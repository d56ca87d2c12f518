package web

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/oauth2-proxy/mockoidc"

	"mentorskap/internal/account"
)

// ssoOP is a real OpenID Provider (mockoidc) running inside the test, wired
// into the app as the provider "mock".
type ssoOP struct {
	t   *testing.T
	app *testApp
	op  *mockoidc.MockOIDC
}

func newSSOApp(t *testing.T, domains []string, allowCreate bool) *ssoOP {
	t.Helper()
	app := newTestApp(t)
	op, err := mockoidc.Run()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { op.Shutdown() })
	cfg := op.Config()
	app.srv.Accounts.SSO = &account.OIDC{Static: []account.OIDCProvider{{
		Name: "mock", Label: "Mock ID", Issuer: cfg.Issuer, ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret,
		Scopes: account.DefaultScopes, AllowCreate: allowCreate, Domains: domains, FromFlags: true,
	}}}
	return &ssoOP{t: t, app: app, op: op}
}

// tamperedUser is a person at the provider whose ID token the test bends:
// another nonce, audience or expiry than the provider would give.
type tamperedUser struct {
	*mockoidc.MockUser
	bend func(*mockoidc.IDTokenClaims)
}

func (u tamperedUser) Claims(scope []string, c *mockoidc.IDTokenClaims) (jwt.Claims, error) {
	if u.bend != nil {
		u.bend(c)
	}
	return u.MockUser.Claims(scope, c)
}

func person(sub, email string, verified bool) *mockoidc.MockUser {
	return &mockoidc.MockUser{Subject: sub, Email: email, EmailVerified: verified, PreferredUsername: sub}
}

// roundTrip posts a form that starts a sign-in with the provider, lets the
// provider log in as who, and brings its answer back to the callback, as a
// browser would.
func (s *ssoOP) roundTrip(c *client, start string, form url.Values, who mockoidc.User) *response {
	s.t.Helper()
	authURL := s.start(c, start, form)
	if !strings.HasPrefix(authURL, s.op.AuthorizationEndpoint()) {
		s.t.Fatalf("sent to %q, not the provider", authURL)
	}
	q, _ := url.Parse(authURL)
	for _, k := range []string{"state", "nonce", "code_challenge"} {
		if q.Query().Get(k) == "" {
			s.t.Fatalf("authorization request lacks %s: %s", k, authURL)
		}
	}
	if q.Query().Get("code_challenge_method") != "S256" {
		s.t.Fatalf("PKCE method %q", q.Query().Get("code_challenge_method"))
	}
	s.op.QueueUser(who)
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	r, err := hc.Get(authURL)
	if err != nil {
		s.t.Fatal(err)
	}
	r.Body.Close()
	back := r.Header.Get("Location")
	if !strings.HasPrefix(back, "http://mentorskap.test/login/oidc/mock/callback?") {
		s.t.Fatalf("provider answered %d to %q", r.StatusCode, back)
	}
	return c.get(strings.TrimPrefix(back, "http://mentorskap.test"))
}

// start posts the form that begins a round trip and returns the provider
// address the page continues to.
func (s *ssoOP) start(c *client, start string, form url.Values) string {
	s.t.Helper()
	res := c.post(start, form)
	if res.StatusCode != http.StatusOK {
		s.t.Fatalf("start %s: %d %s", start, res.StatusCode, res.Body)
	}
	m := regexp.MustCompile(`href="([^"]+)" data-autofollow`).FindStringSubmatch(res.Body)
	if m == nil {
		s.t.Fatalf("start %s: no link to the provider in %s", start, abbreviate(res.Body))
	}
	return html.UnescapeString(m[1])
}

func (s *ssoOP) count(query string, args ...any) int {
	s.t.Helper()
	var n int
	if err := s.app.db.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		s.t.Fatal(err)
	}
	return n
}

// accountsState is what a failed sign-in must leave alone.
func (s *ssoOP) accountsState() [4]int {
	return [4]int{s.count(`SELECT COUNT(*) FROM users`), s.count(`SELECT COUNT(*) FROM sessions`),
		s.count(`SELECT COUNT(*) FROM oidc_identities`), s.count(`SELECT COUNT(*) FROM sign_ins`)}
}

// TestSSOLogin runs the single sign-on cases against a real provider through
// the real router: a good login (linking by verified address, then by the
// link alone), an account made where allowed, and every refusal, each with
// its own translated message and no account, session or link changed.
func TestSSOLogin(t *testing.T) {
	t.Parallel()
	s := newSSOApp(t, []string{"kommune.no"}, true)
	app := s.app
	kari := app.addUser("kari@kommune.no", "Kari", account.RoleMember, "nb")
	loginForm := url.Values{"next": {"/profile"}}

	anon := app.client()
	anon.get("/login").mustContain(t, `action="/login/oidc/mock"`, "Log in with Mock ID")

	// Refusals first, each in Norwegian, with nothing changed.
	before := s.accountsState()
	for _, tc := range []struct {
		name   string
		who    mockoidc.User
		status int
		want   string
	}{
		{"wrong nonce", tamperedUser{person("k1", "kari@kommune.no", true), func(c *mockoidc.IDTokenClaims) { c.Nonce = "someone-elses" }},
			http.StatusUnauthorized, "hører til et annet innloggingsforsøk"},
		{"expired token", tamperedUser{person("k1", "kari@kommune.no", true), func(c *mockoidc.IDTokenClaims) {
			c.ExpiresAt = jwt.NewNumericDate(time.Now().Add(-time.Hour))
			c.IssuedAt = jwt.NewNumericDate(time.Now().Add(-2 * time.Hour))
		}}, http.StatusUnauthorized, "var allerede utløpt"},
		{"wrong audience", tamperedUser{person("k1", "kari@kommune.no", true), func(c *mockoidc.IDTokenClaims) { c.Audience = jwt.ClaimStrings{"another-app"} }},
			http.StatusUnauthorized, "ikke ment for Mentorskap"},
		{"unverified email", person("k1", "kari@kommune.no", false), http.StatusUnauthorized, "bekreftet ikke e-postadressen"},
		{"domain not allowed", person("x1", "per@gmail.com", true), http.StatusForbidden, "bare for adresser på kommune.no"},
	} {
		c := app.client()
		c.Header.Set("Accept-Language", "nb")
		res := s.roundTrip(c, "/login/oidc/mock", loginForm, tc.who)
		if res.StatusCode != tc.status || !strings.Contains(res.Body, tc.want) {
			t.Errorf("%s: %d, want %d with %q:\n%s", tc.name, res.StatusCode, tc.status, tc.want, abbreviate(res.Body))
		}
		c.get("/profile").mustStatus(t, http.StatusSeeOther)
		if after := s.accountsState(); after != before {
			t.Errorf("%s changed accounts: %v -> %v", tc.name, before, after)
		}
	}

	// A callback without the browser's cookie (login CSRF) is refused.
	c := app.client()
	authURL := s.start(c, "/login/oidc/mock", loginForm)
	s.op.QueueUser(person("k1", "kari@kommune.no", true))
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	r, err := hc.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	stranger := app.client()
	stranger.get(strings.TrimPrefix(r.Header.Get("Location"), "http://mentorskap.test")).mustStatus(t, http.StatusUnauthorized)
	// The stranger's attempt did not spend the state: the browser that
	// started the login still completes it.
	c.get(strings.TrimPrefix(r.Header.Get("Location"), "http://mentorskap.test")).mustStatus(t, http.StatusSeeOther)
	c.get("/profile").mustStatus(t, http.StatusOK)
	if after := s.accountsState(); after == before {
		t.Fatal("good login changed nothing")
	}

	// That good login linked Kari's account by her verified address; the
	// next one finds it by the provider's subject even with another address.
	c = app.client()
	res := s.roundTrip(c, "/login/oidc/mock", loginForm, person("k1", "kari.nordmann@kommune.no", true))
	res.mustStatus(t, http.StatusSeeOther)
	if loc := res.Header.Get("Location"); loc != "/profile" {
		t.Fatalf("went to %q", loc)
	}
	page := c.get("/profile/security")
	page.mustContain(t, "Organisasjonens innlogging (Mock ID)", "Mock ID")
	if n := s.count(`SELECT COUNT(*) FROM oidc_identities WHERE user_id = ?`, kari.ID); n != 1 {
		t.Fatalf("kari has %d links", n)
	}

	// A first login from the allowed domain makes an account.
	c = app.client()
	s.roundTrip(c, "/login/oidc/mock", loginForm, person("n1", "nils@kommune.no", true)).mustStatus(t, http.StatusSeeOther)
	c.get("/profile").mustContain(t, "nils@kommune.no")
	// It has no password: a guess of the empty one fails like any other.
	app.client().post("/login", url.Values{"email": {"nils@kommune.no"}, "password": {"!sso"}}).mustStatus(t, http.StatusUnauthorized)

	// Provider down: nothing changes, and the page says so.
	before = s.accountsState()
	c = app.client()
	c.Header.Set("Accept-Language", "nb")
	started := s.start(c, "/login/oidc/mock", loginForm)
	s.op.Shutdown()
	st, _ := url.Parse(started)
	cb := c.get("/login/oidc/mock/callback?code=whatever&state=" + url.QueryEscape(st.Query().Get("state")))
	cb.mustStatus(t, http.StatusServiceUnavailable)
	cb.mustContain(t, "svarer ikke akkurat nå")
	if after := s.accountsState(); after != before {
		t.Errorf("provider down changed accounts: %v -> %v", before, after)
	}
	// A new sign-in with discovery not yet done also answers 503.
	app.srv.Accounts.SSO = &account.OIDC{Static: app.srv.Accounts.SSO.Static}
	app.client().post("/login/oidc/mock", loginForm).mustStatus(t, http.StatusServiceUnavailable)
}

// TestSSONoCreation: without permission to create accounts, a verified
// address with no account is refused and nothing is made.
func TestSSONoCreation(t *testing.T) {
	t.Parallel()
	s := newSSOApp(t, nil, false)
	before := s.accountsState()
	res := s.roundTrip(s.app.client(), "/login/oidc/mock", nil, person("z1", "zara@example.org", true))
	res.mustStatus(t, http.StatusForbidden)
	res.mustContain(t, "no Mentorskap account for this address")
	if after := s.accountsState(); after != before {
		t.Fatalf("changed: %v -> %v", before, after)
	}
}

func abbreviate(s string) string {
	if i := strings.Index(s, `<main`); i >= 0 {
		s = s[i:]
	}
	if len(s) > 1500 {
		s = s[:1500]
	}
	return s
}

// TestSSOLinkTwoFactorAndSSOOnly: a person links a provider on the security
// page and signs in with it; a provider account cannot be linked twice;
// with two-factor login the code follows the provider; "SSO only" refuses
// the password and keeps the last link.
func TestSSOLinkTwoFactorAndSSOOnly(t *testing.T) {
	t.Parallel()
	s := newSSOApp(t, []string{"kommune.no"}, false)
	app := s.app
	ada := app.addUser("ada@example.org", "Ada", account.RoleMember, "en")
	app.addUser("bo@example.org", "Bo", account.RoleMember, "en")
	c := app.login(ada.Email)
	c.get("/profile/security").mustContain(t, "Link Mock ID", `action="/profile/security/sso/mock/link"`)

	// Linking needs no domain match: Ada proved both accounts.
	res := s.roundTrip(c, "/profile/security/sso/mock/link", nil, person("ada-sub", "ada.private@gmail.com", false))
	res.mustStatus(t, http.StatusSeeOther)
	if loc := res.Header.Get("Location"); loc != "/profile/security" {
		t.Fatalf("link went to %q", loc)
	}
	c.get("/profile/security").mustContain(t, "ada.private@gmail.com", `/profile/security/sso/mock/unlink`)

	// The same provider account cannot be linked to Bo too.
	bo := app.login("bo@example.org")
	res = s.roundTrip(bo, "/profile/security/sso/mock/link", nil, person("ada-sub", "ada.private@gmail.com", false))
	res.mustStatus(t, http.StatusConflict)
	res.mustContain(t, "already linked to another Mentorskap account")

	// Ada signs in by the link, whatever the address says.
	other := app.client()
	s.roundTrip(other, "/login/oidc/mock", nil, person("ada-sub", "", false)).mustStatus(t, http.StatusSeeOther)
	other.get("/profile").mustStatus(t, http.StatusOK)

	// SSO only: the password is refused (after it is checked), the last
	// link stays.
	c.post("/profile/security/sso-only", url.Values{"sso_only": {"1"}}).mustStatus(t, http.StatusSeeOther)
	other.get("/profile").mustStatus(t, http.StatusSeeOther) // other sessions ended
	c.get("/profile").mustStatus(t, http.StatusOK)           // this one stays
	pw := app.client().post("/login", url.Values{"email": {ada.Email}, "password": {"password-" + ada.Email}})
	pw.mustStatus(t, http.StatusUnauthorized)
	pw.mustContain(t, "logs in only through the organisation")
	c.post("/profile/security/sso/mock/unlink", url.Values{"confirmed": {"yes"}}).mustStatus(t, http.StatusConflict)
	c.post("/profile/security/sso-only", url.Values{"sso_only": {"0"}}).mustStatus(t, http.StatusSeeOther)
	app.login(ada.Email)

	// Two-factor login: the provider stands in for the password only.
	_, codes := securityEnrol(t, app, c, ada)
	tf := app.client()
	res = s.roundTrip(tf, "/login/oidc/mock", nil, person("ada-sub", "", false))
	res.mustStatus(t, http.StatusSeeOther)
	if loc := res.Header.Get("Location"); !strings.HasPrefix(loc, "/login/code") {
		t.Fatalf("with two-factor login went to %q", loc)
	}
	tf.get("/profile").mustStatus(t, http.StatusSeeOther)
	tf.post("/login/code", url.Values{"code": {codes[0]}}).mustStatus(t, http.StatusSeeOther)
	tf.get("/profile/security").mustContain(t, "Organisation login (Mock ID)")

	c.post("/profile/security/sso/mock/unlink", url.Values{"confirmed": {"yes"}}).mustStatus(t, http.StatusSeeOther)
	if n := s.count(`SELECT COUNT(*) FROM oidc_identities`); n != 0 {
		t.Fatalf("%d links left", n)
	}
}

// TestSSOInvitation: an invited person continues with a provider instead of
// a password; the account is made from the verified, invited address. A
// provider account with another address is refused and changes nothing.
func TestSSOInvitation(t *testing.T) {
	t.Parallel()
	s := newSSOApp(t, nil, false)
	app := s.app
	coord := app.addUser("coord@example.org", "Cora", account.RoleCoordinator, "en")
	p := app.newProgramAs(coord, "Spring cohort")
	cc := app.login(coord.Email)
	cc.post(programPath(p.ID)+"/invitations", url.Values{"email": {"ola@example.org"}, "name": {"Ola"}, "role": {"mentee"}, "language": {"nb"}}).
		mustStatus(t, http.StatusSeeOther)
	path, _ := app.invitationPath("ola@example.org")
	token := strings.TrimPrefix(path, "/invite/")

	anon := app.client()
	anon.get(path).mustContain(t, `formaction="/login/oidc/mock"`, `name="sso_token" value="`+token+`"`)
	form := url.Values{"purpose": {"invite"}, "sso_token": {token}}

	before := s.accountsState()
	res := s.roundTrip(app.client(), "/login/oidc/mock", form, person("o2", "someone.else@example.org", true))
	res.mustStatus(t, http.StatusForbidden)
	if after := s.accountsState(); after != before {
		t.Fatalf("wrong address changed accounts: %v -> %v", before, after)
	}

	c := app.client()
	res = s.roundTrip(c, "/login/oidc/mock", form, person("o1", "ola@example.org", true))
	res.mustStatus(t, http.StatusSeeOther)
	if loc := res.Header.Get("Location"); loc != programPath(p.ID)+"/profile" {
		t.Fatalf("went to %q", loc)
	}
	c.get("/profile").mustContain(t, "ola@example.org")
	if n := s.count(`SELECT COUNT(*) FROM participants pa JOIN users u ON u.id = pa.user_id JOIN oidc_identities i ON i.user_id = u.id
		WHERE u.email = 'ola@example.org' AND pa.program_id = ? AND i.subject = 'o1'`, p.ID); n != 1 {
		t.Fatalf("ola not enrolled and linked: %d", n)
	}
	// The invitation is used: a second round trip makes nothing.
	before = s.accountsState()
	s.roundTrip(app.client(), "/login/oidc/mock", form, person("o3", "ola2@example.org", true))
	if after := s.accountsState(); after[0] != before[0] || after[2] != before[2] {
		t.Fatalf("used invitation made an account: %v -> %v", before, after)
	}
}
