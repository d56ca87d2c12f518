package web

import (
	"context"
	"encoding/base32"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"mentorskap/internal/account"
)

// securityCode is the code an authenticator app shows now for a person's
// secret.
func securityCode(t *testing.T, app *testApp, secret string) string {
	t.Helper()
	key, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(secret)
	if err != nil {
		t.Fatal(err)
	}
	return account.TOTPCode(key, app.clock.Now().Unix()/30, 6)
}

func securitySecret(t *testing.T, app *testApp, userID int64) string {
	t.Helper()
	st, err := app.srv.Accounts.TOTPStatus(context.Background(), userID)
	if err != nil || st.PendingSecret == "" {
		t.Fatalf("no pending secret: %+v %v", st, err)
	}
	return st.PendingSecret
}

// securityEnrol turns two-factor login on through the pages and returns the
// secret and recovery codes.
func securityEnrol(t *testing.T, app *testApp, c *client, u *account.User) (string, []string) {
	t.Helper()
	c.post("/profile/security/totp", nil).mustStatus(t, http.StatusSeeOther)
	secret := securitySecret(t, app, u.ID)
	page := c.get("/profile/security")
	page.mustStatus(t, http.StatusOK)
	page.mustContain(t, secret[:4]+" "+secret[4:8], html.EscapeString(account.TOTPURI(secret, u.Email)))
	res := c.post("/profile/security/totp/confirm", url.Values{"code": {securityCode(t, app, secret)}})
	res.mustStatus(t, http.StatusOK)
	var codes []string
	for _, part := range strings.Split(res.Body, `<code class="secret">`)[1:] {
		codes = append(codes, part[:strings.Index(part, "<")])
	}
	if len(codes) != account.RecoveryCodes {
		t.Fatalf("recovery codes shown: %v", codes)
	}
	return secret, codes
}

func sessionValue(t *testing.T, app *testApp, c *client) string {
	t.Helper()
	u, _ := url.Parse(app.ts.URL)
	for _, k := range c.hc.Jar.Cookies(u) {
		if k.Name == sessionCookie {
			return k.Value
		}
	}
	return ""
}

