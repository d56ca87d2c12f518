package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Each dialect has its own folder with the same numbering, so a migration is
// written once per engine in that engine's own SQL.
//
//go:embed migrations
var migrations embed.FS

// Migrate applies every migration not yet applied, each in its own
// transaction. On PostgreSQL an advisory lock keeps several instances that
// start together from racing.
func (db *DB) Migrate(ctx context.Context) error {
	return db.MigrateTo(ctx, math.MaxInt)
}

// MigrateTo applies the migrations not yet applied whose number is at most
// version. Serving always takes them all (Migrate); stopping early exists
// for upgrade tests, which build a database as an older release left it and
// then let today's Migrate carry it forward.
func (db *DB) MigrateTo(ctx context.Context, version int) error {
	all, err := migrationFiles(db.dialect)
	if err != nil {
		return err
	}
	var files []migrationFile
	for _, f := range all {
		if f.version <= version {
			files = append(files, f)
		}
	}

	if _, err := db.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL)`); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	for _, f := range files {
		body, err := fs.ReadFile(migrations, migrationDir(db.dialect)+"/"+f.name)
		if err != nil {
			return err
		}
		err = db.Tx(ctx, func(tx *Tx) error {
			if db.dialect == Postgres {
				if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(727274)`); err != nil {
					return err
				}
			}
			var n int
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE version = ?`, f.version).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return nil
			}
			if err := tx.script(ctx, string(body)); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version, name) VALUES (?, ?)`, f.version, f.name)
			return err
		})
		if err != nil {
			return fmt.Errorf("migration %s: %w", f.name, err)
		}
	}
	return nil
}

// migrationFile is one migration of a dialect: its number and file name.
type migrationFile struct {
	version int
	name    string
}

func migrationDir(d Dialect) string { return "migrations/" + string(d) }

// migrationFiles lists a dialect's migrations in the order they apply:
// fs.ReadDir sorts by name, and names start with their zero-padded number.
func migrationFiles(d Dialect) ([]migrationFile, error) {
	entries, err := fs.ReadDir(migrations, migrationDir(d))
	if err != nil {
		return nil, err
	}
	var out []migrationFile
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".sql") {
			continue
		}
		version, err := strconv.Atoi(strings.SplitN(name, "_", 2)[0])
		if err != nil {
			return nil, fmt.Errorf("migration %s: name must start with a number", name)
		}
		out = append(out, migrationFile{version, name})
	}
	return out, nil
}

// Migration is one of the embedded migrations and whether the database has
// it.
type Migration struct {
	Version int
	Name    string
	Applied bool
	// Newer marks a migration the database records but this binary does
	// not embed: a newer release has run on the database.
	Newer bool
}

// Migrations lists the embedded migrations in order, each marked applied or
// pending, and after them any migration the database records that this
// binary does not know: a sign that a newer release ran on it. It changes
// nothing, so it is safe on a database another instance is serving.
func (db *DB) Migrations(ctx context.Context) ([]Migration, error) {
	files, err := migrationFiles(db.dialect)
	if err != nil {
		return nil, err
	}
	applied := map[int]string{}
	var exists bool
	if db.dialect == Postgres {
		err = db.QueryRow(ctx, `SELECT to_regclass('schema_migrations') IS NOT NULL`).Scan(&exists)
	} else {
		var n int
		err = db.QueryRow(ctx, `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'`).Scan(&n)
		exists = n > 0
	}
	if err != nil {
		return nil, fmt.Errorf("look for schema_migrations: %w", err)
	}
	if exists {
		rows, err := db.Query(ctx, `SELECT version, name FROM schema_migrations ORDER BY version`)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		for rows.Next() {
			var v int
			var name string
			if err := rows.Scan(&v, &name); err != nil {
				return nil, err
			}
			applied[v] = name
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	var out []Migration
	for _, f := range files {
		_, ok := applied[f.version]
		out = append(out, Migration{Version: f.version, Name: f.name, Applied: ok})
		delete(applied, f.version)
	}
	var unknown []Migration
	for v, name := range applied {
		unknown = append(unknown, Migration{Version: v, Name: name, Applied: true, Newer: true})
	}
	slices.SortFunc(unknown, func(a, b Migration) int { return a.Version - b.Version })
	return append(out, unknown...), nil
}
