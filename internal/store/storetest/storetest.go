// Package storetest opens fresh, migrated databases for tests: always SQLite,
// and PostgreSQL too when MENTORSKAP_TEST_POSTGRES holds a connection URL.
// Each PostgreSQL database is a database of its own cloned from a migrated
// template (or, where the user may not create databases, a new schema), so
// concurrent runs never collide; a test binary started through Run reuses
// them, emptied, instead of dropping each (pool.go).
package storetest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"mentorskap/internal/store"
	"mentorskap/internal/testtool"
)

// EnvPostgres names the variable holding the PostgreSQL URL for tests.
const EnvPostgres = "MENTORSKAP_TEST_POSTGRES"

// Each runs fn once per available dialect as a subtest named after it.
//
// The two run in parallel: each has a database of its own, and waiting on
// PostgreSQL leaves a core free for SQLite. So fn must not share state with
// the other run, and the caller must not rely on Each having finished when
// it returns: it returns before the subtests run, and t waits for them.
func Each(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		fn(t, SQLite(t))
	})
	// Under MENTORSKAP_CI the subtest runs (and fails) without a server,
	// so CI cannot quietly test SQLite alone.
	if os.Getenv(EnvPostgres) != "" || testtool.CI() {
		t.Run("postgres", func(t *testing.T) {
			t.Parallel()
			fn(t, Postgres(t))
		})
	}
}

// SQLite returns a migrated database in a temporary file: a copy of one
// migrated once per test binary, because migrating is the slowest thing
// most tests would otherwise do (seconds each under the race detector).
func SQLite(t testing.TB) *store.DB {
	t.Helper()
	return openMigrated(t, SQLiteFile(t))
}

// SQLiteFile returns the path of a migrated SQLite database file of the
// test's own, for tests that hand a database to a command or a process.
func SQLiteFile(t testing.TB) string {
	t.Helper()
	tmpl, err := sqliteTemplate()
	if err != nil {
		t.Fatalf("migrating the SQLite template: %v", err)
	}
	path := filepath.Join(t.TempDir(), "test.db")
	if err := os.WriteFile(path, tmpl, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
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

// Postgres returns a migrated database of its own, or skips the test when no
// server is configured.
func Postgres(t testing.TB) *store.DB {
	t.Helper()
	dsn := os.Getenv(EnvPostgres)
	if dsn == "" {
		testtool.Missing(t, "PostgreSQL", testtool.Postgres, EnvPostgres+" not set")
	}
	if db, ok := pooled(t, dsn); ok {
		return openMigrated(t, noSyncCommit(t, db))
	}
	if clone, drop, ok := cloneDatabase(t, dsn); ok {
		t.Cleanup(drop)
		return openMigrated(t, noSyncCommit(t, clone))
	}
	dsn, drop := FreshSchema(t, dsn)
	t.Cleanup(drop)
	dsn = noSyncCommit(t, dsn)
	if files := postgresMigrations(); files != nil {
		if err := migrateFresh(dsn, files); err != nil {
			t.Fatalf("migrating the test schema: %v", err)
		}
		return openMigrated(t, dsn)
	}
	return open(t, dsn)
}

// noSyncCommit turns off waiting for each commit to reach the disk: a test
// database that a server crash loses is no loss, and a busy test server is
// spared the work. Other sessions still see every commit at once, so no
// test can tell.
func noSyncCommit(t testing.TB, dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("synchronous_commit", "off")
	u.RawQuery = q.Encode()
	return u.String()
}

// cloneDatabase creates a database from the migrated template and returns
// its URL and a function that drops it. Cloning copies the template's files:
// on PostgreSQL 15 here, cloning and dropping cost the server about 95 ms of
// CPU where migrating and dropping a schema cost 220 ms, and the suite
// makes hundreds. It
// reports false where the template cannot be had (a user who may not
// create databases, or no migrations in the source tree), and the caller
// falls back to a schema.
func cloneDatabase(t testing.TB, dsn string) (string, func(), bool) {
	t.Helper()
	tmpl, err := templateDatabase(dsn)
	if err != nil {
		t.Logf("no template database (%v): migrating a schema instead", err)
		return "", nil, false
	}
	b := make([]byte, 6)
	rand.Read(b)
	name := "t_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Exec(`CREATE DATABASE ` + name + ` TEMPLATE ` + tmpl); err != nil {
		admin.Close()
		t.Fatalf("cloning the test database: %v", err)
	}
	clone, err := withDatabase(dsn, name)
	if err != nil {
		t.Fatal(err)
	}
	return clone, func() {
		admin.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`)
		admin.Close()
	}, true
}

var templateOnce sync.Map // server URL → func() (string, error)

// templateDatabase returns the name of a database migrated to the
// migrations in the source tree, making it the first time any test
// process asks. Its name carries a hash of the migrations, so checkouts with
// other migrations (another branch, an older run) get templates of their own.
func templateDatabase(dsn string) (string, error) {
	f, _ := templateOnce.LoadOrStore(dsn, sync.OnceValues(func() (string, error) { return makeTemplate(dsn) }))
	return f.(func() (string, error))()
}

func makeTemplate(dsn string) (string, error) {
	files := postgresMigrations()
	if files == nil {
		return "", fmt.Errorf("the migrations are not in the source tree")
	}
	h := sha256.New()
	for _, f := range files {
		fmt.Fprintf(h, "%s\x00%s\x00", f.name, f.body)
	}
	name := "mentorskap_tmpl_" + hex.EncodeToString(h.Sum(nil))[:16]

	ctx := context.Background()
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		return "", err
	}
	defer admin.Close()
	conn, err := admin.Conn(ctx)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	// Test processes start together; one builds the template, the others
	// wait for it on this lock and then find it there.
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock(hashtext($1))`, name); err != nil {
		return "", err
	}
	defer conn.ExecContext(ctx, `SELECT pg_advisory_unlock(hashtext($1))`, name)
	var exists bool
	if err := conn.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		return "", err
	}
	if exists {
		return name, nil
	}
	// Built under another name and renamed when complete, so a process
	// that died halfway never leaves a half-migrated template behind.
	build := name + "_build"
	if _, err := conn.ExecContext(ctx, `DROP DATABASE IF EXISTS `+build+` WITH (FORCE)`); err != nil {
		return "", err
	}
	if _, err := conn.ExecContext(ctx, `CREATE DATABASE `+build); err != nil {
		return "", err
	}
	buildDSN, err := withDatabase(dsn, build)
	if err != nil {
		return "", err
	}
	if err := migrateFresh(buildDSN, files); err != nil {
		return "", fmt.Errorf("migrating the template: %w", err)
	}
	if _, err := conn.ExecContext(ctx, `ALTER DATABASE `+build+` RENAME TO `+name); err != nil {
		return "", err
	}
	return name, nil
}

