package store

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
)

// Counter counts the statements sent on behalf of one context: every
// Exec, Query and QueryRow through a DB or a Tx, and how often the single
// writer was taken (an Exec outside a transaction or a Tx). Tests use it to
// keep the queries behind a page from growing and to show that a read
// request never waits for the writer; it costs one context lookup per
// statement when nobody counts.
type Counter struct {
	statements atomic.Int64
	trips      atomic.Int64
	writer     atomic.Int64
	mu         sync.Mutex
	texts      []string
}

type counterKey struct{}

// WithCounter returns a context whose statements c counts.
func WithCounter(ctx context.Context) (context.Context, *Counter) {
	c := &Counter{}
	return context.WithValue(ctx, counterKey{}, c), c
}

// Statements is how many statements were sent.
func (c *Counter) Statements() int { return int(c.statements.Load()) }

// RoundTrips is how many times the database was asked: a statement
// each, except that reads sent together (Reads on PostgreSQL) are one.
func (c *Counter) RoundTrips() int { return int(c.trips.Load()) }

// Writer is how many times the writer connection was taken.
func (c *Counter) Writer() int { return int(c.writer.Load()) }

// Texts lists the statements sent, in order, with their white space
// collapsed: what a test shows when a page needs more than it should.
// The collapsing is done here rather than per statement, so that counting
// adds little to what a benchmark that counts measures.
func (c *Counter) Texts() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]string, len(c.texts))
	for i, q := range c.texts {
		out[i] = strings.Join(strings.Fields(q), " ")
	}
	return out
}

// count notes one statement, and whether it took the writer.
func count(ctx context.Context, query string, writer bool) {
	if c, ok := ctx.Value(counterKey{}).(*Counter); ok {
		c.trips.Add(1)
		c.note(query)
		if writer {
			c.writer.Add(1)
		}
	}
}

// countTogether notes reads sent in one round trip.
func countTogether(ctx context.Context, list []read) {
	if c, ok := ctx.Value(counterKey{}).(*Counter); ok {
		c.trips.Add(1)
		for _, rd := range list {
			c.note(rd.query)
		}
	}
}

func (c *Counter) note(query string) {
	c.statements.Add(1)
	c.mu.Lock()
	c.texts = append(c.texts, query)
	c.mu.Unlock()
}

// noteLater notes a statement that goes with the next round trip.
func noteLater(ctx context.Context, query string) {
	if c, ok := ctx.Value(counterKey{}).(*Counter); ok {
		c.note(query)
	}
}

// countTrip notes a round trip that carries no statement of its own: a
// COMMIT, with what was queued for it.
func countTrip(ctx context.Context) {
	if c, ok := ctx.Value(counterKey{}).(*Counter); ok {
		c.trips.Add(1)
	}
}
