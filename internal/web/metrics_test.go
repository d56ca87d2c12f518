package web

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"mentorskap/internal/account"
	"mentorskap/internal/jobs"
)

// metricsApp is a test app serving /metrics on its main address behind a
// token, as serve's --metrics-token does.
func metricsApp(t *testing.T, change func(*Server)) *testApp {
	t.Helper()
	return securityVariant(t, newTestApp(t), func(s *Server) {
		s.MetricsToken = "scrape-token"
		if change != nil {
			change(s)
		}
	})
}

func scrape(t *testing.T, app *testApp) string {
	t.Helper()
	c := app.client()
	c.Header.Set("Authorization", "Bearer scrape-token")
	res := c.get("/metrics")
	res.mustStatus(t, http.StatusOK)
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Fatalf("metrics content type %q", ct)
	}
	return res.Body
}

// sample finds one series' value in the text format; -1 when it is absent.
func sample(t *testing.T, text, series string) float64 {
	t.Helper()
	for _, line := range strings.Split(text, "\n") {
		if rest, ok := strings.CutPrefix(line, series+" "); ok {
			v, err := strconv.ParseFloat(strings.TrimSpace(rest), 64)
			if err != nil {
				t.Fatalf("%s: %v", line, err)
			}
			return v
		}
	}
	return -1
}

func TestMetricsNotServedWithoutToken(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	res := app.client().get("/metrics")
	if res.StatusCode != http.StatusNotFound || strings.Contains(res.Body, "mentorskap_http_requests_total") {
		t.Fatalf("/metrics without --metrics-token: status %d\n%s", res.StatusCode, res.Body)
	}
	// With a token, only a request bearing it gets in.
	app = metricsApp(t, nil)
	c := app.client()
	c.get("/metrics").mustStatus(t, http.StatusUnauthorized)
	c.Header.Set("Authorization", "Bearer wrong")
	c.get("/metrics").mustStatus(t, http.StatusUnauthorized)
	// The separate listener's handler asks for the token too when set, and
	// serves without one otherwise.
	rec := httptest.NewRecorder()
	app.srv.MetricsHandler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if rec.Code != http.StatusUnauthorized {
		t.Fatalf("metrics listener without the token: %d", rec.Code)
	}
	open := newTestApp(t)
	rec = httptest.NewRecorder()
	open.srv.MetricsHandler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "mentorskap_build_info") {
		t.Fatalf("metrics listener: %d\n%s", rec.Code, rec.Body)
	}
}

// A request moves the counter of its route pattern, never of its path:
// ids and tokens in paths would make a series per visitor.
func TestMetricsCountRequestsByPattern(t *testing.T) {
	t.Parallel()
	app := metricsApp(t, nil)
	// An unknown reset link is answered with a page that says so.
	status := app.client().get("/reset/a-secret-reset-token").StatusCode
	series := `mentorskap_http_requests_total{method="GET",route="GET /reset/{token}",status="` + strconv.Itoa(status) + `"}`
	before := sample(t, scrape(t, app), series)
	app.client().get("/reset/another-secret-token")
	app.client().get("/reset/a-third-secret-token")
	text := scrape(t, app)
	after := sample(t, text, series)
	if max(before, 0)+2 != after {
		t.Fatalf("%s: %v before, %v after two requests\n%s", series, before, after, text)
	}
	if strings.Contains(text, "secret") {
		t.Fatalf("a path made it into the metrics:\n%s", text)
	}
	if sample(t, text, `mentorskap_http_request_duration_seconds_count{method="GET",route="GET /reset/{token}"}`) < 2 {
		t.Fatalf("no latency observed for the route:\n%s", text)
	}
	// A made-up method is one label value, not one per word.
	c := app.client()
	c.send("BREW", "/reset/x", "", nil)
	if text := scrape(t, app); strings.Contains(text, "BREW") || !strings.Contains(text, `method="OTHER"`) {
		t.Fatalf("unknown method as a label:\n%s", text)
	}
}

