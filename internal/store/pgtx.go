package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
)

// pgTx is a write transaction on PostgreSQL, run on pgx's own connection
// so that statements can travel together: BEGIN goes with the
// transaction's first statement, writes queued with Tx.Later go with the
// next statement or the COMMIT, and a Reads inside the transaction is one
// round trip. database/sql's Tx sends each of these on its own, and on
// PostgreSQL the round trip, more than the statement, is what a write
// costs (bench/README.md, "Ninth round").
type pgTx struct {
	conn   *pgx.Conn
	begun  bool
	queued []read
}

// runPostgres runs fn in a transaction on one of the writer pool's
// connections, committing when fn returns nil.
func (db *DB) runPostgres(ctx context.Context, fn func(tx *Tx) error) error {
	conn, err := db.w.Conn(ctx)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer conn.Close()
	var ferr error
	err = conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("store: transaction on a %T connection", dc)
		}
		p := &pgTx{conn: c.Conn()}
		// A panic in fn leaves the connection to database/sql, which
		// closes it (Conn.Raw), and the server rolls back.
		if ferr = fn(&Tx{db: db, pg: p}); ferr != nil {
			p.rollback(ctx) // a connection it fails on is not reused, below
		} else {
			ferr = p.commit(ctx)
		}
		if p.conn.IsClosed() || p.conn.PgConn().TxStatus() != 'I' {
			return driver.ErrBadConn // not back in the pool half-way through
		}
		return nil
	})
	if ferr != nil {
		return ferr
	}
	return err
}

// pending starts the batch the next statement goes in: BEGIN if not sent
// yet, then the queued writes. It returns nil when there is nothing to
// send first, and how many results to skip before the statement's own.
func (p *pgTx) pending() (*pgx.Batch, int) {
	if p.begun && len(p.queued) == 0 {
		return nil, 0
	}
	b := &pgx.Batch{}
	if !p.begun {
		b.Queue("BEGIN")
		p.begun = true
	}
	for _, w := range p.queued {
		b.Queue(w.query, w.args...)
	}
	p.queued = nil
	return b, b.Len()
}

// skip reads past the results of the first n statements of a batch,
// stopping at the first that failed.
func skip(br pgx.BatchResults, n int) error {
	for range n {
		if _, err := br.Exec(); err != nil {
			return err
		}
	}
	return nil
}

func (p *pgTx) exec(ctx context.Context, query string, args []any) (sql.Result, error) {
	b, n := p.pending()
	if b == nil {
		tag, err := p.conn.Exec(ctx, query, args...)
		return pgResult(tag), err
	}
	b.Queue(query, args...)
	br := p.conn.SendBatch(ctx, b)
	err := skip(br, n)
	var tag pgconn.CommandTag
	if err == nil {
		tag, err = br.Exec()
	}
	return pgResult(tag), closing(br, err)
}

func (p *pgTx) query(ctx context.Context, query string, args []any) (Cursor, error) {
	b, n := p.pending()
	if b == nil {
		rows, err := p.conn.Query(ctx, query, args...)
		if err != nil {
			return nil, err
		}
		return &pgRows{Rows: rows}, nil
	}
	b.Queue(query, args...)
	br := p.conn.SendBatch(ctx, b)
	if err := skip(br, n); err != nil {
		return nil, closing(br, err)
	}
	rows, err := br.Query()
	if err != nil {
		return nil, closing(br, err)
	}
	return &pgRows{Rows: rows, batch: br}, nil
}

// script runs body as it is: with no arguments pgx sends it in the simple
// protocol, which takes several statements in one text, but a batch would
// not, so what is pending goes first on its own.
func (p *pgTx) script(ctx context.Context, body string) error {
	if b, n := p.pending(); b != nil {
		br := p.conn.SendBatch(ctx, b)
		if err := closing(br, skip(br, n)); err != nil {
			return err
		}
	}
	_, err := p.conn.Exec(ctx, body)
	return err
}

// reads sends list, after what is pending, in one round trip.
func (p *pgTx) reads(ctx context.Context, list []read) error {
	b, n := p.pending()
	if b == nil {
		b = &pgx.Batch{}
	}
	return sendReads(ctx, p.conn, b, n, list)
}

// commit sends COMMIT with the queued writes; a transaction that sent
// nothing has nothing to end.
func (p *pgTx) commit(ctx context.Context) error {
	b, n := p.pending()
	switch {
	case b == nil:
		b = &pgx.Batch{}
	case n == 1 && b.QueuedQueries[0].SQL == "BEGIN":
		p.begun = false
		return nil
	}
	b.Queue("COMMIT")
	countTrip(ctx)
	br := p.conn.SendBatch(ctx, b)
	err := skip(br, n)
	if err == nil {
		var tag pgconn.CommandTag
		tag, err = br.Exec()
		// A transaction an earlier error aborted answers COMMIT with
		// ROLLBACK, and no error: what was written is gone.
		if err == nil && tag.String() == "ROLLBACK" {
			err = pgx.ErrTxCommitRollback
		}
	}
	return closing(br, err)
}

// rollback ends a transaction that has begun; queued writes are dropped.
func (p *pgTx) rollback(ctx context.Context) {
	p.queued = nil
	if p.begun && !p.conn.IsClosed() {
		_, _ = p.conn.Exec(ctx, "ROLLBACK")
	}
}

// closing closes a batch's results, keeping err, the first error, if any.
func closing(br pgx.BatchResults, err error) error {
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	return err
}

// pgResult is what Exec says of a statement pgx ran.
type pgResult pgconn.CommandTag

func (r pgResult) RowsAffected() (int64, error) { return pgconn.CommandTag(r).RowsAffected(), nil }

func (r pgResult) LastInsertId() (int64, error) {
	return 0, errors.New("store: no LastInsertId on PostgreSQL; use RETURNING")
}

// pgRows gives pgx's rows the shape of database/sql's, closing the batch
// they came in, if any, with them.
type pgRows struct {
	pgx.Rows
	batch  pgx.BatchResults
	closed bool
}

func (r *pgRows) Close() error {
	if r.closed {
		return nil
	}
	r.closed = true
	r.Rows.Close()
	err := r.Rows.Err()
	if r.batch != nil {
		err = closing(r.batch, err)
	}
	return err
}

func (r *pgRows) Next() bool {
	if r.closed {
		return false
	}
	return r.Rows.Next()
}

func (r *pgRows) Columns() ([]string, error) {
	fields := r.FieldDescriptions()
	out := make([]string, len(fields))
	for i, f := range fields {
		out[i] = f.Name
	}
	return out, nil
}

// pgRow is QueryRow's answer in a transaction on PostgreSQL: the first row
// of a query, or sql.ErrNoRows, as database/sql's Row.
type pgRow struct {
	rows Cursor
	err  error
}

func (r pgRow) Scan(dest ...any) error {
	if r.err != nil {
		return r.err
	}
	defer r.rows.Close()
	if !r.rows.Next() {
		if err := r.rows.Close(); err != nil {
			return err
		}
		return sql.ErrNoRows
	}
	if err := r.rows.Scan(dest...); err != nil {
		return err
	}
	return r.rows.Close()
}

func (r pgRow) Err() error { return r.err }
