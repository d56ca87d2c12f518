package store_test

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"mentorskap/internal/store"
)

func openMigrated(t *testing.T, path string) *store.DB {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return db
}

// probeRows reads the test table as parent id → child note, and fails the
// test when a parent lacks its child: each pair was written in one
// transaction, so a consistent copy has both or neither.
func probeRows(t *testing.T, db *store.DB) map[int64]string {
	t.Helper()
	rows, err := db.Query(context.Background(), `SELECT p.id, COALESCE(c.note, '') FROM backup_parent p LEFT JOIN backup_child c ON c.parent_id = p.id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	got := map[int64]string{}
	for rows.Next() {
		var id int64
		var note string
		if err := rows.Scan(&id, &note); err != nil {
			t.Fatal(err)
		}
		if note == "" {
			t.Errorf("parent %d has no child: torn transaction", id)
		}
		got[id] = note
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return got
}

func TestBackupWhileWritingRestoreRoundTrip(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := openMigrated(t, filepath.Join(dir, "live.db"))
	if _, err := db.Exec(ctx, `CREATE TABLE backup_parent (id INTEGER PRIMARY KEY, made TEXT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(ctx, `CREATE TABLE backup_child (parent_id INTEGER NOT NULL REFERENCES backup_parent(id), note TEXT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	write := func(i int) error {
		return db.Tx(ctx, func(tx *store.Tx) error {
			var id int64
			if err := tx.QueryRow(ctx, `INSERT INTO backup_parent (made) VALUES (?) RETURNING id`, "row").Scan(&id); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `INSERT INTO backup_child (parent_id, note) VALUES (?, ?)`, id, strings.Repeat("n", 1+i%50))
			return err
		})
	}
	for i := 0; i < 200; i++ {
		if err := write(i); err != nil {
			t.Fatal(err)
		}
	}

	var acked atomic.Int64
	acked.Store(200)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 200; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			if err := write(i); err != nil {
				t.Error(err)
				return
			}
			acked.Add(1)
		}
	}()
	for acked.Load() < 400 {
		time.Sleep(time.Millisecond)
	}
	before := acked.Load()
	out := filepath.Join(dir, "copy.db")
	if err := db.Backup(ctx, out, false); err != nil {
		t.Fatal(err)
	}
	close(stop)
	wg.Wait()

	if err := db.Backup(ctx, out, false); err == nil || !strings.Contains(err.Error(), "--force") {
		t.Fatalf("second backup over the first: %v", err)
	}
	if _, err := store.VerifyBackup(ctx, out); err != nil {
		t.Fatal(err)
	}

	target := filepath.Join(dir, "restored.db")
	kept, err := store.Restore(ctx, out, target, time.Now())
	if err != nil || kept != "" {
		t.Fatalf("restore into a new path: %q, %v", kept, err)
	}
	restored := openMigrated(t, target)
	got := probeRows(t, restored)
	if int64(len(got)) < before {
		t.Fatalf("backup has %d rows, %d were committed before it started", len(got), before)
	}
	live := probeRows(t, db)
	for id, note := range got {
		if live[id] != note {
			t.Fatalf("row %d: restored %q, live %q", id, note, live[id])
		}
	}
	for id := int64(1); id <= int64(len(got)); id++ {
		if _, ok := got[id]; !ok {
			t.Fatalf("row %d missing from a backup of %d rows: not one point in time", id, len(got))
		}
	}
	var fk int
	if err := restored.QueryRow(ctx, `SELECT COUNT(*) FROM pragma_foreign_key_check`).Scan(&fk); err != nil || fk != 0 {
		t.Fatalf("foreign key violations: %d, %v", fk, err)
	}
}

func TestRestoreKeepsPreviousAndRefusesWhileServed(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	src := openMigrated(t, filepath.Join(dir, "src.db"))
	if _, err := src.Exec(ctx, `CREATE TABLE marker (v TEXT)`); err != nil {
		t.Fatal(err)
	}
	if _, err := src.Exec(ctx, `INSERT INTO marker VALUES ('from backup')`); err != nil {
		t.Fatal(err)
	}
	backup := filepath.Join(dir, "b.db")
	if err := src.Backup(ctx, backup, false); err != nil {
		t.Fatal(err)
	}

	target := filepath.Join(dir, "target.db")
	old := openMigrated(t, target)
	if _, err := old.Exec(ctx, `CREATE TABLE marker (v TEXT)`); err != nil {
		t.Fatal(err)
	}
	if _, err := old.Exec(ctx, `INSERT INTO marker VALUES ('previous')`); err != nil {
		t.Fatal(err)
	}
	lock, err := store.LockInUse(target)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.Restore(ctx, backup, target, time.Now()); !errors.Is(err, store.ErrInUse) {
		t.Fatalf("restore over a served database: %v", err)
	}
	lock.Close()
	old.Close()

	kept, err := store.Restore(ctx, backup, target, time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(kept) != "target.db.bak-20260301T120000Z" {
		t.Fatalf("kept as %q", kept)
	}
	marker := func(path string) string {
		conn, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		var v string
		if err := conn.QueryRow(`SELECT v FROM marker`).Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	if got := marker(target); got != "from backup" {
		t.Errorf("restored target holds %q", got)
	}
	if got := marker(kept); got != "previous" {
		t.Errorf("kept file holds %q", got)
	}
	if leftovers, _ := filepath.Glob(filepath.Join(dir, "*.tmp-*")); len(leftovers) > 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
}

func TestRestoreRejectsForeignFiles(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	target := filepath.Join(dir, "target.db")
	openMigrated(t, target).Close()

	text := filepath.Join(dir, "notes.txt")
	os.WriteFile(text, []byte("not a database at all, just some words"), 0o600)

	other := filepath.Join(dir, "other.db")
	conn, err := sql.Open("sqlite", "file:"+other)
	if err != nil {
		t.Fatal(err)
	}
	conn.Exec(`CREATE TABLE t (x)`)
	conn.Close()

	newer := filepath.Join(dir, "newer.db")
	fut := openMigrated(t, newer)
	if _, err := fut.Exec(ctx, `INSERT INTO schema_migrations (version, name) VALUES (9999, '9999_future.sql')`); err != nil {
		t.Fatal(err)
	}
	fut.Close()

	for file, want := range map[string]string{text: "not a SQLite database", other: "not a Mentorskap database", newer: "newer than this mentorskap"} {
		before, _ := os.ReadFile(target)
		_, err := store.Restore(ctx, file, target, time.Now())
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", filepath.Base(file), err, want)
		}
		after, _ := os.ReadFile(target)
		if string(before) != string(after) {
			t.Errorf("%s: target changed by a refused restore", filepath.Base(file))
		}
	}
	if baks, _ := filepath.Glob(target + ".bak-*"); len(baks) > 0 {
		t.Errorf("refused restores left %v", baks)
	}
}

func TestBackupRefusesPostgres(t *testing.T) {
	if os.Getenv("MENTORSKAP_TEST_POSTGRES") == "" {
		t.Skip("MENTORSKAP_TEST_POSTGRES not set")
	}
	db, err := store.Open(context.Background(), os.Getenv("MENTORSKAP_TEST_POSTGRES"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Backup(context.Background(), filepath.Join(t.TempDir(), "x.db"), false); err == nil || !strings.Contains(err.Error(), "pg_dump") {
		t.Fatalf("backup of postgres: %v", err)
	}
}
