package program

import (
	"context"

	"mentorskap/internal/store"
)

// SharesProgram reports whether viewer may see person's photo and profile
// card: they are the same person, or both are in one program, as its
// coordinators or approved participants. A coordinator also sees the
// people who have applied to their program; an applicant sees no one
// until approved. The question is asked on every request for a photo, so
// that leaving a program takes the photo out of view at once.
func SharesProgram(ctx context.Context, q store.Q, viewer, person int64) (bool, error) {
	if viewer == person {
		return true, nil
	}
	var n int
	err := q.QueryRow(ctx, `SELECT COUNT(*) FROM (
		SELECT program_id FROM program_coordinators WHERE user_id = ?
		UNION SELECT program_id FROM participants WHERE user_id = ? AND status = 'approved') v
		WHERE v.program_id IN (
			SELECT program_id FROM program_coordinators WHERE user_id = ?
			UNION SELECT program_id FROM participants WHERE user_id = ? AND status = 'approved')
		OR v.program_id IN (SELECT c.program_id FROM program_coordinators c WHERE c.user_id = ?
			AND EXISTS (SELECT 1 FROM participants p WHERE p.program_id = c.program_id AND p.user_id = ?))`,
		viewer, viewer, person, person, viewer, person).Scan(&n)
	return n > 0, err
}
