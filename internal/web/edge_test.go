package web

import (
	"context"
	"html"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"mentorskap/internal/account"
	"mentorskap/internal/audit"
	"mentorskap/internal/httpx"
	"mentorskap/internal/notify"
)

// hostileNext are return paths that a browser would follow off the site, or
// that are not plain paths on it.
var hostileNext = []string{
	"/\t/evil.example",
	"/\n/evil.example",
	"/\r\n/evil.example",
	"//evil.example",
	"///evil.example",
	"/\\evil.example",
	"\\\\evil.example",
	"/\\/evil.example",
	"https://evil.example/",
	"http:/evil.example",
	"javascript:alert(1)",
	"evil.example",
	" /pairs",
	"/%2F/evil.example",
	"/%2f%2fevil.example",
	"/%5Cevil.example",
	"/%09/evil.example",
	"/.//evil.example",
	"/pairs/../../evil",
	"/\x7f/evil.example",
	"/\u3000/evil.example",
	"/\u2028/evil.example",
	"https:evil.example",
	"",
}

func TestSafeNextTable(t *testing.T) {
	t.Parallel()
	for _, v := range append(hostileNext, "/x\x00y") {
		if got := safeNext(v); got != "/" {
			t.Errorf("safeNext(%q) = %q, want /", v, got)
		}
	}
	for _, v := range []string{"/", "/pairs/4", "/pairs/4/meetings?tab=past#m-3", "/programs/2/", "/join/abc-DEF_1", "/search?q=a%2Fb"} {
		if got := safeNext(v); got != v {
			t.Errorf("safeNext(%q) = %q, want it kept", v, got)
		}
	}
}

// Every place that takes a return path sends hostile ones home: the login
// page for someone already logged in, the login form, and the language
// switch.
func TestOpenRedirectRefused(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	app.addUser("ana@example.org", "Ana", "member", "en")
	in := app.login("ana@example.org")
	anon := app.client()
	for _, v := range append(hostileNext, "/\t/evil.example") {
		checks := map[string]*response{
			"GET /login":     in.get("/login?next=" + url.QueryEscape(v)),
			"POST /language": anon.post("/language", url.Values{"lang": {"nb"}, "next": {v}}),
			"POST /login": app.client().post("/login", url.Values{"email": {"ana@example.org"},
				"password": {"password-ana@example.org"}, "next": {v}}),
		}
		for where, res := range checks {
			if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/" {
				t.Errorf("%s next=%q: %d Location %q, want 303 to /", where, v, res.StatusCode, res.Header.Get("Location"))
			}
		}
		// The login form does not carry the hostile value on.
		res := anon.get("/login?next=" + url.QueryEscape(v))
		if !strings.Contains(res.Body, `name="next" value="/"`) {
			t.Errorf("login form keeps next=%q", v)
		}
	}
	// The raw probe: a tab, percent-encoded in the query.
	res := in.get("/login?next=/%09/evil.example")
	if loc := res.Header.Get("Location"); loc != "/" {
		t.Fatalf("next=/%%09/evil.example: Location %q", loc)
	}
	// A plain path on the site still works.
	res = in.get("/login?next=" + url.QueryEscape("/profile?x=1"))
	if loc := res.Header.Get("Location"); loc != "/profile?x=1" {
		t.Fatalf("Location %q, want /profile?x=1", loc)
	}
}

// rawGet sends path exactly as written, as curl --path-as-is does.
func (c *client) rawGet(path string) *response {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodGet, c.app.ts.URL, nil)
	if err != nil {
		c.t.Fatal(err)
	}
	req.URL.Opaque = path // sent on the request line untouched
	return c.do(req)
}

