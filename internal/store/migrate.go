package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
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
	files, err := migrationFiles(db.dialect)
	if err != nil {
		return err
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
			if _, err := tx.tx.ExecContext(ctx, string(body)); err != nil {
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
