package jobs

import (
	"context"
	"time"

	"mentorskap/internal/store"
)

// Stats counts the jobs table's rows for monitoring. Failing overlaps Due
// and Running: a job that failed waits for its next try like any other.
type Stats struct {
	Due     int // may run now and no instance holds it
	Running int // held by an instance whose lease has not run out
	Failing int // not done, the last try failed, tries remain
	GaveUp  int // failed too often; kept with its last error
}

// ReadStats reads the counts in one query, for a metrics scrape.
func ReadStats(ctx context.Context, q store.Q, now time.Time) (Stats, error) {
	var s Stats
	now = now.UTC()
	err := q.QueryRow(ctx, `SELECT
			COALESCE(SUM(CASE WHEN done_at IS NULL AND gave_up_at IS NULL AND run_at <= ?
				AND (locked_until IS NULL OR locked_until <= ?) THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN done_at IS NULL AND gave_up_at IS NULL AND locked_until > ? THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN done_at IS NULL AND gave_up_at IS NULL AND last_error <> '' THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN gave_up_at IS NOT NULL THEN 1 ELSE 0 END), 0)
		FROM jobs`, now, now, now).Scan(&s.Due, &s.Running, &s.Failing, &s.GaveUp)
	return s, err
}
