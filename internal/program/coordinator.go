package program

import (
	"context"

	"mentorskap/internal/account"
	"mentorskap/internal/errs"
	"mentorskap/internal/store"
)

// RemoveCoordinator takes a person off the list of those who run a
// program. Any coordinator of the program may do it, themselves included,
// but never the last one: a program nobody runs cannot be reached again
// except by an administrator. Removing someone who is not a coordinator is
// not found.
func (s *Service) RemoveCoordinator(ctx context.Context, actor *account.User, programID, userID int64) error {
	return s.DB.Tx(ctx, func(tx *store.Tx) error {
		if _, err := requireCoordinator(ctx, tx, actor, programID); err != nil {
			return err
		}
		var n, is int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN user_id = ? THEN 1 ELSE 0 END), 0)
			FROM program_coordinators WHERE program_id = ?`, userID, programID).Scan(&n, &is); err != nil {
			return err
		}
		if is == 0 {
			return errs.E(errs.NotFound, "error.not_found")
		}
		if n == 1 {
			return errs.E(errs.Conflict, "program.error.last_coordinator")
		}
		_, err := tx.Exec(ctx, `DELETE FROM program_coordinators WHERE program_id = ? AND user_id = ?`, programID, userID)
		return err
	})
}
