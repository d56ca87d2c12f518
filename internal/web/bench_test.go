package web

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"mentorskap/internal/account"
	"mentorskap/internal/agreement"
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

// Benchmarks drive the full handler chain (middleware, router, handler,
// templates, database) in process, without a network, so the figures are the
// server's own cost. Run them with:
//
//	go test -run '^$' -bench . -benchmem ./internal/web/
//
// With MENTORSKAP_TEST_POSTGRES set each benchmark runs on PostgreSQL too.

const benchEmail = "bench@example.org"

// benchEach runs fn as a sub-benchmark per available database.
func benchEach(b *testing.B, fn func(b *testing.B, srv *Server)) {
	b.Run("sqlite", func(b *testing.B) { fn(b, newBenchServer(b, storetest.SQLite(b))) })
	if os.Getenv(storetest.EnvPostgres) != "" {
		b.Run("postgres", func(b *testing.B) { fn(b, newBenchServer(b, storetest.Postgres(b))) })
	}
}

// newBenchServer wires a server like main does and adds one member.
func newBenchServer(b *testing.B, db *store.DB) *Server {
	b.Helper()
	bundle, err := i18n.Load()
	if err != nil {
		b.Fatal(err)
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
		b.Fatal(err)
	}
	if _, err := srv.Accounts.Create(context.Background(), account.NewUser{
		Email: benchEmail, Name: "Ingrid Bakke", Password: "password-" + benchEmail, Role: account.RoleMember, Language: "nb",
	}); err != nil {
		b.Fatal(err)
	}
	return srv
}

// benchLogin posts the login form and returns the session cookie.
func benchLogin(b *testing.B, srv *Server, email, password string) *http.Cookie {
	form := url.Values{"email": {email}, "password": {password}}.Encode()
	req := httptest.NewRequest(http.MethodPost, "/login", strings.NewReader(form))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	if rec.Code != http.StatusSeeOther {
		b.Fatalf("login: status %d: %s", rec.Code, rec.Body)
	}
	for _, c := range rec.Result().Cookies() {
		if c.Name == sessionCookie {
			return c
		}
	}
	b.Fatal("login set no session cookie")
	return nil
}

// BenchmarkLogin measures a successful form login: throttle check, Argon2id
// verification and a new session. The password hash dominates by design.
func BenchmarkLogin(b *testing.B) {
	benchEach(b, func(b *testing.B, srv *Server) {
		b.ReportAllocs()
		for b.Loop() {
			benchLogin(b, srv, benchEmail, "password-"+benchEmail)
		}
	})
}

// benchGet measures GET path with a session cookie, checking that the page
// is the one meant.
func benchGet(b *testing.B, srv *Server, cookie *http.Cookie, path, want string) {
	b.ReportAllocs()
	cpu := cpuTime()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.AddCookie(cookie)
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), want) {
			b.Fatalf("GET %s: status %d: %s", path, rec.Code, rec.Body)
		}
	}
	b.ReportMetric(float64((cpuTime()-cpu).Nanoseconds())/float64(b.N), "cpu-ns/op")
}

// BenchmarkHomePage measures the start page of a logged-in person.
func BenchmarkHomePage(b *testing.B) {
	benchEach(b, func(b *testing.B, srv *Server) {
		benchGet(b, srv, benchLogin(b, srv, benchEmail, "password-"+benchEmail), "/", "Ingrid Bakke")
	})
}

// BenchmarkProfilePage measures the profile page (settings and API tokens).
func BenchmarkProfilePage(b *testing.B) {
	benchEach(b, func(b *testing.B, srv *Server) {
		benchGet(b, srv, benchLogin(b, srv, benchEmail, "password-"+benchEmail), "/profile", "Ingrid Bakke")
	})
}

// BenchmarkParticipantsPage measures a coordinator's list of the demo
// program's eighteen participants: a page with real joins and a table.
func BenchmarkParticipantsPage(b *testing.B) {
	benchEach(b, func(b *testing.B, srv *Server) {
		res, err := demo.Seed(context.Background(), srv.DB, srv.Clock)
		if err != nil {
			b.Fatal(err)
		}
		var coord string
		for _, l := range res.Logins {
			if l.Role == "coordinator" {
				coord = l.Email
			}
		}
		path := fmt.Sprintf("/programs/%d/participants", res.Program.ID)
		benchGet(b, srv, benchLogin(b, srv, coord, demo.Password), path, "Siti Rahmawati")
	})
}