// A path that is not in its canonical form is never routed: it is
// redirected to the canonical path (GET) or refused, and no access-log
// row is written for it, whoever asks.
func TestNonCanonicalPathsNotAudited(t *testing.T) {
	t.Parallel()
	f := newEndingFixture(t)
	app := f.app
	id := pid(f.pair.ID)
	other := app.apiClient(f.other.Email)
	variants := []string{
		"/pairs/" + id + "/./messages",
		"/pairs/" + id + "/%2e/messages",
		"/pairs/" + id + "/%2E/messages",
		"//pairs/" + id + "/messages",
		"/pairs//" + id + "/messages",
		"/pairs/" + id + "/x/../messages",
		"/pairs/" + id + "/x/%2e%2e/messages",
		"/pairs%2F" + id + "/messages",
		"/api/v1/pairs/" + id + "/./messages",
		"/api/v1/pairs/" + id + "/%2e/home",
		"/api/v1//pairs/" + id + "/home",
		"/pairs/" + id + "/.",
	}
	for _, c := range []*client{other, f.cOther, f.cOtherCoord, f.cCoord, f.cAdmin} {
		for _, p := range variants {
			res := c.rawGet(p)
			switch res.StatusCode {
			case http.StatusMovedPermanently, http.StatusPermanentRedirect:
				loc := res.Header.Get("Location")
				if strings.Contains(loc, "/.") || strings.Contains(loc, "//") || strings.Contains(strings.ToLower(loc), "%2") {
					t.Errorf("%s redirected to %q", p, loc)
				}
			case http.StatusNotFound, http.StatusBadRequest:
			default:
				t.Errorf("%s: status %d, want a redirect or a refusal", p, res.StatusCode)
			}
		}
	}
	var n int
	app.db.QueryRow(context.Background(), `SELECT COUNT(*) FROM audit_log`).Scan(&n)
	if n != 0 {
		t.Fatalf("non-canonical paths wrote %d access-log rows", n)
	}

	// Following the redirect, the coordinator's visit is logged once, for
	// the canonical path.
	res := f.cCoord.rawGet("/pairs/" + id + "/.")
	loc := res.Header.Get("Location")
	if loc != "/pairs/"+id {
		t.Fatalf("Location %q", loc)
	}
	f.cCoord.get(loc).mustStatus(t, http.StatusOK)
	if n := auditRows(t, app, f.coord.ID, audit.ActionPairView); n != 1 {
		t.Fatalf("%d rows, want 1", n)
	}
	var detail string
	app.db.QueryRow(context.Background(), `SELECT detail FROM audit_log`).Scan(&detail)
	if detail != "GET /pairs/"+id {
		t.Fatalf("detail %q", detail)
	}
}

// An answer that is not a success (a redirect that shows nothing) writes
// no row, and neither does a success for someone who may not see the pair.
func TestAuditOnlyAfterAuthorization(t *testing.T) {
	t.Parallel()
	f := newEndingFixture(t)
	app := f.app
	id := f.pair.ID
	serve := func(code int, u *account.User, path string) {
		h := app.srv.auditAccess(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(code)
		}))
		h.ServeHTTP(httptest.NewRecorder(), httpx.WithUser(httptest.NewRequest("GET", path, nil), u))
	}
	// A redirect is not an access.
	serve(http.StatusTemporaryRedirect, f.coord, "/pairs/"+pid(id))
	serve(http.StatusMovedPermanently, f.coord, "/pairs/"+pid(id))
	// Strangers to the pair did not see it, whatever the status says.
	serve(http.StatusOK, f.other, "/pairs/"+pid(id))
	serve(http.StatusOK, f.otherCoord, "/api/v1/pairs/"+pid(id)+"/home")
	var n int
	app.db.QueryRow(context.Background(), `SELECT COUNT(*) FROM audit_log`).Scan(&n)
	if n != 0 {
		t.Fatalf("%d rows written", n)
	}
	serve(http.StatusOK, f.coord, "/pairs/"+pid(id))
	if n := auditRows(t, app, f.coord.ID, audit.ActionPairView); n != 1 {
		t.Fatalf("%d rows, want 1", n)
	}
}

// What is wrong with a request body decides the status: too large 413,
// not JSON at all 400, declared as something else 415, JSON that does not
// fit 422 naming the field. Each is a translated problem document, and
// nothing changes.
func TestAPIBodyErrors(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	ana := app.addUser("ana@example.org", "Ana", "member", "nb")
	api := app.apiClient(ana.Email)
	nb := func(key string, args ...any) string { return app.tr("nb", key, args...) }
	patch := func(ct, body string) *response {
		return api.send("PATCH", "/api/v1/me", ct, strings.NewReader(body))
	}

	p := mustProblem(t, patch("application/json", `{"name":"`+strings.Repeat("a", 2<<20)+`"}`), http.StatusRequestEntityTooLarge)
	if p.Detail != nb("error.too_large", "max", 1024) {
		t.Errorf("413 detail %q", p.Detail)
	}
	for _, body := range []string{`{"name":`, `{"name" "x"}`, `nonsense`, `{"name":"a"}{"name":"b"}`, ``} {
		p := mustProblem(t, patch("application/json", body), http.StatusBadRequest)
		if p.Detail != nb("error.bad_json") {
			t.Errorf("%q: detail %q", body, p.Detail)
		}
	}
	for _, ct := range []string{"application/x-www-form-urlencoded", "text/plain", "", "multipart/form-data; boundary=x"} {
		p := mustProblem(t, patch(ct, `{"name":"Changed"}`), http.StatusUnsupportedMediaType)
		if p.Detail != nb("api.error.content_type") {
			t.Errorf("%q: detail %q", ct, p.Detail)
		}
	}
	p = mustProblem(t, patch("application/json", `{"nme":"Changed"}`), http.StatusUnprocessableEntity)
	if p.Detail != nb("api.error.unknown_field", "field", "nme") || p.Errors["nme"] == "" {
		t.Errorf("unknown field: %+v", p)
	}
	p = mustProblem(t, patch("application/json", `{"name":1}`), http.StatusUnprocessableEntity)
	if p.Errors["name"] != nb("api.error.json_type", "type", "string") {
		t.Errorf("wrong type: %+v", p)
	}
	mustProblem(t, patch("application/json", `["Changed"]`), http.StatusUnprocessableEntity)

	var name string
	app.db.QueryRow(context.Background(), `SELECT name FROM users WHERE id = ?`, ana.ID).Scan(&name)
	if name != "Ana" {
		t.Fatalf("a refused request changed the name to %q", name)
	}
	// A JSON media type with parameters or a +json suffix is JSON.
	apiDecode[map[string]any](t, patch("application/json; charset=utf-8", `{"name":"Ana B"}`), http.StatusOK)
	apiDecode[map[string]any](t, patch("application/merge-patch+json", `{"name":"Ana C"}`), http.StatusOK)

	// An oversized form post is 413 too, on a translated page.
	c := app.login(ana.Email)
	res := c.post("/profile", url.Values{"name": {strings.Repeat("a", 2<<20)}, "language": {"nb"}, "timezone": {"UTC"}})
	res.mustStatus(t, http.StatusRequestEntityTooLarge)
	res.mustContain(t, html.EscapeString(nb("error.too_large", "max", 1024)))
}