// The gauges read from the database at scrape time say what waits in the
// outbox and the jobs table.
func TestMetricsQueueGauges(t *testing.T) {
	t.Parallel()
	app := metricsApp(t, nil)
	ctx := context.Background()
	now := app.clock.Now()
	for i, lastError := range []string{"", "smtp: 451 try later"} {
		if _, err := app.db.Exec(ctx, `INSERT INTO outbox (to_email, to_name, language, subject, body, created_at, next_attempt_at, last_error)
			VALUES (?, 'Ada', 'en', 'S', 'B', ?, ?, ?)`, "ada@example.org", now, now.Add(time.Duration(i)*time.Minute), lastError); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := app.db.Exec(ctx, `INSERT INTO outbox (to_email, to_name, language, subject, body, created_at, next_attempt_at, sent_at)
		VALUES ('b@example.org', 'B', 'en', 'S', 'B', ?, ?, ?)`, now, now, now); err != nil {
		t.Fatal(err)
	}
	if _, err := jobs.Enqueue(ctx, app.db, "test.due", "due-1", now.Add(-time.Minute), nil); err != nil {
		t.Fatal(err)
	}
	if _, err := jobs.Enqueue(ctx, app.db, "test.later", "later-1", now.Add(time.Hour), nil); err != nil {
		t.Fatal(err)
	}
	if _, err := jobs.Enqueue(ctx, app.db, "test.dead", "dead-1", now.Add(-time.Hour), nil); err != nil {
		t.Fatal(err)
	}
	if _, err := app.db.Exec(ctx, `UPDATE jobs SET gave_up_at = ?, last_error = 'boom' WHERE key = 'dead-1'`, now); err != nil {
		t.Fatal(err)
	}
	text := scrape(t, app)
	for series, want := range map[string]float64{
		"mentorskap_outbox_queued_emails": 2, "mentorskap_outbox_failing_emails": 1, "mentorskap_outbox_sent_emails": 1,
		"mentorskap_jobs_due": 1, "mentorskap_jobs_running": 0, "mentorskap_jobs_failing": 0, "mentorskap_jobs_given_up": 1,
	} {
		if got := sample(t, text, series); got != want {
			t.Errorf("%s = %v, want %v", series, got, want)
		}
	}
	pool := map[string]string{"sqlite": "writer", "postgres": "shared"}[string(app.db.Dialect())]
	if sample(t, text, `go_sql_max_open_connections{db_name="`+pool+`"}`) <= 0 {
		t.Errorf("no pool stats for %s:\n%s", pool, text)
	}
	if !strings.Contains(text, "mentorskap_build_info{") {
		t.Errorf("no build info:\n%s", text)
	}
}

// promtool checks the exposition against Prometheus' own naming and type
// rules (counters end in _total, units in base units, help on every
// metric). CI installs it; elsewhere the test says what it skipped.
func TestMetricsPassPromtool(t *testing.T) {
	t.Parallel()
	promtool, err := exec.LookPath("promtool")
	if err != nil {
		if os.Getenv("MENTORSKAP_CI") == "1" {
			t.Fatal("promtool not found; CI installs Debian's prometheus package for it")
		}
		t.Skip("promtool not found (apt-get install prometheus); the exposition format was not checked")
	}
	app := metricsApp(t, nil)
	app.client().get("/reset/token-for-promtool")
	app.client().get("/no/such/page")
	text := scrape(t, app)
	cmd := exec.Command(promtool, "check", "metrics")
	cmd.Stdin = strings.NewReader(text)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("promtool check metrics: %v\n%s", err, out)
	}
}

func TestReadyz(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	res := app.client().get("/readyz")
	res.mustStatus(t, http.StatusOK)
	res.mustContain(t, `"status": "ready"`)

	// Behind on migrations: out of rotation, though alive.
	ctx := context.Background()
	_, latest, err := app.db.MigrationState(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var name string
	if err := app.db.QueryRow(ctx, `SELECT name FROM schema_migrations WHERE version = ?`, latest).Scan(&name); err != nil {
		t.Fatal(err)
	}
	if _, err := app.db.Exec(ctx, `DELETE FROM schema_migrations WHERE version = ?`, latest); err != nil {
		t.Fatal(err)
	}
	res = app.client().get("/readyz")
	res.mustStatus(t, http.StatusServiceUnavailable)
	res.mustContain(t, `"status": "migrations pending"`)
	app.client().get("/healthz").mustStatus(t, http.StatusOK)
	if _, err := app.db.Exec(ctx, `INSERT INTO schema_migrations (version, name) VALUES (?, ?)`, latest, name); err != nil {
		t.Fatal(err)
	}
	app.client().get("/readyz").mustStatus(t, http.StatusOK)

	// Draining: not ready, but every other request is still answered.
	app.srv.Drain()
	res = app.client().get("/readyz")
	res.mustStatus(t, http.StatusServiceUnavailable)
	res.mustContain(t, `"status": "shutting down"`)
	app.client().get("/healthz").mustStatus(t, http.StatusOK)
	app.addUser("a@example.org", "A", account.RoleAdmin, "en")
	app.client().get("/login").mustStatus(t, http.StatusOK)
}

func TestReadyzDatabaseGone(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	app.db.Close()
	res := app.client().get("/readyz")
	res.mustStatus(t, http.StatusServiceUnavailable)
	res.mustContain(t, `"status": "database unavailable"`)
}

// With --log-format json every access log line is one JSON object with
// the request id, the route pattern, the status, the duration and the
// person's id, and never their email or name.
func TestAccessLogJSON(t *testing.T) {
	t.Parallel()
	var buf syncBuf
	base := newTestApp(t)
	u := base.addUser("logged.person@example.org", "Logged Person", account.RoleMember, "en")
	app := securityVariant(t, base, func(s *Server) { s.Log = slog.New(slog.NewJSONHandler(&buf, nil)) })
	c := app.login("logged.person@example.org")
	c.get("/profile").mustStatus(t, http.StatusOK)
	c.get("/reset/a-secret-reset-token")

	var profile, reset map[string]any
	sc := bufio.NewScanner(bytes.NewReader(buf.Bytes()))
	for sc.Scan() {
		var line map[string]any
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatalf("log line is not JSON: %v\n%s", err, sc.Text())
		}
		if line["msg"] != "request" {
			continue
		}
		switch line["route"] {
		case "GET /profile":
			profile = line
		case "GET /reset/{token}":
			reset = line
		}
	}
	if profile == nil || reset == nil {
		t.Fatalf("no access log line for /profile or /reset:\n%s", buf.Bytes())
	}
	if id, _ := profile["request_id"].(string); len(id) != 16 {
		t.Errorf("request_id %v", profile["request_id"])
	}
	if profile["status"] != float64(200) || profile["user_id"] != float64(u.ID) || profile["method"] != "GET" {
		t.Errorf("access log line: %v (user %d)", profile, u.ID)
	}
	if d, ok := profile["duration_ms"].(float64); !ok || d < 0 {
		t.Errorf("duration_ms %v", profile["duration_ms"])
	}
	for _, leak := range []string{"logged.person@example.org", "Logged Person", "a-secret-reset-token"} {
		if bytes.Contains(buf.Bytes(), []byte(leak)) {
			t.Errorf("the log holds %q:\n%s", leak, buf.Bytes())
		}
	}
}

// syncBuf is a log destination the server's goroutines and the test share.
type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuf) Bytes() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return bytes.Clone(s.b.Bytes())
}
