package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Cloning a PostgreSQL database from the template and dropping it costs the
// server about a third of a second of work (it copies 11 MB through the
// write-ahead log, and DROP DATABASE forces a checkpoint); the suite makes
// about a thousand, a fifth of its CPU time. A test binary started through
// Run therefore keeps the databases its tests are done with and empties
// them for the next test: a test that wrote to a handful of tables costs a
// TRUNCATE of those. Run drops them when the tests end; a binary that died
// first holds no lock on its pool any more, and the next one to start
// drops what it left.

// Run runs the tests of a package that uses PostgreSQL databases from this
// package, with them pooled, and drops the pool afterwards. TestMain calls
// it: os.Exit(storetest.Run(m)).
func Run(m *testing.M) int {
	pooling.Store(true)
	code := m.Run()
	pools.Range(func(_, p any) bool {
		if p := p.(*pool); p != nil {
			p.drop()
		}
		return true
	})
	return code
}

var (
	pooling atomic.Bool
	pools   sync.Map // server URL → *pool
)

// poolPrefix starts the name of every pooled database; the pool's own id
// follows, then a number.
const poolPrefix = "t_pool_"

// pool is one test binary's databases on one server.
type pool struct {
	dsn, tmpl, id string
	admin         *sql.DB
	lock          *sql.Conn // holds the pool's advisory lock while the binary lives

	mu   sync.Mutex
	free []*pooledDB
	all  []string
	n    int
}

// pooledDB is a database of the pool, with what it looked like new.
type pooledDB struct {
	name, url string
	// fingerprint sums up the catalog and the rows the migrations left
	// (kept tables): a test that changed either gets a new database.
	fingerprint string
	kept        []string
	// reusable is false when the migrations used a sequence, which
	// emptying would restart to a value the template does not have.
	reusable bool
}

// pooled returns the URL of an empty migrated database from the binary's
// pool, back in the pool when t ends; false when the binary does not pool
// (not started through Run) or the server cannot (no template, or a user
// who is not a superuser and so cannot empty a database past its
// triggers).
func pooled(t testing.TB, dsn string) (string, bool) {
	t.Helper()
	if !pooling.Load() {
		return "", false
	}
	tmpl, err := templateDatabase(dsn)
	if err != nil {
		return "", false
	}
	p, err := poolFor(dsn, tmpl)
	if err != nil {
		t.Logf("no pool of test databases: %v", err)
		return "", false
	}
	if p == nil {
		return "", false
	}
	d := p.get(t)
	t.Cleanup(func() { p.put(d) })
	return d.url, true
}

// poolFor returns the pool for the server dsn, making it (and clearing the
// pools of binaries that died) the first time.
func poolFor(dsn, tmpl string) (*pool, error) {
	if p, ok := pools.Load(dsn); ok {
		return p.(*pool), nil // nil: the server cannot pool
	}
	ctx := context.Background()
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, err
	}
	var super bool
	if err := admin.QueryRowContext(ctx, `SELECT rolsuper FROM pg_roles WHERE rolname = current_user`).Scan(&super); err != nil || !super {
		admin.Close()
		pools.LoadOrStore(dsn, (*pool)(nil))
		return nil, err
	}
	b := make([]byte, 6)
	rand.Read(b)
	p := &pool{dsn: dsn, tmpl: tmpl, id: hex.EncodeToString(b), admin: admin}
	p.lock, err = admin.Conn(ctx)
	if err == nil {
		_, err = p.lock.ExecContext(ctx, `SELECT pg_advisory_lock(hashtext($1))`, poolPrefix+p.id)
	}
	if err != nil {
		admin.Close()
		return nil, err
	}
	if actual, loaded := pools.LoadOrStore(dsn, p); loaded {
		p.lock.Close()
		admin.Close()
		return actual.(*pool), nil
	}
	p.sweep(ctx)
	return p, nil
}

