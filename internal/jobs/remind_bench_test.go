package jobs

import (
	"context"
	"strconv"
	"testing"
	"time"

	"mentorskap/internal/account"
	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
)

// BenchmarkScan measures one reminder scan over a program of 1,000 active
// pairs, each with a meeting tomorrow, after the first scan has queued
// their reminders (the steady state: every later scan finds the keys
// taken). The scan runs every 15 minutes, so seconds would be fine.
func BenchmarkScan(b *testing.B) { benchScan(b, 1000) }

// BenchmarkScan10k is the same with 10,000 pairs, the size the scan must
// handle without holding connections the pages need for long.
func BenchmarkScan10k(b *testing.B) { benchScan(b, 10000) }

func benchScan(b *testing.B, pairs int) {
	db := storetest.SQLite(b)
	ctx := context.Background()
	e := newRemindEnv(b, db)
	coord := e.user(account.RoleCoordinator, "en")
	prog := e.program(coord)
	now := start
	at := start.Add(20 * time.Hour)
	err := db.Tx(ctx, func(tx *store.Tx) error {
		for i := 0; i < pairs; i++ {
			var ids [2]int64
			for k := range ids {
				if err := tx.QueryRow(ctx, `INSERT INTO users (email, name, password_hash, created_at) VALUES (?, ?, 'x', ?) RETURNING id`,
					"b"+strconv.Itoa(i)+"-"+strconv.Itoa(k)+"@example.org", "Bench "+strconv.Itoa(i), now).Scan(&ids[k]); err != nil {
					return err
				}
			}
			var pair int64
			if err := tx.QueryRow(ctx, `INSERT INTO pairs (program_id, created_at) VALUES (?, ?) RETURNING id`, prog.ID, now).Scan(&pair); err != nil {
				return err
			}
			for k, side := range []string{"mentor", "mentee"} {
				if _, err := tx.Exec(ctx, `INSERT INTO pair_members (pair_id, user_id, side) VALUES (?, ?, ?)`, pair, ids[k], side); err != nil {
					return err
				}
			}
			if _, err := tx.Exec(ctx, `INSERT INTO meetings (pair_id, uid, status, starts_at, timezone, minutes, created_at, updated_at)
				VALUES (?, ?, 'confirmed', ?, 'UTC', 60, ?, ?)`, pair, "b"+strconv.Itoa(i)+"@bench", at, now, now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	if n, err := Scan(ctx, db, now); err != nil || n != 3*pairs {
		b.Fatalf("first scan queued %d: %v", n, err)
	}
	b.ResetTimer()
	for b.Loop() {
		if n, err := Scan(ctx, db, now); err != nil || n != 0 {
			b.Fatalf("queued %d: %v", n, err)
		}
	}
}
