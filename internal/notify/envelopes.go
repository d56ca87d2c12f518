package notify

import (
	"context"

	"mentorskap/internal/store"
)

// EmailsBefore lists up to limit envelopes with an id below before (0: from
// the newest), newest first. Ids only grow, so paging by id is stable while
// new emails arrive, which an offset is not. Callers check that the reader
// is an administrator.
func EmailsBefore(ctx context.Context, q store.Q, before int64, limit int) ([]Email, error) {
	where, args := ``, []any{limit}
	if before > 0 {
		where, args = `WHERE id < ? `, []any{before, limit}
	}
	rows, err := q.Query(ctx, `SELECT `+emailCols+` FROM outbox `+where+`ORDER BY id DESC LIMIT ?`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Email
	for rows.Next() {
		e, err := scanEmail(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *e)
	}
	return out, rows.Err()
}