// Behind trusted proxies the client is the address the proxies appended,
// counted from the right; what the client wrote to the left is ignored.
func TestTrustProxyHops(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	req := func(remote string, xff ...string) *http.Request {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = remote
		for _, v := range xff {
			r.Header.Add("X-Forwarded-For", v)
		}
		return r
	}
	cases := []struct {
		trust bool
		hops  int
		r     *http.Request
		want  string
	}{
		{false, 0, req("10.0.0.1:5000", "1.2.3.4"), "10.0.0.1"},
		{true, 0, req("10.0.0.1:5000"), "10.0.0.1"},
		{true, 0, req("10.0.0.1:5000", "203.0.113.7"), "203.0.113.7"},
		// The client forged the first entry; the proxy appended the truth.
		{true, 0, req("10.0.0.1:5000", "6.6.6.6, 203.0.113.7"), "203.0.113.7"},
		{true, 1, req("10.0.0.1:5000", "6.6.6.6", "203.0.113.7"), "203.0.113.7"},
		// Two proxies: a CDN wrote the client, our proxy wrote the CDN.
		{true, 2, req("10.0.0.1:5000", "6.6.6.6, 203.0.113.7, 198.51.100.2"), "203.0.113.7"},
		{true, 2, req("10.0.0.1:5000", "203.0.113.7"), "203.0.113.7"},
		{true, 1, req("[2001:db8::1]:5000", "2001:db8::7"), "2001:db8::7"},
		{true, 1, req("10.0.0.1:5000", "203.0.113.7:41000"), "203.0.113.7"},
		{true, 1, req("10.0.0.1:5000", "6.6.6.6, not-an-address"), "10.0.0.1"},
	}
	for i, c := range cases {
		s := *app.srv
		s.TrustProxy, s.TrustProxyHops = c.trust, c.hops
		if got := s.clientIP(c.r); got != c.want {
			t.Errorf("case %d: %q, want %q", i, got, c.want)
		}
	}

	// Through the router: a failed login behind the proxy counts against
	// the address the proxy appended, not the one the client wrote.
	app.addUser("ana@example.org", "Ana", "member", "en")
	proxied := securityVariant(t, app, func(s *Server) { s.TrustProxy = true })
	c := proxied.client()
	c.Header.Set("X-Forwarded-For", "6.6.6.6, 203.0.113.7")
	c.post("/login", url.Values{"email": {"ana@example.org"}, "password": {"wrong"}}).mustStatus(t, http.StatusUnauthorized)
	var forged, real int
	app.db.QueryRow(context.Background(), `SELECT
		(SELECT COUNT(*) FROM login_failures WHERE key LIKE '%6.6.6.6%'),
		(SELECT COUNT(*) FROM login_failures WHERE key LIKE '%203.0.113.7%')`).Scan(&forged, &real)
	if forged != 0 || real != 1 {
		t.Fatalf("failures counted: forged %d, appended %d", forged, real)
	}
}

