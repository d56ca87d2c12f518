package jobs

import (
	"context"
	"slices"

	"mentorskap/internal/errs"
	"mentorskap/internal/store"
)

// Enabled reports, for every reminder kind, whether the person gets it.
// Everything is on until they turn it off.
func Enabled(ctx context.Context, q store.Q, userID int64) (map[string]bool, error) {
	out := make(map[string]bool, len(Kinds))
	for _, k := range Kinds {
		out[k] = true
	}
	rows, err := q.Query(ctx, `SELECT kind FROM reminder_optouts WHERE user_id = ?`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return nil, err
		}
		if _, known := out[k]; known {
			out[k] = false
		}
	}
	return out, rows.Err()
}

// SetEnabled saves which kinds the person gets. Kinds left out of on keep
// their setting; an unknown kind is refused and nothing changes.
func SetEnabled(ctx context.Context, db *store.DB, userID int64, on map[string]bool) error {
	for k := range on {
		if !slices.Contains(Kinds, k) {
			return errs.E(errs.Invalid, "reminder.error.unknown_kind", "kind", k)
		}
	}
	return db.Tx(ctx, func(tx *store.Tx) error {
		for _, k := range Kinds {
			v, given := on[k]
			if !given {
				continue
			}
			if _, err := tx.Exec(ctx, `DELETE FROM reminder_optouts WHERE user_id = ? AND kind = ?`, userID, k); err != nil {
				return err
			}
			if !v {
				if _, err := tx.Exec(ctx, `INSERT INTO reminder_optouts (user_id, kind) VALUES (?, ?)`, userID, k); err != nil {
					return err
				}
			}
		}
		return nil
	})
}
