package store

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

// ErrInUse means another process has the SQLite database open for serving.
var ErrInUse = errors.New("the database is in use: stop mentorskap serve first")

// Backup writes a consistent copy of the SQLite database to out while other
// connections keep writing. VACUUM INTO runs in one read transaction, so the
// copy is the state at one commit; it goes to a temporary file first so a
// failed or interrupted backup never leaves a half-written out behind.
func (db *DB) Backup(ctx context.Context, out string, force bool) error {
	if db.dialect != SQLite {
		return errors.New("backup works on SQLite only; back up PostgreSQL with pg_dump")
	}
	if !force {
		if _, err := os.Stat(out); err == nil {
			return fmt.Errorf("%s already exists (use --force to replace it)", out)
		}
	}
	tmp, err := tempName(out)
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	if _, err := db.w.ExecContext(ctx, `VACUUM INTO ?`, tmp); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if err := syncFile(tmp); err != nil {
		return err
	}
	if force {
		err = os.Rename(tmp, out)
	} else {
		// A link fails when out exists, so a file that appeared since the
		// check above is still never overwritten.
		err = os.Link(tmp, out)
	}
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	return syncDir(filepath.Dir(out))
}

// LatestMigration is the newest schema version this binary knows.
func LatestMigration() int {
	latest := 0
	files, _ := migrationFiles(SQLite)
	for _, f := range files {
		latest = max(latest, f.version)
	}
	return latest
}

// VerifyBackup checks that path is an intact Mentorskap SQLite database whose
// schema this binary can run, and returns its schema version.
func VerifyBackup(ctx context.Context, path string) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	head := make([]byte, 16)
	_, err = io.ReadFull(f, head)
	f.Close()
	if err != nil || !bytes.Equal(head, []byte("SQLite format 3\x00")) {
		return 0, fmt.Errorf("%s is not a SQLite database", path)
	}
	conn, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	var check string
	if err := conn.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&check); err != nil {
		return 0, fmt.Errorf("%s: integrity check: %w", path, err)
	}
	if check != "ok" {
		return 0, fmt.Errorf("%s is damaged: %s", path, check)
	}
	var version sql.NullInt64
	if err := conn.QueryRowContext(ctx, `SELECT MAX(version) FROM schema_migrations`).Scan(&version); err != nil || !version.Valid {
		return 0, fmt.Errorf("%s is not a Mentorskap database (no schema_migrations)", path)
	}
	if latest := LatestMigration(); int(version.Int64) > latest {
		return 0, fmt.Errorf("%s has schema version %d, newer than this mentorskap (%d): use a newer binary", path, version.Int64, latest)
	}
	return int(version.Int64), nil
}

// Restore replaces the SQLite database at target with the backup at from. It
// refuses while a server holds target (see LockInUse), verifies a copy of
// the backup beside target, keeps the previous database as
// target.bak-<time> and swaps the copy in with one rename, so target is at
// every moment either the old database or the restored one. It returns the
// name of the kept previous file ("" when target did not exist).
func Restore(ctx context.Context, from, target string, now time.Time) (string, error) {
	if _, err := VerifyBackup(ctx, from); err != nil {
		return "", err
	}
	lock, err := lockFile(target, true)
	if err != nil {
		return "", err
	}
	defer lock.Close()

	tmp, err := tempName(target)
	if err != nil {
		return "", err
	}
	defer os.Remove(tmp)
	if err := copyFile(from, tmp); err != nil {
		return "", err
	}
	if _, err := VerifyBackup(ctx, tmp); err != nil {
		return "", err
	}

	kept := ""
	if _, err := os.Stat(target); err == nil {
		// Fold the write-ahead log into the old file so the kept copy is
		// complete, and so no stale log is applied to the restored file.
		if err := checkpoint(ctx, target); err != nil {
			return "", err
		}
		kept = target + ".bak-" + now.UTC().Format("20060102T150405Z")
		if err := os.Link(target, kept); err != nil {
			return "", fmt.Errorf("keep previous database: %w", err)
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return "", err
	}
	for _, side := range []string{"-wal", "-shm"} {
		if err := os.Remove(target + side); err != nil && !errors.Is(err, os.ErrNotExist) {
			return kept, err
		}
	}
	if err := os.Rename(tmp, target); err != nil {
		return kept, fmt.Errorf("restore: %w", err)
	}
	return kept, syncDir(filepath.Dir(target))
}

// checkpoint writes the whole write-ahead log of path into the database file.
func checkpoint(ctx context.Context, path string) error {
	conn, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		return err
	}
	defer conn.Close()
	var busy, logPages, done int
	if err := conn.QueryRowContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &logPages, &done); err != nil {
		return fmt.Errorf("checkpoint %s: %w", path, err)
	}
	if busy != 0 {
		return ErrInUse
	}
	return nil
}

// LockInUse marks the SQLite database at path as served, so that Restore
// refuses to replace it; close the result to let go. The lock is a flock on
// the file itself, which SQLite's own (fcntl) locks do not interfere with,
// and the kernel drops it when the process dies.
func LockInUse(path string) (io.Closer, error) {
	return lockFile(path, false)
}

func tempName(beside string) (string, error) {
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return beside + ".tmp-" + hex.EncodeToString(b), nil
}

func copyFile(from, to string) error {
	src, err := os.Open(from)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		return err
	}
	if err := dst.Sync(); err != nil {
		dst.Close()
		return err
	}
	return dst.Close()
}

func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	// Some file systems cannot sync a directory; the rename is still done.
	_ = d.Sync()
	return nil
}
