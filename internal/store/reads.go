package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// Rows is what a read of Reads scans: the part of a result set that
// *sql.Rows and pgx's rows both have.
type Rows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
}

// Reads collects reads that do not depend on one another, so that a page
// can send them together once it knows who is asking.
//
// On PostgreSQL every statement is a round trip, and the round trip, not
// the statement, is most of what it costs there: the server wakes, reads,
// answers and sleeps again for each, and so does serve. Eight primary-key
// reads sent together run over three times as fast as the same eight one
// after another (bench/README.md, "Seventh round"). Run sends them as one
// pgx batch, which PostgreSQL also runs in one implicit transaction, so
// they see one state of the database; inside a Tx the batch also carries
// what the transaction has pending (see pgTx). On SQLite Run reads them
// one after another as Query would: there a statement is a function
// call, and a page's reads already share one read transaction (see
// snapshot).
type Reads struct {
	list []read
}

type read struct {
	query string
	args  []any
	scan  func(Rows) error
}

// Add queues a read; scan is called with its rows when Run gets to it.
func (r *Reads) Add(scan func(Rows) error, query string, args ...any) {
	r.list = append(r.list, read{query: query, args: args, scan: scan})
}

// Run sends the queued reads through q and calls their scans in the order
// they were added, stopping at the first error. It empties r.
func (r *Reads) Run(ctx context.Context, q Q) error {
	list := r.list
	r.list = nil
	if db, ok := q.(*DB); ok && db.dialect == Postgres && len(list) > 1 {
		return db.batch(ctx, list)
	}
	if tx, ok := q.(*Tx); ok && tx.pg != nil {
		return tx.pg.reads(ctx, tx.db.together(ctx, list))
	}
	for _, rd := range list {
		rows, err := q.Query(ctx, rd.query, rd.args...)
		if err != nil {
			return err
		}
		err = scanAll(rows, rd.scan)
		if err != nil {
			return err
		}
	}
	return nil
}

// ReadAlone runs one read on its own, for a caller with nothing to send
// with it: queue adds the read to r with where it fills in, and ReadAlone
// returns that once it has run. It is how a package's plain read and its
// form for Reads share one statement and one scan.
func ReadAlone[T any](ctx context.Context, q Q, queue func(r *Reads, out *T)) (T, error) {
	var out T
	var r Reads
	queue(&r, &out)
	// Not "return out, r.Run(…)": Go leaves open whether out is read
	// before or after Run fills it.
	err := r.Run(ctx, q)
	return out, err
}

func scanAll(rows Cursor, scan func(Rows) error) error {
	defer rows.Close()
	if err := scan(rows); err != nil {
		return err
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return rows.Close()
}

// batch sends list in one round trip on one of the pool's connections.
func (db *DB) batch(ctx context.Context, list []read) error {
	list = db.together(ctx, list)
	conn, err := db.r.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("store: batch on a %T connection", dc)
		}
		var b pgx.Batch
		queueReads(&b, list)
		return scanReads(c.Conn().SendBatch(ctx, &b), list)
	})
}

// together counts list as one round trip and binds its queries for
// PostgreSQL, to be sent in one batch.
func (db *DB) together(ctx context.Context, list []read) []read {
	countTogether(ctx, list)
	for i := range list {
		list[i].query = db.bind(list[i].query)
	}
	return list
}

func queueReads(b *pgx.Batch, list []read) {
	for _, rd := range list {
		b.Queue(rd.query, rd.args...)
	}
}

// scanReads calls each read's scan with its results in br, in order, and
// closes br.
func scanReads(br pgx.BatchResults, list []read) error {
	for _, rd := range list {
		rows, err := br.Query()
		if err == nil {
			err = rd.scan(rows)
			rows.Close()
			if err == nil {
				err = rows.Err()
			}
		}
		if err != nil {
			return closing(br, err)
		}
	}
	return br.Close()
}