// withDatabase returns dsn pointing at another database on the same server.
func withDatabase(dsn, name string) (string, error) {
	u, err := url.Parse(dsn)
	if err != nil {
		return "", err
	}
	u.Path = "/" + name
	return u.String(), nil
}

// Default returns the PostgreSQL database when configured, else SQLite: for
// tests that need one real database and do not care which.
func Default(t testing.TB) *store.DB {
	if os.Getenv(EnvPostgres) != "" || testtool.CI() {
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

// pgMigration is one PostgreSQL migration file as store.Migrate applies it.
type pgMigration struct {
	version    int
	name, body string
}

var postgresMigrations = sync.OnceValue(readPostgresMigrations)

// readPostgresMigrations reads the PostgreSQL migrations from the source
// tree beside this file, or returns nil when it is not there (a binary
// built with -trimpath), and tests then migrate the ordinary way.
func readPostgresMigrations() []pgMigration {
	_, self, _, ok := runtime.Caller(0)
	if !ok {
		return nil
	}
	dir := filepath.Join(filepath.Dir(self), "..", "migrations", "postgres")
	names, err := filepath.Glob(filepath.Join(dir, "*.sql"))
	if err != nil || len(names) == 0 {
		return nil
	}
	sort.Strings(names)
	var out []pgMigration
	for _, path := range names {
		name := filepath.Base(path)
		version, err := strconv.Atoi(strings.SplitN(name, "_", 2)[0])
		if err != nil {
			return nil
		}
		body, err := os.ReadFile(path)
		if err != nil {
			return nil
		}
		out = append(out, pgMigration{version, name, string(body)})
	}
	return out
}

// migrateFresh brings a new, private schema to what store.Migrate leaves
// behind, in one transaction. Migrate commits each file on its own under an
// advisory lock that every PostgreSQL test in every package shares, so
// parallel test binaries queue behind each other's migrations; a private
// schema needs neither. TestFastMigrationMatchesMigrate holds the two ways
// to the same catalog.
func migrateFresh(dsn string, files []pgMigration) error {
	ctx := context.Background()
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL)`); err != nil {
		return err
	}
	for _, f := range files {
		if _, err := tx.ExecContext(ctx, f.body); err != nil {
			return fmt.Errorf("migration %s: %w", f.name, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name) VALUES ($1, $2)`, f.version, f.name); err != nil {
			return err
		}
	}
	return tx.Commit()
}