func TestSecurityTwoFactorPages(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	u := app.addUser("ana@example.org", "Ana", account.RoleMember, "en")
	other := app.addUser("bo@example.org", "Bo", account.RoleMember, "nb")

	app.client().get("/profile/security").mustStatus(t, http.StatusSeeOther)

	c := app.login("ana@example.org")
	res := c.get("/profile/security")
	res.mustStatus(t, http.StatusOK)
	res.mustContain(t, app.tr("en", "security.enrol.start"))

	// A wrong confirmation code changes nothing.
	c.post("/profile/security/totp", nil).mustStatus(t, http.StatusSeeOther)
	secret := securitySecret(t, app, u.ID)
	wrong := "000000"
	if securityCode(t, app, secret) == wrong {
		wrong = "111111"
	}
	res = c.post("/profile/security/totp/confirm", url.Values{"code": {wrong}})
	res.mustStatus(t, http.StatusUnprocessableEntity)
	res.mustContain(t, html.EscapeString(app.tr("en", "totp.error.code_wrong")))
	if on, _ := account.TOTPEnabled(context.Background(), app.db, u.ID); on {
		t.Fatal("on after a wrong code")
	}
	secret, codes := securityEnrol(t, app, c, u)

	// Someone else's security page shows their own state only.
	app.login("bo@example.org").get("/profile/security").mustContain(t, app.tr("nb", "security.enrol.start"))
	_ = other

	// Logging in now takes the code.
	c2 := app.client()
	res = c2.post("/login", url.Values{"email": {"ana@example.org"}, "password": {"password-ana@example.org"}, "next": {"/profile"}})
	res.mustStatus(t, http.StatusSeeOther)
	if loc := res.Header.Get("Location"); !strings.HasPrefix(loc, "/login/code") {
		t.Fatalf("login went to %q", loc)
	}
	if sessionValue(t, app, c2) != "" {
		t.Fatal("a session before the code")
	}
	c2.get("/profile").mustStatus(t, http.StatusSeeOther)
	c2.get("/login/code?next=%2Fprofile").mustContain(t, app.tr("en", "totp.login.title"), `value="/profile"`)
	res = c2.post("/login/code", url.Values{"code": {"12345"}, "next": {"/profile"}})
	res.mustStatus(t, http.StatusUnauthorized)
	res.mustContain(t, html.EscapeString(app.tr("en", "totp.error.code_wrong")))
	app.clock.Advance(30 * time.Second)
	res = c2.post("/login/code", url.Values{"code": {securityCode(t, app, secret)}, "next": {"/profile"}})
	res.mustStatus(t, http.StatusSeeOther)
	if res.Header.Get("Location") != "/profile" {
		t.Fatalf("after code: %q", res.Header.Get("Location"))
	}
	c2.get("/profile").mustStatus(t, http.StatusOK)

	// A recovery code logs in once.
	c3 := app.client()
	c3.post("/login", url.Values{"email": {"ana@example.org"}, "password": {"password-ana@example.org"}}).mustStatus(t, http.StatusSeeOther)
	c3.post("/login/code", url.Values{"code": {codes[3]}}).mustStatus(t, http.StatusSeeOther)
	c4 := app.client()
	c4.post("/login", url.Values{"email": {"ana@example.org"}, "password": {"password-ana@example.org"}}).mustStatus(t, http.StatusSeeOther)
	c4.post("/login/code", url.Values{"code": {codes[3]}}).mustStatus(t, http.StatusUnauthorized)

	// The pending login expires.
	app.clock.Advance(account.ChallengeTTL + time.Minute)
	res = c4.post("/login/code", url.Values{"code": {securityCode(t, app, secret)}})
	res.mustStatus(t, http.StatusSeeOther)
	if res.Header.Get("Location") != "/login" {
		t.Fatalf("expired challenge went to %q", res.Header.Get("Location"))
	}
	// No cookie at all: back to the login form.
	app.client().get("/login/code").mustStatus(t, http.StatusSeeOther)

	// A reset link does not stand in for the code.
	token, hash := account.NewToken()
	if _, err := app.db.Exec(context.Background(), `INSERT INTO password_resets (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)`,
		hash, u.ID, app.clock.Now(), app.clock.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	rc := app.client()
	res = rc.post("/reset/"+token, url.Values{"password": {"password-ana@example.org"}, "confirm": {"password-ana@example.org"}})
	res.mustStatus(t, http.StatusSeeOther)
	if res.Header.Get("Location") != "/login" || sessionValue(t, app, rc) != "" {
		t.Fatalf("reset with 2FA on went to %q with a session", res.Header.Get("Location"))
	}
	c2.get("/profile").mustStatus(t, http.StatusSeeOther)
	c = app.client()
	c.post("/login", url.Values{"email": {"ana@example.org"}, "password": {"password-ana@example.org"}}).mustStatus(t, http.StatusSeeOther)
	app.clock.Advance(30 * time.Second)
	c.post("/login/code", url.Values{"code": {securityCode(t, app, secret)}}).mustStatus(t, http.StatusSeeOther)

	// Turning it off takes password and code.
	res = c.post("/profile/security/totp/disable", url.Values{"password": {"nope"}, "code": {securityCode(t, app, secret)}})
	res.mustStatus(t, http.StatusUnprocessableEntity)
	if strings.Contains(res.Body, `value="nope"`) {
		t.Fatal("password echoed")
	}
	app.clock.Advance(30 * time.Second)
	c.post("/profile/security/totp/disable", url.Values{"password": {"password-ana@example.org"}, "code": {securityCode(t, app, secret)}}).mustStatus(t, http.StatusSeeOther)
	app.login("ana@example.org")
}

func TestSecurityTwoFactorAPI(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	u := app.addUser("ana@example.org", "Ana", account.RoleMember, "en")
	c := app.apiClient("ana@example.org")
	apiDecode[map[string]any](t, c.send("GET", "/api/v1/me/two-factor", "", nil), http.StatusOK)
	anon := app.client()
	anon.apiSend("POST", "/api/v1/me/two-factor", nil).mustStatus(t, http.StatusUnauthorized)

	begun := apiDecode[map[string]string](t, c.apiSend("POST", "/api/v1/me/two-factor", nil), http.StatusCreated)
	if begun["uri"] != account.TOTPURI(begun["secret"], u.Email) {
		t.Fatalf("begin: %v", begun)
	}
	c.apiSend("POST", "/api/v1/me/two-factor/confirm", map[string]string{"code": "abc"}).mustStatus(t, http.StatusUnprocessableEntity)
	got := apiDecode[map[string][]string](t, c.apiSend("POST", "/api/v1/me/two-factor/confirm", map[string]string{"code": securityCode(t, app, begun["secret"])}), http.StatusOK)
	if len(got["recovery_codes"]) != account.RecoveryCodes {
		t.Fatalf("codes: %v", got)
	}
	c.apiSend("POST", "/api/v1/me/two-factor", nil).mustStatus(t, http.StatusConflict)
	st := apiDecode[map[string]any](t, c.send("GET", "/api/v1/me/two-factor", "", nil), http.StatusOK)
	if st["enabled"] != true || st["recovery_codes_left"] != float64(account.RecoveryCodes) {
		t.Fatalf("status: %v", st)
	}

	// Tokens now need the code too.
	creds := map[string]string{"email": "ana@example.org", "password": "password-ana@example.org"}
	res := app.client().apiSend("POST", "/api/v1/tokens", creds)
	res.mustStatus(t, http.StatusUnauthorized)
	res.mustContain(t, app.tr("en", "totp.error.code_required"))
	creds["code"] = "999999"
	app.client().apiSend("POST", "/api/v1/tokens", creds).mustStatus(t, http.StatusUnauthorized)
	app.clock.Advance(30 * time.Second)
	creds["code"] = securityCode(t, app, begun["secret"])
	apiDecode[map[string]string](t, app.client().apiSend("POST", "/api/v1/tokens", creds), http.StatusCreated)

	c.apiSend("POST", "/api/v1/me/two-factor/disable", map[string]string{"password": "password-ana@example.org", "code": "000000x"}).mustStatus(t, http.StatusUnprocessableEntity)
	c.apiSend("POST", "/api/v1/me/two-factor/disable", map[string]string{"password": "password-ana@example.org", "code": got["recovery_codes"][0]}).mustStatus(t, http.StatusNoContent)
	c.apiSend("POST", "/api/v1/me/two-factor/disable", map[string]string{"password": "password-ana@example.org", "code": got["recovery_codes"][1]}).mustStatus(t, http.StatusConflict)
}

// securityVariant runs a second server over the same database with other
// settings; copying before New keeps the running one untouched.
func securityVariant(t *testing.T, app *testApp, change func(*Server)) *testApp {
	t.Helper()
	cfg := *app.srv
	change(&cfg)
	srv, err := New(&cfg)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return &testApp{t: t, srv: srv, ts: ts, db: app.db, clock: app.clock, bundle: app.bundle}
}

func TestSecurityRequireAdmin2FA(t *testing.T) {
	t.Parallel()
	base := newTestApp(t)
	admin := base.addUser("root@example.org", "Root", account.RoleAdmin, "sv")
	base.addUser("m@example.org", "M", account.RoleMember, "en")
	app := securityVariant(t, base, func(s *Server) { s.RequireAdmin2FA = true })

	c := app.login("root@example.org")
	for _, p := range []string{"/", "/admin", "/profile", "/programs"} {
		res := c.get(p)
		res.mustStatus(t, http.StatusSeeOther)
		if res.Header.Get("Location") != "/profile/security" {
			t.Fatalf("%s went to %q", p, res.Header.Get("Location"))
		}
	}
	c.get("/profile/security").mustContain(t, app.tr("sv", "security.admin_required"))
	tok, err := app.srv.Accounts.IssueToken(context.Background(), admin.ID, "t")
	if err != nil {
		t.Fatal(err)
	}
	api := app.client()
	api.Header.Set("Authorization", "Bearer "+tok)
	res := api.send("GET", "/api/v1/me", "", nil)
	res.mustStatus(t, http.StatusForbidden)
	res.mustContain(t, app.tr("sv", "security.error.admin_required"))
	// Members are not held.
	app.login("m@example.org").get("/profile").mustStatus(t, http.StatusOK)
	// The same admin is free on an installation that does not demand it.
	base.login("root@example.org").get("/profile").mustStatus(t, http.StatusOK)

	securityEnrol(t, app, c, admin)
	c.get("/profile").mustStatus(t, http.StatusOK)
	api.send("GET", "/api/v1/me", "", nil).mustStatus(t, http.StatusOK)
}

// Sessions: a new one at every login, never one the visitor brought, and
// others ended by a password change or reset.
func TestSecuritySessions(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	u := app.addUser("ana@example.org", "Ana", account.RoleMember, "en")

	// A planted session id is not adopted at login.
	c := app.client()
	site, _ := url.Parse(app.ts.URL)
	c.hc.Jar.SetCookies(site, []*http.Cookie{{Name: sessionCookie, Value: "attacker-chosen", Path: "/"}})
	c.post("/login", url.Values{"email": {"ana@example.org"}, "password": {"password-ana@example.org"}}).mustStatus(t, http.StatusSeeOther)
	first := sessionValue(t, app, c)
	if first == "" || first == "attacker-chosen" {
		t.Fatalf("session after login: %q", first)
	}
	c.post("/login", url.Values{"email": {"ana@example.org"}, "password": {"password-ana@example.org"}}).mustStatus(t, http.StatusSeeOther)
	if again := sessionValue(t, app, c); again == first || again == "" {
		t.Fatal("login reused the session id")
	}

	a, b := app.login("ana@example.org"), app.login("ana@example.org")
	a.post("/profile/password", url.Values{"current_password": {"password-ana@example.org"}, "new_password": {"a-brand-new-password"}}).mustStatus(t, http.StatusSeeOther)
	a.get("/profile").mustStatus(t, http.StatusOK)
	b.get("/profile").mustStatus(t, http.StatusSeeOther)
	c.get("/profile").mustStatus(t, http.StatusSeeOther)

	// A reset ends every session, the one it was asked from included.
	token, hash := account.NewToken()
	if _, err := app.db.Exec(context.Background(), `INSERT INTO password_resets (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)`,
		hash, u.ID, app.clock.Now(), app.clock.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	r := app.client()
	r.post("/reset/"+token, url.Values{"password": {"third-password-here"}, "confirm": {"third-password-here"}}).mustStatus(t, http.StatusSeeOther)
	a.get("/profile").mustStatus(t, http.StatusSeeOther)
	r.get("/profile").mustStatus(t, http.StatusOK)
}

// Every response, page, API, static file or error, carries the security
// headers; HSTS only when the request came over HTTPS.
func TestSecurityHeadersEverywhere(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	app.addUser("ana@example.org", "Ana", account.RoleMember, "en")
	c := app.login("ana@example.org")
	api := app.apiClient("ana@example.org")
	check := func(name string, res *response, hsts bool) {
		t.Helper()
		h := res.Header
		csp := h.Get("Content-Security-Policy")
		if csp == "" || strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "frame-ancestors 'none'") {
			t.Errorf("%s: CSP %q", name, csp)
		}
		if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") == "" {
			t.Errorf("%s: headers %v", name, h)
		}
		if got := h.Get("Strict-Transport-Security") != ""; got != hsts {
			t.Errorf("%s: HSTS %v, want %v", name, got, hsts)
		}
	}
	for _, p := range []string{"/", "/profile", "/profile/security", "/programs", "/no/such/page", "/static/app.css"} {
		check(p, c.get(p), false)
	}
	for _, p := range []string{"/login", "/forgot", "/healthz"} {
		check(p, app.client().get(p), false)
	}
	for _, p := range []string{"/api/v1/me", "/api/v1/me/two-factor", "/api/v1/programs", "/api/v1/nothing"} {
		check(p, api.send("GET", p, "", nil), false)
	}
	check("anonymous api", app.client().send("GET", "/api/v1/me", "", nil), false)

	// A forged X-Forwarded-Proto is ignored unless the proxy is trusted.
	forged := app.client()
	forged.Header.Set("X-Forwarded-Proto", "https")
	check("untrusted proxy", forged.get("/login"), false)
	proxied := securityVariant(t, app, func(s *Server) { s.TrustProxy = true })
	pc := proxied.client()
	pc.Header.Set("X-Forwarded-Proto", "https")
	check("trusted proxy", pc.get("/login"), true)
	check("trusted proxy, plain", proxied.client().get("/login"), false)

	tlsSrv := httptest.NewTLSServer(app.srv)
	t.Cleanup(tlsSrv.Close)
	res, err := tlsSrv.Client().Get(tlsSrv.URL + "/login")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	check("tls", &response{StatusCode: res.StatusCode, Header: res.Header}, true)
}
