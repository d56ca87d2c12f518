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
// round trip. database/sql's Tx sends each of these on its own, and every
// round trip wakes serve and the server once more (bench/README.md,
// "Ninth round").
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

// send sends, in one round trip, what the transaction has pending (BEGIN
// if not sent yet, then the writes queued with Later) and the statements
// queue adds, and reads past the pending ones' results, so that the
// caller reads its own first.
func (p *pgTx) send(ctx context.Context, queue func(b *pgx.Batch)) (pgx.BatchResults, error) {
	b := &pgx.Batch{}
	if !p.begun {
		b.Queue("BEGIN")
		p.begun = true
	}
	for _, w := range p.queued {
		b.Queue(w.query, w.args...)
	}
	p.queued = nil
	n := b.Len()
	queue(b)
	br := p.conn.SendBatch(ctx, b)
	for range n {
		if _, err := br.Exec(); err != nil {
			return nil, closing(br, err)
		}
	}
	return br, nil
}

func (p *pgTx) exec(ctx context.Context, query string, args []any) (sql.Result, error) {
	if len(args) == 0 {
		tag, err := p.script(ctx, query)
		return pgResult(tag), err
	}
	br, err := p.send(ctx, func(b *pgx.Batch) { b.Queue(query, args...) })
	if err != nil {
		return nil, err
	}
	tag, err := br.Exec()
	return pgResult(tag), closing(br, err)
}

func (p *pgTx) query(ctx context.Context, query string, args []any) (Cursor, error) {
	br, err := p.send(ctx, func(b *pgx.Batch) { b.Queue(query, args...) })
	if err != nil {
		return nil, err
	}
	rows, err := br.Query()
	if err != nil {
		return nil, closing(br, err)
	}
	return &pgRows{Rows: rows, batch: br}, nil
}

// script runs body, which takes no arguments, as it is: pgx sends it in
// the simple protocol, which takes several statements in one text (a
// migration's, say), but a batch would not, so what is pending goes first
// on its own.
func (p *pgTx) script(ctx context.Context, body string) (pgconn.CommandTag, error) {
	if !p.begun || len(p.queued) > 0 {
		br, err := p.send(ctx, func(*pgx.Batch) {})
		if err == nil {
			err = br.Close()
		}
		if err != nil {
			return pgconn.CommandTag{}, err
		}
	}
	return p.conn.Exec(ctx, body)
}

// reads sends list, after what is pending, in one round trip.
func (p *pgTx) reads(ctx context.Context, list []read) error {
	br, err := p.send(ctx, func(b *pgx.Batch) { queueReads(b, list) })
	if err != nil {
		return err
	}
	return scanReads(br, list)
}

// commit sends COMMIT with the queued writes; a transaction that sent
// nothing has nothing to end.
func (p *pgTx) commit(ctx context.Context) error {
	if !p.begun && len(p.queued) == 0 {
		return nil
	}
	countTrip(ctx)
	br, err := p.send(ctx, func(b *pgx.Batch) { b.Queue("COMMIT") })
	if err != nil {
		return err
	}
	tag, err := br.Exec()
	// A transaction an earlier error aborted answers COMMIT with ROLLBACK,
	// and no error: what was written is gone.
	if err == nil && tag.String() == "ROLLBACK" {
		err = pgx.ErrTxCommitRollback
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
// they came in with them.
type pgRows struct {
	pgx.Rows
	batch  pgx.BatchResults
	closed bool
	err    error // what closing them said
}

func (r *pgRows) Close() error {
	if !r.closed {
		r.closed = true
		r.Rows.Close()
		r.err = closing(r.batch, r.Rows.Err())
	}
	return r.err
}

// Next closes the rows after the last, as pgx's own rows do, so that the
// transaction's next statement can go out before the caller's deferred
// Close.
func (r *pgRows) Next() bool {
	if r.closed {
		return false
	}
	if r.Rows.Next() {
		return true
	}
	r.Close()
	return false
}

func (r *pgRows) Err() error {
	if r.closed {
		return r.err
	}
	return r.Rows.Err()
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
