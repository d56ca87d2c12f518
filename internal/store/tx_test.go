package store_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"
	"time"

	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
)

// TestTxSendsTogether checks what a transaction promises whatever travels
// together on PostgreSQL: a write queued with Later is seen by the
// transaction's next statement and kept by its commit, its failure comes
// back and undoes the whole transaction, a transaction that fails or
// returns an error leaves nothing behind, and the connection it ran on
// serves the next one.
func TestTxSendsTogether(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
		users := func(t *testing.T) int {
			t.Helper()
			var n int
			if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM users`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		insert := `INSERT INTO users (email, name, password_hash, created_at) VALUES (?, ?, ?, ?)`

		// Nothing asked, nothing sent.
		cctx, c := store.WithCounter(ctx)
		if err := db.Tx(cctx, func(tx *store.Tx) error { return nil }); err != nil || c.RoundTrips() != 0 {
			t.Fatalf("empty transaction: %v, %d round trips", err, c.RoundTrips())
		}

		// A queued write is seen by the next statement and committed.
		cctx, c = store.WithCounter(ctx)
		err := db.Tx(cctx, func(tx *store.Tx) error {
			if err := tx.Later(cctx, insert, "a@example.org", "A", "x", now); err != nil {
				return err
			}
			var n int
			if err := tx.QueryRow(cctx, `SELECT COUNT(*) FROM users WHERE email = ?`, "a@example.org").Scan(&n); err != nil {
				return err
			}
			if n != 1 {
				t.Errorf("the transaction does not see its queued write: %d", n)
			}
			return tx.Later(cctx, insert, "b@example.org", "B", "x", now)
		})
		if err != nil || users(t) != 2 {
			t.Fatalf("queued writes: %v, %d users", err, users(t))
		}
		if db.Dialect() == store.Postgres && (c.RoundTrips() != 2 || c.Statements() != 3) {
			t.Errorf("BEGIN, write and read together, then write and COMMIT: %d round trips for %d statements, want 2 for 3",
				c.RoundTrips(), c.Statements())
		}

		// Rows read to the end free the connection before their deferred
		// Close, and a statement without arguments may be several, also
		// with something queued before them.
		err = db.Tx(ctx, func(tx *store.Tx) error {
			if err := tx.Later(ctx, `UPDATE users SET name = name WHERE id > ?`, 0); err != nil {
				return err
			}
			rows, err := tx.Query(ctx, `SELECT email FROM users ORDER BY email`)
			if err != nil {
				return err
			}
			defer rows.Close()
			var emails []string
			for rows.Next() {
				var e string
				if err := rows.Scan(&e); err != nil {
					return err
				}
				emails = append(emails, e)
			}
			if err := rows.Err(); err != nil {
				return err
			}
			if len(emails) != 2 {
				t.Errorf("read %v", emails)
			}
			if err := tx.Later(ctx, `UPDATE users SET name = name WHERE id > ?`, 0); err != nil {
				return err
			}
			_, err = tx.Exec(ctx, `UPDATE users SET name = 'A' WHERE email = 'a@example.org'; UPDATE users SET name = 'B' WHERE email = 'b@example.org'`)
			return err
		})
		if err != nil {
			t.Fatalf("reading then writing, and two statements in one text: %v", err)
		}

		// A queued write that fails fails the transaction, at the next
		// statement or at the commit, and undoes what came before it.
		for _, next := range []string{"read", "commit"} {
			err = db.Tx(ctx, func(tx *store.Tx) error {
				if _, err := tx.Exec(ctx, insert, "c@example.org", "C", "x", now); err != nil {
					return err
				}
				if err := tx.Later(ctx, insert, "a@example.org", "Again", "x", now); err != nil {
					return err
				}
				if next == "read" {
					var n int
					return tx.QueryRow(ctx, `SELECT COUNT(*) FROM users`).Scan(&n)
				}
				return nil
			})
			if !store.IsUnique(err) {
				t.Errorf("failed write before the %s: %v, want the unique violation", next, err)
			}
			if n := users(t); n != 2 {
				t.Errorf("failed write before the %s left %d users, want 2", next, n)
			}
		}

		// An error from fn drops what was queued and rolls back.
		boom := errors.New("boom")
		err = db.Tx(ctx, func(tx *store.Tx) error {
			if _, err := tx.Exec(ctx, insert, "d@example.org", "D", "x", now); err != nil {
				return err
			}
			if err := tx.Later(ctx, insert, "e@example.org", "E", "x", now); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) || users(t) != 2 {
			t.Errorf("fn's error: %v, %d users, want boom and 2", err, users(t))
		}

		// No row is sql.ErrNoRows, as from database/sql.
		err = db.Tx(ctx, func(tx *store.Tx) error {
			var id int64
			return tx.QueryRow(ctx, `SELECT id FROM users WHERE email = ?`, "nobody@example.org").Scan(&id)
		})
		if !errors.Is(err, sql.ErrNoRows) {
			t.Errorf("no row: %v", err)
		}

		if db.Dialect() == store.Postgres {
			// On PostgreSQL a failed statement dooms the transaction: fn
			// going on as if nothing happened must not look committed.
			err = db.Tx(ctx, func(tx *store.Tx) error {
				if _, err := tx.Exec(ctx, insert, "f@example.org", "F", "x", now); err != nil {
					return err
				}
				_, _ = tx.Exec(ctx, insert, "a@example.org", "Again", "x", now)
				return nil
			})
			if err == nil || users(t) != 2 {
				t.Errorf("commit after a failed statement: %v, %d users", err, users(t))
			}
		}

		// A request that goes away mid-transaction leaves nothing behind.
		cctx, cancel := context.WithCancel(ctx)
		err = db.Tx(cctx, func(tx *store.Tx) error {
			if _, err := tx.Exec(cctx, insert, "g@example.org", "G", "x", now); err != nil {
				return err
			}
			cancel()
			_, err := tx.Exec(cctx, insert, "h@example.org", "H", "x", now)
			return err
		})
		if err == nil || users(t) != 2 {
			t.Errorf("cancelled transaction: %v, %d users", err, users(t))
		}

		// Every connection went back to the pool clean: many more
		// transactions than the pool holds still work.
		for i := range 30 {
			err := db.Tx(ctx, func(tx *store.Tx) error {
				var n int
				return tx.QueryRow(ctx, `SELECT COUNT(*) FROM users WHERE id > ?`, i).Scan(&n)
			})
			if err != nil {
				t.Fatalf("transaction %d after the failures: %v", i, err)
			}
		}
	})
}
