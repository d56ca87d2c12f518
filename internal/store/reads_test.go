package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
)

// TestReads checks that reads sent together come back each to its own
// scan, in order, with the types Query gives, inside and outside a
// transaction, and that a failing read fails the whole Run.
func TestReads(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 3, 1, 12, 30, 0, 0, time.UTC)
		for _, name := range []string{"Ada", "Bea", "Cy"} {
			if _, err := db.Exec(ctx, `INSERT INTO users (email, name, password_hash, created_at) VALUES (?, ?, ?, ?)`,
				strings.ToLower(name)+"@example.org", name, "x", now); err != nil {
				t.Fatal(err)
			}
		}
		check := func(t *testing.T, q store.Q) {
			var names []string
			var n int
			var created time.Time
			var none []string
			var r store.Reads
			r.Add(func(rows store.Rows) error {
				for rows.Next() {
					var s string
					if err := rows.Scan(&s); err != nil {
						return err
					}
					names = append(names, s)
				}
				return nil
			}, `SELECT name FROM users WHERE name <> ? ORDER BY name DESC`, "Bea")
			r.Add(func(rows store.Rows) error {
				rows.Next()
				return rows.Scan(&n, &created)
			}, `SELECT (SELECT COUNT(*) FROM users), created_at FROM users WHERE name = ?`, "Ada")
			r.Add(func(rows store.Rows) error {
				for rows.Next() {
					none = append(none, "row")
				}
				return nil
			}, `SELECT name FROM users WHERE id < ?`, 0)
			ctx, c := store.WithCounter(ctx)
			if err := r.Run(ctx, q); err != nil {
				t.Fatal(err)
			}
			if strings.Join(names, ",") != "Cy,Ada" || n != 3 || !created.Equal(now) || none != nil {
				t.Errorf("names %v, count %d, created %v, none %v", names, n, created, none)
			}
			trips := 3 // one a statement, as Query
			if db.Dialect() == store.Postgres {
				trips = 1 // a batch, in a transaction too
			}
			if c.Statements() != 3 || c.RoundTrips() != trips {
				t.Errorf("counted %d statements in %d round trips, want 3 in %d", c.Statements(), c.RoundTrips(), trips)
			}
			if err := r.Run(ctx, q); err != nil || c.Statements() != 3 {
				t.Errorf("a second Run sent %d statements (%v); Run empties the list", c.Statements()-3, err)
			}

			// ReadAlone gives back what its one read filled in.
			alone, err := store.ReadAlone(ctx, q, func(r *store.Reads, out *[]string) {
				r.Add(func(rows store.Rows) error {
					for rows.Next() {
						var s string
						if err := rows.Scan(&s); err != nil {
							return err
						}
						*out = append(*out, s)
					}
					return nil
				}, `SELECT name FROM users ORDER BY name`)
			})
			if err != nil || strings.Join(alone, ",") != "Ada,Bea,Cy" {
				t.Errorf("ReadAlone = %v, %v", alone, err)
			}

			called := false
			r.Add(func(rows store.Rows) error { return nil }, `SELECT name FROM users`)
			r.Add(func(rows store.Rows) error { return nil }, `SELECT no_such_column FROM users`)
			r.Add(func(rows store.Rows) error { called = true; return nil }, `SELECT name FROM users`)
			if err := r.Run(ctx, q); err == nil || called {
				t.Errorf("a bad read: err %v, later scan called %v", err, called)
			}
		}
		t.Run("db", func(t *testing.T) { check(t, db) })
		t.Run("tx", func(t *testing.T) {
			db.Tx(ctx, func(tx *store.Tx) error { check(t, tx); return nil })
		})
	})
}
