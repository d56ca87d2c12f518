package store_test

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"

	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
)

func countUsers(t *testing.T, ctx context.Context, db *store.DB) int {
	t.Helper()
	var n int
	if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM users`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func addUser(t *testing.T, ctx context.Context, db *store.DB, email string) {
	t.Helper()
	if _, err := db.Exec(ctx, `INSERT INTO users (email, name, password_hash, created_at) VALUES (?, ?, 'x', ?)`,
		email, email, time.Now()); err != nil {
		t.Fatal(err)
	}
}

// TestSnapshotReadsOneState: a page's reads see the database as it was at
// the first of them, whatever other connections write meanwhile; its own
// writes, and End, let later reads see the latest state.
func TestSnapshotReadsOneState(t *testing.T) {
	path := storetest.SQLiteFile(t)
	ctx := context.Background()
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	other, err := store.Open(ctx, path) // another process on the same file
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()

	sctx, end := db.WithSnapshot(ctx)
	defer end()
	before := countUsers(t, sctx, db)
	addUser(t, ctx, other, "elsewhere@example.org")
	if n := countUsers(t, sctx, db); n != before {
		t.Fatalf("a write elsewhere showed inside the snapshot: %d users, then %d", before, n)
	}
	if n := countUsers(t, ctx, db); n != before+1 {
		t.Fatalf("outside the snapshot: %d users, want %d", n, before+1)
	}
	addUser(t, sctx, db, "own@example.org")
	if n := countUsers(t, sctx, db); n != before+2 {
		t.Fatalf("after the request's own write: %d users, want %d", n, before+2)
	}
	addUser(t, ctx, other, "later@example.org")
	store.End(sctx)
	if n := countUsers(t, sctx, db); n != before+3 {
		t.Fatalf("after End: %d users, want %d", n, before+3)
	}
}

// TestSnapshotWriteWhileReading: a write made while the snapshot's rows
// are still open ends the snapshot without waiting for those rows.
func TestSnapshotWriteWhileReading(t *testing.T) {
	db := storetest.SQLite(t)
	ctx := context.Background()
	addUser(t, ctx, db, "a@example.org")
	addUser(t, ctx, db, "b@example.org")
	sctx, end := db.WithSnapshot(ctx)
	defer end()
	rows, err := db.Query(sctx, `SELECT email FROM users ORDER BY email`)
	if err != nil {
		t.Fatal(err)
	}
	i := 0
	for rows.Next() {
		var email string
		if err := rows.Scan(&email); err != nil {
			t.Fatal(err)
		}
		addUser(t, sctx, db, fmt.Sprintf("copy-%d-%s", i, email))
		i++
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	if i != 2 || countUsers(t, sctx, db) != 4 {
		t.Fatalf("read %d rows, %d users after", i, countUsers(t, sctx, db))
	}
}

// TestSnapshotsHoldingEveryReader: more requests than reader connections,
// each holding its snapshot while it reads statements nobody has prepared
// yet. Preparing must not wait for a connection the requests themselves
// hold: before the snapshot sent such statements as text, every reader
// ended up held by a request waiting to prepare.
func TestSnapshotsHoldingEveryReader(t *testing.T) {
	db := storetest.SQLite(t)
	ctx := context.Background()
	requests := 4 * max(4, 2*runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	start := make(chan struct{})
	errc := make(chan error, requests)
	for r := range requests {
		wg.Go(func() {
			sctx, end := db.WithSnapshot(ctx)
			defer end()
			<-start
			for q := range 5 {
				var n int
				// A text of its own per request and statement: none is prepared.
				if err := db.QueryRow(sctx, fmt.Sprintf(`SELECT COUNT(*) + %d FROM users WHERE id > %d`, q, r)).Scan(&n); err != nil {
					errc <- err
					return
				}
			}
		})
	}
	close(start)
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(time.Minute):
		t.Fatal("requests holding snapshots are stuck waiting for reader connections")
	}
	close(errc)
	for err := range errc {
		t.Error(err)
	}
}
