package web

import (
	"context"
	"fmt"
	"testing"
	"time"

	"mentorskap/internal/account"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
)

// seedAnalytics writes a program of n pairs straight into the tables: each
// pair with four meetings spread over the months (one cancelled), two
// goals, a chemistry check point, and an agreement in one of its states.
func seedAnalytics(b *testing.B, srv *Server, n int) int64 {
	b.Helper()
	ctx := context.Background()
	now := srv.Clock.Now()
	coord, err := srv.Accounts.Create(ctx, account.NewUser{Email: "ancoord@example.org", Name: "Kari Koordinator",
		Password: "password-ancoord@example.org", Role: account.RoleCoordinator, Language: "nb"})
	if err != nil {
		b.Fatal(err)
	}
	in := program.SettingsOf(program.Defaults(now, "nb"))
	in.Name = "Stort program"
	prog, err := srv.Programs.Create(ctx, coord, in)
	if err != nil {
		b.Fatal(err)
	}
	err = srv.DB.Tx(ctx, func(tx *store.Tx) error {
		exec := func(q string, args ...any) error { _, err := tx.Exec(ctx, q, args...); return err }
		id := func(q string, args ...any) (int64, error) {
			var id int64
			err := tx.QueryRow(ctx, q+" RETURNING id", args...).Scan(&id)
			return id, err
		}
		for i := range n {
			var users [2]int64
			for s := range users {
				if users[s], err = id(`INSERT INTO users (email, name, password_hash, created_at) VALUES (?, ?, 'x', ?)`,
					fmt.Sprintf("an%d-%d@example.org", i, s), fmt.Sprintf("Person %d-%d", i, s), now); err != nil {
					return err
				}
			}
			created := now.AddDate(0, 0, -300+i%200)
			pair, err := id(`INSERT INTO pairs (program_id, created_at) VALUES (?, ?)`, prog.ID, created)
			if err != nil {
				return err
			}
			if err := exec(`INSERT INTO pair_members (pair_id, user_id, side) VALUES (?, ?, 'mentor'), (?, ?, 'mentee')`,
				pair, users[0], pair, users[1]); err != nil {
				return err
			}
			for m := range 4 {
				status := "confirmed"
				if m == 2 {
					status = "cancelled"
				}
				at := created.AddDate(0, 0, 5+i%40+m*30)
				if err := exec(`INSERT INTO meetings (pair_id, uid, status, starts_at, timezone, minutes, created_at, updated_at)
					VALUES (?, ?, ?, ?, 'UTC', 60, ?, ?)`, pair, fmt.Sprintf("an%d-%d@bench", i, m), status, at, now, now); err != nil {
					return err
				}
			}
			for g, st := range []string{"reached", "open"} {
				if err := exec(`INSERT INTO goals (pair_id, title, status, progress, position, created_at, updated_at) VALUES (?, 'Mål', ?, ?, ?, ?, ?)`,
					pair, st, 100*(1-g), g, now, now); err != nil {
					return err
				}
			}
			if err := exec(`INSERT INTO checkpoints (pair_id, kind, due_at, created_at, updated_at) VALUES (?, 'chemistry', ?, ?, ?)`,
				pair, created.AddDate(0, 0, 10), now, now); err != nil {
				return err
			}
			if i%3 == 0 {
				continue // no agreement yet
			}
			hash := fmt.Sprintf("%064x", i)
			v, err := id(`INSERT INTO agreement_versions (pair_id, number, content, hash, created_at) VALUES (?, 1, '{}', ?, ?)`, pair, hash, now)
			if err != nil {
				return err
			}
			for s, side := range []string{"mentor", "mentee"}[:i%3] {
				if err := exec(`INSERT INTO agreement_signatures (version_id, user_id, name, side, typed_name, hash, signed_at)
					VALUES (?, ?, 'P', ?, 'P', ?, ?)`, v, users[s], side, hash, now); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return prog.ID
}

// BenchmarkAnalytics10k measures the analytics page and the pairs export
// of a program with 10,000 pairs and 40,000 meetings.
func BenchmarkAnalytics10k(b *testing.B) {
	benchEach(b, func(b *testing.B, srv *Server) {
		start := time.Now()
		progID := seedAnalytics(b, srv, 10000)
		b.Logf("seeded in %v", time.Since(start))
		cookie := benchLogin(b, srv, "ancoord@example.org", "password-ancoord@example.org")
		b.Run("page", func(b *testing.B) {
			benchGet(b, srv, cookie, fmt.Sprintf("/programs/%d/analytics", progID), "Møter per måned")
		})
		b.Run("pairs.csv", func(b *testing.B) {
			benchGet(b, srv, cookie, fmt.Sprintf("/programs/%d/export/pairs.csv", progID), "Person 9999-1")
		})
		b.Run("meetings.csv", func(b *testing.B) {
			benchGet(b, srv, cookie, fmt.Sprintf("/programs/%d/export/meetings.csv", progID), "avlyst")
		})
	})
}
