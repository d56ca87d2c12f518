// Package store opens the database (SQLite or PostgreSQL), applies the
// embedded migrations and runs queries written with `?` placeholders on
// either dialect.
//
// SQLite gets one writer connection beside a pool of readers: SQLite allows a
// single writer at a time, and funnelling writes through one connection turns
// "database is locked" errors into an orderly queue. Writes go through Tx (or
// Exec); reads outside a transaction go to the reader pool.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"runtime"
	"strings"
	"sync"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	_ "modernc.org/sqlite"             // registers the "sqlite" driver (pure Go, so CGO_ENABLED=0 builds work)
)

// Dialect names the database engine.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// Q runs queries. *DB and *Tx both satisfy it, so domain code can be called
// inside or outside a transaction.
type Q interface {
	Exec(ctx context.Context, query string, args ...any) (sql.Result, error)
	Query(ctx context.Context, query string, args ...any) (Cursor, error)
	QueryRow(ctx context.Context, query string, args ...any) Row
	Dialect() Dialect
}

// Cursor is what Query answers: rows to read through and then close, as
// database/sql's Rows (which is one).
type Cursor interface {
	Rows
	Close() error
	Columns() ([]string, error)
}

// Row is what QueryRow answers: one row to scan, or sql.ErrNoRows from
// Scan when there was none, as database/sql's Row (which is one).
type Row interface {
	Scan(dest ...any) error
	Err() error
}

// DB is an open database.
type DB struct {
	dialect Dialect
	w       *sql.DB // all writes; on SQLite a single connection
	r       *sql.DB // reads outside transactions
	binds   sync.Map
	// Prepared statements, SQLite only (nil on PostgreSQL): one cache per
	// pool, as a statement belongs to the pool that prepared it.
	wstmts, rstmts *stmtCache
}

// Open opens the database named by dsn: a postgres:// or postgresql:// URL
// selects PostgreSQL, anything else is a SQLite file path.
func Open(ctx context.Context, dsn string) (*DB, error) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		return openPostgres(ctx, dsn)
	}
	return openSQLite(ctx, dsn)
}

func openPostgres(ctx context.Context, dsn string) (*DB, error) {
	dsn, err := withPlannerDefaults(dsn)
	if err != nil {
		return nil, err
	}
	pool, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, err
	}
	pool.SetMaxOpenConns(20)
	pool.SetMaxIdleConns(10)
	if err := pool.PingContext(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect to postgres: %w", err)
	}
	return &DB{dialect: Postgres, w: pool, r: pool}, nil
}

// plannerDefaults are the planner settings this application's PostgreSQL
// connections ask for, each unless the URL names its own:
//
//   - random_page_cost 1.1, the value PostgreSQL's manual gives for
//     solid-state storage, where an index read costs about what a
//     sequential one does; the server's default of 4 is for spinning
//     disks. With 4, a statement pgx prepared while a table was small
//     keeps a plan that reads the whole table to find one row by its key,
//     however much the table grows, until the next ANALYZE; with 1.1 it
//     uses the index from the start. In the load mix on a server without
//     autovacuum this was 15 % more requests a second and 28 % less CPU on
//     the server (bench/README.md, "Seventh round").
//   - plan_cache_mode force_generic_plan: a prepared statement is planned
//     once per connection, not at every execution. Left to choose, the
//     server kept planning anew the statements with a time range or an
//     IN list, whose one plan it estimates dearer than the custom ones,
//     though every statement here finds its rows through a key or an
//     index either way. In the load mix this was 20 % more requests a second for a fifth
//     less CPU on the server, and the 10,000-pair dashboard stayed as it
//     was (bench/README.md, "Ninth round").
var plannerDefaults = [][2]string{{"random_page_cost", "1.1"}, {"plan_cache_mode", "force_generic_plan"}}

