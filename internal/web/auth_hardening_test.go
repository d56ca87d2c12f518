package web

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"mentorskap/internal/account"
)

// burst sends n copies of a request at once, outside the client helpers
// (which may stop the test, only allowed on the test's own goroutine), and
// returns the answers.
func (a *testApp) burst(n int, newReq func() *http.Request) []*http.Response {
	var wg sync.WaitGroup
	out := make([]*http.Response, n)
	errs := make([]error, n)
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			req := newReq()
			<-start
			res, err := http.DefaultTransport.RoundTrip(req)
			if err == nil {
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
			}
			out[i], errs[i] = res, err
		})
	}
	close(start)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			a.t.Fatal(err)
		}
	}
	return out
}

// statuses counts answers per status and checks that every 429 says when
// to come back.
func statuses(t *testing.T, rs []*http.Response) map[int]int {
	t.Helper()
	got := map[int]int{}
	for _, r := range rs {
		got[r.StatusCode]++
		if r.StatusCode == http.StatusTooManyRequests {
			if s, err := strconv.Atoi(r.Header.Get("Retry-After")); err != nil || s <= 0 {
				t.Fatalf("429 with Retry-After %q", r.Header.Get("Retry-After"))
			}
		}
	}
	return got
}

// Wrong passwords sent all at once to the token endpoint and to the login
// form: at most the account's limit are checked (401), the rest are refused
// (429) with Retry-After, and no more hashes run at once than the gate
// allows.
func TestParallelPasswordGuessesThroughRouter(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	gate := account.NewHashGate(2*account.HashCost, time.Minute)
	app.srv.Accounts.Hashing = gate
	app.addUser("api@example.org", "Api", account.RoleMember, "en")
	app.addUser("form@example.org", "Form", account.RoleMember, "en")
	const n = 40

	got := statuses(t, app.burst(n, func() *http.Request {
		req, _ := http.NewRequest("POST", app.ts.URL+"/api/v1/tokens",
			strings.NewReader(`{"email":"api@example.org","password":"wrong password"}`))
		req.Header.Set("Content-Type", "application/json")
		return req
	}))
	if got[http.StatusUnauthorized] != account.MaxFailsPerKey || got[http.StatusTooManyRequests] != n-account.MaxFailsPerKey {
		t.Fatalf("token endpoint: %v", got)
	}

	got = statuses(t, app.burst(n, func() *http.Request {
		req, _ := http.NewRequest("POST", app.ts.URL+"/login",
			strings.NewReader(url.Values{"email": {"form@example.org"}, "password": {"wrong password"}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return req
	}))
	if got[http.StatusUnauthorized] != account.MaxFailsPerKey || got[http.StatusTooManyRequests] != n-account.MaxFailsPerKey {
		t.Fatalf("login form: %v", got)
	}
	if p := gate.Peak(); p < 1 || p > gate.Slots() {
		t.Fatalf("%d hashes ran at once, the gate allows %d", p, gate.Slots())
	}
	app.client().post("/login", url.Values{"email": {"form@example.org"}, "password": {"password-form@example.org"}}).
		mustStatus(t, http.StatusTooManyRequests)
}

// A changed password stops the API tokens too, and the profile says so
// before and after, in the person's language.
func TestPasswordChangeRevokesAPITokens(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	u := app.addUser("tokens@example.org", "Tone", account.RoleMember, "nb")
	api := app.apiClient(u.Email)
	api.get("/api/v1/me").mustStatus(t, http.StatusOK)

	c := app.login(u.Email)
	c.get("/profile").mustContain(t, app.tr("nb", "profile.password_effects"))
	c.post("/profile/password", url.Values{"current_password": {"password-" + u.Email}, "new_password": {"a-brand-new-password"}}).
		mustStatus(t, http.StatusSeeOther)
	c.get("/profile").mustContain(t, app.tr("nb", "profile.password_changed"))
	mustProblem(t, api.get("/api/v1/me"), http.StatusUnauthorized)
}

var resetPath = regexp.MustCompile(`http://mentorskap.test(/reset/\S+)`)

func (a *testApp) lastResetPath() string {
	a.t.Helper()
	var body string
	if err := a.db.QueryRow(context.Background(), `SELECT body FROM outbox ORDER BY id DESC LIMIT 1`).Scan(&body); err != nil {
		a.t.Fatal(err)
	}
	m := resetPath.FindStringSubmatch(body)
	if m == nil {
		a.t.Fatalf("no link in %q", body)
	}
	return m[1]
}

// Using a reset link ends every way in: the sessions, the API tokens and
// the other links, the older one included; the page says so beforehand.
func TestResetThroughPagesEndsEveryWayIn(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	u := app.addUser("reset@example.org", "Rut", account.RoleMember, "sv")
	browser := app.login(u.Email)
	api := app.apiClient(u.Email)
	anon := app.client()
	anon.post("/forgot", url.Values{"email": {u.Email}}).mustStatus(t, http.StatusSeeOther)
	older := app.lastResetPath()
	anon.post("/forgot", url.Values{"email": {u.Email}}).mustStatus(t, http.StatusSeeOther)
	newer := app.lastResetPath()

	anon.get(newer).mustContain(t, app.tr("en", "reset.effects")) // not logged in: the browser's language
	anon.post(newer, url.Values{"password": {"a-brand-new-password"}, "confirm": {"a-brand-new-password"}}).
		mustStatus(t, http.StatusSeeOther)
	anon.get("/").mustContain(t, app.tr("sv", "reset.done")) // logged in now: the person's language

	browser.get("/profile").mustStatus(t, http.StatusSeeOther)
	mustProblem(t, api.get("/api/v1/me"), http.StatusUnauthorized)
	anon.get(older).mustStatus(t, http.StatusNotFound)
	app.client().post(older, url.Values{"password": {"an-attacker-password"}, "confirm": {"an-attacker-password"}}).
		mustStatus(t, http.StatusNotFound)
	app.client().post("/login", url.Values{"email": {u.Email}, "password": {"a-brand-new-password"}}).
		mustStatus(t, http.StatusSeeOther)
}

// /forgot sends at most MaxResetsPerKey links per address typed and takes
// MaxResetsPerIP requests per client address, and answers the same whether
// the address has an account or not.
func TestForgotThrottledAlike(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	app.addUser("known@example.org", "Known", account.RoleMember, "en")
	c := app.client()
	refused := map[string]string{}
	for _, email := range []string{"known@example.org", "unknown@example.org"} {
		for range account.MaxResetsPerKey {
			res := c.post("/forgot", url.Values{"email": {email}})
			res.mustStatus(t, http.StatusSeeOther)
			if res.Header.Get("Location") != "/login" {
				t.Fatalf("%s: redirected to %q", email, res.Header.Get("Location"))
			}
		}
		res := c.post("/forgot", url.Values{"email": {email}})
		res.mustStatus(t, http.StatusTooManyRequests)
		res.mustContain(t, app.tr("en", "forgot.error.throttled", "minutes", int(account.ThrottleWindow/time.Minute)))
		if res.Header.Get("Retry-After") == "" {
			t.Fatal("no Retry-After")
		}
		refused[email] = strings.ReplaceAll(res.Body, email, "EMAIL")
	}
	if refused["known@example.org"] != refused["unknown@example.org"] {
		t.Fatal("the refusal differs between a known and an unknown address")
	}
	if n := apiCountRows(t, app.db, "outbox"); n != account.MaxResetsPerKey {
		t.Fatalf("%d emails sent", n)
	}
	for i := 2 * account.MaxResetsPerKey; i < account.MaxResetsPerIP; i++ {
		c.post("/forgot", url.Values{"email": {"n" + strconv.Itoa(i) + "@example.org"}}).mustStatus(t, http.StatusSeeOther)
	}
	c.post("/forgot", url.Values{"email": {"fresh@example.org"}}).mustStatus(t, http.StatusTooManyRequests)
}

// Over HTTPS the session cookie is a __Host- cookie: Secure, Path=/, no
// Domain; a cookie of the plain name is not taken for a session there. Its
// lifetime is the configured absolute one.
func TestSessionCookieHostPrefixOverHTTPS(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	app.addUser("https@example.org", "H", account.RoleMember, "en")
	app.srv.BaseURL = "https://mentorskap.test"
	app.srv.Accounts.SessionLifetime = 48 * time.Hour
	raw := func(method, path string, cookie *http.Cookie, form url.Values) *http.Response {
		req, _ := http.NewRequest(method, app.ts.URL+path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if cookie != nil {
			req.AddCookie(cookie)
		}
		res, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res
	}
	res := raw("POST", "/login", nil, url.Values{"email": {"https@example.org"}, "password": {"password-https@example.org"}})
	var session *http.Cookie
	for _, ck := range res.Cookies() {
		if strings.Contains(ck.Name, sessionCookie) {
			session = ck
		}
	}
	if session == nil || session.Name != "__Host-"+sessionCookie || !session.Secure || session.Path != "/" ||
		session.Domain != "" || !session.HttpOnly || session.MaxAge != int((48*time.Hour).Seconds()) {
		t.Fatalf("session cookie over https: %+v", session)
	}
	if r := raw("GET", "/profile", &http.Cookie{Name: session.Name, Value: session.Value}, nil); r.StatusCode != http.StatusOK {
		t.Fatalf("with the __Host- cookie: %d", r.StatusCode)
	}
	if r := raw("GET", "/profile", &http.Cookie{Name: sessionCookie, Value: session.Value}, nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("with a plain-named cookie over https: %d", r.StatusCode)
	}
	res = raw("POST", "/logout", &http.Cookie{Name: session.Name, Value: session.Value}, nil)
	cleared := false
	for _, ck := range res.Cookies() {
		cleared = cleared || ck.Name == "__Host-"+sessionCookie && ck.MaxAge < 0 && ck.Secure
	}
	if !cleared {
		t.Fatalf("logout did not clear the __Host- cookie: %v", res.Header["Set-Cookie"])
	}
}

// A browser left alone past the idle timeout is logged out; one in use
// stays in until the absolute lifetime.
func TestSessionTimeoutsThroughPages(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	app.addUser("idle@example.org", "I", account.RoleMember, "en")
	c := app.login("idle@example.org")
	app.clock.Advance(account.DefaultSessionIdle - time.Minute)
	c.get("/profile").mustStatus(t, http.StatusOK)
	app.clock.Advance(account.DefaultSessionIdle + time.Second)
	res := c.get("/profile")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login") {
		t.Fatalf("idle session: %d %s", res.StatusCode, res.Header.Get("Location"))
	}

	app.srv.Accounts.SessionIdle, app.srv.Accounts.SessionLifetime = 2*time.Hour, 5*time.Hour
	c = app.login("idle@example.org")
	for range 4 {
		app.clock.Advance(time.Hour)
		c.get("/profile").mustStatus(t, http.StatusOK)
	}
	app.clock.Advance(time.Hour)
	c.get("/profile").mustStatus(t, http.StatusSeeOther)
}
