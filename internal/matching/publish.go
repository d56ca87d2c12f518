package matching

import (
	"context"

	"mentorskap/internal/account"
	"mentorskap/internal/errs"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
)

// Publish turns the program's draft into pairs in one transaction: every
// row becomes a pair, both sides are emailed in their own language, and
// the draft becomes the published record. If anything has gone stale
// since the draft was made (a mentee paired by hand meanwhile, a mentor
// with fewer places, a pair the rules now forbid) it refuses with the
// first problem and changes nothing. version, when not 0, must be the
// draft's current version: the coordinator publishes what they reviewed,
// not what a colleague changed since.
func (s *Service) Publish(ctx context.Context, actor *account.User, programID int64, version int) ([]int64, error) {
	now := s.Clock.Now().UTC()
	var ids []int64
	err := s.DB.Tx(ctx, func(tx *store.Tx) error {
		prog, err := program.RequireCoordinatorTx(ctx, tx, actor, programID)
		if err != nil {
			return err
		}
		d, err := draftForEdit(ctx, tx, programID)
		if err != nil {
			return err
		}
		if version != 0 && version != d.Version {
			return errs.E(errs.Conflict, "matching.error.changed")
		}
		if len(d.Rows) == 0 {
			return errs.E(errs.Invalid, "matching.error.empty")
		}
		c, err := loadCohort(ctx, tx, prog)
		if err != nil {
			return err
		}
		load := d.load()
		for _, r := range d.Rows {
			if m := c.rowProblem(r, load); m != nil {
				return errs.E(errs.Conflict, m.Key, m.Args...)
			}
		}
		for _, r := range d.Rows {
			id, err := program.CreatePairTx(ctx, tx, s.Outbox, actor, prog, []int64{r.MentorID}, []int64{r.MenteeID}, now)
			if e, ok := errs.As(err); ok && e.Kind == errs.Invalid {
				// The checks above should have caught it; whatever
				// slipped through is still the state moving under us.
				return &errs.Error{Kind: errs.Conflict, Key: e.Key, Args: e.Args, Err: err}
			}
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `UPDATE match_proposal_rows SET pair_id = ? WHERE proposal_id = ? AND mentee_id = ?`,
				id, d.ID, r.MenteeID); err != nil {
				return err
			}
			ids = append(ids, id)
		}
		_, err = tx.Exec(ctx, `UPDATE match_proposals SET status = 'published', version = version + 1,
			published_by = ?, published_at = ?, updated_at = ? WHERE id = ?`, actor.ID, now, now, d.ID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return ids, nil
}
