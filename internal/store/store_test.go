package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"mentorskap/internal/errs"
	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
)

func TestRebind(t *testing.T) {
	got := store.Rebind(`SELECT * FROM t WHERE a = ? AND b = '?' AND c = ?`)
	want := `SELECT * FROM t WHERE a = $1 AND b = '?' AND c = $2`
	if got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

func TestStore(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 3, 1, 12, 30, 0, 123000, time.UTC)

		// migrations are idempotent
		if err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}

		var id int64
		err := db.Tx(ctx, func(tx *store.Tx) error {
			return tx.QueryRow(ctx, `INSERT INTO users (email, name, password_hash, created_at) VALUES (?, ?, ?, ?) RETURNING id`,
				"a@example.org", "A", "x", now).Scan(&id)
		})
		if err != nil {
			t.Fatal(err)
		}

		var got time.Time
		if err := db.QueryRow(ctx, `SELECT created_at FROM users WHERE id = ?`, id).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if !got.Equal(now) {
			t.Fatalf("time round trip: got %v, want %v", got, now)
		}

		err = db.Tx(ctx, func(tx *store.Tx) error {
			_, err := tx.Exec(ctx, `INSERT INTO users (email, name, password_hash, created_at) VALUES (?, ?, ?, ?)`,
				"a@example.org", "B", "x", now)
			return err
		})
		if !store.IsUnique(err) {
			t.Fatalf("duplicate email: want unique violation, got %v", err)
		}

		err = db.Tx(ctx, func(tx *store.Tx) error {
			_, err := tx.Exec(ctx, `INSERT INTO sessions (token_hash, user_id, created_at, expires_at, last_seen_at) VALUES (?, ?, ?, ?, ?)`,
				"h", 99999, now, now, now)
			return err
		})
		if !store.IsForeignKey(err) {
			t.Fatalf("missing user: want foreign key violation, got %v", err)
		}

		// a failing transaction leaves nothing behind
		boom := errors.New("boom")
		err = db.Tx(ctx, func(tx *store.Tx) error {
			if _, err := tx.Exec(ctx, `UPDATE users SET name = ? WHERE id = ?`, "changed", id); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("want boom, got %v", err)
		}
		var name string
		db.QueryRow(ctx, `SELECT name FROM users WHERE id = ?`, id).Scan(&name)
		if name != "A" {
			t.Fatalf("rolled back update is visible: %q", name)
		}

		err = store.NotFound(db.QueryRow(ctx, `SELECT name FROM users WHERE id = ?`, -1).Scan(&name), "user.not_found")
		if !errs.Is(err, errs.NotFound) {
			t.Fatalf("want not found, got %v", err)
		}
	})
}

// TestPlannerDefaults checks that the application's PostgreSQL connections
// plan for solid-state storage and plan a prepared statement once, unless
// the URL says otherwise.
func TestPlannerDefaults(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		if db.Dialect() != store.Postgres {
			t.Skip("a PostgreSQL setting")
		}
		for setting, want := range map[string]string{"random_page_cost": "1.1", "plan_cache_mode": "force_generic_plan"} {
			var got string
			if err := db.QueryRow(context.Background(), `SHOW `+setting).Scan(&got); err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Errorf("%s %s, want %s", setting, got, want)
			}
		}
	})
}
