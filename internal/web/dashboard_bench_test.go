package web

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"mentorskap/internal/account"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
)

// seedDashboard writes a program of n pairs straight into the tables, as
// a program a few months in would have them: most pairs signed, four
// meetings behind and one ahead for most, a check point each, one in ten
// ended, one in fifty with a chemistry "no". It returns the program's id
// and its coordinator's email.
func seedDashboard(tb testing.TB, srv *Server, n int) (int64, string) {
	tb.Helper()
	ctx := context.Background()
	now := srv.Clock.Now()
	email := "dashcoord@example.org"
	coord, err := srv.Accounts.Create(ctx, account.NewUser{Email: email, Name: "Dana Koordinator",
		Password: "password-" + email, Role: account.RoleCoordinator, Language: "en"})
	if err != nil {
		tb.Fatal(err)
	}
	in := program.SettingsOf(program.Defaults(now.AddDate(0, -2, 0), "en"))
	in.Name = "Large cohort"
	prog, err := srv.Programs.Create(ctx, coord, in)
	if err != nil {
		tb.Fatal(err)
	}
	start := now.AddDate(0, -2, 0)
	hash := strings.Repeat("ab", 32)
	err = srv.DB.Tx(ctx, func(tx *store.Tx) error {
		id := func(q string, args ...any) int64 {
			var id int64
			if err := tx.QueryRow(ctx, q+" RETURNING id", args...).Scan(&id); err != nil {
				tb.Fatalf("%s: %v", q, err)
			}
			return id
		}
		exec := func(q string, args ...any) {
			if _, err := tx.Exec(ctx, q, args...); err != nil {
				tb.Fatalf("%s: %v", q, err)
			}
		}
		for i := range n {
			created := start.Add(time.Duration(i%20) * 24 * time.Hour)
			p := id(`INSERT INTO pairs (program_id, status, created_at) VALUES (?, 'active', ?)`, prog.ID, created)
			var people [2]int64
			for side, name := range []string{"mentor", "mentee"} {
				people[side] = id(`INSERT INTO users (email, name, password_hash, role, language, created_at)
					VALUES (?, ?, 'x', 'member', 'en', ?)`, fmt.Sprintf("%s%d@example.org", name, i),
					fmt.Sprintf("%s %05d", strings.ToUpper(name[:1])+name[1:], i), now)
				exec(`INSERT INTO pair_members (pair_id, user_id, side) VALUES (?, ?, ?)`, p, people[side], name)
			}
			if i%5 != 0 {
				v := id(`INSERT INTO agreement_versions (pair_id, number, content, hash, created_at) VALUES (?, 1, '{}', ?, ?)`, p, hash, created)
				for side, name := range []string{"mentor", "mentee"} {
					if i%5 == 1 && side == 1 {
						continue // waiting for the mentee
					}
					exec(`INSERT INTO agreement_signatures (version_id, user_id, name, side, typed_name, hash, signed_at)
						VALUES (?, ?, 'N', ?, 'N', ?, ?)`, v, people[side], name, hash, created.Add(48*time.Hour))
				}
			}
			for m := range 5 {
				at := created.Add(time.Duration(m*(10+i%9)) * 24 * time.Hour)
				status := "confirmed"
				if m == 4 && i%3 == 0 {
					status = "proposed"
				}
				exec(`INSERT INTO meetings (pair_id, uid, status, starts_at, timezone, minutes, created_at, updated_at)
					VALUES (?, ?, ?, ?, 'UTC', 60, ?, ?)`, p, fmt.Sprintf("d%d-%d@test", i, m), status, at, now, now)
			}
			c := id(`INSERT INTO checkpoints (pair_id, kind, due_at, created_at, updated_at) VALUES (?, 'chemistry', ?, ?, ?)`,
				p, created.Add(20*24*time.Hour), now, now)
			if i%4 != 0 {
				exec(`INSERT INTO checkpoint_responses (checkpoint_id, user_id, submitted_at) VALUES (?, ?, ?)`, c, people[1], now)
				answer := "yes"
				if i%50 == 0 {
					answer = "no"
				}
				exec(`INSERT INTO chemistry_answers (checkpoint_id, user_id, answer, updated_at) VALUES (?, ?, ?, ?)`, c, people[1], answer, now)
			}
			if i%10 == 9 {
				exec(`UPDATE pairs SET status = 'ended', ended_at = ? WHERE id = ?`, now, p)
				exec(`INSERT INTO pair_endings (pair_id, how, ended_at) VALUES (?, 'coordinator', ?)`, p, now)
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return prog.ID, email
}

// BenchmarkDashboard10k measures a coordinator's dashboard of a program
// with 10,000 pairs: one page of results through the whole handler chain,
// sorted by health and filtered, as a coordinator pages through it.
// Besides ns/op it reports the 95th percentile of the requests it timed.
func BenchmarkDashboard10k(b *testing.B) {
	benchEach(b, func(b *testing.B, srv *Server) {
		progID, email := seedDashboard(b, srv, 10000)
		cookie := benchLogin(b, srv, email, "password-"+email)
		paths := []string{"", "?sort=next&page=3", "?severity=warning", "?q=mentor%2000042", "?sort=last&page=200"}
		var times []time.Duration
		b.ReportAllocs()
		b.ResetTimer()
		i := 0
		for b.Loop() {
			path := fmt.Sprintf("/programs/%d/dashboard%s", progID, paths[i%len(paths)])
			i++
			req := httptest.NewRequest(http.MethodGet, path, nil)
			req.AddCookie(cookie)
			rec := httptest.NewRecorder()
			t0 := time.Now()
			srv.ServeHTTP(rec, req)
			times = append(times, time.Since(t0))
			if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "Large cohort") {
				b.Fatalf("GET %s: status %d", path, rec.Code)
			}
		}
		slices.Sort(times)
		b.ReportMetric(float64(times[len(times)*95/100].Microseconds())/1000, "p95-ms")
	})
}
