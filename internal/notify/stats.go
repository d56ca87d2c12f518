package notify

import (
	"context"
	"mentorskap/internal/store"
)

// QueueStats counts the outbox's rows for monitoring.
type QueueStats struct {
	Waiting int // not sent yet: the queue's depth, failing ones included
	Failing int // not sent, and the last try failed; will be tried again
	Sent    int // delivered and still kept in the table
}

// Stats reads the outbox's counts in one query, for a metrics scrape.
func Stats(ctx context.Context, q store.Q) (QueueStats, error) {
	var s QueueStats
	err := q.QueryRow(ctx, `SELECT
			COALESCE(SUM(CASE WHEN sent_at IS NULL THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN sent_at IS NULL AND last_error <> '' THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN sent_at IS NOT NULL THEN 1 ELSE 0 END), 0)
		FROM outbox`).Scan(&s.Waiting, &s.Failing, &s.Sent)
	return s, err
}
