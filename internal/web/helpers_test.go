package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"mentorskap/internal/account"
	"mentorskap/internal/agreement"
	"mentorskap/internal/clock"
	"mentorskap/internal/evaluation"
	"mentorskap/internal/goal"
	"mentorskap/internal/i18n"
	"mentorskap/internal/matching"
	"mentorskap/internal/meeting"
	"mentorskap/internal/notify"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
)

// testApp is a running server over a fresh database, driven through the
// real router.
type testApp struct {
	t      *testing.T
	srv    *Server
	ts     *httptest.Server
	db     *store.DB
	clock  *clock.Fixed
	bundle *i18n.Bundle
}

func newTestApp(t *testing.T) *testApp {
	t.Helper()
	return newTestAppDB(t, storetest.Default(t))
}

func newTestAppDB(t *testing.T, db *store.DB) *testApp {
	t.Helper()
	bundle, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	clk := clock.NewFixed(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	outbox := &notify.Outbox{Bundle: bundle, BaseURL: "http://mentorskap.test"}
	srv, err := New(&Server{
		DB: db, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Clock: clk, Bundle: bundle, Outbox: outbox,
		Accounts:   &account.Service{DB: db, Clock: clk, Outbox: outbox},
		Programs:   &program.Service{DB: db, Clock: clk, Outbox: outbox},
		Matching:   &matching.Service{DB: db, Clock: clk, Outbox: outbox},
		Agreements: &agreement.Service{DB: db, Clock: clk, Outbox: outbox},
		Meetings:   &meeting.Service{DB: db, Clock: clk, Outbox: outbox},
		Goals:      &goal.Service{DB: db, Clock: clk, Outbox: outbox},
		Evals:      &evaluation.Service{DB: db, Clock: clk, Outbox: outbox},
		BaseURL:    "http://mentorskap.test",
	})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return &testApp{t: t, srv: srv, ts: ts, db: db, clock: clk, bundle: bundle}
}

// addUser creates an account directly; password is "password-<email>".
func (a *testApp) addUser(email, name, role, lang string) *account.User {
	a.t.Helper()
	u, err := a.srv.Accounts.Create(context.Background(), account.NewUser{
		Email: email, Name: name, Password: "password-" + email, Role: role, Language: lang,
	})
	if err != nil {
		a.t.Fatal(err)
	}
	return u
}

// client is a browser: a cookie jar and no automatic redirects, so tests
// see each 303.
type client struct {
	t   *testing.T
	app *testApp
	hc  *http.Client
	// Header is sent with every request (Accept-Language, Authorization…).
	Header http.Header
}

func (a *testApp) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: a.t, app: a, Header: http.Header{}, hc: &http.Client{
		Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}}
}

// login logs in through the real form and fails the test if it does not
// redirect.
func (a *testApp) login(email string) *client {
	a.t.Helper()
	c := a.client()
	res := c.post("/login", url.Values{"email": {email}, "password": {"password-" + email}})
	if res.StatusCode != http.StatusSeeOther {
		a.t.Fatalf("login %s: status %d: %s", email, res.StatusCode, res.Body)
	}
	return c
}

type response struct {
	StatusCode int
	Header     http.Header
	Body       string
}

func (c *client) do(req *http.Request) *response {
	c.t.Helper()
	for k, v := range c.Header {
		req.Header[k] = v
	}
	res, err := c.hc.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return &response{StatusCode: res.StatusCode, Header: res.Header, Body: string(b)}
}

func (c *client) get(path string) *response {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, c.app.ts.URL+path, nil)
	return c.do(req)
}

func (c *client) post(path string, form url.Values) *response {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, c.app.ts.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

// send makes a request with a raw body and content type (JSON, CSV uploads).
func (c *client) send(method, path, contentType string, body io.Reader) *response {
	c.t.Helper()
	req, _ := http.NewRequest(method, c.app.ts.URL+path, body)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	return c.do(req)
}

// mustContain fails unless the body holds every string.
func (r *response) mustContain(t *testing.T, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(r.Body, w) {
			t.Fatalf("response (status %d) lacks %q:\n%s", r.StatusCode, w, r.Body)
		}
	}
}

func (r *response) mustStatus(t *testing.T, want int) {
	t.Helper()
	if r.StatusCode != want {
		t.Fatalf("status %d, want %d:\n%s", r.StatusCode, want, r.Body)
	}
}
