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
// are still open ends the snapshot (a request never holds two readers);
// the rows stop with an error, never silently short, and the next read
// sees the write.
func TestSnapshotWriteWhileReading(t *testing.T) {
	db := storetest.SQLite(t)
	ctx := context.Background()
	for i := range 5 {
		addUser(t, ctx, db, fmt.Sprintf("u%d@example.org", i))
	}
	sctx, end := db.WithSnapshot(ctx)
	defer end()
	rows, err := db.Query(sctx, `SELECT email FROM users ORDER BY email`)
	if err != nil {
		t.Fatal(err)
	}
	read := 0
	for rows.Next() {
		if read == 0 {
			addUser(t, sctx, db, "written@example.org")
		}
		read++
	}
	if rows.Err() == nil && read != 5 {
		t.Fatalf("rows cut short without an error: %d of 5", read)
	}
	rows.Close()
	if n := countUsers(t, sctx, db); n != 6 {
		t.Fatalf("after the write: %d users, want 6", n)
	}
}

// TestSnapshotsHoldingEveryReader: more requests than reader connections,
// each holding its snapshot while it reads statements nobody has prepared
// yet and writes between its reads. No request may wait for a second
// reader while it holds one (to prepare a statement, or to read after its
// write): with every reader held by such requests, none would come back.
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
				if q == 2 { // a write between reads, as a page marking a thread read
					if _, err := db.Exec(sctx, `INSERT INTO users (email, name, password_hash, created_at) VALUES (?, 'x', 'x', ?)`,
						fmt.Sprintf("r%d@example.org", r), time.Now()); err != nil {
						errc <- err
						return
					}
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
