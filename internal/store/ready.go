package store

import (
	"context"
	"database/sql"
	"fmt"
)

// MigrationState reports the highest migration version applied to the
// database and the highest one this binary embeds. A readiness probe
// compares them: an instance whose schema is behind its code must not take
// traffic. One indexed query, cheap enough for every probe.
func (db *DB) MigrationState(ctx context.Context) (applied, latest int, err error) {
	files, err := migrationFiles(db.dialect)
	if err != nil {
		return 0, 0, err
	}
	if len(files) > 0 {
		latest = files[len(files)-1].version
	}
	if err := db.r.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&applied); err != nil {
		return 0, latest, fmt.Errorf("read schema_migrations: %w", err)
	}
	return applied, latest, nil
}

// PoolStats reports the connection pools' use by name: on SQLite the
// single writer connection and the read pool, on PostgreSQL the one pool
// that does both. Metrics read it at scrape time.
func (db *DB) PoolStats() map[string]sql.DBStats {
	if db.r == db.w {
		return map[string]sql.DBStats{"shared": db.w.Stats()}
	}
	return map[string]sql.DBStats{"writer": db.w.Stats(), "readers": db.r.Stats()}
}