// sweep drops the pooled databases of binaries that are gone: their pool's
// lock is free.
func (p *pool) sweep(ctx context.Context) {
	rows, err := p.admin.QueryContext(ctx, `SELECT datname FROM pg_database WHERE datname LIKE $1`, poolPrefix+"%")
	if err != nil {
		return
	}
	byPool := map[string][]string{}
	for rows.Next() {
		var name string
		if rows.Scan(&name) == nil {
			id, _, _ := strings.Cut(strings.TrimPrefix(name, poolPrefix), "_")
			if id != p.id {
				byPool[id] = append(byPool[id], name)
			}
		}
	}
	rows.Close()
	for id, names := range byPool {
		var got bool
		key := poolPrefix + id
		if p.lock.QueryRowContext(ctx, `SELECT pg_try_advisory_lock(hashtext($1))`, key).Scan(&got) != nil || !got {
			continue
		}
		for _, name := range names {
			p.admin.ExecContext(ctx, `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`)
		}
		p.lock.ExecContext(ctx, `SELECT pg_advisory_unlock(hashtext($1))`, key)
	}
}

// get returns an empty migrated database, reused or new.
func (p *pool) get(t testing.TB) *pooledDB {
	t.Helper()
	p.mu.Lock()
	if n := len(p.free); n > 0 {
		d := p.free[n-1]
		p.free = p.free[:n-1]
		p.mu.Unlock()
		return d
	}
	p.n++
	name := fmt.Sprintf("%s%s_%d", poolPrefix, p.id, p.n)
	p.all = append(p.all, name)
	p.mu.Unlock()

	if _, err := p.admin.Exec(`CREATE DATABASE ` + name + ` TEMPLATE ` + p.tmpl); err != nil {
		t.Fatalf("cloning the test database: %v", err)
	}
	u, err := withDatabase(p.dsn, name)
	if err != nil {
		t.Fatal(err)
	}
	d := &pooledDB{name: name, url: u}
	if err := d.look(); err != nil {
		t.Fatalf("reading the new test database: %v", err)
	}
	return d
}

// put empties d for the next test and returns it to the pool, or drops it
// when it cannot be made as new.
func (p *pool) put(d *pooledDB) {
	err := fmt.Errorf("its template used a sequence")
	if d.reusable {
		err = d.empty()
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "storetest: %s not reused: %v\n", d.name, err)
		p.admin.Exec(`DROP DATABASE IF EXISTS ` + d.name + ` WITH (FORCE)`)
		return
	}
	p.mu.Lock()
	p.free = append(p.free, d)
	p.mu.Unlock()
}

