// Package storetest opens fresh, migrated databases for tests: always SQLite,
// and PostgreSQL too when MENTORSKAP_TEST_POSTGRES holds a connection URL.
// Each PostgreSQL database is a new schema that is dropped afterwards, so
// concurrent runs never collide.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"mentorskap/internal/store"
)

// EnvPostgres names the variable holding the PostgreSQL URL for tests.
const EnvPostgres = "MENTORSKAP_TEST_POSTGRES"

// Each runs fn once per available dialect as a subtest named after it.
func Each(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t)) })
	if os.Getenv(EnvPostgres) != "" {
		t.Run("postgres", func(t *testing.T) { fn(t, Postgres(t)) })
	}
}

// SQLite returns a migrated database in a temporary file: a copy of one
// migrated once per test binary, because migrating is the slowest thing
// most tests would otherwise do (seconds each under the race detector).
func SQLite(t testing.TB) *store.DB {
	t.Helper()
	tmpl, err := sqliteTemplate()
	if err != nil {
		t.Fatalf("migrating the SQLite template: %v", err)
	}
	path := filepath.Join(t.TempDir(), "test.db")
	if err := os.WriteFile(path, tmpl, 0o600); err != nil {
		t.Fatal(err)
	}
	return openMigrated(t, path)
}

var sqliteOnce = sync.OnceValues(migratedSQLite)

func sqliteTemplate() ([]byte, error) { return sqliteOnce() }

// migratedSQLite migrates a database in a file of its own and returns the
// file's bytes. Closing the last connection checkpoints the write-ahead log
// into the file, so the bytes alone are the whole database.
func migratedSQLite() ([]byte, error) {
	dir, err := os.MkdirTemp("", "mentorskap-storetest-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "template.db")
	ctx := context.Background()
	db, err := store.Open(ctx, path)
	if err != nil {
		return nil, err
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if err := db.Checkpoint(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if err := db.Close(); err != nil {
		return nil, err
	}
	if fi, err := os.Stat(path + "-wal"); err == nil && fi.Size() > 0 {
		return nil, fmt.Errorf("template's write-ahead log still holds %d bytes", fi.Size())
	}
	return os.ReadFile(path)
}

// Postgres returns a migrated database in a schema of its own, or skips the
// test when no server is configured.
func Postgres(t testing.TB) *store.DB {
	t.Helper()
	dsn := os.Getenv(EnvPostgres)
	if dsn == "" {
		t.Skip(EnvPostgres + " not set")
	}
	dsn, drop := FreshSchema(t, dsn)
	t.Cleanup(drop)
	return open(t, dsn)
}

// Default returns the PostgreSQL database when configured, else SQLite: for
// tests that need one real database and do not care which.
func Default(t testing.TB) *store.DB {
	if os.Getenv(EnvPostgres) != "" {
		return Postgres(t)
	}
	return SQLite(t)
}

// FreshSchema creates a uniquely named schema and returns a URL whose
// search_path points at it, and a function that drops it.
func FreshSchema(t testing.TB, dsn string) (string, func()) {
	t.Helper()
	b := make([]byte, 6)
	rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		admin.Close()
		t.Fatalf("create schema: %v", err)
	}
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), func() {
		admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
		admin.Close()
	}
}

func open(t testing.TB, dsn string) *store.DB {
	t.Helper()
	db := openMigrated(t, dsn)
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db
}

// openMigrated opens a database that is already migrated.
func openMigrated(t testing.TB, dsn string) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