func withPlannerDefaults(dsn string) (string, error) {
	u, err := url.Parse(dsn)
	if err != nil {
		return "", fmt.Errorf("postgres url: %w", err)
	}
	q := u.Query()
	for _, d := range plannerDefaults {
		if !q.Has(d[0]) {
			q.Set(d[0], d[1])
		}
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}

func openSQLite(ctx context.Context, path string) (*DB, error) {
	q := url.Values{}
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "synchronous(NORMAL)")
	// Deleted rows are overwritten with zeros instead of lingering in free
	// space, so that a deleted account's data is gone from the file and
	// not only from the queries (see Checkpoint for the WAL).
	q.Add("_pragma", "secure_delete(1)")
	q.Set("_time_format", "sqlite")
	base := "file:" + path + "?"

	w, err := sql.Open("sqlite", base+q.Encode()+"&_txlock=immediate")
	if err != nil {
		return nil, err
	}
	w.SetMaxOpenConns(1)
	w.SetConnMaxIdleTime(0)
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	q.Add("_pragma", "query_only(1)")
	r, err := sql.Open("sqlite", base+q.Encode())
	if err != nil {
		w.Close()
		return nil, err
	}
	// Readers as many as the cores can keep busy (the driver is pure Go,
	// so a read is CPU work), and never fewer than four so that a slow
	// read does not hold up the others. All of them stay open: a closed
	// idle connection is a new one to open and its statements to prepare
	// again on the next burst.
	readers := max(4, 2*runtime.GOMAXPROCS(0))
	r.SetMaxOpenConns(readers)
	r.SetMaxIdleConns(readers)
	return &DB{dialect: SQLite, w: w, r: r, wstmts: &stmtCache{pool: w}, rstmts: &stmtCache{pool: r}}, nil
}

// Dialect reports the engine behind db.
func (db *DB) Dialect() Dialect { return db.dialect }

// Close closes both pools.
func (db *DB) Close() error {
	db.wstmts.close()
	db.rstmts.close()
	err := db.w.Close()
	if db.r != db.w {
		err = errors.Join(err, db.r.Close())
	}
	return err
}

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error {
	var one int
	return db.r.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

// ErrCheckpointBusy says a checkpoint could not finish because a reader
// still needed older pages; the next one will.
var ErrCheckpointBusy = errors.New("wal checkpoint: readers still active")

// Checkpoint copies SQLite's write-ahead log into the database file and
// truncates the log to zero bytes. Without it the log keeps the page images
// written before a deletion, data included, until it happens to be
// overwritten. PostgreSQL has no such file to clean: it does nothing there.
func (db *DB) Checkpoint(ctx context.Context) error {
	if db.dialect != SQLite {
		return nil
	}
	var busy, logFrames, done int
	if err := db.w.QueryRowContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &logFrames, &done); err != nil {
		return fmt.Errorf("wal checkpoint: %w", err)
	}
	if busy != 0 {
		return ErrCheckpointBusy
	}
	return nil
}

// Exec runs a single write outside an explicit transaction.
func (db *DB) Exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	count(ctx, query, true)
	End(ctx) // later reads must see this write
	if st := db.wstmts.get(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return db.w.ExecContext(ctx, db.bind(query), args...)
}

