package store_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"mentorskap/internal/store"
)

// Every SQLite connection overwrites deleted content, and a checkpoint
// leaves an empty write-ahead log behind.
func TestSQLiteSecureDeleteAndCheckpoint(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "s.db")
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(ctx, `CREATE TABLE t (v TEXT)`); err != nil {
		t.Fatal(err)
	}
	err = db.Tx(ctx, func(tx *store.Tx) error {
		var on int
		if err := tx.QueryRow(ctx, `PRAGMA secure_delete`).Scan(&on); err != nil || on != 1 {
			t.Errorf("writer: secure_delete = %d, %v", on, err)
		}
		_, err := tx.Exec(ctx, `INSERT INTO t (v) VALUES ('x')`)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var on int
	if err := db.QueryRow(ctx, `PRAGMA secure_delete`).Scan(&on); err != nil || on != 1 {
		t.Errorf("reader: secure_delete = %d, %v", on, err)
	}
	if err := db.Checkpoint(ctx); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(path + "-wal"); err != nil || st.Size() != 0 {
		t.Fatalf("write-ahead log after the checkpoint: %v, %v", st, err)
	}
}
