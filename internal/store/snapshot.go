package store

import (
	"context"
	"database/sql"
	"sync"
)

// A page view on SQLite reads in one transaction.
//
// Outside a transaction SQLite opens and closes a read transaction for
// every statement, and in WAL mode a connection that finds the database
// changed since its last one throws its whole page cache away and reads
// the pages again. Under load some other request has always written in
// between, so each of a page's ten or so statements paid for a fresh
// transaction and for reading its pages from the file again: about a fifth
// of serve's CPU time (bench/README.md). A snapshot lets a page's reads
// share one read transaction on one reader connection: the first statement
// pays, the rest find the pages in the cache, and the page sees one
// consistent state of the database.
//
// The transaction is begun at the first read and ended by End (before the
// page is rendered, so that the connection is not held while templates
// run), by a write through the DB (so that later reads, in a transaction
// of their own, see it), or at the latest when the request is over. A
// request never holds two reader connections: with every reader held by
// requests waiting for a second, none would come back. So a write ends
// the transaction even under rows still being read, which then stop with
// an error (rows.Err), never silently short: read, then write.
//
// PostgreSQL needs none of this and gets none: every statement there is a
// round trip of its own, and pgx's statements are cached per connection.
type snapshot struct {
	db *DB
	// ctx is the request's context without its cancellation, for the
	// statements: a page's reads take milliseconds, and a context that
	// can be cancelled costs each statement a goroutine of the driver's,
	// watching it to interrupt SQLite.
	ctx context.Context
	mu  sync.Mutex
	tx  *sql.Tx // the open read transaction; nil before the first read and after End
	// unprepared lists the queries sent as text because they were not
	// prepared yet: preparing takes another reader connection. They are
	// prepared once the snapshot has given its connection back.
	unprepared []string
}

type snapshotKey struct{}

// WithSnapshot returns a context whose reads through db share one read
// transaction, begun at the first read, and the function that ends it.
// Call the function when the request is over; End ends it earlier. On
// PostgreSQL it returns ctx unchanged.
func (db *DB) WithSnapshot(ctx context.Context) (context.Context, func()) {
	if db.dialect != SQLite {
		return ctx, func() {}
	}
	s := &snapshot{db: db, ctx: context.WithoutCancel(ctx)}
	return context.WithValue(ctx, snapshotKey{}, s), s.end
}

// End ends ctx's snapshot, if it has one: reads after it run as single
// statements again (or begin a new snapshot, see reader).
func End(ctx context.Context) {
	if s, ok := ctx.Value(snapshotKey{}).(*snapshot); ok {
		s.end()
	}
}

func (s *snapshot) end() {
	s.mu.Lock()
	tx, unprepared := s.tx, s.unprepared
	s.tx, s.unprepared = nil, nil
	s.mu.Unlock()
	if tx == nil {
		return
	}
	// Apart from the request: the statements are prepared on connections
	// of their own once this one is back, side by side (see stmtCache.get).
	go func() {
		_ = tx.Rollback()
		for _, q := range unprepared {
			go s.db.rstmts.get(context.Background(), q)
		}
	}()
}

// reader returns the read transaction of ctx's snapshot for db, begun if
// need be, with the prepared statement for query if there is one yet and
// the context to run it with; tx is nil when ctx has no snapshot (then the
// statement runs on its own).
func (db *DB) reader(ctx context.Context, query string) (tx *sql.Tx, st *sql.Stmt, sctx context.Context) {
	s, ok := ctx.Value(snapshotKey{}).(*snapshot)
	if !ok || s.db != db {
		return nil, nil, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if st = db.rstmts.load(query); st == nil {
		s.unprepared = append(s.unprepared, query)
	}
	if s.tx == nil {
		// Not the request's cancellation: a client that hangs up must not
		// roll the transaction back under a statement, and a context that
		// cannot be cancelled spares database/sql a goroutine.
		tx, err := db.r.BeginTx(s.ctx, &sql.TxOptions{ReadOnly: true})
		if err != nil {
			return nil, nil, nil
		}
		s.tx = tx
	}
	return s.tx, st, s.ctx
}