// Query reads from the reader pool.
func (db *DB) Query(ctx context.Context, query string, args ...any) (Cursor, error) {
	count(ctx, query, false)
	if tx, st, sctx := db.reader(ctx, query); tx != nil {
		if st != nil {
			return tx.StmtContext(sctx, st).QueryContext(sctx, args...)
		}
		return tx.QueryContext(sctx, query, args...)
	}
	if st := db.rstmts.get(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return db.r.QueryContext(ctx, db.bind(query), args...)
}

// QueryRow reads one row from the reader pool.
func (db *DB) QueryRow(ctx context.Context, query string, args ...any) Row {
	count(ctx, query, false)
	if tx, st, sctx := db.reader(ctx, query); tx != nil {
		if st != nil {
			return tx.StmtContext(sctx, st).QueryRowContext(sctx, args...)
		}
		return tx.QueryRowContext(sctx, query, args...)
	}
	if st := db.rstmts.get(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return db.r.QueryRowContext(ctx, db.bind(query), args...)
}

// Tx runs fn in one write transaction: committed when fn returns nil, rolled
// back otherwise. On SQLite the transaction begins IMMEDIATE so that it holds
// the write lock from the start and never fails half-way on an upgrade.
func (db *DB) Tx(ctx context.Context, fn func(tx *Tx) error) (err error) {
	if c, ok := ctx.Value(counterKey{}).(*Counter); ok {
		c.writer.Add(1)
	}
	End(ctx) // later reads must see what fn writes
	if db.dialect == Postgres {
		return db.runPostgres(ctx, fn)
	}
	stx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	tx := &Tx{db: db, tx: stx}
	defer func() {
		if p := recover(); p != nil {
			_ = stx.Rollback()
			panic(p)
		}
		if err != nil {
			_ = stx.Rollback()
		} else {
			err = stx.Commit()
		}
		for _, q := range tx.unprepared {
			db.wstmts.get(ctx, q)
		}
	}()
	return fn(tx)
}

// Tx is a write transaction.
type Tx struct {
	db *DB
	tx *sql.Tx // on SQLite
	pg *pgTx   // on PostgreSQL
	// unprepared lists the queries sent as text because they were not
	// prepared yet; Tx prepares them once the writer is free again.
	unprepared []string
}

// DB is the database the transaction runs on.
func (t *Tx) DB() *DB { return t.db }

// stmt returns the writer's prepared statement for query, or nil (then
// noting the query, to prepare after the transaction).
func (t *Tx) stmt(query string) *sql.Stmt {
	if t.db.wstmts == nil {
		return nil
	}
	st := t.db.wstmts.load(query)
	if st == nil {
		t.unprepared = append(t.unprepared, query)
	}
	return st
}

func (t *Tx) Dialect() Dialect { return t.db.dialect }

func (t *Tx) Exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	count(ctx, query, false)
	if t.pg != nil {
		return t.pg.exec(ctx, t.db.bind(query), args)
	}
	if st := t.stmt(query); st != nil {
		return t.tx.StmtContext(ctx, st).ExecContext(ctx, args...)
	}
	return t.tx.ExecContext(ctx, t.db.bind(query), args...)
}

// Later runs a write whose result nobody waits for: an event logged, an
// email queued. On PostgreSQL it goes with the transaction's next
// statement or its commit, and a failure comes back from that one, so
// use it only for writes that fail when the database does; on SQLite,
// where a statement is a function call, it runs at once.
func (t *Tx) Later(ctx context.Context, query string, args ...any) error {
	if t.pg == nil {
		_, err := t.Exec(ctx, query, args...)
		return err
	}
	noteLater(ctx, query)
	t.pg.queued = append(t.pg.queued, read{query: t.db.bind(query), args: args})
	return nil
}

// script runs statements written out in one text, a migration's, with no
// arguments and no counting.
func (t *Tx) script(ctx context.Context, body string) error {
	if t.pg == nil {
		_, err := t.tx.ExecContext(ctx, body)
		return err
	}
	_, err := t.pg.script(ctx, body)
	return err
}

func (t *Tx) Query(ctx context.Context, query string, args ...any) (Cursor, error) {
	count(ctx, query, false)
	if t.pg != nil {
		return t.pg.query(ctx, t.db.bind(query), args)
	}
	if st := t.stmt(query); st != nil {
		return t.tx.StmtContext(ctx, st).QueryContext(ctx, args...)
	}
	return t.tx.QueryContext(ctx, t.db.bind(query), args...)
}

func (t *Tx) QueryRow(ctx context.Context, query string, args ...any) Row {
	if t.pg != nil {
		rows, err := t.Query(ctx, query, args...)
		return pgRow{rows: rows, err: err}
	}
	count(ctx, query, false)
	if st := t.stmt(query); st != nil {
		return t.tx.StmtContext(ctx, st).QueryRowContext(ctx, args...)
	}
	return t.tx.QueryRowContext(ctx, t.db.bind(query), args...)
}

// bind rewrites `?` placeholders to `$n` for PostgreSQL. SQLite keeps `?`:
// there `$1` would bind by name, not position.
func (db *DB) bind(query string) string {
	if db.dialect != Postgres {
		return query
	}
	if v, ok := db.binds.Load(query); ok {
		return v.(string)
	}
	out := Rebind(query)
	db.binds.Store(query, out)
	return out
}

// Rebind turns `?` into `$1, $2, …`, leaving quoted text alone.
func Rebind(query string) string {
	var b strings.Builder
	b.Grow(len(query) + 8)
	n := 0
	var quote byte
	for i := 0; i < len(query); i++ {
		c := query[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '?':
			n++
			fmt.Fprintf(&b, "$%d", n)
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}
