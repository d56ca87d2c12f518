package storetest

import (
	"context"
	"os"
	"testing"

	"mentorskap/internal/store"
)

func TestMain(m *testing.M) { os.Exit(Run(m)) }

// TestPooledDatabaseComesBackEmpty: a database a test wrote to is the next
// test's, empty, its sequences restarted and its guarded tables emptied
// too; one whose catalog a test changed is never handed out again.
func TestPooledDatabaseComesBackEmpty(t *testing.T) {
	Postgres(t) // skips (or fails under MENTORSKAP_CI) without a server
	ctx := context.Background()
	name := func(t *testing.T, db *store.DB) string {
		var n string
		if err := db.QueryRow(ctx, `SELECT current_database()`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	var first string
	t.Run("write", func(t *testing.T) {
		db := Postgres(t)
		first = name(t, db)
		if _, err := db.Exec(ctx, `INSERT INTO users (email, name, password_hash, created_at) VALUES ('a@example.org', 'A', '', now()), ('b@example.org', 'B', '', now())`); err != nil {
			t.Fatal(err)
		}
		// A signed agreement version, which a trigger keeps from ever being
		// deleted (written as a replica, so without its pair).
		if _, err := db.Exec(ctx, `SET session_replication_role = replica;
			INSERT INTO agreement_versions (id, pair_id, number, content, hash, created_at) VALUES (7, 1, 1, '{}', repeat('a', 64), now());
			INSERT INTO agreement_signatures (version_id, user_id, name, side, typed_name, hash, signed_at) VALUES (7, 1, 'A', 'mentor', 'A', repeat('a', 64), now());
			SET session_replication_role = origin`); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("reuse", func(t *testing.T) {
		db := Postgres(t)
		if got := name(t, db); got != first {
			t.Skipf("got %s, not the pooled %s: this binary does not pool (not a superuser?)", got, first)
		}
		var users, signatures int
		if err := db.QueryRow(ctx, `SELECT (SELECT count(*) FROM users), (SELECT count(*) FROM agreement_signatures)`).Scan(&users, &signatures); err != nil {
			t.Fatal(err)
		}
		if users != 0 || signatures != 0 {
			t.Fatalf("reused database holds %d users and %d signatures", users, signatures)
		}
		var id int64
		if err := db.QueryRow(ctx, `INSERT INTO users (email, name, password_hash, created_at) VALUES ('c@example.org', 'C', '', now()) RETURNING id`).Scan(&id); err != nil {
			t.Fatal(err)
		}
		if id != 1 {
			t.Fatalf("first user of the reused database has id %d, want 1", id)
		}
		if _, err := db.Exec(ctx, `CREATE TABLE left_behind (x int)`); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("changed catalog", func(t *testing.T) {
		db := Postgres(t)
		if got := name(t, db); got == first {
			t.Fatalf("the database whose catalog a test changed was handed out again")
		}
	})
}