// Every answer turns off the browser features the site never uses, and
// the static folder serves files but lists nothing.
func TestPermissionsPolicyAndStaticListing(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	app.addUser("ana@example.org", "Ana", "member", "en")
	c := app.login("ana@example.org")
	api := app.apiClient("ana@example.org")
	for name, res := range map[string]*response{
		"page": c.get("/profile"), "login": app.client().get("/login"), "error": c.get("/no/such/page"),
		"api": api.send("GET", "/api/v1/me", "", nil), "static": c.get("/static/app.css"),
	} {
		pp := res.Header.Get("Permissions-Policy")
		for _, f := range []string{"camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()"} {
			if !strings.Contains(pp, f) {
				t.Errorf("%s: Permissions-Policy %q lacks %s", name, pp, f)
			}
		}
	}
	c.get("/static/app.css").mustStatus(t, http.StatusOK)
	c.get("/static/app.js").mustStatus(t, http.StatusOK)
	for _, p := range []string{"/static/", "/static/css/", "/static/css", "/static/app.css/"} {
		for _, cl := range []*client{c, app.client()} {
			res := cl.get(p)
			if res.StatusCode != http.StatusNotFound || strings.Contains(res.Body, `href="app.js"`) {
				t.Errorf("%s: status %d:\n%s", p, res.StatusCode, res.Body)
			}
		}
	}
}

// The administrator's outbox shows envelopes: who, subject, kind, state,
// attempts and the delivery error, never what an email says, so neither
// a pair's agenda nor a working password-reset link reaches an
// administrator.
func TestAdminOutboxShowsEnvelopesOnly(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	app.addUser("admin@example.org", "Ada Admin", account.RoleAdmin, "en")
	ana := app.addUser("ana@example.org", "Ana", account.RoleMember, "en")
	ctx := context.Background()
	if err := app.srv.Outbox.Send(ctx, app.db, app.clock.Now(), notify.Recipient{Email: "mentor@example.org", Name: "Max", Lang: "en"},
		"agenda_ready", "name", "Max", "mentee", "Mia", "when", "Monday", "program", "Cohort",
		"topics", "SECRET-AGENDA-TOPIC", "link", "http://mentorskap.test/pairs/1"); err != nil {
		t.Fatal(err)
	}
	// A real reset request, whose link would log the administrator in as Ana.
	app.client().post("/forgot", url.Values{"email": {ana.Email}}).mustStatus(t, http.StatusSeeOther)
	var token string
	app.db.QueryRow(ctx, `SELECT body FROM outbox WHERE to_email = ?`, ana.Email).Scan(&token)
	m := linkRE.FindStringSubmatch(token)
	if m == nil {
		t.Fatalf("no reset link queued: %q", token)
	}
	secrets := []string{"SECRET-AGENDA-TOPIC", m[1], "/reset/"}

	c := app.login("admin@example.org")
	res := c.get("/admin/outbox")
	res.mustStatus(t, http.StatusOK)
	res.mustContain(t, "mentor@example.org", "ana@example.org", "agenda_ready", "password_reset")
	pages := []*response{res}
	rows, err := app.db.Query(ctx, `SELECT id FROM outbox`)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		ids = append(ids, id)
	}
	rows.Close()
	for _, id := range ids {
		res := c.get("/admin/outbox/" + pid(id))
		res.mustStatus(t, http.StatusOK)
		pages = append(pages, res)
	}
	for _, p := range pages {
		for _, s := range secrets {
			if strings.Contains(p.Body, s) {
				t.Fatalf("the outbox shows %q:\n%s", s, p.Body)
			}
		}
	}
	// Nor does any API answer an administrator can ask for.
	api := app.apiClient("admin@example.org")
	for _, p := range []string{"/api/v1/audit", "/api/v1/me", "/api/v1/programs"} {
		res := api.send("GET", p, "", nil)
		for _, s := range secrets {
			if strings.Contains(res.Body, s) {
				t.Fatalf("%s shows %q", p, s)
			}
		}
	}
}

// The request log names a secret link's route, never its token: whoever
// reads the log could otherwise open the reset link or the calendar feed.
func TestRequestLogHidesSecretLinks(t *testing.T) {
	t.Parallel()
	base := newTestApp(t)
	logs := &lockedLog{}
	app := securityVariant(t, base, func(s *Server) { s.Log = slog.New(slog.NewTextHandler(logs, nil)) })
	c := app.client()
	for _, p := range []string{"/reset/RESET-SECRET-1", "/invite/INVITE-SECRET-2", "/join/JOIN-SECRET-3", "/calendar/FEED-SECRET-4.ics"} {
		c.get(p)
	}
	c.post("/reset/RESET-SECRET-5", url.Values{"password": {"x"}, "confirm": {"x"}})
	// The request line is logged after the answer went out; closing the
	// server waits for the handlers, and so for their log lines.
	app.ts.Close()
	if !strings.Contains(logs.String(), "/reset/…") {
		t.Fatalf("requests not logged:\n%s", logs.String())
	}
	if strings.Contains(logs.String(), "SECRET") {
		t.Fatalf("the log holds a secret link:\n%s", logs.String())
	}
}

// lockedLog is a log destination shared by the server's goroutines and the
// test.
type lockedLog struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
