package store

import (
	"context"
	"database/sql"
	"sync"
	"sync/atomic"
)

// maxCachedStatements bounds the prepared statements kept per pool. The
// program's queries are fixed strings, a few hundred of them, and pages use
// far fewer; a query built with a varying number of placeholders would
// otherwise fill the cache one length at a time. Each cached statement is
// a compiled SQLite program of a few kilobytes per connection it ran on.
const maxCachedStatements = 600

// stmtCache keeps one prepared statement per query text on a SQLite pool.
// modernc.org/sqlite compiles every query afresh when handed a string:
// parsing and planning were a third of the CPU time of a page (see
// bench/README.md). A *sql.Stmt is prepared once per connection of the
// pool and then only reset and rebound, and a transaction borrows it with
// Tx.StmtContext. PostgreSQL needs none of this: pgx caches prepared
// statements per connection by itself.
type stmtCache struct {
	pool      *sql.DB
	m         sync.Map // query text → *sql.Stmt
	n         atomic.Int64
	preparing sync.Map // query text → struct{}: being prepared now
}

// get returns the prepared statement for query, preparing it on first use,
// or nil when the cache is full, the query does not prepare (the caller
// then sends the text as before, which reports the same error) or it is
// being prepared by another caller just now.
//
// Preparing waits for a connection of the pool. Under load every one is
// taken and the wait is long, so different queries are prepared side by
// side: one at a time, a busy server took over ten seconds to prepare the
// forty statements of its pages, and ran them as text meanwhile, each
// parsed and planned anew.
func (c *stmtCache) get(ctx context.Context, query string) *sql.Stmt {
	if c == nil {
		return nil
	}
	if st, ok := c.m.Load(query); ok {
		return st.(*sql.Stmt)
	}
	if c.n.Load() >= maxCachedStatements {
		return nil
	}
	if _, busy := c.preparing.LoadOrStore(query, struct{}{}); busy {
		return nil
	}
	defer c.preparing.Delete(query)
	if st, ok := c.m.Load(query); ok {
		return st.(*sql.Stmt)
	}
	// Prepared apart from the request: the statement outlives it.
	st, err := c.pool.PrepareContext(context.WithoutCancel(ctx), query)
	if err != nil {
		return nil
	}
	c.m.Store(query, st)
	c.n.Add(1)
	return st
}

// load returns the statement for query if it is already prepared. A
// transaction holds the writer's only connection, so preparing on the
// writer's pool from inside one would wait for itself: a transaction uses
// what is prepared and leaves the rest for after (see Tx.unprepared).
func (c *stmtCache) load(query string) *sql.Stmt {
	if c == nil {
		return nil
	}
	if st, ok := c.m.Load(query); ok {
		return st.(*sql.Stmt)
	}
	return nil
}

// close releases every cached statement.
func (c *stmtCache) close() {
	if c == nil {
		return
	}
	c.m.Range(func(_, v any) bool {
		v.(*sql.Stmt).Close()
		return true
	})
}
