package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"mentorskap/internal/account"
	"mentorskap/internal/agreement"
	"mentorskap/internal/api"
	"mentorskap/internal/api/apitest"
	"mentorskap/internal/brand"
	"mentorskap/internal/clock"
	"mentorskap/internal/demo"
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
	v1     *api.API // the API the server mounts
	ts     *httptest.Server
	db     *store.DB
	clock  *clock.Fixed
	bundle *i18n.Bundle
}

// testEpoch is when every test app's clock starts.
var testEpoch = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// demoSnapshot is a SQLite database file with the demo seeded at testEpoch,
// made by the first test that asks for it: seeding the demo costs about a
// second of CPU under the race detector, copying the file nothing.
var demoSnapshot struct {
	sync.Mutex
	file []byte
	res  *demo.Result
}

// demoSQLite returns a SQLite database of its own holding the demo as
// demo.Seed leaves it when the clock reads testEpoch, and what Seed
// returned (shared: read it, do not change it).
func demoSQLite(t *testing.T) (*store.DB, *demo.Result) {
	t.Helper()
	ctx := context.Background()
	demoSnapshot.Lock()
	defer demoSnapshot.Unlock()
	if demoSnapshot.file == nil {
		db := storetest.SQLite(t)
		res, err := demo.Seed(ctx, db, clock.NewFixed(testEpoch))
		if err != nil {
			t.Fatal(err)
		}
		dir, err := os.MkdirTemp("", "mentorskap-demo-")
		if err != nil {
			t.Fatal(err)
		}
		defer os.RemoveAll(dir)
		path := filepath.Join(dir, "demo.db")
		if _, err := db.Exec(ctx, `VACUUM INTO '`+path+`'`); err != nil {
			t.Fatal(err)
		}
		if demoSnapshot.file, err = os.ReadFile(path); err != nil {
			t.Fatal(err)
		}
		demoSnapshot.res = res
	}
	path := filepath.Join(t.TempDir(), "demo.db")
	if err := os.WriteFile(path, demoSnapshot.file, 0o600); err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db, demoSnapshot.res
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
	clk := clock.NewFixed(testEpoch)
	outbox := &notify.Outbox{Bundle: bundle, BaseURL: "http://mentorskap.test"}
	wa, err := account.NewWebAuthn("http://mentorskap.test")
	if err != nil {
		t.Fatal(err)
	}
	accounts := &account.Service{DB: db, Clock: clk, Outbox: outbox, WebAuthn: wa}
	programs := &program.Service{DB: db, Clock: clk, Outbox: outbox}
	matchingSvc := &matching.Service{DB: db, Clock: clk, Outbox: outbox}
	agreements := &agreement.Service{DB: db, Clock: clk, Outbox: outbox}
	meetings := &meeting.Service{DB: db, Clock: clk, Outbox: outbox}
	goals := &goal.Service{DB: db, Clock: clk, Outbox: outbox}
	evals := &evaluation.Service{DB: db, Clock: clk, Outbox: outbox}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	brandCache := new(brand.Cache)
	v1 := &api.API{
		DB: db, Log: log, Clock: clk, Bundle: bundle, Outbox: outbox, BaseURL: "http://mentorskap.test",
		Accounts: accounts, Programs: programs, Matching: matchingSvc, Agreements: agreements,
		Meetings: meetings, Goals: goals, Evals: evals, Brand: brandCache,
	}
	srv, err := New(&Server{
		DB: db, Log: log, Clock: clk, Bundle: bundle, Outbox: outbox,
		Accounts: accounts, Programs: programs, Matching: matchingSvc, Agreements: agreements,
		Meetings: meetings, Goals: goals, Evals: evals,
		BaseURL: "http://mentorskap.test", API: v1, Brand: brandCache,
	})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return &testApp{t: t, srv: srv, v1: v1, ts: ts, db: db, clock: clk, bundle: bundle}
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

// pairedProgram gives coord a program with mentor and mentee paired and
// other enrolled beside them, and gives otherCoord a program of their own:
// the people a role matrix asks about around one pair.
func (a *testApp) pairedProgram(name string, coord, mentor, mentee, other *account.User, otherName string, otherCoord *account.User) (*program.Program, *program.Pair) {
	a.t.Helper()
	prog := a.newProgramAs(coord, name)
	a.newProgramAs(otherCoord, otherName)
	a.enrol(prog.ID, mentor, "mentor", program.StatusApproved)
	a.enrol(prog.ID, mentee, "mentee", program.StatusApproved)
	a.enrol(prog.ID, other, "mentee", program.StatusApproved)
	pair, err := a.srv.Programs.CreatePair(context.Background(), coord, prog.ID, []int64{mentor.ID}, []int64{mentee.ID})
	if err != nil {
		a.t.Fatal(err)
	}
	return prog, pair
}

// roleMatrix is one program with a pair and everyone a role matrix needs,
// each with a logged-in client: both sides, another participant, the
// coordinator, a coordinator of another program and an administrator.
type roleMatrix struct {
	app                                             *testApp
	prog                                            *program.Program
	pair                                            *program.Pair
	coord, admin, otherCoord, mentor, mentee, other *account.User
	anon, cMentor, cMentee, cOther, cCoord          *client
	cOtherCoord, cAdmin                             *client
	pairPath                                        string // /pairs/{id}
}

// newRoleMatrix sets one up; the mentor's name and the two sides'
// languages are what the tests that use it read back.
func newRoleMatrix(t *testing.T, mentorName, mentorLang, menteeLang string) roleMatrix {
	t.Helper()
	app := newTestApp(t)
	f := roleMatrix{app: app}
	f.coord = app.addUser("coord@example.org", "Kari Koordinator", account.RoleCoordinator, "nb")
	f.admin = app.addUser("admin@example.org", "Ada Admin", account.RoleAdmin, "en")
	f.otherCoord = app.addUser("coord2@example.org", "Olle Samordnare", account.RoleCoordinator, "sv")
	f.mentor = app.addUser("mentor@example.org", mentorName, account.RoleMember, mentorLang)
	f.mentee = app.addUser("mentee@example.org", "Dewi Lestari", account.RoleMember, menteeLang)
	f.other = app.addUser("other@example.org", "Per Persson", account.RoleMember, "sv")
	f.prog, f.pair = app.pairedProgram("Ny i arbeidslivet", f.coord, f.mentor, f.mentee, f.other, "Ett annat program", f.otherCoord)
	f.pairPath = "/pairs/" + pid(f.pair.ID)
	f.anon = app.client()
	f.cMentor, f.cMentee, f.cOther = app.login(f.mentor.Email), app.login(f.mentee.Email), app.login(f.other.Email)
	f.cCoord, f.cOtherCoord, f.cAdmin = app.login(f.coord.Email), app.login(f.otherCoord.Email), app.login(f.admin.Email)
	return f
}

// scene is a program with one pair, another participant, the program's
// coordinator, a coordinator of another program ("alien") and an
// administrator, all writing English but the mentor, who writes
// mentorLang.
type scene struct {
	prog                  *program.Program
	coord, alien, admin   *account.User
	mentor, mentee, other *account.User
	pair                  *program.Pair
}

func newScene(t *testing.T, app *testApp, name, mentorLang string) scene {
	t.Helper()
	var s scene
	s.coord = app.addUser("coord@example.org", "Cora Coordinator", account.RoleCoordinator, "en")
	s.alien = app.addUser("alien@example.org", "Al Alien", account.RoleCoordinator, "en")
	s.admin = app.addUser("admin@example.org", "Ada Admin", account.RoleAdmin, "en")
	s.mentor = app.addUser("mentor@example.org", "Max Mentor", account.RoleMember, mentorLang)
	s.mentee = app.addUser("mentee@example.org", "Mia Mentee", account.RoleMember, "en")
	s.other = app.addUser("other@example.org", "Ola Other", account.RoleMember, "en")
	s.prog, s.pair = app.pairedProgram(name, s.coord, s.mentor, s.mentee, s.other, "Other cohort", s.alien)
	return s
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
		Jar:       jar,
		Transport: apitest.Transport{T: a.t, Next: http.DefaultTransport, Doc: api.OpenAPIDocument()},
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