// drop drops every database of the pool.
func (p *pool) drop() {
	p.mu.Lock()
	names := p.all
	p.all, p.free = nil, nil
	p.mu.Unlock()
	var wg sync.WaitGroup
	for _, name := range names {
		wg.Go(func() { p.admin.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`) })
	}
	wg.Wait()
	p.lock.Close()
	p.admin.Close()
}

// fingerprintSQL sums up a database's catalog: relations, columns,
// functions and the state of every trigger.
const fingerprintSQL = `SELECT concat_ws('/',
	(SELECT count(*) FROM pg_class), (SELECT max(oid::int8) FROM pg_class),
	(SELECT count(*) FROM pg_attribute WHERE NOT attisdropped), (SELECT count(*) FROM pg_proc),
	(SELECT string_agg(tgname::text || tgenabled::text, ',' ORDER BY oid) FROM pg_trigger))`

// look records what the new database d looks like: its catalog and which
// tables the migrations filled.
func (d *pooledDB) look() error {
	return d.session(func(ctx context.Context, c *sql.Conn) error {
		var fp string
		if err := c.QueryRowContext(ctx, fingerprintSQL).Scan(&fp); err != nil {
			return err
		}
		tables, err := filledTables(ctx, c)
		if err != nil {
			return err
		}
		d.kept = tables
		d.fingerprint, err = keptFingerprint(ctx, c, fp, tables)
		if err != nil {
			return err
		}
		var used int
		err = c.QueryRowContext(ctx, `SELECT count(last_value) FROM pg_sequences`).Scan(&used)
		d.reusable = used == 0
		return err
	})
}

// empty brings d back to how look found it: every row the last test wrote
// is deleted and every sequence it used restarted. It fails when the catalog
// or a table the migrations filled has changed.
//
// DELETE, not TRUNCATE: a test fills a few tables with a few rows, which
// DELETE removes in place, where TRUNCATE makes new files for every table
// and, because of the foreign keys, has to take nearly all of them. As a
// replica the session fires no triggers, so neither the foreign keys nor the
// triggers that guard records against deletion (agreement versions, the
// audit trail) stand in the way; that takes a superuser (poolFor checks).
func (d *pooledDB) empty() error {
	return d.session(func(ctx context.Context, c *sql.Conn) error {
		var fp string
		if err := c.QueryRowContext(ctx, fingerprintSQL).Scan(&fp); err != nil {
			return err
		}
		if fp, err := keptFingerprint(ctx, c, fp, d.kept); err != nil || fp != d.fingerprint {
			return fmt.Errorf("changed by the test (%v)", err)
		}
		kept := make([]string, len(d.kept))
		for i, t := range d.kept {
			kept[i] = "'" + strings.ReplaceAll(t, "'", "''") + "'"
		}
		_, err := c.ExecContext(ctx, `DO $$
DECLARE r record;
BEGIN
	SET LOCAL session_replication_role = replica;
	FOR r IN SELECT format('%I', tablename) AS t FROM pg_tables
		WHERE schemaname = 'public' AND format('%I', tablename) <> ALL (ARRAY[`+strings.Join(kept, ",")+`]::text[]) LOOP
		EXECUTE 'DELETE FROM ' || r.t;
	END LOOP;
	FOR r IN SELECT format('%I.%I', schemaname, sequencename) AS s FROM pg_sequences WHERE last_value IS NOT NULL LOOP
		EXECUTE 'ALTER SEQUENCE ' || r.s || ' RESTART';
	END LOOP;
END $$`)
		return err
	})
}

// session runs fn on one connection to d that gives up on locks a
// forgotten connection of the test still holds.
func (d *pooledDB) session(fn func(context.Context, *sql.Conn) error) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	db, err := sql.Open("pgx", d.url)
	if err != nil {
		return err
	}
	defer db.Close()
	c, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	if _, err := c.ExecContext(ctx, `SET lock_timeout = '2s'`); err != nil {
		return err
	}
	return fn(ctx, c)
}

// filledTables lists the tables of the public schema that hold rows, in
// one statement.
func filledTables(ctx context.Context, c *sql.Conn) ([]string, error) {
	rows, err := c.QueryContext(ctx, `SELECT format('%I', tablename) FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`)
	if err != nil {
		return nil, err
	}
	var tables []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			rows.Close()
			return nil, err
		}
		tables = append(tables, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(tables) == 0 {
		return nil, err
	}
	parts := make([]string, len(tables))
	for i, t := range tables {
		parts[i] = fmt.Sprintf(`SELECT '%s' WHERE EXISTS (SELECT 1 FROM %s)`, t, t)
	}
	rows, err = c.QueryContext(ctx, strings.Join(parts, " UNION ALL "))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var filled []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, err
		}
		filled = append(filled, t)
	}
	return filled, rows.Err()
}

// keptFingerprint adds the row counts of the tables the migrations filled
// to the catalog's fingerprint fp.
func keptFingerprint(ctx context.Context, c *sql.Conn, fp string, kept []string) (string, error) {
	for _, t := range kept {
		var n int64
		if err := c.QueryRowContext(ctx, `SELECT count(*) FROM `+t).Scan(&n); err != nil {
			return "", err
		}
		fp += fmt.Sprintf("/%s=%d", t, n)
	}
	return fp, nil
}
