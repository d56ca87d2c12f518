package account

import (
	"context"
	"strings"

	"mentorskap/internal/store"
)

// Timezones reads the time zones the people ids chose, by id, so that an
// email to each names times in the reader's own zone.
func Timezones(ctx context.Context, q store.Q, ids []int64) (map[int64]string, error) {
	out := map[int64]string{}
	var r store.Reads
	ReadTimezones(&r, ids, out)
	return out, r.Run(ctx, q)
}

// ReadTimezones queues the read of Timezones, which fills in out.
func ReadTimezones(r *store.Reads, ids []int64, out map[int64]string) {
	if len(ids) == 0 {
		return
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	r.Add(func(rows store.Rows) error {
		for rows.Next() {
			var id int64
			var tz string
			if err := rows.Scan(&id, &tz); err != nil {
				return err
			}
			out[id] = tz
		}
		return nil
	}, `SELECT id, timezone FROM users WHERE id IN (?`+strings.Repeat(", ?", len(ids)-1)+`)`, args...)
}
